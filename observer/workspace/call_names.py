"""The names a group's members go by in video calls: mapped once, remembered per group.

A transcript writes people as the call showed them ("Jane Doe", "iPad (2)"); a member is
found by a name mapped before for the group, else by pseudonym or initials (any case).
Nothing else is guessed: a name found neither way stays unknown until a person maps it.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from observer.domain import limits
from observer.domain.errors import NotFound
from observer.domain.participants import Roster, member_id_of, member_key
from observer.storage.models import CallName, GroupSession


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


def remembered(s: Session, group_id: int) -> dict[str, str]:
    """Call name (folded) → participant key, as mapped before for this group."""
    rows = s.scalars(select(CallName).where(CallName.group_id == group_id))
    return {_folded(r.call_name): member_key(r.member_id) for r in rows}


def group_of(s: Session, session_id: int) -> int:
    session = s.get(GroupSession, session_id)
    if session is None:
        raise NotFound(f"No session {session_id}.")
    return session.group_id


def who_is(call_name: str, roster: Roster, known: Mapping[str, str]) -> tuple[str | None, str]:
    """The participant key a call name means, and how it was found (``remembered``,
    ``by name``), or ``(None, "")`` when nobody is known by it."""
    key = known.get(_folded(call_name))
    if key is not None and key in roster:
        return key, "remembered"
    key = roster.find(call_name)
    if key is not None and member_id_of(key) is not None:
        return key, "by name"
    return None, ""


def remember(s: Session, group_id: int, mapping: Mapping[str, str]) -> None:
    """Keep call name → member key for the group's next transcripts (inside the caller's
    transaction); a name mapped again is mapped anew."""
    existing = {
        _folded(r.call_name): r
        for r in s.scalars(select(CallName).where(CallName.group_id == group_id))
    }
    for call_name, key in mapping.items():
        wanted = member_id_of(key)
        if wanted is None:
            continue  # only members are remembered: "group" is no one's call name
        shown = " ".join(call_name.split())
        limits.name(shown, "call name", 200, "a call name")
        row = existing.get(_folded(shown))
        if row is None:
            row = CallName(group_id=group_id, call_name=shown, member_id=wanted)
            s.add(row)
            existing[_folded(shown)] = row
        else:
            row.member_id = wanted
