"""How far two observers of one live session agree so far: event kappa over the last minutes.

Co-therapists who code the same group at once calibrate during a break by a single figure:
Cohen's kappa of the events (by code) of both codings in the last few minutes, paired as
the agreement figures pair them (:func:`observer.analysis.alignment.align`, ``nothing`` a
category of its own). The other coding is first lined up with this one by the clocks'
anchors (:func:`observer.analysis.clock_offset.line_up`), so two observers who pressed
start a few seconds apart are not scored as disagreeing. The window ends at the session
time given (the live clock's now) or else at the newest event of either coding.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from observer.analysis.alignment import align
from observer.analysis.clock_offset import ClockOffset, line_up, shifted
from observer.analysis.reliability import cohen_kappa, confusion
from observer.domain.coding_data import CodingData
from observer.domain.events import Event

WINDOW_MS = 5 * 60_000
TOLERANCE_MS = 2_000
MIN_EVENTS = 3  # fewer events in the window than this say nothing yet


@dataclass(frozen=True)
class RecentAgreement:
    """Agreement with one co-observer over the last ``window_ms``; ``kappa`` None: too few."""

    other: str
    window_ms: int
    kappa: float | None
    events: tuple[int, int]
    offset: ClockOffset

    def text(self) -> str:
        """As the coding window shows it: ``agreement with HK, last 5 min: κ 0.72``."""
        minutes = f"last {self.window_ms / 60_000:g} min"
        if self.kappa is None:
            return f"agreement with {self.other}, {minutes}: too few events yet"
        return f"agreement with {self.other}, {minutes}: κ {self.kappa:.2f}"


def recent_agreement(
    mine: CodingData,
    theirs: CodingData,
    other: str,
    now_ms: int | None = None,
    window_ms: int = WINDOW_MS,
    tolerance_ms: int = TOLERANCE_MS,
) -> RecentAgreement:
    """Event kappa (by code) of ``theirs`` against ``mine`` over the last ``window_ms``."""
    offset = line_up([mine, theirs], tolerance_ms, "anchors").offsets[1]
    their_events = shifted(theirs.events, offset.ms)
    if now_ms is None:
        now_ms = max((e.time_ms for e in (*mine.events, *their_events)), default=0)
    since = now_ms - window_ms
    a, b = _within(mine.events, since, now_ms), _within(their_events, since, now_ms)
    kappa = None
    if min(len(a), len(b)) >= MIN_EVENTS:
        value = cohen_kappa(confusion(align(a, b, tolerance_ms)).matrix)
        kappa = None if math.isnan(value) else value
    return RecentAgreement(other, window_ms, kappa, (len(a), len(b)), offset)


def _within(events: Sequence[Event], since_ms: int, until_ms: int) -> list[Event]:
    return [e for e in events if since_ms <= e.time_ms <= until_ms]
