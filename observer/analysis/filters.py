"""Which events a chart or measure looks at: a time range, codes, categories, actors, targets.

One filter serves every analysis, so a chart and the numbers beside it always agree on
what was counted. An empty filter keeps everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from observer.domain.coding_data import CodingData
from observer.domain.errors import InputError
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

    def describe(self, data: CodingData) -> str:
        """What the filter keeps, in words (people as ``data`` shows them); "" when nothing."""
        parts = []
        for title, values in (
            ("codes", sorted(self.codes)),
            ("categories", sorted(self.categories)),
            ("acts by", sorted(data.label(k) for k in self.actors)),
            ("acts to", sorted(data.label(k) for k in self.targets)),
        ):
            if values:
                parts.append(f"{title} {', '.join(values)}")
        return "; ".join(parts)

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


def known_codes(data: CodingData) -> set[str]:
    """The codes a filter may name for this coding: its codebook's and those it used."""
    return set(data.codes) | {e.code for e in data.events}


def known_categories(data: CodingData) -> set[str]:
    """The categories a filter may name (a code without a category is its own, as in ``keeps``)."""
    return {data.category(code) for code in known_codes(data)}


def filters_for(
    datas: Sequence[CodingData],
    codes: Iterable[str] = (),
    categories: Iterable[str] = (),
    actors: Iterable[str] = (),
    targets: Iterable[str] = (),
) -> list[ChartFilter]:
    """One filter per coding from names as a person gives them.

    A code or category none of the codings knows is refused (a typo would silently keep
    nothing); people are looked up in each coding (``key_of``), since each coding keys its
    own people, and refused with the coding named when one does not have them.
    """
    codes, categories = sorted(set(codes)), sorted(set(categories))
    for kind, wanted, known_of in (
        ("code", codes, known_codes),
        ("category", categories, known_categories),
    ):
        known = set().union(*(known_of(d) for d in datas)) if datas else set()
        unknown = [w for w in wanted if w not in known]
        if unknown:
            listed = ", ".join(sorted(known)) or "none"
            where = "this coding" if len(datas) == 1 else "these codings"
            raise InputError(f"No {kind} {unknown[0]!r} in {where} ({kind} ids: {listed})")
    actor_names, target_names = list(actors), list(targets)
    out = []
    for data in datas:

        def keys(names: list[str], data: CodingData = data) -> list[str]:
            try:
                return [data.key_of(name) for name in names]
            except InputError as exc:
                if len(datas) == 1:
                    raise
                which = data.name if data.coding_id is None else f"coding {data.coding_id}"
                raise InputError(f"{which}: {exc}") from None

        out.append(
            ChartFilter.of(None, None, codes, categories, keys(actor_names), keys(target_names))
        )
    return out
