"""Agreement between observers: published values, hand-built alignments, the command."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observer.analysis.agreement import agreement, reliability_units
from observer.analysis.alignment import NOTHING, align, align_indices
from observer.analysis.reliability import (
    cohen_kappa,
    krippendorff_alpha,
    time_unit_kappa,
    unit_categories,
)
from observer.cli.main import main
from observer.domain.coding_data import CodeInfo, CodingData
from observer.domain.errors import InputError
from observer.domain.events import Event
from observer.formats.csv_format import write_events_csv

NAN = math.nan


def events(*spec: tuple[float, str], actor: str = "Jane", lag_ms: int = 0) -> list[Event]:
    """Point events from (seconds, code) pairs."""
    return [
        Event(i + 1, round(t * 1000) + lag_ms, code, actor, ("group",))
        for i, (t, code) in enumerate(spec)
    ]


def data(evs: list[Event], name: str = "A", states: tuple[str, ...] = ()) -> CodingData:
    codes = {e.code: CodeInfo(e.code, e.code.title(), kind="point") for e in evs}
    for s in states:
        codes[s] = CodeInfo(s, s.title(), kind="state")
    return CodingData(name, tuple(evs), (), codes)


# Events 5 s apart, so a lag of 2.5 s puts each one out of everyone's reach.
SESSION = [(1, "feedback"), (6, "support"), (11, "question"), (16, "feedback"), (21, "advice"),
           (26, "support"), (31, "question"), (36, "confrontation")]  # fmt: skip


# --- published values --------------------------------------------------------------------


def test_cohen_kappa_reproduces_statsmodels_test_value() -> None:
    assert cohen_kappa([[0, 4, 1], [0, 8, 0], [0, 1, 5]]) == pytest.approx(0.4842, abs=5e-5)


def test_cohen_kappa_edges() -> None:
    assert cohen_kappa([[5, 0], [0, 7]]) == pytest.approx(1.0)
    assert cohen_kappa([[0, 5], [5, 0]]) == pytest.approx(-1.0)
    assert math.isnan(cohen_kappa([[9, 0], [0, 0]]))  # one category only: undefined
    assert math.isnan(cohen_kappa([[0, 0], [0, 0]]))
    with pytest.raises(InputError):
        cohen_kappa([[1, 2, 3]])


# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", example C:
# 4 observers, 12 units, missing values; nominal alpha = 0.743.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_krippendorff_alpha_reproduces_krippendorff_2011() -> None:
    assert round(krippendorff_alpha(KRIPPENDORFF_2011), 3) == 0.743
    assert round(krippendorff_alpha(KRIPPENDORFF_2011, "interval"), 3) == 0.849
    # The same data as labels rather than numbers: nominal alpha does not care.
    names = {1: "a", 2: "b", 3: "c", 4: "d", 5: "e", None: None}
    labelled = [[names[v] for v in row] for row in KRIPPENDORFF_2011]
    assert round(krippendorff_alpha(labelled), 3) == 0.743


def test_krippendorff_alpha_binary_two_observers() -> None:
    # Krippendorff (2011), example A: two observers, ten units, binary; alpha = 0.095.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert round(krippendorff_alpha([a, b]), 3) == 0.095


def test_krippendorff_alpha_undefined_is_nan() -> None:
    assert math.isnan(krippendorff_alpha([["x", "x"], ["x", "x"]]))
    assert math.isnan(krippendorff_alpha([["x", None], [None, "y"]]))


# --- alignment built by hand -------------------------------------------------------------


def test_equal_codings_agree_perfectly() -> None:
    a = events(*SESSION)
    result = agreement([data(a, "A"), data(list(a), "B")])
    assert result["matched"] == len(SESSION)
    assert result["event_kappa"] == pytest.approx(1.0)
    assert result["event_kappa_matched"] == pytest.approx(1.0)
    assert result["percent_agreement"] == pytest.approx(100.0)
    assert result["time_unit_kappa"] == pytest.approx(1.0)
    assert result["krippendorff_alpha"] == pytest.approx(1.0)
    assert result["offsets"]["median_ms"] == 0


def test_a_systematic_lag_inside_the_window_matches_everything() -> None:
    a = events(*SESSION)
    b = events(*SESSION, lag_ms=1500)
    pairs = align(a, b, tolerance_ms=2000)
    assert all(p.matched and p.agree for p in pairs)
    assert [p.offset_ms for p in pairs] == [1500] * len(SESSION)
    result = agreement([data(a), data(b)], tolerance_s=2.0)
    assert result["event_kappa"] == pytest.approx(1.0)
    assert result["offsets"]["median_ms"] == 1500
    assert result["offsets"]["iqr_ms"] == 0


def test_events_outside_the_window_stay_unmatched() -> None:
    a = events(*SESSION)
    b = events(*SESSION, lag_ms=2500)
    pairs = align(a, b, tolerance_ms=2000)
    assert not any(p.matched for p in pairs)
    assert len(pairs) == 2 * len(SESSION)
    result = agreement([data(a), data(b)], tolerance_s=2.0)
    assert result["matched"] == 0
    assert result["unmatched_a"] == result["unmatched_b"] == len(SESSION)
    labels = result["confusion"]["labels"]
    matrix = result["confusion"]["matrix"]
    assert labels[-1] == NOTHING
    # Every event of A is in the nothing column, every one of B in the nothing row.
    assert [row[-1] for row in matrix[:-1]] == [
        sum(1 for _, c in SESSION if c == label) for label in labels[:-1]
    ]
    assert matrix[-1][-1] == 0
    assert result["event_kappa_matched"] is None  # no matched pairs: undefined
    # A wider window pairs them all again.
    assert agreement([data(a), data(b)], tolerance_s=3.0)["matched"] == len(SESSION)


def test_the_window_edge_is_inclusive() -> None:
    a = events((10, "feedback"))
    assert align(a, events((12, "feedback")), 2000)[0].matched
    assert not align(a, events((12.001, "feedback")), 2000)[0].matched


def test_a_same_code_partner_is_preferred_then_the_nearer_one() -> None:
    a = events((10, "feedback"))
    b = events((9.9, "support"), (11.5, "feedback"))
    pairs = align(a, b, 2000)
    matched = [p for p in pairs if p.matched]
    assert len(matched) == 1 and matched[0].b_label == "feedback"
    b = events((8.5, "feedback"), (10.4, "feedback"))
    matched = [p for p in align(a, b, 2000) if p.matched]
    assert matched[0].offset_ms == 400


def test_a_different_code_pairs_rather_than_two_unmatched_events() -> None:
    pairs = align(events((10, "feedback")), events((10.5, "support")), 2000)
    assert len(pairs) == 1 and pairs[0].matched and not pairs[0].agree


def test_confusion_rows_are_a_columns_are_b() -> None:
    a = events((1, "feedback"), (5, "feedback"), (9, "question"))
    b = events((1, "support"), (5, "feedback"), (20, "advice"))
    result = agreement([data(a, "A"), data(b, "B")])
    labels = result["confusion"]["labels"]
    assert labels == ["advice", "feedback", "question", "support", NOTHING]
    m = result["confusion"]["matrix"]
    at = labels.index
    assert m[at("feedback")][at("support")] == 1  # A said feedback where B said support
    assert m[at("feedback")][at("feedback")] == 1
    assert m[at("question")][at(NOTHING)] == 1
    assert m[at(NOTHING)][at("advice")] == 1
    assert sum(map(sum, m)) == result["aligned_pairs"] == 4
    assert result["percent_agreement"] == pytest.approx(25.0)
    assert result["percent_agreement_matched"] == pytest.approx(50.0)
    for key in ("event_kappa", "event_kappa_matched", "time_unit_kappa", "krippendorff_alpha"):
        assert key in result and key in result["explanations"]
    per = {r["code"]: r for r in result["per_code"]}
    assert per["feedback"] == {
        "code": "feedback", "label": "Feedback", "a": 2, "b": 1, "agreed": 1,
        "agreement": pytest.approx(2 / 3), "precision": 1.0, "recall": 0.5,
    }  # fmt: skip


def _cost(pairs: list[tuple[int | None, int | None]], at, bt, al, bl) -> tuple[int, int]:
    unmatched = sum(1 for i, j in pairs if i is None or j is None)
    mismatched = sum(1 for i, j in pairs if i is not None and j is not None and al[i] != bl[j])
    drift = sum(abs(at[i] - bt[j]) for i, j in pairs if i is not None and j is not None)
    return unmatched + mismatched, drift


def _full_grid_best(at, bt, al, bl, tol) -> tuple[int, int]:
    """The same objective over the whole n×m grid, as a plain reference."""
    n, m = len(at), len(bt)
    best = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            options = []
            if i:
                c, d = best[i - 1][j]
                options.append((c + 1, d))
            if j:
                c, d = best[i][j - 1]
                options.append((c + 1, d))
            if i and j and abs(at[i - 1] - bt[j - 1]) <= tol:
                c, d = best[i - 1][j - 1]
                options.append((c + (al[i - 1] != bl[j - 1]), d + abs(at[i - 1] - bt[j - 1])))
            best[i][j] = min(options)
    return best[n][m]


timed = st.lists(st.tuples(st.integers(0, 20_000), st.sampled_from("xyz")), max_size=14)


@settings(max_examples=150, deadline=None)
@given(timed, timed, st.sampled_from([0, 500, 2000]))
def test_the_banded_alignment_is_optimal_and_complete(a, b, tol) -> None:
    a, b = sorted(a), sorted(b)
    at, al = [t for t, _ in a], [c for _, c in a]
    bt, bl = [t for t, _ in b], [c for _, c in b]
    pairs = align_indices(at, al, bt, bl, tol)
    assert sorted(i for i, _ in pairs if i is not None) == list(range(len(a)))
    assert sorted(j for _, j in pairs if j is not None) == list(range(len(b)))
    matched = [(i, j) for i, j in pairs if i is not None and j is not None]
    assert all(abs(at[i] - bt[j]) <= tol for i, j in matched)
    assert matched == sorted(matched) and [j for _, j in matched] == sorted(j for _, j in matched)
    assert _cost(pairs, at, bt, al, bl) == _full_grid_best(at, bt, al, bl, tol)


# --- time units --------------------------------------------------------------------------


def test_time_unit_semantics() -> None:
    point = Event(1, 1500, "feedback", "Jane")
    state = Event(2, 500, "work", "group", end_ms=2500)
    exact = Event(3, 3000, "work", "group", end_ms=5000)
    cats = unit_categories([point, state, exact], 1000, 6)
    # [0,1) [1,2) [2,3) [3,4) [4,5) [5,6)
    assert cats == ["work", "feedback + work", "work", "work", "work", "(empty)"]


def test_time_units_run_to_the_end_of_the_last_event() -> None:
    a = [Event(1, 0, "work", "group", end_ms=4000), Event(2, 4000, "feedback", "Jane")]
    b = [Event(1, 0, "work", "group", end_ms=4000)]
    result = time_unit_kappa(a, b, 1000)
    assert result.units == 5  # units 0..4: the point at 4.0 s has a unit of its own
    assert result.percent_agreement == pytest.approx(80.0)
    assert result.confusion.labels == ("(empty)", "feedback", "work")


def test_time_unit_kappa_changes_with_the_unit_and_says_so() -> None:
    a = events(*SESSION)
    b = events(*SESSION, lag_ms=1200)
    one = agreement([data(a), data(b)], unit_s=1.0)
    ten = agreement([data(a), data(b)], unit_s=10.0)
    assert one["time_unit_kappa"] != ten["time_unit_kappa"]
    assert "units of 10 s" in ten["explanations"]["time_unit_kappa"]
    assert one["time_units"] == 38 and ten["time_units"] == 4
    assert ten["time_unit_kappa"] == pytest.approx(1.0)


def test_a_running_state_lasts_to_the_end_of_its_coding() -> None:
    a = [Event(1, 0, "work", "group"), Event(2, 9000, "feedback", "Jane")]
    b = [Event(1, 0, "work", "group", end_ms=10_000), Event(2, 9000, "feedback", "Jane")]
    result = agreement([data(a, states=("work",)), data(b, states=("work",))])
    assert result["time_units"] == 11
    assert result["time_unit_percent_agreement"] == pytest.approx(100 * 10 / 11)


# --- actors, targets, more observers -----------------------------------------------------


def test_agreement_by_actor_and_target() -> None:
    a = [Event(1, 1000, "feedback", "Jane", ("Sam",)), Event(2, 5000, "support", "Tom", ())]
    b = [Event(1, 1200, "feedback", "Jane", ("Tom",)), Event(2, 5100, "support", "Sam", ())]
    by_actor = agreement([data(a), data(b)], by="actor")
    assert by_actor["percent_agreement"] == pytest.approx(50.0)
    assert "Jane" in by_actor["confusion"]["labels"]
    by_target = agreement([data(a), data(b)], by="target")
    assert by_target["percent_agreement"] == pytest.approx(50.0)
    assert "(no target)" in by_target["confusion"]["labels"]
    with pytest.raises(InputError):
        agreement([data(a), data(b)], by="modifier")  # type: ignore[arg-type]


def test_three_codings_give_pairs_and_one_alpha() -> None:
    a = events(*SESSION)
    b = events(*SESSION, lag_ms=300)
    c = events(*SESSION[:-1], (36, "support"), lag_ms=-400)
    result = agreement([data(a, "A"), data(b, "B"), data(c, "C")])
    assert len(result["pairs"]) == 3
    assert [p["codings"] for p in result["pairs"]] == [["A", "B"], ["A", "C"], ["B", "C"]]
    assert result["alpha_units"] == len(SESSION)
    assert 0.7 < result["krippendorff_alpha"] < 1.0
    matrix = reliability_units([a, b, c], 2000)
    assert matrix[2][-1] == "support" and matrix[0][-1] == "confrontation"


def test_reliability_units_leave_missing_where_nothing_was_coded() -> None:
    a = events((1, "x"))
    b = events((1, "x"), (50, "y"))
    c = events((50, "y"))
    assert reliability_units([a, b, c], 2000) == [["x", None], ["x", "y"], [None, "y"]]


def test_agreement_needs_two_codings() -> None:
    with pytest.raises(InputError):
        agreement([data(events(*SESSION))])


# --- the command -------------------------------------------------------------------------


def test_command_on_demo_codings(demo_store, capsys) -> None:
    code = main(["--db", demo_store.location, "agreement", "4", "5", "--json"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    for key in ("event_kappa", "event_kappa_matched", "percent_agreement", "time_unit_kappa",
                "krippendorff_alpha"):  # fmt: skip
        assert isinstance(result[key], float)
    assert result["confusion"]["labels"][-1] == "nothing"
    assert 0 < result["event_kappa"] < result["event_kappa_matched"] < 1
    code = main(["--db", demo_store.location, "agreement", "3", "4", "5", "--by", "actor"])
    assert code == 0
    text = capsys.readouterr().out
    assert "krippendorff_alpha (all)" in text and "Cohen's kappa over" in text


def test_command_on_events_csv_files(tmp_path: Path, capsys) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    write_events_csv(events(*SESSION), a)
    write_events_csv(events(*SESSION, lag_ms=1500), b)
    code = main(["agreement", str(a), str(b), "--tolerance", "1", "--unit", "2", "--json"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["matched"] == 0 and result["unit_s"] == 2.0
    assert main(["agreement", str(a), str(b), "--tolerance", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["event_kappa"] == pytest.approx(1.0)
    assert main(["agreement", str(a)]) == 2  # refused in one line, exit 2
