"""Groups, their members, sessions and recordings: the one place that creates them.

The dialogs, the command line and every import (JSON, BORIS) create groups, members,
sessions and media through the functions here, so the rules hold however they come in:
every name is one line of visible characters; pseudonyms and initials are unique within
a group (any case) and never ``group`` or ``leaders``, which name the group as a whole and
the leaders together; seats and session numbers are not negative; nobody leaves before
joining. ``create_*`` work inside the caller's transaction (an import writes all or
nothing); ``add_*`` are one user action each.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from observer.domain import limits
from observer.domain.errors import InputError, NotFound, Refused
from observer.domain.participants import (
    GROUP,
    LEADERS,
    MEMBER_COLOURS,
    Participant,
    Roster,
    member_key,
)
from observer.storage.coding_info import session_participants
from observer.storage.models import MEMBER_ROLES, SETTINGS, Group, GroupSession, MediaFile, Member
from observer.storage.store import Store

__all__ = ["MemberSpec", "Participant", "session_participants"]

# Names that mean someone else in every coding (see observer.domain.participants).
RESERVED = {GROUP: "the group as a whole", LEADERS: "the leaders together"}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_OWN_NAMES = "each member needs a pseudonym and initials of their own"


@dataclass(frozen=True)
class MemberSpec:
    """A member to add: a pseudonym or initials, never a required real name."""

    pseudonym: str
    role: str = "member"
    initials: str = ""
    colour: str = ""
    seat: int | None = None
    joined: date | None = None
    left: date | None = None


# --- the rules for members -------------------------------------------------------------------


def checked_members(
    specs: Sequence[MemberSpec],
    existing: Sequence[Member] = (),
    places: Sequence[str] | None = None,
) -> list[MemberSpec]:
    """The members as they will be stored, or Refused placed at the member that breaks a rule.

    Names are trimmed; initials left out are made from the pseudonym, unique in the group
    (``Anna`` and ``Andy``: ``AN`` and ``AND``). ``existing``: the group's members so far.
    """
    places = places or [f"member {i + 1}" for i in range(len(specs))]
    taken: dict[str, str] = {}  # a name in any case -> whose it is
    for m in existing:
        for text in (m.pseudonym, m.initials):
            if text:
                taken.setdefault(text.casefold(), m.pseudonym)
    out = []
    for spec, place in zip(specs, places, strict=True):
        try:
            out.append(_checked(spec, taken))
        except Refused as exc:
            raise exc.at(place) from None
    # Initials made up for one member must not shadow a later member's pseudonym.
    return [
        replace(spec, initials=_initials(spec.pseudonym, taken)) if not spec.initials else spec
        for spec in out
    ]


def _checked(spec: MemberSpec, taken: dict[str, str]) -> MemberSpec:
    pseudonym = limits.name(spec.pseudonym, "pseudonym", 100, "a pseudonym or initials")
    _not_reserved(pseudonym, "pseudonym")
    _not_taken(pseudonym, "pseudonym", taken)
    taken[pseudonym.casefold()] = pseudonym
    initials = ""
    if spec.initials.strip():
        initials = limits.name(spec.initials, "initials", 10)
        _not_reserved(initials, "initials")
        if taken.get(initials.casefold(), pseudonym) != pseudonym:
            _not_taken(initials, "initials", taken)
        taken[initials.casefold()] = pseudonym
    if spec.role not in MEMBER_ROLES:
        raise Refused("role", f"{spec.role!r} is not one of: {', '.join(MEMBER_ROLES)}")
    if spec.colour and not _COLOUR.match(spec.colour):
        raise Refused("colour", f"{spec.colour!r} is not a #rrggbb colour")
    if spec.seat is not None:
        limits.whole_number(spec.seat, "seat", 0, 10_000)
    if spec.joined and spec.left and spec.left < spec.joined:
        raise Refused(
            "left", f"{pseudonym} cannot leave ({spec.left}) before joining ({spec.joined})"
        )
    return replace(spec, pseudonym=pseudonym, initials=initials)


def _not_reserved(text: str, fld: str) -> None:
    meaning = RESERVED.get(text.casefold())
    if meaning is not None:
        raise Refused(fld, f"{text!r} cannot name a member: it means {meaning}")


def _not_taken(text: str, fld: str, taken: dict[str, str]) -> None:
    owner = taken.get(text.casefold())
    if owner is None:
        return
    if owner.casefold() == text.casefold():
        raise Refused(fld, f"another member is already called {owner!r}; {_OWN_NAMES}")
    raise Refused(fld, f"{text!r} already names {owner} (initials); {_OWN_NAMES}")


def _initials(pseudonym: str, taken: dict[str, str]) -> str:
    """Initials nobody else in the group has: 'Dr Lee' -> 'DL', 'Jane' -> 'JA', then longer."""
    words = [w for w in pseudonym.replace("-", " ").split() if w]
    first = "".join(w[0] for w in words)[:3] if len(words) > 1 else pseudonym[:2]
    letters = [c for c in "".join(words) if c.isalpha()]
    candidates = [first, *("".join(letters[:n]) for n in range(2, min(len(letters), 10) + 1))]
    for candidate in candidates:
        candidate = candidate.upper()[:10]
        if candidate.casefold() not in RESERVED and candidate.casefold() not in taken:
            taken[candidate.casefold()] = pseudonym
            return candidate
    return ""  # still found by the pseudonym


def _member(spec: MemberSpec, seat: int) -> Member:
    return Member(
        pseudonym=spec.pseudonym,
        initials=spec.initials,
        role=spec.role,
        colour=spec.colour or MEMBER_COLOURS[seat % len(MEMBER_COLOURS)],
        seat=seat if spec.seat is None else spec.seat,
        joined=spec.joined,
        left=spec.left,
    )


# --- writing inside the caller's transaction (imports) ---------------------------------------


def create_group(
    s: Session,
    name: str,
    modality: str = "",
    notes: str = "",
    members: Sequence[MemberSpec] = (),
    places: Sequence[str] | None = None,
    where: str = "",
) -> Group:
    """A new group with its members seated in the order given.

    In messages ``where`` places the group (a file and a field) and ``places`` each member.
    """
    try:
        name = limits.name(name, "name", 200, "a group name")
        limits.single_line(modality, "modality", 100)
        limits.note(notes, "notes")
    except Refused as exc:
        raise (exc.at(where) if where else exc) from None
    specs = checked_members(members, places=places)
    group = Group(name=name, modality=modality, notes=notes)
    group.members = [_member(spec, seat) for seat, spec in enumerate(specs)]
    s.add(group)
    s.flush()
    return group


def create_session(
    s: Session,
    group: Group,
    number: int | None = None,
    starts_at: datetime | None = None,
    setting: str = "in person",
    present: Sequence[Member] | None = None,
    notes: str = "",
) -> GroupSession:
    """A new session of ``group`` (``number``: the next one; ``present``: all still in it)."""
    if setting not in SETTINGS:
        raise Refused("setting", f"{setting!r} is not one of: {', '.join(SETTINGS)}")
    limits.note(notes, "notes")
    if number is None:
        last = s.scalar(
            select(func.max(GroupSession.number)).where(GroupSession.group_id == group.id)
        )
        number = (last or 0) + 1
    limits.whole_number(number, "number", 0)
    session = GroupSession(
        group_id=group.id, number=number, starts_at=starts_at, setting=setting, notes=notes
    )
    session.present = (
        [m for m in group.members if m.left is None] if present is None else list(present)
    )
    s.add(session)
    s.flush()
    return session


def create_media(
    s: Session,
    session_id: int,
    path: str,
    offset_ms: int = 0,
    duration_ms: int | None = None,
    label: str = "",
) -> MediaFile:
    """A recording of a session: ``offset_ms`` is the session time at its first frame."""
    if not path.strip():
        raise Refused("path", "empty: which file is the recording?")
    limits.single_line(path, "path", 4096)
    limits.offset_time(offset_ms, "offset_ms")
    if duration_ms is not None:
        limits.session_time(duration_ms, "duration_ms")
    limits.single_line(label, "label", 200)
    media = MediaFile(
        session_id=session_id, path=path, offset_ms=offset_ms, duration_ms=duration_ms, label=label
    )
    s.add(media)
    s.flush()
    return media


def session_roster(s: Session, session_id: int) -> Roster:
    """Who can act in a session, as names in a file are resolved (``domain.participants``)."""
    session = s.get(GroupSession, session_id, options=[selectinload(GroupSession.present)])
    if session is None:
        raise NotFound(f"No session {session_id}.")
    present = {m.id for m in session.present}
    members = s.scalars(
        select(Member).where(Member.group_id == session.group_id).order_by(Member.seat, Member.id)
    )
    return _roster(members, present)


def group_roster(group: Group) -> Roster:
    """Everyone in a group, as present: names resolved before there is a session."""
    return _roster(group.members, {m.id for m in group.members})


def _roster(members: Iterable[Member], present: set[int]) -> Roster:
    people = [
        Participant(
            member_key(m.id), m.pseudonym, m.initials, m.role, m.colour, m.seat, m.id in present
        )
        for m in members
    ]
    return Roster(
        [*people, Participant(GROUP, "Group", role="group"), Participant(LEADERS, "Leaders")]
    )


# --- one user action each ----------------------------------------------------------------------


def add_group(
    store: Store,
    name: str,
    modality: str = "",
    notes: str = "",
    members: Sequence[MemberSpec] = (),
) -> int:
    """Create a group with its members seated in the order given; returns its id."""
    with store.session() as s:
        return create_group(s, name, modality, notes, members).id


def add_member(store: Store, group_id: int, spec: MemberSpec, joins_at: int | None = None) -> int:
    """Add one member to a group, in the next seat; returns the member's id.

    A newcomer ``joins_at`` a session: present there, joined on its date unless told.
    """
    with store.session() as s:
        group = s.get(Group, group_id)
        if group is None:
            raise NotFound(f"No group {group_id}.")
        session = None
        if joins_at is not None:
            session = s.get(GroupSession, joins_at)
            if session is None or session.group_id != group_id:
                raise Refused("session", f"group {group.name!r} has no session {joins_at}")
            if spec.joined is None and session.starts_at is not None:
                spec = replace(spec, joined=session.starts_at.astimezone().date())
        [checked] = checked_members([spec], group.members, ["new member"])
        seat = max((m.seat for m in group.members), default=-1) + 1
        member = _member(checked, seat)
        group.members.append(member)
        if session is not None:
            session.present.append(member)
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
    with store.session() as s:
        group = s.get(Group, group_id)
        if group is None:
            raise NotFound(f"No group {group_id}.")
        chosen = None
        if present is not None:
            by_id = {m.id: m for m in group.members}
            missing = [i for i in present if i not in by_id]
            if missing:
                raise InputError(f"Members {missing} are not in group {group.name!r}.")
            chosen = [by_id[i] for i in present]
        return create_session(s, group, number, starts_at, setting, chosen, notes).id


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
    """Link a recording to a session; ``offset_ms`` is the session time at media time zero.

    Its length is read from the file now (None when it cannot be read), so that what
    was attached can be confirmed with its length.
    """
    from observer.workspace.media import recording_length_ms

    length = recording_length_ms(path)
    with store.session() as s:
        if s.get(GroupSession, session_id) is None:
            raise NotFound(f"No session {session_id}.")
        return create_media(s, session_id, path, offset_ms, length, label=label).id
