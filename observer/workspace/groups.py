"""Groups, their members and sessions: creating and listing them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from observer.domain.errors import InputError, NotFound
from observer.domain.participants import MEMBER_COLOURS, Participant
from observer.storage.coding_info import session_participants
from observer.storage.models import MEMBER_ROLES, SETTINGS, Group, GroupSession, MediaFile, Member
from observer.storage.store import Store

__all__ = ["MemberSpec", "Participant", "session_participants"]


@dataclass(frozen=True)
class MemberSpec:
    """A member to add: a pseudonym or initials, never a required real name."""

    pseudonym: str
    role: str = "member"
    initials: str = ""
    colour: str = ""
    seat: int | None = None
    joined: date | None = None


def _initials(pseudonym: str) -> str:
    words = [w for w in pseudonym.replace("-", " ").split() if w]
    if len(words) > 1:
        return "".join(w[0] for w in words).upper()[:3]
    return pseudonym[:2].upper()


def _member(spec: MemberSpec, seat: int) -> Member:
    pseudonym = spec.pseudonym.strip()
    if not pseudonym:
        raise InputError("A member needs a pseudonym or initials.")
    if spec.role not in MEMBER_ROLES:
        raise InputError(f"Unknown role {spec.role!r}; use one of: {', '.join(MEMBER_ROLES)}")
    return Member(
        pseudonym=pseudonym,
        initials=spec.initials or _initials(pseudonym),
        role=spec.role,
        colour=spec.colour or MEMBER_COLOURS[seat % len(MEMBER_COLOURS)],
        seat=seat if spec.seat is None else spec.seat,
        joined=spec.joined,
    )


def add_group(
    store: Store,
    name: str,
    modality: str = "",
    notes: str = "",
    members: Sequence[MemberSpec] = (),
) -> int:
    """Create a group with its members seated in the order given; returns its id."""
    if not name.strip():
        raise InputError("A group needs a name.")
    with store.session() as s:
        group = Group(name=name.strip(), modality=modality, notes=notes)
        group.members = [_member(spec, seat) for seat, spec in enumerate(members)]
        s.add(group)
        s.flush()
        return group.id


def add_member(store: Store, group_id: int, spec: MemberSpec) -> int:
    with store.session() as s:
        group = s.get(Group, group_id)
        if group is None:
            raise NotFound(f"No group {group_id}.")
        seat = max((m.seat for m in group.members), default=-1) + 1
        member = _member(spec, seat)
        group.members.append(member)
        s.flush()
        return member.id


def list_groups(store: Store) -> list[Group]:
    with store.reader() as s:
        rows = s.scalars(
            select(Group)
            .options(selectinload(Group.members), selectinload(Group.sessions))
            .order_by(Group.name)
        )
        return list(rows)


def get_group(store: Store, group_id: int) -> Group:
    with store.reader() as s:
        group = s.get(Group, group_id, options=[selectinload(Group.members)])
        if group is None:
            raise NotFound(f"No group {group_id}.")
        return group


def add_session(
    store: Store,
    group_id: int,
    number: int | None = None,
    starts_at: datetime | None = None,
    setting: str = "in person",
    present: Sequence[int] | None = None,
    notes: str = "",
) -> int:
    """Create a session; ``present`` lists member ids (default: everyone still in the group)."""
    if setting not in SETTINGS:
        raise InputError(f"Unknown setting {setting!r}; use one of: {', '.join(SETTINGS)}")
    with store.session() as s:
        group = s.get(Group, group_id)
        if group is None:
            raise NotFound(f"No group {group_id}.")
        if number is None:
            last = s.scalar(
                select(func.max(GroupSession.number)).where(GroupSession.group_id == group_id)
            )
            number = (last or 0) + 1
        by_id = {m.id: m for m in group.members}
        session = GroupSession(
            group_id=group.id, number=number, starts_at=starts_at, setting=setting, notes=notes
        )
        if present is None:
            session.present = [m for m in group.members if m.left is None]
        else:
            missing = [i for i in present if i not in by_id]
            if missing:
                raise InputError(f"Members {missing} are not in group {group.name!r}.")
            session.present = [by_id[i] for i in present]
        s.add(session)
        s.flush()
        return session.id


def list_sessions(store: Store, group_id: int | None = None) -> list[GroupSession]:
    with store.reader() as s:
        query = select(GroupSession).options(
            selectinload(GroupSession.group),
            selectinload(GroupSession.present),
            selectinload(GroupSession.codings),
            selectinload(GroupSession.media),
        )
        if group_id is not None:
            query = query.where(GroupSession.group_id == group_id)
        return list(s.scalars(query.order_by(GroupSession.group_id, GroupSession.number)))


def attach_media(
    store: Store, session_id: int, path: str, offset_ms: int = 0, label: str = ""
) -> int:
    """Link a recording to a session; ``offset_ms`` is the session time at media time zero."""
    with store.session() as s:
        if s.get(GroupSession, session_id) is None:
            raise NotFound(f"No session {session_id}.")
        media = MediaFile(session_id=session_id, path=path, offset_ms=offset_ms, label=label)
        s.add(media)
        s.flush()
        return media.id
