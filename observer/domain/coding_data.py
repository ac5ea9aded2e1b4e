"""One coding read whole: the one read model the views, the analyses and the exports share.

A stored coding is read into a :class:`CodingData`: its facts and people
(:class:`CodingInfo`), its events, and, for the exports and the report, its
:class:`CodingDetails` (stamps, process notes, audit trail, recordings). A view that
needs less reads less: the coding window reads only the ``CodingInfo`` (quickly, with
plain SQL), an analysis the info and the events.

People are keyed by participant key (``m12`` for a member, ``group``, ``leaders``), so
two members who share a pseudonym stay two people; :meth:`CodingData.label` tells them
apart where a chart or a table shows them. A plain events CSV becomes a ``CodingData``
without info, keyed by the names written in it: there the names are the identity.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from observer.domain import basic_assumption
from observer.domain.codebook import Codebook, Palette
from observer.domain.errors import InputError, Refused
from observer.domain.events import Event, ProcessNoteView
from observer.domain.participants import (
    COLLECTIVES,
    GROUP,
    LEADERS,
    MEMBER_COLOURS,
    Participant,
    Roster,
    distinct_labels,
)
from observer.domain.phases import PhaseMark


@dataclass(frozen=True)
class CodeInfo:
    """What the analyses need to know of a code."""

    id: str
    label: str = ""
    category: str = ""
    kind: str = "point"
    colour: str = "#777777"
    exclusive_group: str | None = None

    @property
    def is_state(self) -> bool:
        return self.kind == "state"


def code_infos(palette: Palette) -> dict[str, CodeInfo]:
    return {
        c.id: CodeInfo(c.id, c.label, c.category, c.kind, c.colour, c.exclusive_group)
        for c in palette.codes
    }


class _People:
    """Looking people up by key, and showing them apart (shared by info and data)."""

    participants: tuple[Participant, ...]

    @functools.cached_property
    def labels(self) -> Mapping[str, str]:
        """Participant key → how a chart or table shows them (see ``distinct_labels``)."""
        return distinct_labels(self.participants)

    def label(self, key: str) -> str:
        """A participant as shown: the pseudonym (told apart if shared), "Group", "Leaders"."""
        return self.labels.get(key, key)

    @functools.cached_property
    def names(self) -> Mapping[str, str]:
        """Participant key → as a file names them: the shown label, ``group`` or ``leaders``."""
        return {key: key if key in COLLECTIVES else label for key, label in self.labels.items()}

    def name_of(self, key: str) -> str:
        """A participant as a file names them (see ``names``)."""
        return self.names.get(key, key)

    def participant(self, key: str) -> Participant | None:
        return next((p for p in self.participants if p.key == key), None)

    def key_of(self, name: str) -> str:
        """Who a name typed by a person means: a key, a label as shown, a pseudonym or
        initials (case aside); refused when no one, or more than one person, has it."""
        try:
            found = Roster(self.participants).find(name)
        except Refused as ambiguous:
            raise InputError(ambiguous.message) from None
        if found is not None:
            return found
        known = ", ".join(self.name_of(p.key) for p in self.participants)
        raise InputError(f"No one called {name!r} in this coding (people: {known})")

    @property
    def people(self) -> tuple[Participant, ...]:
        """Members and leaders, without the group-as-a-whole and leaders-together nodes."""
        return tuple(p for p in self.participants if p.key not in COLLECTIVES)

    @property
    def present(self) -> tuple[Participant, ...]:
        return tuple(p for p in self.people if p.present)


@dataclass(frozen=True)
class CodingInfo(_People):
    """A stored coding's facts: which session of which group, who coded it, its people
    (members present or not, the leaders, the group) and its codebooks combined."""

    id: int
    name: str
    session_id: int
    session_number: int
    group_id: int
    group_name: str
    observer: str
    capacity: str
    clock_mode: str
    is_reference: bool
    practice_of_id: int | None
    media_file_id: int | None
    event_count: int
    participants: tuple[Participant, ...]
    palette: Palette
    # The wall time (UTC) of session time 0 by this coding's live clock (see
    # ``observer.domain.clock``); None when it never ran live or was imported without one.
    clock_anchor: datetime | None = None
    # The phases the observer marked while coding (``observer.domain.phases``), in time order.
    phase_marks: tuple[PhaseMark, ...] = ()

    @property
    def title(self) -> str:
        """For a window: the group, the session, the coding's name if it has one, who coded it."""
        coded = f"{self.name} ({self.observer})" if self.name else self.observer
        return f"{self.group_name}, session {self.session_number} — {coded}"

    @property
    def file_title(self) -> str:
        """For a file: the coding's name, or its group and session."""
        return self.name or f"{self.group_name} session {self.session_number}"

    @functools.cached_property
    def codes(self) -> dict[str, CodeInfo]:
        return code_infos(self.palette)


@dataclass(frozen=True)
class MediaFileView:
    """A recording attached to the session; ``offset_ms``: session time of its start."""

    id: int
    path: str
    offset_ms: int
    duration_ms: int | None
    label: str


@dataclass(frozen=True)
class Correction:
    """One entry of an audit trail: what was done (edit, delete, restore), by whom, when,
    and the thing before and after."""

    action: str
    who: str
    at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True, kw_only=True)
class AuditView(Correction):
    """An event corrected (by its id)."""

    event_id: int


@dataclass(frozen=True, kw_only=True)
class NoteAuditView(Correction):
    """A process note or phase mark corrected, by its uid (which a deleted note keeps)."""

    note_uid: str


