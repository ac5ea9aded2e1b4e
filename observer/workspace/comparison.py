"""Agreement between stored codings: read them, check they can be compared, compute.

Reading two codings of 100,000 events and aligning them takes seconds, so this reports
progress (a step per coding read, then the computing) and takes the cancel check of
:mod:`observer.workspace.progress` through that report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from observer.analysis.agreement import agreement
from observer.analysis.clock_offset import AlignBy
from observer.analysis.filters import filters_for
from observer.domain.coding_data import CodingData
from observer.domain.errors import ObserverError
from observer.storage.read_coding import from_coding
from observer.storage.store import Store
from observer.workspace.progress import Progress, no_progress

TOO_FEW = "Tick two or more codings."


@dataclass(frozen=True)
class Comparison:
    """The codings as read, and every agreement figure, or why there are none."""

    codings: tuple[CodingData, ...]
    result: dict[str, Any] | None
    problem: str = ""

    @property
    def events(self) -> int:
        return sum(len(d.events) for d in self.codings)


def compare_codings(
    store: Store,
    coding_ids: Sequence[int],
    tolerance_s: float,
    unit_s: float,
    by: str = "code",
    already_read: Mapping[int, CodingData] | None = None,
    progress: Progress = no_progress,
    only: Mapping[str, Sequence[str]] | None = None,
    align_by: AlignBy = "anchors",
) -> Comparison:
    """Agreement between stored codings, of one session or not (the result's ``notes`` say).

    ``already_read`` are not read again; ``only`` restricts the figures to ``codes``,
    ``categories``, ``actors`` and ``targets`` named as a person names them (see
    ``filters_for``); ``align_by`` how the codings' clocks are lined up (see
    ``observer.analysis.clock_offset.line_up``).
    """
    if len(coding_ids) < 2:
        return Comparison((), None, TOO_FEW)
    known = already_read or {}
    steps = len(coding_ids) + 1
    datas: list[CodingData] = []
    for done, coding_id in enumerate(coding_ids):
        progress(done, steps)
        found = known.get(coding_id)
        datas.append(found if found is not None else from_coding(store, coding_id))
    progress(steps - 1, steps)
    codings = tuple(datas)
    try:
        filters = filters_for(codings, **(only or {}))
        result = agreement(
            codings,
            tolerance_s,
            unit_s,
            by,  # type: ignore[arg-type]
            filters,
            align_by,
        )
    except ObserverError as exc:
        return Comparison(codings, None, str(exc))
    progress(steps, steps)
    return Comparison(codings, result)
