"""How far two observers of one live session agree so far: event kappa over the last minutes.

Co-therapists who code the same group at once calibrate during a break by a single figure:
Cohen's kappa of the events (by code) of both codings in the last few minutes, paired as
the agreement figures pair them (:func:`observer.analysis.alignment.align`, ``nothing`` a
category of its own). The other coding is first lined up with this one by the clocks'
anchors (:func:`observer.analysis.clock_offset.anchors_between`, the rule the agreement
figures apply by default), so two observers who pressed start a few seconds apart are not
scored as disagreeing. Only the window's events are aligned: the figure costs the same
an hour into the session as five minutes in. No offset is estimated from the events here
(that needs the whole codings); the agreement view and practice feedback offer one. The
window ends at the session time given (the live clock's now) or else at the newest event
of either coding.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from observer.analysis.alignment import align
from observer.analysis.clock_offset import ClockOffset, anchors_between, shifted
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
    by_anchors = anchors_between(mine, theirs)
    shift = by_anchors or 0
    their_events = shifted(theirs.events, shift)
    if now_ms is None:
        now_ms = max((e.time_ms for e in (*mine.events, *their_events)), default=0)
    since = now_ms - window_ms
    a, b = _within(mine.events, since, now_ms), _within(their_events, since, now_ms)
    kappa = None
    pairs = align(a, b, tolerance_ms)
    if min(len(a), len(b)) >= MIN_EVENTS:
        value = cohen_kappa(confusion(pairs).matrix)
        kappa = None if math.isnan(value) else value
    matched = sum(1 for p in pairs if p.agree)
    offset = ClockOffset(shift, "none" if by_anchors is None else "anchors", matched)
    return RecentAgreement(other, window_ms, kappa, (len(a), len(b)), offset)


def _within(events: Sequence[Event], since_ms: int, until_ms: int) -> list[Event]:
    return [e for e in events if since_ms <= e.time_ms <= until_ms]
