"""Network measures against a hand-computed group and against networkx on random data."""

from __future__ import annotations

import random
from dataclasses import replace
from itertools import permutations
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from observer.analysis.filters import ChartFilter
from observer.analysis.network import (
    Ties,
    build_network,
    density,
    freeman_centralisation,
    gini,
    people_graph,
    reciprocity,
)
from observer.domain.coding_data import CodeInfo, CodingData, participants_from_names
from observer.domain.events import Event


def coding(events: list[Event], people: tuple[str, ...] = ()) -> CodingData:
    names = set(people) | {n for e in events for n in (e.actor, *e.targets)}
    codes = {
        "feedback": CodeInfo("feedback", "Feedback", "feedback"),
        "support": CodeInfo("support", "Support", "helping"),
        "question": CodeInfo("question", "Question", "helping"),
        "withdrawal": CodeInfo("withdrawal", "Withdrawal", "avoidance", "state"),
    }
    ordered = tuple(sorted(events, key=lambda e: e.time_ms))
    return CodingData("test", ordered, participants_from_names(names), codes)


def act(t: int, actor: str, *targets: str, code: str = "feedback") -> Event:
    return Event(0, t * 1000, code, actor, tuple(targets))


def four_members() -> CodingData:
    """A→B ×3, B→A, A→C ×2, C→D, B→{C, D} once, A→group ×2; D sends nothing."""
    events = [
        act(1, "A", "B"),
        act(2, "A", "B"),
        act(3, "A", "B"),
        act(4, "B", "A"),
        act(5, "A", "C"),
        act(6, "A", "C"),
        act(7, "C", "D"),
        act(8, "B", "C", "D"),
        act(9, "A", "group", code="question"),
        act(10, "A", "group", code="question"),
    ]
    return coding(events)


def test_hand_computed_four_member_group() -> None:
    network = build_network(four_members())
    m = network.measures
    assert m.people == 4
    assert m.ties == 6  # A→B, B→A, A→C, C→D, B→C, B→D
    assert m.density == pytest.approx(6 / 12)
    assert m.reciprocity == pytest.approx(2 / 6)
    # sent = [7, 2, 1, 0]: sum of |xi - xj| over ordered pairs 44; 44 / (2 * 4² * 2.5)
    assert m.participation_gini == pytest.approx(0.55)
    # out-degrees 2, 3, 1, 0: (1 + 0 + 2 + 3) / 3²
    assert m.out_degree_centralisation == pytest.approx(6 / 9)
    # in-degrees 1, 1, 2, 2: (1 + 1 + 0 + 0) / 3²
    assert m.in_degree_centralisation == pytest.approx(2 / 9)
    # total degrees 3, 4, 3, 2: (1 + 0 + 1 + 2) / (2 * 3 * 2)
    assert m.degree_centralisation == pytest.approx(4 / 12)
    assert m.acts == 10
    weights = {(e.source, e.target): e.weight for e in network.edges}
    assert weights == {
        ("A", "B"): 3,
        ("B", "A"): 1,
        ("A", "C"): 2,
        ("C", "D"): 1,
        ("B", "C"): 1,
        ("B", "D"): 1,
        ("A", "group"): 2,
    }
    a = network.node("A")
    assert a is not None
    assert (a.sent, a.received, a.to_group, a.out_degree, a.in_degree) == (7, 1, 2, 2, 1)
    b = network.node("B")
    assert b is not None
    assert (b.sent, b.acts_to_targets) == (2, 3)  # one act with two targets: two edge acts


def test_group_node_is_left_out_of_the_measures() -> None:
    only_group = coding([act(1, "A", "group"), act(2, "B", "group")], people=("A", "B", "C"))
    m = build_network(only_group).measures
    assert (m.ties, m.density, m.reciprocity) == (0, 0.0, 0.0)
    assert m.to_group_share == 1.0


def test_gini_formula() -> None:
    assert gini([]) == 0.0
    assert gini([0, 0, 0]) == 0.0
    assert gini([5, 5, 5, 5]) == 0.0
    assert gini([1, 0, 0, 0]) == pytest.approx(0.75)  # (n - 1) / n: one person does it all
    assert gini([7, 2, 1, 0]) == pytest.approx(0.55)


def _naive_gini(values: list[int]) -> float:
    n = len(values)
    mean = sum(values) / n
    if mean == 0:
        return 0.0
    return sum(abs(x - y) for x in values for y in values) / (n * n) / (2 * mean)


