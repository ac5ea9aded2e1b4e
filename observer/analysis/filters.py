"""Which events a chart or measure looks at: a time range, codes, categories, actors, targets.

One filter serves every analysis, so a chart and the numbers beside it always agree on
what was counted. An empty filter keeps everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from observer.domain.coding_data import CodingData
from observer.domain.events import Event


def _frozen(values: Iterable[str] | None) -> frozenset[str]:
    return frozenset(values or ())


@dataclass(frozen=True)
class ChartFilter:
    """Keep the events that fall in a time range and match the chosen codes and people.

    ``start_ms``/``end_ms``: a point event is kept when ``start <= time < end``; a state
    is kept when it overlaps the range and is clipped to it. ``codes`` and
    ``categories`` together name what to keep (an event matching either is kept);
    ``actors`` keeps events by one of these people; ``targets`` keeps events addressed
    to at least one of them. Empty sets do not filter.
    """

    start_ms: int | None = None
    end_ms: int | None = None
    codes: frozenset[str] = field(default_factory=frozenset)
    categories: frozenset[str] = field(default_factory=frozenset)
    actors: frozenset[str] = field(default_factory=frozenset)
    targets: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(
        cls,
        start_ms: int | None = None,
        end_ms: int | None = None,
        codes: Iterable[str] | None = None,
        categories: Iterable[str] | None = None,
        actors: Iterable[str] | None = None,
        targets: Iterable[str] | None = None,
    ) -> ChartFilter:
        """A filter from any iterables (lists from a command line or a form)."""
        return cls(
            start_ms,
            end_ms,
            _frozen(codes),
            _frozen(categories),
            _frozen(actors),
            _frozen(targets),
        )

    @property
    def is_empty(self) -> bool:
        return self == ChartFilter()

    def time_only(self) -> ChartFilter:
        """The same time range without the other conditions (for group-level states)."""
        return ChartFilter(self.start_ms, self.end_ms)

    def keeps(self, data: CodingData, event: Event, duration_ms: int | None = None) -> bool:
        """Whether an event passes (time range by overlap; see the class docstring)."""
        start, end, state = span(data, event, duration_ms)
        if self.start_ms is not None and (end <= self.start_ms if state else start < self.start_ms):
            return False
        if self.end_ms is not None and start >= self.end_ms:
            return False
        if (self.codes or self.categories) and not (
            event.code in self.codes or data.category(event.code) in self.categories
        ):
            return False
        if self.actors and event.actor not in self.actors:
            return False
        return not (self.targets and not self.targets.intersection(event.targets))

    def clip(self, data: CodingData, event: Event, duration_ms: int) -> Event:
        """A kept state cut to the time range (a running state runs to ``duration_ms``)."""
        start, end, state = span(data, event, duration_ms)
        if not state or (self.start_ms is None and self.end_ms is None):
            return event
        if self.start_ms is not None:
            start = max(start, self.start_ms)
        if self.end_ms is not None:
            end = min(end, self.end_ms)
        return replace(event, time_ms=start, end_ms=max(start, end))

    def apply(self, data: CodingData) -> CodingData:
        """The coding with only the kept events (states clipped to the range)."""
        if self.is_empty:
            return data
        duration = data.duration_ms
        kept = tuple(
            self.clip(data, e, duration) for e in data.events if self.keeps(data, e, duration)
        )
        return replace(data, events=kept)


def span(data: CodingData, event: Event, duration_ms: int | None = None) -> tuple[int, int, bool]:
    """(start, end, is_state) of an event; a state still running ends at the coding's end."""
    if event.end_ms is not None:
        return event.time_ms, event.end_ms, True
    if data.code(event.code).is_state:
        end = data.duration_ms if duration_ms is None else duration_ms
        return event.time_ms, max(event.time_ms, end), True
    return event.time_ms, event.time_ms, False


def apply_filter(data: CodingData, chart_filter: ChartFilter | None) -> CodingData:
    """``data`` through ``chart_filter`` (None keeps everything)."""
    return data if chart_filter is None else chart_filter.apply(data)
