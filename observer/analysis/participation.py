"""How much each person takes part, and who is left out.

Acts sent per person and their share of all acts, speaking time where state codes mark
speaking turns, the Gini coefficient of participation, how much is addressed to the group
as a whole rather than to a member, the quiet members under a chosen share, and from how
many different peers each member received feedback (consensual validation).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from observer.analysis.filters import ChartFilter, apply_filter, span
from observer.analysis.network import gini, is_feedback_code, is_peer_role
from observer.domain.codebook import is_speaking
from observer.domain.coding_data import CodingData
from observer.domain.participants import COLLECTIVES, GROUP


@dataclass(frozen=True)
class PersonParticipation:
    """One person's participation in a (filtered) coding: ``key`` who, ``label`` as shown."""

    key: str
    label: str
    role: str
    acts: int
    share: float
    speaking_ms: int
    speaking_share: float
    to_group: int
    to_people: int
    feedback_from: int
    quiet: bool

    @property
    def is_leader(self) -> bool:
        return self.role in ("leader", "co-leader")

    @property
    def group_share(self) -> float:
        """Of this person's addressed acts, the share addressed to the group as a whole."""
        addressed = self.to_group + self.to_people
        return self.to_group / addressed if addressed else 0.0


@dataclass(frozen=True)
class Participation:
    """Participation of everyone present; ``quiet_share`` is the threshold used."""

    people: tuple[PersonParticipation, ...]
    total_acts: int
    gini: float
    quiet_share: float
    speaking_total_ms: int

    @property
    def quiet(self) -> tuple[str, ...]:
        """The keys of the quiet members."""
        return tuple(p.key for p in self.people if p.quiet)

    @property
    def has_speaking_time(self) -> bool:
        return self.speaking_total_ms > 0

    @property
    def group_share(self) -> float:
        """Of all addressed acts by people, the share addressed to the group as a whole."""
        to_group = sum(p.to_group for p in self.people)
        addressed = to_group + sum(p.to_people for p in self.people)
        return to_group / addressed if addressed else 0.0


def is_speaking_code(data: CodingData, code: str) -> bool:
    info = data.code(code)
    return is_speaking(code, info.category, info.is_state)


def participation(
    data: CodingData, chart_filter: ChartFilter | None = None, quiet_share: float | None = None
) -> Participation:
    """Participation per person present (anyone who acted counts as present).

    ``quiet_share``: members (not leaders) whose share of acts is below it are flagged
    quiet; by default half an equal share, 1/(2n) for n people.
    """
    duration = data.duration_ms
    data = apply_filter(data, chart_filter)
    roles = {p.key: p.role for p in data.people}
    keys = [p.key for p in data.present]
    acts: Counter[str] = Counter()
    speaking: Counter[str] = Counter()
    to_group: Counter[str] = Counter()
    to_people: Counter[str] = Counter()
    feedback: dict[str, set[str]] = defaultdict(set)
    for e in data.events:
        if e.actor in COLLECTIVES:
            continue
        if e.actor not in keys:
            keys.append(e.actor)
        acts[e.actor] += 1
        if is_speaking_code(data, e.code):
            start, end, _state = span(data, e, duration)
            speaking[e.actor] += end - start
        for target in e.targets:
            if target == GROUP:
                to_group[e.actor] += 1
            elif target not in COLLECTIVES:
                to_people[e.actor] += 1
                if target not in keys:
                    keys.append(target)
        if is_feedback_code(data, e.code) and is_peer_role(roles.get(e.actor, "member")):
            for target in e.targets:
                if target not in COLLECTIVES and target != e.actor:
                    feedback[target].add(e.actor)
    total = sum(acts.values())
    spoken = sum(speaking.values())
    threshold = quiet_share if quiet_share is not None else (0.5 / len(keys) if keys else 0.0)
    people = []
    for key in keys:
        share = acts[key] / total if total else 0.0
        role = roles.get(key, "member")
        people.append(
            PersonParticipation(
                key=key,
                label=data.label(key),
                role=role,
                acts=acts[key],
                share=share,
                speaking_ms=speaking[key],
                speaking_share=speaking[key] / spoken if spoken else 0.0,
                to_group=to_group[key],
                to_people=to_people[key],
                feedback_from=len(feedback[key]),
                quiet=role == "member" and share < threshold,
            )
        )
    return Participation(
        people=tuple(people),
        total_acts=total,
        gini=gini([acts[k] for k in keys]),
        quiet_share=threshold,
        speaking_total_ms=spoken,
    )
