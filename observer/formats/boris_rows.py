"""One coding's events as BORIS event rows: ``[time, subject, behaviour, modifiers, comment]``.

BORIS pairs a state's rows by subject + behaviour + modifiers, the first starting it and
the next stopping it. So a state still running is stopped at the coding's end (BORIS
refuses to analyse an observation with an unpaired state), and two states of one person
that overlap with the same modifiers are refused: BORIS would pair them wrongly. BORIS
separates modifier sets with ``|`` and several values with ``,``; a name holding either
is written with look-alikes (``¦``, ``‚``) and read back by the import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from observer.domain.clock import format_time as clock
from observer.domain.coding_data import CodingData
from observer.domain.errors import InputError
from observer.domain.events import Event
from observer.domain.participants import GROUP
from observer.formats.boris_ethogram import escaped

NO_VALUE = "None"
_NOTE_BRACKET = re.compile(r"\s*\[(?P<kept>[^\[\]]*)\]\s*$")


@dataclass
class SetOut:
    """How one BORIS modifier set of a behaviour is filled from an event."""

    name: str
    kind: str  # "values" | "target" | "note"
    set_id: str | None = None
    text_of: dict[str, str] = field(default_factory=dict)  # value id -> text BORIS writes


@dataclass
class BehaviourOut:
    code: str  # the behaviour's code in BORIS
    is_state: bool
    sets: list[SetOut]


@dataclass
class Rows:
    rows: list[list[Any]]
    closed: list[str]  # states still running, stopped at the coding's end
    escaped: set[str]  # names written with look-alikes


def _from_note(note: str, sets: Sequence[SetOut]) -> tuple[str, dict[str, str]]:
    """The comment, and values the import kept in the note's ``[set: value; …]``."""
    found = _NOTE_BRACKET.search(note) if note.endswith("]") else None
    if found is None:
        return note, {}
    names = {s.name for s in sets}
    kept: dict[str, str] = {}
    for item in found.group("kept").split("; "):
        name, sep, value = item.partition(": ")
        if not sep or name not in names or name in kept:
            return note, {}
        kept[name] = value
    return note[: found.start()], kept


def _written(name: str, escapes: set[str]) -> str:
    if escaped(name) != name:
        escapes.add(name)
    return escaped(name)


def written_names(names: Mapping[str, str], escapes: set[str]) -> dict[str, str]:
    """Each participant's name as a ``target`` value, noting those that had to change."""
    return {key: _written(name, escapes) for key, name in names.items()}


def modifier_text(
    e: Event, sets: Sequence[SetOut], names: Mapping[str, str], escapes: set[str]
) -> tuple[str, str]:
    """(modifiers, comment) of an event as BORIS writes them; ``names``: as written."""
    if not sets:
        return "", e.note
    comment, kept = _from_note(e.note, sets)
    parts = []
    modifiers = e.modifiers
    for s in sets:
        if kept and s.name in kept:
            parts.append(kept[s.name])
        elif s.kind == "target":
            parts.append(",".join([names.get(t) or _written(t, escapes) for t in e.targets])
                         or NO_VALUE)  # fmt: skip
        elif (value := modifiers.get(s.set_id or "")) is not None:
            parts.append(s.text_of.get(str(value), str(value)))
        else:
            parts.append(NO_VALUE)
    return "|".join(parts), comment


def event_rows(
    data: CodingData, behaviours: Mapping[str, BehaviourOut], subject_of: Mapping[str, str]
) -> Rows:
    """The rows of one coding, times in seconds; refuses what BORIS would pair wrongly."""
    from observer.analysis.agreement import closed_events  # its statistics load slowly

    escapes: set[str] = set()
    names = written_names(data.names, escapes)
    closed: list[str] = []
    open_until: dict[tuple[str, str, str], Event] = {}
    rows: list[tuple[int, int, list[Any]]] = []
    for n, (e, was) in enumerate(zip(closed_events(data), data.events, strict=True)):
        out = behaviours.get(e.code) or BehaviourOut(e.code, False, [])
        subject = "" if e.actor == GROUP else subject_of.get(e.actor, e.actor)
        mods, comment = modifier_text(e, out.sets, names, escapes)
        rows.append((e.time_ms, n * 2, [e.time_ms / 1000, subject, out.code, mods, comment]))
        if not out.is_state:
            continue
        end = e.end_ms if e.end_ms is not None else e.time_ms
        if was.end_ms is None:
            closed.append(f"{out.code!r} of {subject or 'the group'} from {clock(e.time_ms)}")
        key = (subject, out.code, mods)
        before = open_until.get(key)
        if before is not None and before.end_ms is not None and before.end_ms > e.time_ms:
            raise InputError(
                f"{data.name}: {subject or 'the group'}'s {out.code!r} at "
                f"{clock(e.time_ms)} starts while the one from {clock(before.time_ms)} "
                f"runs until {clock(before.end_ms)}; BORIS pairs a state's rows in turn, so "
                "it would make them other states. End the first before the second starts, "
                "or give them different modifiers."
            )
        if before is None or (before.end_ms or 0) < end:
            open_until[key] = e
        rows.append((end, n * 2 + 1, [end / 1000, subject, out.code, mods, ""]))
    rows.sort(key=lambda r: (r[0], r[1]))
    return Rows([r[2] for r in rows], closed, escapes)
