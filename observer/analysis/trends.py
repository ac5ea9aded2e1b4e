"""How a group changes across its sessions: one row of figures per session.

Per session: density, reciprocity and participation Gini (on the people graph), counts
per code, and time per basic-assumption mode. Codings are compared one per session,
preferably by the same observer, so the trend reflects the group rather than who coded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from observer.analysis import basic_assumptions
from observer.analysis.filters import ChartFilter, apply_filter
from observer.analysis.network import build_network
from observer.domain.coding_data import CodingData

# Codes a supervisor follows from session to session (when the codebook has them).
WATCHED = ("feedback", "confrontation", "self-disclosure", "subject-change", "support")


@dataclass(frozen=True)
class SessionTrend:
    """One session's figures."""

    label: str
    session_number: int | None
    coding_id: int | None
    events: int
    density: float
    reciprocity: float
    participation_gini: float
    counts: dict[str, int]
    mode_ms: dict[str, int]


def session_trend(
    data: CodingData,
    label: str = "",
    session_number: int | None = None,
    chart_filter: ChartFilter | None = None,
) -> SessionTrend:
    """The figures of one coding."""
    filtered = apply_filter(data, chart_filter)
    measures = build_network(filtered).measures
    profile = basic_assumptions.profile(data, chart_filter.time_only() if chart_filter else None)
    return SessionTrend(
        label=label or data.name,
        session_number=session_number,
        coding_id=data.coding_id,
        events=len(filtered.events),
        density=measures.density,
        reciprocity=measures.reciprocity,
        participation_gini=measures.participation_gini,
        counts=dict(Counter(e.code for e in filtered.events)),
        mode_ms=profile.time_ms,
    )


def trends(
    codings: Sequence[CodingData],
    numbers: Sequence[int | None] | None = None,
    chart_filter: ChartFilter | None = None,
) -> list[SessionTrend]:
    """One :class:`SessionTrend` per coding, in the order given (session order)."""
    numbers = list(numbers) if numbers is not None else [None] * len(codings)
    return [
        session_trend(d, f"Session {n}" if n is not None else d.name, n, chart_filter)
        for d, n in zip(codings, numbers, strict=True)
    ]
