"""A coding made fit to share with a researcher or a supervision group: nobody named in it.

Members become "Member A", "Member B"… (initials "A", "B"…), leaders "Leader 1"…,
observers "Observer 1"…, the group "Group" and the coding "Session N"; the same person
keeps the same code in every coding of one export (:class:`SharingCodes`). Notes of
every kind (event notes, process notes, the coding's, session's and group's notes), the
recordings' paths and the audit trail are dropped. The session number and every time
within the session stay, so the analyses give the same results.

Dates (the session's start, when events were entered or edited, when members joined or
left) are the sharer's choice (``DATE_CHOICES``): dropped with the times of day, or all
moved back by one secret whole number of days, drawn afresh for each export (between
``SHIFT_DAYS``). Shifted, the intervals between sessions, a member's weeks in the group
and the time of day stay true, while no date is the real one; the weekday changes (a
shift kept to whole weeks would leave a seventh of the secret). The shift itself is
written nowhere, and the moment of the export (which would give it away) is left out.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from observer.domain.coding_data import CodingData, CodingDetails, CodingInfo
from observer.domain.errors import InputError
from observer.domain.participants import COLLECTIVES, Participant, member_id_of

# What to do with dates when de-identifying; "drop" unless the sharer asks.
DATE_CHOICES = ("drop", "shift")
# The secret shift, in days back: at least a year, so no real date of the last year shows.
SHIFT_DAYS = (365, 3650)
# What a de-identified file or report says about itself, at its top.
REMOVED = (
    "De-identified: members, leaders, observers and the group are replaced by codes; "
    "notes, recordings, dates and times of day are removed."
)
SHIFTED = (
    "De-identified: members, leaders, observers and the group are replaced by codes; "
    "notes and recordings are removed; every date is moved by the same secret number of "
    "days (intervals and times of day are kept)."
)

When = TypeVar("When", date, datetime)


def removal_note(data: CodingData) -> str:
    """What a de-identified coding's file or report says was removed."""
    return SHIFTED if data.dates_shifted else REMOVED


def check_dates(dates: str) -> str:
    """``dates`` if it is one of ``DATE_CHOICES``; else an InputError saying which are."""
    if dates not in DATE_CHOICES:
        raise InputError(f"Dates: {dates!r} is not one of {', '.join(DATE_CHOICES)}")
    return dates


# A stand-in where a writer's type needs a moment; no writer shows it (``deidentified``).
NO_DATE = datetime(1970, 1, 1, tzinfo=UTC)


def letters(n: int) -> str:
    """0 → A, 25 → Z, 26 → AA: a member's letter."""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


@dataclass
class SharingCodes:
    """The codes given so far in one export, so a person keeps theirs across codings."""

    members: dict[str, str] = field(default_factory=dict)
    leaders: dict[str, str] = field(default_factory=dict)
    observers: dict[str, str] = field(default_factory=dict)
    # Every date is moved by this (kept secret); None: dates are dropped.
    shift: timedelta | None = None

    @classmethod
    def for_export(cls, dates: str = "drop") -> SharingCodes:
        """Fresh codes for one export; with ``dates="shift"`` its own secret shift."""
        if check_dates(dates) == "drop":
            return cls()
        low, high = SHIFT_DAYS
        return cls(shift=-timedelta(days=low + secrets.randbelow(high - low + 1)))

    def moved(self, when: When | None) -> When | None:
        """A date or moment as shared: shifted, or None when dates are dropped."""
        if when is None or self.shift is None:
            return None
        return when + self.shift

    def person(self, p: Participant) -> Participant:
        """A member or leader under their code (collectives as they are)."""
        if p.key in COLLECTIVES:
            return p
        if p.is_leader:
            number = self.leaders.setdefault(p.key, str(len(self.leaders) + 1))
            label, initials = f"Leader {number}", f"L{number}"
        else:
            letter = self.members.setdefault(p.key, letters(len(self.members)))
            label, initials = f"Member {letter}", letter
        return replace(
            p,
            label=label,
            initials=initials,
            joined=self.moved(p.joined),
            left=self.moved(p.left),
        )

    def observer(self, initials: str) -> str:
        return self.observers.setdefault(initials, f"Observer {len(self.observers) + 1}")


def _by_membership(p: Participant) -> tuple[int, str]:
    # Members in the order they joined the group (their ids), the same in every session.
    found = member_id_of(p.key)
    return (found if found is not None else 1 << 62, p.key)


def deidentified(data: CodingData, codes: SharingCodes | None = None) -> CodingData:
    """``data`` with every name, note, recording and date taken out, or its dates shifted
    when ``codes`` say so (see the module)."""
    codes = codes or SharingCodes()
    people = {p.key: codes.person(p) for p in sorted(data.participants, key=_by_membership)}
    # A plain events CSV is keyed by the names written in it: those keys go too.
    keys = {
        key: key if data.info is not None or key in COLLECTIVES else p.label
        for key, p in people.items()
    }
    participants = tuple(replace(people[p.key], key=keys[p.key]) for p in data.participants)
    events = tuple(
        replace(
            e,
            actor=keys.get(e.actor, e.actor),
            targets=tuple(keys.get(t, t) for t in e.targets),
            note="",
        )
        for e in data.events
    )
    info = _info(data.info, participants, codes) if data.info is not None else None
    details = _details(data.details, codes) if data.details is not None else None
    name = f"Session {info.session_number}" if info is not None else "Coding"
    return replace(
        data,
        name=name,
        events=events,
        participants=participants,
        info=info,
        details=details,
        deidentified=True,
        dates_shifted=codes.shift is not None,
    )


def _info(
    info: CodingInfo, participants: tuple[Participant, ...], codes: SharingCodes
) -> CodingInfo:
    return replace(
        info,
        name=f"Session {info.session_number}",
        group_name="Group",
        observer=codes.observer(info.observer),
        media_file_id=None,
        participants=participants,
        clock_anchor=codes.moved(info.clock_anchor),
    )


def _details(more: CodingDetails, codes: SharingCodes) -> CodingDetails:
    return replace(
        more,
        observer_name="",
        notes="",
        created_at=codes.moved(more.created_at) or NO_DATE,
        practice_of=None,
        group_notes="",
        session_starts_at=codes.moved(more.session_starts_at),
        session_notes="",
        media=(),
        created=tuple(codes.moved(c) or NO_DATE for c in more.created),
        edited=tuple(codes.moved(e) for e in more.edited),
        process_notes=(),
        audit=(),
        note_uids=(),
        notes_edited=(),
        note_audit=(),
    )
