"""How a group changes across its sessions: one row of figures per session.

Per session: density, reciprocity and participation Gini (on the people graph), counts
per code, and time per basic-assumption mode; per member: participation share, acts sent
and received by category, feedback from fellow members, and the climate scales of their
own rating form, with the group's mean. Codings are compared one per session, preferably
by the same observer, so the trend reflects the group rather than who coded.

Flags (``course_flags``): a member whose score on a watched scale (an instrument's
``flag_when``, e.g. GCQ-S Engaged falls, Conflict rises) moved that way at each of three
rated sessions running. Rule and reasons in ``docs/measures.md``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from observer.analysis import basic_assumptions
from observer.analysis.filters import ChartFilter, apply_filter
from observer.analysis.network import build_network
from observer.domain.coding_data import CodingData
from observer.domain.participants import COLLECTIVES

# Codes a supervisor follows from session to session (when the codebook has them).
WATCHED = ("feedback", "confrontation", "self-disclosure", "subject-change", "support")
# A member's climate scores: scale id → mean of their answered items (None: none answered).
Climate = Mapping[str, float | None]


@dataclass(frozen=True)
class MemberSession:
    """One member's figures in one session (``climate`` empty when they gave no valid form)."""

    key: str
    label: str
    present: bool
    participation_share: float
    sent: dict[str, int]
    received: dict[str, int]
    feedback_received: int
    feedback_sources: int
    climate: dict[str, float | None] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.key,
            "label": self.label,
            "present": self.present,
            "participation_share": round(self.participation_share, 6),
            "sent_by_category": dict(sorted(self.sent.items())),
            "received_by_category": dict(sorted(self.received.items())),
            "feedback_received": self.feedback_received,
            "feedback_sources": self.feedback_sources,
            "climate": _rounded(self.climate),
        }


@dataclass(frozen=True)
class RaterClimate:
    """A leader's or an observer's scale scores for a session: shown beside the members'
    mean, never averaged into it (the climate is the group's as its members saw it)."""

    rater: str  # "leader" or "observer"
    name: str  # the leader as shown, or the observer's initials
    scales: dict[str, float | None]

    def as_dict(self) -> dict[str, Any]:
        return {"rater": self.rater, "name": self.name, "scales": _rounded(self.scales)}


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
    members: tuple[MemberSession, ...] = ()
    consensual_validation: float = 0.0
    # Leaders' and observers' own forms for the session (valid ones), leaders first.
    raters: tuple[RaterClimate, ...] = ()

    @property
    def climate_mean(self) -> dict[str, float | None]:
        """The group's mean of each climate scale over the members who rated the session."""
        values: dict[str, list[float]] = defaultdict(list)
        for m in self.members:
            for scale, score in m.climate.items():
                values.setdefault(scale, [])
                if score is not None:
                    values[scale].append(score)
        return {k: sum(v) / len(v) if v else None for k, v in values.items()}

    def member(self, key: str) -> MemberSession | None:
        return next((m for m in self.members if m.key == key), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "session": self.session_number,
            "coding": self.coding_id,
            "events": self.events,
            "density": round(self.density, 6),
            "reciprocity": round(self.reciprocity, 6),
            "participation_gini": round(self.participation_gini, 6),
            "consensual_validation": round(self.consensual_validation, 6),
            "counts": dict(sorted(self.counts.items())),
            "mode_ms": self.mode_ms,
            "climate_mean": _rounded(self.climate_mean),
            "climate_by_rater": [r.as_dict() for r in self.raters],
            "members": [m.as_dict() for m in self.members],
        }


def raters_line(raters: Sequence[RaterClimate], scale: str) -> str:
    """A scale's leader and observer scores in a few words ("Dr Lee 4.20 · RK 3.80"), for
    a table cell beside the members' mean; "—" when none rated."""
    found = [(r.name, v) for r in raters if (v := r.scales.get(scale)) is not None]
    return " · ".join(f"{name} {v:.2f}" for name, v in found) or "—"


def _rounded(scores: Climate) -> dict[str, float | None]:
    return {k: None if v is None else round(v, 4) for k, v in scores.items()}


