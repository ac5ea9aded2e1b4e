"""Correcting groups, members and sessions after they were made: one user action each.

Each edit takes only the fields a person changed (``None``: leave as it is), checks them by
the same rules that created the record (``observer.workspace.groups``), writes in one
transaction, and returns what the changed fields held before, so the workspace can undo
it by editing them back. History never changes: events point at a member by id, so a
renamed member is shown by the new name everywhere, old reports made again included.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from observer.domain import limits
from observer.domain.clock import utcnow
from observer.domain.errors import NotFound, Refused
from observer.domain.participants import member_id_of
from observer.domain.wording import counted
from observer.storage.models import (
    SETTINGS,
    CodedEvent,
    Coding,
    Group,
    GroupSession,
    Member,
    ProcessNote,
)
from observer.storage.store import Store
from observer.workspace.groups import MemberSpec, checked_members

Before = dict[str, Any]


@dataclass(frozen=True)
class WhatGoes:
    """What deleting a group or a session takes with it, said before anyone confirms."""

    sessions: int
    codings: int
    events: int
    notes: int

    def sentence(self) -> str:
        return (
            f"{counted(self.sessions, 'session')}, {counted(self.codings, 'coding')}, "
            f"{counted(self.events, 'event')} and {counted(self.notes, 'note')}"
        )


def _changed(row: Any, fields: dict[str, Any]) -> Before:
    """Set the fields that differ; return what they held before."""
    before = {}
    for name, value in fields.items():
        if value is not None and getattr(row, name) != value:
            before[name] = getattr(row, name)
            setattr(row, name, value)
    return before


def _group(s: Session, group_id: int) -> Group:
    group = s.get(Group, group_id)
    if group is None:
        raise NotFound(f"No group {group_id}.")
    return group


def _session(s: Session, session_id: int) -> GroupSession:
    session = s.get(GroupSession, session_id)
    if session is None:
        raise NotFound(f"No session {session_id}.")
    return session


def _member(s: Session, member_id: int) -> Member:
    member = s.get(Member, member_id)
    if member is None:
        raise NotFound(f"No member {member_id}.")
    return member


# --- groups ------------------------------------------------------------------------------------


def edit_group(
    store: Store,
    group_id: int,
    name: str | None = None,
    modality: str | None = None,
    notes: str | None = None,
) -> Before:
    """Rename a group, change its modality or notes."""
    if name is not None:
        name = limits.name(name, "name", 200, "a group name")
    if modality is not None:
        limits.single_line(modality, "modality", 100)
    if notes is not None:
        limits.note(notes, "notes")
    with store.session() as s:
        return _changed(_group(s, group_id), {"name": name, "modality": modality, "notes": notes})


def archive_group(store: Store, group_id: int, archived: bool = True) -> Before:
    """Hide a group from the start screen, kept whole (or bring it back)."""
    with store.session() as s:
        group = _group(s, group_id)
        before = {"archived_at": group.archived_at}
        group.archived_at = (group.archived_at or utcnow()) if archived else None
        return before


def _what_goes(s: Session, session_ids: Sequence[int]) -> WhatGoes:
    codings = list(s.scalars(select(Coding.id).where(Coding.session_id.in_(session_ids))))
    events = s.scalar(select(func.count()).where(CodedEvent.coding_id.in_(codings))) or 0
    notes = s.scalar(select(func.count()).where(ProcessNote.coding_id.in_(codings))) or 0
    return WhatGoes(len(session_ids), len(codings), int(events), int(notes))


def group_deletion(store: Store, group_id: int) -> WhatGoes:
    """What deleting a group would take with it (its sessions, their codings and events)."""
    with store.reader() as s:
        _group(s, group_id)
        ids = list(s.scalars(select(GroupSession.id).where(GroupSession.group_id == group_id)))
        return _what_goes(s, ids)


def delete_group(store: Store, group_id: int) -> WhatGoes:
    """Delete a group with its members, sessions, codings and events; returns what went."""
    with store.session() as s:
        _group(s, group_id)
        ids = list(s.scalars(select(GroupSession.id).where(GroupSession.group_id == group_id)))
        gone = _what_goes(s, ids)
        # The database cascades to sessions, codings, events, notes and the audit trail.
        s.execute(delete(Group).where(Group.id == group_id))
        return gone


# --- members -----------------------------------------------------------------------------------


def _spec(member: Member) -> MemberSpec:
    return MemberSpec(
        member.pseudonym,
        member.role,
        member.initials,
        member.colour,
        member.seat,
        member.joined,
        member.left,
    )


def edit_member(
    store: Store,
    member_id: int,
    pseudonym: str | None = None,
    initials: str | None = None,
    role: str | None = None,
    colour: str | None = None,
    seat: int | None = None,
    joined: date | None = None,
    left: date | None = None,
) -> Before:
    """Rename a member, change their initials, role, colour, seat, joining or leaving date.

    Pseudonyms and initials stay unique in the group (the rule new members meet); a
    database that already holds two alike may still change anything else about them.
    """
    with store.session() as s:
        member = _member(s, member_id)
        old = _spec(member)
        wanted = replace(
            old,
            pseudonym=old.pseudonym if pseudonym is None else pseudonym,
            initials=old.initials if initials is None else initials,
            role=role or old.role,
            colour=colour or old.colour,
            seat=old.seat if seat is None else seat,
            joined=joined or old.joined,
            left=left or old.left,
        )
        renamed = (wanted.pseudonym, wanted.initials) != (old.pseudonym, old.initials)
        others = [
            m
            for m in s.scalars(select(Member).where(Member.group_id == member.group_id))
            if m.id != member.id
        ]
        [checked] = checked_members([wanted], others if renamed else (), [old.pseudonym])
        fields = {
            "pseudonym": checked.pseudonym,
            "initials": checked.initials,
            "role": checked.role,
            "colour": checked.colour,
            "seat": checked.seat,
            "joined": checked.joined,
            "left": checked.left,
        }
        return _changed(member, fields)


def withdraw_member(store: Store, member_id: int) -> None:
    """Take back a member added by mistake (the undo of adding one).

    Refused once any coding has them as actor or target: events keep pointing at their
    member, so such a member can only be marked as having left.
    """
    with store.session() as s:
        member = _member(s, member_id)
        codings = s.scalars(
            select(Coding.id).join(GroupSession).where(GroupSession.group_id == member.group_id)
        ).all()
        if member.id in coded_members(s, codings):
            raise Refused(
                "member",
                f"{member.pseudonym} is already in the group's codings; "
                "mark them as having left instead",
            )
        s.delete(member)  # their attendance goes with them


def member_leaves(store: Store, member_id: int, on: date) -> Before:
    """Mark a member as having left the group on a date (kept in every coding made)."""
    return edit_member(store, member_id, left=on)


# --- sessions ----------------------------------------------------------------------------------


def coded_members(s: Session, coding_ids: Iterable[int]) -> set[int]:
    """The members who act or are addressed in any event of these codings."""
    found: set[int] = set()
    rows = s.execute(
        select(CodedEvent.actor, CodedEvent.targets).where(CodedEvent.coding_id.in_(coding_ids))
    )
    for actor, targets in rows:
        for key in (actor, *(targets or ())):
            member = member_id_of(key)
            if member is not None:
                found.add(member)
    return found


def edit_session(
    store: Store,
    session_id: int,
    number: int | None = None,
    starts_at: datetime | None = None,
    setting: str | None = None,
    notes: str | None = None,
    present: Sequence[int] | None = None,
) -> Before:
    """Change a session's number, date and time, setting, notes or who was there.

    Someone coded in the session may be marked absent: their events are kept (the record
    wins, as in ``observer.domain.event_rules``).
    """
    if setting is not None and setting not in SETTINGS:
        raise Refused("setting", f"{setting!r} is not one of: {', '.join(SETTINGS)}")
    if notes is not None:
        limits.note(notes, "notes")
    if number is not None:
        limits.whole_number(number, "number", 0)
    with store.session() as s:
        session = _session(s, session_id)
        fields = {"number": number, "starts_at": starts_at, "setting": setting, "notes": notes}
        before = _changed(session, fields)
        if present is not None:
            members = {
                m.id: m
                for m in s.scalars(select(Member).where(Member.group_id == session.group_id))
            }
            strangers = sorted(set(present) - set(members))
            if strangers:
                raise Refused("present", f"members {strangers} are not in this group")
            old = [m.id for m in session.present]
            if sorted(old) != sorted(present):
                before["present"] = old
                session.present = [members[i] for i in present]
        return before


def session_deletion(store: Store, session_id: int) -> WhatGoes:
    """What deleting a session would take with it."""
    with store.reader() as s:
        _session(s, session_id)
        return _what_goes(s, [session_id])


def delete_session(store: Store, session_id: int) -> WhatGoes:
    """Delete a session with its codings, their events, notes and recordings' links."""
    with store.session() as s:
        _session(s, session_id)
        gone = _what_goes(s, [session_id])
        s.execute(delete(GroupSession).where(GroupSession.id == session_id))
        return gone


def put_back(store: Store, model: type[Any], row_id: int, before: Before) -> None:
    """Put back what an edit changed (its undo): every field as it was, ``None`` included."""
    with store.session() as s:
        row = s.get(model, row_id)
        if row is None:
            raise NotFound(f"No {model.__name__.lower()} {row_id}: it was deleted since.")
        for name, value in before.items():
            if name == "present":
                by_id = {m.id: m for m in row.group.members}
                row.present = [by_id[i] for i in value if i in by_id]
            else:
                setattr(row, name, value)
