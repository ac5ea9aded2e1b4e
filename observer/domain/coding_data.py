"""One coding as the analyses read it: events with people named, and what each code is.

A coding from the database and a plain events CSV both become a :class:`CodingData`, in
which people are named (pseudonyms, ``group``, ``leaders``) rather than keyed, so results
read the same whichever the source.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from observer.domain import basic_assumption
from observer.domain.codebook import Palette
from observer.domain.events import Event
from observer.domain.participants import COLLECTIVES, GROUP, LEADERS, MEMBER_COLOURS, Participant


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

    def participant(self, name: str) -> Participant | None:
        return next((p for p in self.participants if p.key == name), None)


def code_infos(palette: Palette) -> dict[str, CodeInfo]:
    return {
        c.id: CodeInfo(c.id, c.label, c.category, c.kind, c.colour, c.exclusive_group)
        for c in palette.codes
    }


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
