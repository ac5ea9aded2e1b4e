"""What the analyses read: a coding from the database or a plain events CSV, alike.

Every analysis command accepts either a coding id or the path of an events CSV. Both
become a :class:`CodingData`, in which people are named (pseudonyms, ``group``,
``leaders``) rather than keyed, so results read the same whichever the source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from observer.codebook import Palette
from observer.participants import COLLECTIVES, GROUP, LEADERS, Participant
from observer.recording import Event
from observer.store import Store


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


@dataclass(frozen=True)
class CodingData:
    """One coding's events with people named; ``codes`` describes every code used."""

    name: str
    events: tuple[Event, ...]
    participants: tuple[Participant, ...]
    codes: dict[str, CodeInfo] = field(default_factory=dict)
    coding_id: int | None = None
    session_id: int | None = None
    palette: Palette | None = None

    @property
    def duration_ms(self) -> int:
        """From zero to the end of the last event (a running state ends with the last event)."""
        ends = [max(e.time_ms, e.end_ms or 0) for e in self.events]
        return max(ends, default=0)

    @property
    def people(self) -> tuple[Participant, ...]:
        """Members and leaders, without the group-as-a-whole and leaders-together nodes."""
        return tuple(p for p in self.participants if p.key not in COLLECTIVES)

    @property
    def present(self) -> tuple[Participant, ...]:
        return tuple(p for p in self.people if p.present)

    def code(self, code_id: str) -> CodeInfo:
        return self.codes.get(code_id) or CodeInfo(code_id, code_id)

    def category(self, code_id: str) -> str:
        return self.code(code_id).category or code_id

    def participant(self, name: str) -> Participant | None:
        return next((p for p in self.participants if p.key == name), None)


def code_infos(palette: Palette) -> dict[str, CodeInfo]:
    return {
        c.id: CodeInfo(c.id, c.label, c.category, c.kind, c.colour, c.exclusive_group)
        for c in palette.codes
    }


def from_coding(store: Store, coding_id: int) -> CodingData:
    """A stored coding, its participants renamed from keys to pseudonyms."""
    from observer.codings import coding_info
    from observer.recording import load_events

    info = coding_info(store, coding_id)
    names: dict[str, str] = {}
    for p in info.participants:
        names[p.key] = p.key if p.key in COLLECTIVES else p.label
    participants = tuple(replace(p, key=names[p.key]) for p in info.participants)
    with store.engine.connect() as conn:
        events = load_events(conn, coding_id)

    renamed_targets: dict[tuple[str, ...], tuple[str, ...]] = {}

    def rename_all(targets: tuple[str, ...]) -> tuple[str, ...]:
        found = renamed_targets.get(targets)
        if found is None:
            found = renamed_targets[targets] = tuple(names.get(t, t) for t in targets)
        return found

    named = tuple(
        Event(
            e.id,
            e.time_ms,
            e.code,
            names.get(e.actor, e.actor),
            rename_all(e.targets),
            e.modifiers,
            e.note,
            e.end_ms,
        )
        for e in events
    )
    return CodingData(
        name=info.name or f"coding {coding_id}",
        events=named,
        participants=participants,
        codes=code_infos(info.palette),
        coding_id=coding_id,
        session_id=info.session_id,
        palette=info.palette,
    )


def participants_from_names(names: set[str]) -> tuple[Participant, ...]:
    """Participants of a CSV: everyone named as actor or target counts as present."""
    from observer.groups import MEMBER_COLOURS

    people = sorted(n for n in names if n not in COLLECTIVES)
    out = [
        Participant(key=name, label=name, colour=MEMBER_COLOURS[i % len(MEMBER_COLOURS)], seat=i)
        for i, name in enumerate(people)
    ]
    out.append(Participant(GROUP, "Group", "G", role="group", colour="#444444"))
    out.append(Participant(LEADERS, "Leaders", "L", role="leaders", colour="#555555"))
    return tuple(out)


def load_source(spec: str, store: Callable[[], Store]) -> CodingData:
    """A coding id (looked up in the store) or the path of a plain events CSV."""
    if spec.isdigit() and not Path(spec).exists():
        return from_coding(store(), int(spec))
    from observer.events_csv import read_events_csv

    return read_events_csv(Path(spec))
