"""The group's basic-assumption mentality over a session (Bion).

Which codes are modes, and which mode runs at a moment, is the one rule of
``observer.domain.basic_assumption``: starting a mode ends the one before, so the
coding is a sequence of segments. A mode still running at the end of the record ends at
the coding's end (``CodingData.duration_ms``). Only the time range of a filter applies:
the mode belongs to the group as a whole, not to the people or codes a chart is
filtered on.
"""

from __future__ import annotations

from dataclasses import dataclass

from observer.analysis.filters import ChartFilter, span
from observer.domain.basic_assumption import BION_MODES, mode_at
from observer.domain.coding_data import CodingData


@dataclass(frozen=True)
class Segment:
    """The group in one mode from ``start_ms`` to ``end_ms``."""

    mode: str
    start_ms: int
    end_ms: int

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms

    @property
    def time_ms(self) -> int:
        """When it starts (as an event's ``time_ms``)."""
        return self.start_ms


@dataclass(frozen=True)
class Profile:
    """Time in each mode (in first-seen codebook order) and the segments themselves."""

    segments: tuple[Segment, ...]
    time_ms: dict[str, int]
    start_ms: int
    end_ms: int

    @property
    def coded_ms(self) -> int:
        return sum(self.time_ms.values())

    def share(self, mode: str) -> float:
        coded = self.coded_ms
        return self.time_ms.get(mode, 0) / coded if coded else 0.0

    def mode_at(self, time_ms: int) -> str | None:
        """The mode running at a moment (see ``domain.basic_assumption.mode_at``)."""
        found = mode_at(self.segments, time_ms)
        return found.mode if found is not None else None


def modes(data: CodingData) -> list[str]:
    """The basic-assumption codes of the coding's codebooks (or seen in a CSV), in order."""
    listed = [c for c in data.codes if data.is_mode(c)]
    seen = [e.code for e in data.events if data.is_mode(e.code)]
    out: list[str] = []
    for code in [*listed, *BION_MODES, *seen]:
        if code not in out and (code in listed or code in seen):
            out.append(code)
    return out


def segments(data: CodingData, chart_filter: ChartFilter | None = None) -> list[Segment]:
    """The mode segments, clipped to the filter's time range, in time order."""
    duration = data.duration_ms
    low = chart_filter.start_ms if chart_filter and chart_filter.start_ms is not None else 0
    high = chart_filter.end_ms if chart_filter and chart_filter.end_ms is not None else duration
    out = []
    for e in data.events:
        if not data.is_mode(e.code):
            continue
        start, end, _state = span(data, e, duration)
        if e.end_ms is None:
            end = max(start, duration)
        start, end = max(start, low), min(end, high)
        if end > start:
            out.append(Segment(e.code, start, end))
    return sorted(out, key=lambda s: (s.start_ms, s.end_ms))


def profile(data: CodingData, chart_filter: ChartFilter | None = None) -> Profile:
    """Time in each basic-assumption mode, and the course of the modes."""
    found = segments(data, chart_filter)
    time_ms = {mode: 0 for mode in modes(data)}
    for s in found:
        time_ms[s.mode] = time_ms.get(s.mode, 0) + s.duration_ms
    low = chart_filter.start_ms if chart_filter and chart_filter.start_ms is not None else 0
    high = (
        chart_filter.end_ms
        if chart_filter and chart_filter.end_ms is not None
        else data.duration_ms
    )
    return Profile(tuple(found), time_ms, low, max(low, high))