def _naive_freeman(graph: nx.DiGraph, direction: str) -> float:
    n = graph.number_of_nodes()
    if direction == "out":
        degrees = dict(graph.out_degree())
        most = (n - 1) ** 2
    elif direction == "in":
        degrees = dict(graph.in_degree())
        most = (n - 1) ** 2
    else:
        degrees = {v: graph.in_degree(v) + graph.out_degree(v) for v in graph}
        most = 2 * (n - 1) * (n - 2)
    top = max(degrees.values())
    return sum(top - d for d in degrees.values()) / most


@pytest.mark.parametrize("seed", range(8))
def test_measures_agree_with_networkx_on_random_groups(seed: int) -> None:
    rng = random.Random(seed)
    people = [f"P{i}" for i in range(rng.randint(3, 11))]
    events = []
    for i in range(rng.randint(0, 120)):
        actor = rng.choice(people)
        choices = [p for p in people if p != actor] + ["group"]
        targets = rng.sample(choices, rng.choice([0, 1, 1, 1, 2]))
        events.append(act(i, actor, *targets))
    network = build_network(coding(events, tuple(people)))
    reference = nx.DiGraph()
    reference.add_nodes_from(people)
    for e in events:
        reference.add_edges_from((e.actor, t) for t in e.targets if t != "group")
    m = network.measures
    assert m.density == pytest.approx(nx.density(reference))
    if reference.number_of_edges():
        assert m.reciprocity == pytest.approx(nx.overall_reciprocity(reference))
    for direction, value in (
        ("out", m.out_degree_centralisation),
        ("in", m.in_degree_centralisation),
        ("total", m.degree_centralisation),
    ):
        assert value == pytest.approx(_naive_freeman(reference, direction))
        assert 0.0 <= value <= 1.0
    between = nx.betweenness_centrality(reference)
    for node in network.people:
        assert node.betweenness == pytest.approx(between[node.key])
        assert node.out_degree == reference.out_degree(node.key)
        assert node.in_degree == reference.in_degree(node.key)
    sent = [sum(1 for e in events if e.actor == p) for p in people]
    assert m.participation_gini == pytest.approx(_naive_gini(sent))
    assert nx.utils.graphs_equal(people_graph(network), reference)
    # Without betweenness (the course of a group), every other figure is the same.
    lean = build_network(coding(events, tuple(people)), betweenness=False)
    assert lean.measures == m
    assert [replace(n, betweenness=0.0) for n in network.nodes] == list(lean.nodes)


def test_centralisation_extremes() -> None:
    star = nx.DiGraph()
    star.add_edges_from(("hub", f"x{i}") for i in range(4))
    assert freeman_centralisation(star, "out") == pytest.approx(1.0)
    star.add_edges_from((f"x{i}", "hub") for i in range(4))
    assert freeman_centralisation(star, "total") == pytest.approx(1.0)
    complete = nx.DiGraph(list(permutations(range(5), 2)))
    assert freeman_centralisation(complete, "total") == 0.0
    assert density(complete) == 1.0
    assert reciprocity(complete) == 1.0
    with pytest.raises(ValueError):
        freeman_centralisation(complete, "sideways")


def test_people_present_but_silent_count_in_gini_and_density() -> None:
    data = coding([act(1, "A", "B")], people=("A", "B", "C", "D"))
    m = build_network(data).measures
    assert m.people == 4
    assert m.density == pytest.approx(1 / 12)
    assert m.participation_gini == pytest.approx(0.75)


def test_filter_by_time_code_category_actor_and_target() -> None:
    data = four_members()
    by_time = build_network(data, ChartFilter.of(start_ms=4000, end_ms=8000))
    assert {(e.source, e.target) for e in by_time.edges} == {("B", "A"), ("A", "C"), ("C", "D")}
    by_code = build_network(data, ChartFilter.of(codes=["question"]))
    assert [(e.source, e.target, e.weight) for e in by_code.edges] == [("A", "group", 2)]
    by_category = build_network(data, ChartFilter.of(categories=["helping"]))
    assert by_category.measures.acts == 2
    by_actor = build_network(data, ChartFilter.of(actors=["B"]))
    assert by_actor.measures.acts == 2
    assert by_actor.measures.people == 4  # the filter never removes people
    by_target = build_network(data, ChartFilter.of(targets=["D"]))
    assert {(e.source, e.target) for e in by_target.edges} == {("C", "D"), ("B", "C"), ("B", "D")}