def session_trend(
    data: CodingData,
    label: str = "",
    session_number: int | None = None,
    chart_filter: ChartFilter | None = None,
    climate: Mapping[str, Climate] | None = None,
) -> SessionTrend:
    """The figures of one coding; ``climate``: each member's scale scores by member key."""
    filtered = apply_filter(data, chart_filter)
    network = build_network(filtered, betweenness=False)
    measures = network.measures
    profile = basic_assumptions.profile(data, chart_filter.time_only() if chart_filter else None)
    sent: dict[str, Counter[str]] = defaultdict(Counter)
    received: dict[str, Counter[str]] = defaultdict(Counter)
    # Counted by kind of act first: a session repeats a few hundred kinds, not its events.
    kinds = Counter((e.actor, e.code, e.targets) for e in filtered.events)
    categories = {code: filtered.category(code) for code in {k[1] for k in kinds}}
    for (actor, code, targets), n in kinds.items():
        category = categories[code]
        sent[actor][category] += n
        for target in targets:
            received[target][category] += n
    total = sum(n.sent for n in network.people) or 1
    climate = climate or {}
    members = tuple(
        MemberSession(
            key=n.key,
            label=n.label,
            present=n.present,
            participation_share=n.sent / total,
            sent=dict(sent[n.key]),
            received=dict(received[n.key]),
            feedback_received=n.feedback_received,
            feedback_sources=n.feedback_sources,
            climate=dict(climate.get(n.key, {})),
        )
        for n in network.nodes
        if n.key not in COLLECTIVES
    )
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
        members=members,
        consensual_validation=measures.consensual_validation,
    )


def session_label(data: CodingData, number: int | None) -> str:
    """A session as the course names it: "Session 12", or the coding's name if unnumbered."""
    return f"Session {number}" if number is not None else data.name


# --- flags -------------------------------------------------------------------------------

RUN = 3  # sessions in a row a scale must move the watched way


@dataclass(frozen=True)
class CourseFlag:
    """A member whose watched scale moved the feared way over ``RUN`` rated sessions."""

    key: str
    label: str
    scale: str
    direction: str
    sessions: tuple[str, ...]
    scores: tuple[float, ...]

    def sentence(self) -> str:
        moved = " → ".join(f"{v:.1f}" for v in self.scores)
        verb = "fell" if self.direction == "falls" else "rose"
        return f"{self.label}: {self.scale} {verb} over {', '.join(self.sessions)} ({moved})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.key,
            "label": self.label,
            "scale": self.scale,
            "direction": self.direction,
            "sessions": list(self.sessions),
            "scores": [round(v, 4) for v in self.scores],
        }


def course_flags(
    sessions: Sequence[SessionTrend], watch: Mapping[str, str], min_change: float = 0.0
) -> list[CourseFlag]:
    """Flags for members whose watched scales moved the feared way ``RUN`` sessions running.

    ``watch``: scale id → ``falls`` or ``rises``. A member's series skips the sessions they
    gave no valid form for; a run moves strictly one way (a tie breaks it) and by at least
    ``min_change`` from its first session to its last, so that the jitter of a stable
    member is not flagged. It is flagged at the session that completes it; a longer run
    flags again at each later session.
    """
    series: dict[tuple[str, str], list[tuple[str, float, str]]] = defaultdict(list)
    for trend in sessions:
        for m in trend.members:
            for scale in watch:
                score = m.climate.get(scale)
                if score is not None:
                    series[(m.key, scale)].append((trend.label, score, m.label))
    flags = []
    for (key, scale), points in series.items():
        direction = watch[scale]
        for end in range(RUN, len(points) + 1):
            run = points[end - RUN : end]
            values = [v for _, v, _ in run]
            steps = [b - a for a, b in pairwise(values)]
            sign = -1 if direction == "falls" else 1
            moved = all(d * sign > 0 for d in steps) and sign * sum(steps) >= min_change
            if moved:
                flags.append(
                    CourseFlag(key, run[-1][2], scale, direction,
                               tuple(s for s, _, _ in run), tuple(values))
                )  # fmt: skip
    # In the order the runs were completed: the latest flags are the ones to act on.
    order = {t.label: i for i, t in enumerate(sessions)}
    return sorted(flags, key=lambda f: order[f.sessions[-1]])
