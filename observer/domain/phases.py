"""Phases inside a session: its thirds, and the phases the observer marked while coding.

Observer XT calls these bins. A *third* is computed from the coding's length (from zero to
the end of its last event). A *named phase* ("check-in", "work", "closing") starts at the
moment it was marked and lasts until the next mark or the end of the session; a name
marked again is a second phase of that name, shown as "work (2)". Either becomes a time
window through :func:`phase_window`, the one place that turns a phase into times, so the
command line, the charts panel and the report cut a session the same way.

A mark is stored as a process note of kind :data:`PHASE_NOTE` (its text the phase's name):
written through the recorder's one durable write path, carried by the JSON format.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from observer.domain.clock import format_clock
from observer.domain.errors import InputError

PHASE_NOTE = "phase"
THIRDS = (1, 2, 3)
NAME_LIMIT = 40  # characters: a phase is named in a word or two
# Offered when a coding has no marks yet.
USUAL_NAMES = ("check-in", "work", "closing")


@dataclass(frozen=True)
class PhaseMark:
    """The observer marked that ``name`` began at ``time_ms`` (session time)."""

    time_ms: int
    name: str


@dataclass(frozen=True)
class Phase:
    """A time window of a session: ``start_ms <= t < end_ms`` (``end_ms`` None: to the end)."""

    name: str
    start_ms: int
    end_ms: int | None

    def describe(self) -> str:
        end = "end" if self.end_ms is None else format_clock(self.end_ms)
        return f"{self.name} {format_clock(self.start_ms)}–{end}"


def checked_name(name: str) -> str:
    """A phase's name as typed, trimmed; refused when empty or longer than a few words."""
    found = " ".join(name.split())
    if not found:
        raise InputError("A phase needs a name (for example check-in, work, closing).")
    if len(found) > NAME_LIMIT:
        raise InputError(f"A phase's name is at most {NAME_LIMIT} characters ({len(found)} given).")
    return found


def thirds(duration_ms: int) -> tuple[Phase, Phase, Phase]:
    """The session cut in three by its length; the cuts fall on whole milliseconds (rounded
    down), and the last third runs to the end, so the last event is never left out."""
    first, second = duration_ms // 3, duration_ms * 2 // 3
    return (
        Phase("third 1", 0, first),
        Phase("third 2", first, second),
        Phase("third 3", second, None),
    )


def named_phases(marks: Iterable[PhaseMark]) -> list[Phase]:
    """The marked phases in time order, each until the next mark; the last to the end.

    Two marks at the same moment: the later one wins (the first would last no time).
    A name used again is numbered from its second phase on: "work", then "work (2)".
    """
    ordered = sorted(marks, key=lambda m: m.time_ms)
    kept = [m for i, m in enumerate(ordered)
            if i + 1 == len(ordered) or ordered[i + 1].time_ms > m.time_ms]  # fmt: skip
    seen: Counter[str] = Counter()
    phases = []
    for i, mark in enumerate(kept):
        seen[mark.name] += 1
        name = mark.name if seen[mark.name] == 1 else f"{mark.name} ({seen[mark.name]})"
        end = kept[i + 1].time_ms if i + 1 < len(kept) else None
        phases.append(Phase(name, mark.time_ms, end))
    return phases


def phase_window(
    marks: Sequence[PhaseMark],
    duration_ms: int,
    phase: str | None = None,
    third: int | None = None,
) -> Phase | None:
    """The window of a named phase or of a third (None when neither is asked for).

    A name is matched case aside; an unknown one is refused with the phases there are.
    """
    if phase is not None and third is not None:
        raise InputError("Choose a phase or a third, not both.")
    if third is not None:
        if third not in THIRDS:
            raise InputError(f"A third is 1, 2 or 3 ({third} given).")
        return thirds(duration_ms)[third - 1]
    if phase is None:
        return None
    phases = named_phases(marks)
    wanted = " ".join(phase.split()).casefold()
    for found in phases:
        if found.name.casefold() == wanted:
            return found
    listed = "; ".join(p.describe() for p in phases) or "none marked (F6 marks one while coding)"
    raise InputError(f"No phase {phase!r} in this coding (phases: {listed})")
