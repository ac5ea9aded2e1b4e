"""A coding made fit to share with a researcher or a supervision group: nobody named in it.

Members become "Member A", "Member B"… (initials "A", "B"…), leaders "Leader 1"…,
observers "Observer 1"…, the group "Group" and the coding "Session N"; the same person
keeps the same code in every coding of one export (:class:`SharingCodes`). Notes of
every kind (event notes, process notes, the coding's, session's and group's notes), the
recordings' paths and the audit trail are dropped. Dates and times of day go (the
session's start, when events were entered or edited, when members joined); the session
number and every time within the session stay, so the analyses give the same results.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from observer.domain.coding_data import CodingData, CodingDetails, CodingInfo
from observer.domain.participants import COLLECTIVES, Participant, member_id_of

# What a de-identified file or report says about itself, at its top.
REMOVED = (
    "De-identified: members, leaders, observers and the group are replaced by codes; "
    "notes, recordings, dates and times of day are removed."
)
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
        return replace(p, label=label, initials=initials, joined=None, left=None)

    def observer(self, initials: str) -> str:
        return self.observers.setdefault(initials, f"Observer {len(self.observers) + 1}")


def _by_membership(p: Participant) -> tuple[int, str]:
    # Members in the order they joined the group (their ids), the same in every session.
    found = member_id_of(p.key)
    return (found if found is not None else 1 << 62, p.key)


def deidentified(data: CodingData, codes: SharingCodes | None = None) -> CodingData:
    """``data`` with every name, note, recording and date taken out (see the module)."""
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
    details = _details(data.details, len(events)) if data.details is not None else None
    name = f"Session {info.session_number}" if info is not None else "Coding"
    return replace(
        data,
        name=name,
        events=events,
        participants=participants,
        info=info,
        details=details,
        deidentified=True,
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
    )


def _details(more: CodingDetails, events: int) -> CodingDetails:
    return replace(
        more,
        observer_name="",
        notes="",
        created_at=NO_DATE,
        practice_of=None,
        group_notes="",
        session_starts_at=None,
        session_notes="",
        media=(),
        created=(NO_DATE,) * events,
        edited=(None,) * events,
        process_notes=(),
        audit=(),
    )