def test_filter_clips_states_to_the_time_range() -> None:
    events = [Event(0, 1000, "withdrawal", "A", (), {}, "", 9000), act(10, "B", "A")]
    data = coding(events)
    kept = ChartFilter.of(start_ms=3000, end_ms=5000).apply(data)
    assert [(e.time_ms, e.end_ms) for e in kept.events] == [(3000, 5000)]
    assert ChartFilter().apply(data) is data


def test_network_of_the_demo_coding(demo_store: object) -> None:
    from observer.storage.read_coding import from_coding

    data = from_coding(demo_store, 1)  # type: ignore[arg-type]
    network = build_network(data)
    m = network.measures
    assert m.people == 10
    assert 0 < m.density <= 1 and 0 < m.reciprocity <= 1
    ben = network.node(data.key_of("Ben"))
    jane = network.node(data.key_of("Jane"))
    assert ben is not None and jane is not None
    assert ben.sent < jane.sent  # the quiet member of the demo
    payload = network.as_dict()
    assert payload["density"] == payload["measures"]["density"]
    assert all({"source", "target", "weight"} <= set(e) for e in payload["edges"])


def test_network_from_an_events_csv(tmp_path: Path) -> None:
    from observer.formats.csv_format import read_events_csv

    csv = tmp_path / "events.csv"
    csv.write_text(
        "time,actor,target,code\n1,A,B,feedback\n2,B,A,feedback\n3,A,group,question\n"
        "4,C,,self-disclosure\n",
        encoding="utf-8",
    )
    data = read_events_csv(csv)
    assert isinstance(data, CodingData)
    m = build_network(data).measures
    assert m.people == 3  # C acted, so C was present
    assert m.density == pytest.approx(2 / 6)
    assert m.reciprocity == 1.0


# --- the people graph measured from its ties, and the same graph in networkx -----------

_NAMES = st.sampled_from(["A", "B", "C", "D", "E", "F", "Lee"])


@given(
    people=st.lists(_NAMES, min_size=0, max_size=7, unique=True),
    pairs=st.lists(st.tuples(_NAMES, _NAMES), max_size=30),
)
def test_measures_of_ties_and_of_a_networkx_graph_are_identical(
    people: list[str], pairs: list[tuple[str, str]]
) -> None:
    graph = nx.DiGraph()
    graph.add_nodes_from(people)
    # A people graph: no self-loops (an act to oneself is no tie).
    graph.add_edges_from((a, b) for a, b in pairs if a in people and b in people and a != b)
    ties = Ties(tuple(graph.nodes), frozenset(graph.edges))
    assert density(ties) == density(graph)
    assert reciprocity(ties) == reciprocity(graph)
    for direction in ("out", "in", "total"):
        assert freeman_centralisation(ties, direction) == freeman_centralisation(graph, direction)
    # And the one definition is networkx's, where networkx has the measure.
    assert density(graph) == pytest.approx(nx.density(graph) if len(people) > 1 else 0.0)
    if graph.number_of_edges():
        assert reciprocity(graph) == pytest.approx(nx.overall_reciprocity(graph))


_ACTS = st.lists(
    st.tuples(_NAMES, st.lists(st.sampled_from(["A", "B", "C", "D", "group"]), max_size=2)),
    max_size=40,
)


@given(acts=_ACTS, present=st.lists(_NAMES, max_size=5, unique=True))
def test_a_session_measured_without_networkx_matches_its_networkx_graph(
    acts: list[tuple[str, list[str]]], present: list[str]
) -> None:
    events = [act(i, actor, *targets) for i, (actor, targets) in enumerate(acts)]
    data = coding(events, tuple(present))
    lean = build_network(data, betweenness=False)
    full = build_network(data)
    graph = people_graph(full)
    m = lean.measures
    assert m == full.measures
    assert (m.people, m.ties) == (graph.number_of_nodes(), graph.number_of_edges())
    assert m.density == density(graph)
    assert m.reciprocity == reciprocity(graph)
    assert m.degree_centralisation == freeman_centralisation(graph, "total")
    assert m.out_degree_centralisation == freeman_centralisation(graph, "out")
    assert m.in_degree_centralisation == freeman_centralisation(graph, "in")
    for node in lean.people:
        assert node.out_degree == graph.out_degree(node.key)
        assert node.in_degree == graph.in_degree(node.key)
    assert [replace(n, betweenness=0.0) for n in full.nodes] == list(lean.nodes)