@dataclass(frozen=True)
class CodingDetails:
    """What the exports and the report carry beyond the analyses.

    ``created`` and ``edited`` stamp each event, in the order of ``CodingData.events``;
    ``codebooks`` are as stored (the palette combines them for the coding).
    ``note_uids`` and ``notes_edited`` go with ``process_notes`` in the same way.
    """

    observer_name: str
    notes: str
    created_at: datetime
    clock_elapsed_ms: int
    practice_of: tuple[str, str] | None  # (observer initials, coding name) of the reference
    group_modality: str
    group_notes: str
    session_starts_at: datetime | None
    session_setting: str
    session_notes: str
    codebooks: tuple[Codebook, ...]
    media: tuple[MediaFileView, ...]
    created: tuple[datetime, ...]
    edited: tuple[datetime | None, ...]
    process_notes: tuple[ProcessNoteView, ...]
    audit: tuple[AuditView, ...]
    note_uids: tuple[str, ...] = ()
    notes_edited: tuple[datetime | None, ...] = ()
    note_audit: tuple[NoteAuditView, ...] = ()


@dataclass(frozen=True)
class CodingData(_People):
    """One coding's events and people (keyed), what each code is, and where it came from.

    ``info``: the stored coding's facts (None for an events CSV); ``details``: read for
    the exports and the report only.
    """

    name: str
    events: tuple[Event, ...]
    participants: tuple[Participant, ...]
    codes: dict[str, CodeInfo] = field(default_factory=dict)
    palette: Palette | None = None
    info: CodingInfo | None = None
    details: CodingDetails | None = None
    # Read for sharing (``domain.deidentify``): the writers leave out every date and time of day.
    deidentified: bool = False
    # ... with every date moved by one secret number of days instead (the writers keep them).
    dates_shifted: bool = False

    @classmethod
    def of(
        cls, info: CodingInfo, events: Iterable[Event], details: CodingDetails | None = None
    ) -> CodingData:
        """A stored coding: its facts and people from ``info``, with these events."""
        return cls(
            name=info.name or f"coding {info.id}",
            events=tuple(events),
            participants=info.participants,
            codes=info.codes,
            palette=info.palette,
            info=info,
            details=details,
        )

    @property
    def coding_id(self) -> int | None:
        return self.info.id if self.info is not None else None

    @property
    def session_id(self) -> int | None:
        return self.info.session_id if self.info is not None else None

    @property
    def phase_marks(self) -> tuple[PhaseMark, ...]:
        """The phases marked in a stored coding (an events CSV has none)."""
        return self.info.phase_marks if self.info is not None else ()

    @property
    def stored(self) -> CodingInfo:
        """The facts of a stored coding (an events CSV has none)."""
        if self.info is None:
            raise ValueError(f"{self.name} is not a stored coding")
        return self.info

    def record(self) -> tuple[CodingInfo, CodingDetails]:
        """The facts and details of a stored coding read for an export or the report."""
        if self.details is None:
            raise ValueError(f"{self.name} was read without its details")
        return self.stored, self.details

    @property
    def duration_ms(self) -> int:
        """From zero to the end of the last event (a running state ends with the last event)."""
        ends = [max(e.time_ms, e.end_ms or 0) for e in self.events]
        return max(ends, default=0)

    def code(self, code_id: str) -> CodeInfo:
        return self.codes.get(code_id) or CodeInfo(code_id, code_id)

    def category(self, code_id: str) -> str:
        return self.code(code_id).category or code_id

    @functools.cached_property
    def mode_codes(self) -> frozenset[str]:
        """The codes of the group's basic-assumption mode (see ``domain.basic_assumption``)."""
        if self.palette is not None:
            return basic_assumption.mode_codes(self.codes.values())
        # No codebook (an events CSV): Bion's modes by id, wherever they appear.
        seen = {*self.codes, *(e.code for e in self.events)}
        return basic_assumption.mode_codes(self.codes.values(), seen)

    def is_mode(self, code_id: str) -> bool:
        return code_id in self.mode_codes

    def with_names(self) -> CodingData:
        """This coding keyed by the names a file writes (``name_of``), as an events CSV is.

        For writing a plain events CSV, and for comparing with one.
        """
        names = {p.key: self.name_of(p.key) for p in self.participants}
        renamed: dict[tuple[str, ...], tuple[str, ...]] = {}

        def rename_all(targets: tuple[str, ...]) -> tuple[str, ...]:
            found = renamed.get(targets)
            if found is None:
                found = renamed[targets] = tuple(names.get(t, t) for t in targets)
            return found

        events = tuple(
            replace(e, actor=names.get(e.actor, e.actor), targets=rename_all(e.targets))
            for e in self.events
        )
        people = tuple(replace(p, key=names[p.key]) for p in self.participants)
        return CodingData(self.name, events, people, self.codes, self.palette)


def participants_from_names(names: set[str]) -> tuple[Participant, ...]:
    """Participants of a CSV: everyone named as actor or target counts as present."""
    people = sorted(n for n in names if n not in COLLECTIVES)
    out = [
        Participant(key=name, label=name, colour=MEMBER_COLOURS[i % len(MEMBER_COLOURS)], seat=i)
        for i, name in enumerate(people)
    ]
    out.append(Participant(GROUP, "Group", "G", role="group", colour="#444444"))
    out.append(Participant(LEADERS, "Leaders", "L", role="leaders", colour="#555555"))
    return tuple(out)
