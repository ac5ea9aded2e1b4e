"""Who talks to whom: the interaction network of a coding and its measures.

Two graphs are built from the same counts (definitions in ``docs/measures.md``):

- the *interaction network*: members, leaders, the group-as-a-whole (and the leaders
  together, if addressed as such) as nodes; an edge from actor to target weighted by the
  number of acts. This is what the sociogram draws.
- the *people graph*: only members and leaders, unweighted, an edge wherever at least one
  act went from actor to target. Density, reciprocity, centralisation and betweenness
  are measured on it, so that acts addressed to the group as a whole do not make every
  member look central.

An act with several targets adds one edge act per target; acts *sent* count every event
whose actor is a person, once, whatever its targets. Nodes are participant keys (``m12``,
``group``; in an events CSV the names written), so two members who share a pseudonym are
two nodes; each node carries the label that shows them apart.

*Consensual validation* (Yalom): feedback heard from several peers weighs more than from
one. Per person, ``feedback_received`` counts the feedback acts (``is_feedback_code``) fellow
members addressed to them, ``feedback_sources`` how many distinct fellow members gave it,
and ``feedback_spread`` the share of it that did not come from the one who gave the most.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from observer.analysis.filters import ChartFilter, apply_filter
from observer.domain.coding_data import CodingData
from observer.domain.participants import COLLECTIVES, GROUP

VALENCE = "valence"
# Feedback for consensual validation: the feedback code and its category (in the
# here-and-now codebook that holds confrontation too). The one rule, for every chart.
FEEDBACK = frozenset({"feedback"})


def is_feedback_code(data: CodingData, code: str) -> bool:
    return code in FEEDBACK or data.category(code) in FEEDBACK


def is_peer_role(role: str) -> bool:
    """A fellow member gives peer feedback; a leader's feedback is not a peer's."""
    return role == "member"


@dataclass(frozen=True)
class Edge:
    """Acts from ``source`` to ``target``; ``by_category``/``by_valence`` split the weight."""

    source: str
    target: str
    weight: int
    by_category: dict[str, int] = field(default_factory=dict)
    by_valence: dict[str, int] = field(default_factory=dict)

    def main(self, of: str = "category") -> str:
        """The category (or valence) that most of these acts had."""
        counts = self.by_category if of == "category" else self.by_valence
        if not counts:
            return ""
        return max(sorted(counts), key=lambda k: counts[k])


@dataclass(frozen=True)
class NodeFigures:
    """One node's figures, as the hover label and the metrics table show them.

    ``key`` is who the node is; ``label`` how to show them (two Sams told apart);
    ``pseudonym`` and ``initials`` as the group's member list has them.
    """

    key: str
    label: str
    role: str
    present: bool
    sent: int
    received: int
    to_group: int
    out_degree: int = 0
    in_degree: int = 0
    betweenness: float = 0.0
    acts_to_targets: int = 0
    pseudonym: str = ""
    initials: str = ""
    feedback_received: int = 0
    feedback_sources: int = 0
    feedback_spread: float = 0.0

    @property
    def is_person(self) -> bool:
        return self.key not in COLLECTIVES

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.key,
            "name": self.pseudonym or self.key,
            "label": self.label,
            "initials": self.initials,
            "role": self.role,
            "present": self.present,
            "sent": self.sent,
            "received": self.received,
            "to_group": self.to_group,
            "out_degree": self.out_degree,
            "in_degree": self.in_degree,
            "weighted_out_degree": self.acts_to_targets,
            "weighted_in_degree": self.received,
            "betweenness": round(self.betweenness, 6),
            "feedback_received": self.feedback_received,
            "feedback_sources": self.feedback_sources,
            "feedback_spread": round(self.feedback_spread, 6),
        }


@dataclass(frozen=True)
class GroupMeasures:
    """Whole-group measures on the people graph (see ``docs/measures.md``)."""

    people: int
    ties: int
    acts: int
    density: float
    reciprocity: float
    degree_centralisation: float
    out_degree_centralisation: float
    in_degree_centralisation: float
    participation_gini: float
    to_group_share: float
    # Of the members who heard feedback from fellow members, the share who heard it from two
    # or more of them (0 when nobody did).
    consensual_validation: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {k: round(v, 6) if isinstance(v, float) else v for k, v in vars(self).items()}


@dataclass(frozen=True)
class Network:
    """The interaction network of a (filtered) coding with its measures."""

    nodes: tuple[NodeFigures, ...]
    edges: tuple[Edge, ...]
    measures: GroupMeasures

    def node(self, key: str) -> NodeFigures | None:
        return next((n for n in self.nodes if n.key == key), None)

    @property
    def people(self) -> tuple[NodeFigures, ...]:
        return tuple(n for n in self.nodes if n.is_person)

    def people_graph(self) -> nx.DiGraph:
        """Members and leaders; an edge wherever at least one act went (no self-loops)."""
        return people_graph(self)

    def as_dict(self) -> dict[str, Any]:
        """The JSON of ``group-observer network --json``."""
        measures = self.measures.as_dict()
        return {
            "nodes": [n.as_dict() for n in self.nodes],
            "edges": [
                {
                    "source": e.source,
                    "target": e.target,
                    "weight": e.weight,
                    "by_category": dict(sorted(e.by_category.items())),
                }
                for e in self.edges
            ],
            **measures,
            "measures": measures,
        }


# --- measures on plain graphs and numbers (tested against hand counts and networkx) -----


def gini(values: Sequence[float]) -> float:
    """Gini coefficient: mean absolute difference / (2·mean), population form, zeros kept."""
    n = len(values)
    total = float(sum(values))
    if n == 0 or total == 0:
        return 0.0
    ordered = sorted(values)
    # sum_{i,j} |x_i - x_j| = 2 * sum_i (2i - n + 1) x_(i) for sorted x (0-based i)
    weighted = sum((2 * i - n + 1) * x for i, x in enumerate(ordered))
    return 2 * weighted / (2 * n * total)


@dataclass(frozen=True)
class Ties:
    """The people graph as plain values: its people, and each (from, to) tie that exists.

    The group measures are defined on this, so that a year of sessions is measured from
    the counts without building a networkx graph per session; a networkx graph is read
    into it (``ties_of``), so either way there is one definition of each measure.
    """

    people: tuple[str, ...]
    pairs: frozenset[tuple[str, str]]


def ties_of(graph: Ties | nx.DiGraph) -> Ties:
    """The ties of a people graph, given as ``Ties`` or as a networkx directed graph."""
    if isinstance(graph, Ties):
        return graph
    return Ties(tuple(graph.nodes), frozenset(graph.edges))


def density(graph: Ties | nx.DiGraph) -> float:
    """Ties present / ties possible, n(n−1) for n nodes (0 with fewer than two)."""
    ties = ties_of(graph)
    n = len(ties.people)
    return len(ties.pairs) / (n * (n - 1)) if n > 1 else 0.0


def reciprocity(graph: Ties | nx.DiGraph) -> float:
    """Share of ties whose reverse tie exists too (0 when there are no ties)."""
    pairs = ties_of(graph).pairs
    if not pairs:
        return 0.0
    mutual = sum(1 for a, b in pairs if (b, a) in pairs)
    return float(mutual / len(pairs))


def freeman_centralisation(graph: Ties | nx.DiGraph, direction: str = "total") -> float:
    """Freeman's degree centralisation of a directed graph, from 0 (equal) to 1 (a star).

    ``direction``: ``out`` or ``in`` degree (the maximum, a one-way star, is (n−1)²) or
    ``total`` = in + out (the maximum, a star with ties both ways, is 2(n−1)(n−2)).
    Fewer than three nodes: 0.
    """
    if direction not in ("out", "in", "total"):
        raise ValueError(f"direction must be out, in or total, not {direction!r}")
    ties = ties_of(graph)
    n = len(ties.people)
    if n < 3:
        return 0.0
    # Each tie counts once at its source (out), its target (in), or both (total).
    ends = {"out": (0,), "in": (1,), "total": (0, 1)}[direction]
    degree = Counter(pair[end] for pair in ties.pairs for end in ends)
    degrees = [degree[v] for v in ties.people]
    most = 2 * (n - 1) * (n - 2) if direction == "total" else (n - 1) ** 2
    top = max(degrees)
    return float(sum(top - d for d in degrees) / most)


# --- building the network from a coding ------------------------------------------------


def _people_keys(data: CodingData, seen: Iterable[str]) -> list[str]:
    """Present people, then anyone else who acted or was addressed (in seat order)."""
    keys = [p.key for p in data.present]
    extra = {k for k in seen if k not in COLLECTIVES and k not in keys}
    keys += [p.key for p in data.people if p.key in extra]
    keys += sorted(extra.difference(keys))
    return keys


_last: list[tuple[CodingData, ChartFilter | None, Network]] = []


def build_network(
    data: CodingData, chart_filter: ChartFilter | None = None, betweenness: bool = True
) -> Network:
    """Count acts and ties of a coding (after the filter) and compute every measure.

    ``betweenness=False`` leaves every node's betweenness at 0.0: the costliest measure,
    and one the course of a group over a year of sessions never shows.
    """
    if not betweenness:
        return _build(apply_filter(data, chart_filter), betweenness=False)
    # Charts of one redraw share the counting: the last result is kept for the same data.
    if _last and _last[0][0] is data and _last[0][1] == chart_filter:
        return _last[0][2]
    network = _build(apply_filter(data, chart_filter))
    _last[:] = [(data, chart_filter, network)]
    return network


def _build(data: CodingData, betweenness: bool = True) -> Network:
    # Many events share actor, code, targets and valence: count those first (fast, in C),
    # then walk the few distinct kinds.
    kinds = Counter(
        (e.actor, e.code, e.targets, e.modifiers.get(VALENCE, "") if e.modifiers else "")
        for e in data.events
    )
    categories = {c: data.category(c) for c in {k[1] for k in kinds}}
    sent: Counter[str] = Counter()
    to_group: Counter[str] = Counter()
    weights: Counter[tuple[str, str]] = Counter()
    by_category: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    by_valence: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    seen: set[str] = set()
    known = {p.key: p for p in data.participants}
    feedback: dict[str, Counter[str]] = defaultdict(Counter)
    for (actor, code, targets, valence), n in kinds.items():
        seen.add(actor)
        if actor not in COLLECTIVES:
            sent[actor] += n
        category = categories[code]
        for target in targets:
            seen.add(target)
            pair = (actor, target)
            weights[pair] += n
            by_category[pair][category] += n
            if valence:
                by_valence[pair][valence] += n
            if target == GROUP:
                to_group[actor] += n
        if _is_peer(actor, known) and (code in FEEDBACK or categories[code] in FEEDBACK):
            for target in targets:
                if target != actor and target not in COLLECTIVES:
                    feedback[target][actor] += n

    people = _people_keys(data, seen)
    edges = tuple(
        Edge(a, b, w, dict(by_category[(a, b)]), dict(by_valence[(a, b)]))
        for (a, b), w in sorted(weights.items())
    )
    ties = _ties_of(people, edges)
    person = set(people)
    # Betweenness alone needs networkx's graph: built only when it is wanted.
    between = nx.betweenness_centrality(_graph_of(ties)) if betweenness and len(people) > 2 else {}
    out_degree = Counter(a for a, _ in ties.pairs)
    in_degree = Counter(b for _, b in ties.pairs)

    received: Counter[str] = Counter()
    on_edges: Counter[str] = Counter()
    for (a, b), w in weights.items():
        received[b] += w
        on_edges[a] += w
    node_keys = [*people, GROUP]
    node_keys += [k for k in COLLECTIVES if k != GROUP and k in seen]
    nodes = []
    for key in node_keys:
        p = known.get(key)
        nodes.append(
            NodeFigures(
                key=key,
                label=data.label(key),
                role=p.role if p is not None else ("group" if key == GROUP else "member"),
                present=p.present if p is not None else True,
                sent=sent[key],
                received=received[key],
                to_group=to_group[key],
                out_degree=out_degree[key] if key in person else 0,
                in_degree=in_degree[key] if key in person else 0,
                betweenness=between.get(key, 0.0),
                acts_to_targets=on_edges[key],
                pseudonym=p.label if p is not None and key not in COLLECTIVES else key,
                initials=p.initials if p is not None and key not in COLLECTIVES else "",
                **_consensual(feedback.get(key)),
            )
        )
    total_sent = sum(sent[n] for n in people)
    addressed = sum(on_edges[n] for n in people)
    measures = GroupMeasures(
        people=len(people),
        ties=len(ties.pairs),
        acts=total_sent,
        density=density(ties),
        reciprocity=reciprocity(ties),
        degree_centralisation=freeman_centralisation(ties, "total"),
        out_degree_centralisation=freeman_centralisation(ties, "out"),
        in_degree_centralisation=freeman_centralisation(ties, "in"),
        # Everyone present (and anyone recorded acting although marked absent), zeros kept.
        participation_gini=gini([sent[n] for n in people]),
        to_group_share=sum(to_group[n] for n in people) / addressed if addressed else 0.0,
        consensual_validation=_share_validated(
            [feedback[k] for k in people if k in feedback and _is_peer(k, known)]
        ),
    )
    return Network(tuple(nodes), edges, measures)


def _is_peer(key: str, known: dict[str, Any]) -> bool:
    """A fellow member: not a leader, not the group (an events CSV's names are members)."""
    if key in COLLECTIVES:
        return False
    p = known.get(key)
    return is_peer_role(p.role if p is not None else "member")


def _consensual(given: Counter[str] | None) -> dict[str, Any]:
    """A person's feedback from fellow members: acts, distinct givers, and spread."""
    if not given:
        return {}
    total = sum(given.values())
    return {
        "feedback_received": total,
        "feedback_sources": len(given),
        "feedback_spread": 1 - max(given.values()) / total,
    }


def _share_validated(heard: Sequence[Counter[str]]) -> float:
    return sum(len(g) > 1 for g in heard) / len(heard) if heard else 0.0


def people_graph(network: Network) -> nx.DiGraph:
    """The unweighted graph of members and leaders the group measures are computed on."""
    return _graph_of(_ties_of([n.key for n in network.people], network.edges))


def _ties_of(people: Sequence[str], edges: Iterable[Edge]) -> Ties:
    """Members and leaders; a tie wherever at least one act went (no self-loops)."""
    person = set(people)
    return Ties(
        tuple(dict.fromkeys(people)),
        frozenset(
            (e.source, e.target)
            for e in edges
            if e.source in person and e.target in person and e.source != e.target
        ),
    )


def _graph_of(ties: Ties) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(ties.people)
    graph.add_edges_from(sorted(ties.pairs))
    return graph
