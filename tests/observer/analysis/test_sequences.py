"""Sequential analysis: statistics checked by hand and against a naive recount."""

from __future__ import annotations

import json
import math
import random
from fractions import Fraction
from pathlib import Path

import pytest

from observer.analysis.sequences import (
    MIN_EXPECTED,
    adjusted_residual,
    describe_significant,
    transitions,
    typed_events,
    yules_q,
)
from observer.cli.main import main
from observer.domain.codebook import EventSpec
from observer.domain.coding_data import CodeInfo, CodingData, participants_from_names
from observer.domain.events import Event
from observer.domain.participants import Participant
from observer.formats.csv_format import write_events_csv


def coding(codes: str | list[str], name: str = "c", step_ms: int = 1000) -> CodingData:
    """A coding whose events are the given codes, one a second, acted by turns."""
    seq = codes.split() if isinstance(codes, str) else codes
    people = ["Jane", "Sam", "Priya"]
    events = tuple(Event(i + 1, i * step_ms, code, people[i % 3]) for i, code in enumerate(seq))
    return CodingData(
        name=name,
        events=events,
        participants=participants_from_names(set(people)),
        codes={c: CodeInfo(c, c.upper(), category=f"cat-{c}") for c in set(seq)},
    )


# --- the worked example --------------------------------------------------------------------


def test_lag1_of_a_short_sequence_by_hand() -> None:
    # A B A B C A B C A B: 9 transitions.
    #   A->B 4, B->A 1, B->C 2, C->A 2; rows A 4, B 3, C 2; columns A 3, B 4, C 2.
    result = transitions(coding("A B A B C A B C A B"), min_expected=0)
    assert result.n == 9
    n = Fraction(9)

    def check(given: str, target: str, f: int, r: int, c: int, q: float | None) -> None:
        t = result.pair(given, target)
        assert t is not None
        e = Fraction(r * c) / n
        z = (f - e) / math.sqrt(e * (1 - r / n) * (1 - c / n))
        assert t.count == f
        assert t.expected == pytest.approx(float(e))
        assert t.probability == pytest.approx(f / r)
        assert t.z == pytest.approx(float(z))
        assert t.yules_q == (pytest.approx(q) if q is not None else None)

    # A->B: e = 16/9, z = (20/9) / sqrt(16/9 * 5/9 * 5/9) = (20/9) / (20/27) = 3 exactly.
    check("A", "B", 4, 4, 4, 1.0)
    assert result.pair("A", "B").z == pytest.approx(3.0)  # type: ignore[union-attr]
    # B->A: observed equals expected (1), so z = 0; Q: a=1 b=2 c=2 d=4 -> (4-4)/(4+4) = 0.
    check("B", "A", 1, 3, 3, 0.0)
    # B->C: e = 6/9, z = (4/3) / sqrt(2/3 * 2/3 * 7/9) = 2.2678…; Q: a=2 b=1 c=0 d=6 -> 1.
    check("B", "C", 2, 3, 2, 1.0)
    assert result.pair("B", "C").z == pytest.approx(2.267786838)  # type: ignore[union-attr]
    check("C", "A", 2, 2, 3, 1.0)
    # A->A never happens: e = 12/9, z = -(4/3) / sqrt(4/3 * 5/9 * 6/9) = -1.897…; Q = -1.
    check("A", "A", 0, 4, 3, -1.0)
    assert result.pair("A", "A").z == pytest.approx(-1.897366596)  # type: ignore[union-attr]
    # C->C: a=0 b=2 c=2 d=5 -> Q = (0 - 4)/(0 + 4) = -1.
    check("C", "C", 0, 2, 2, -1.0)
    # Only A->B passes |z| >= 1.96 with e >= 0 and also B->C, C->A; none with e >= 3.
    assert {(t.given, t.target) for t in result.significant()} == {
        ("A", "B"),
        ("B", "C"),
        ("C", "A"),
    }
    assert transitions(coding("A B A B C A B C A B")).significant() == []


def test_lag2_and_pooling_never_cross_a_coding_boundary() -> None:
    two = transitions([coding("A B", "one"), coding("A B", "two")])
    assert two.n == 2
    assert two.pair("B", "A") is None or two.pair("B", "A").count == 0  # type: ignore[union-attr]
    assert two.pair("A", "B").count == 2  # type: ignore[union-attr]
    lag2 = transitions(coding("A B C A B C"), lag=2, min_expected=0)
    assert lag2.n == 4
    assert lag2.pair("A", "C").count == 2  # type: ignore[union-attr]
    assert lag2.pair("A", "C").probability == 1.0  # type: ignore[union-attr]


def test_formulas_on_their_own() -> None:
    assert adjusted_residual(4, 4, 4, 9) == pytest.approx(3.0)
    assert adjusted_residual(1, 9, 9, 9) is None  # no variance: every event is the same
    assert yules_q(4, 4, 4, 9) == 1.0
    assert yules_q(0, 0, 0, 9) is None


# --- against an independent count on random data -------------------------------------------


def naive_lag(seqs: list[list[str]], lag: int) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for seq in seqs:
        for i in range(len(seq) - lag):
            key = (seq[i], seq[i + lag])
            counts[key] = counts.get(key, 0) + 1
    return counts


@pytest.mark.parametrize("seed,lag", [(1, 1), (2, 1), (3, 2), (4, 3)])
def test_lag_tables_match_a_naive_recount(seed: int, lag: int) -> None:
    rng = random.Random(seed)
    seqs = [
        [rng.choice("ABCDE") for _ in range(rng.randint(20, 200))] for _ in range(rng.randint(1, 4))
    ]
    result = transitions([coding(s, f"c{i}") for i, s in enumerate(seqs)], lag=lag)
    counts = naive_lag(seqs, lag)
    n = sum(counts.values())
    assert result.n == n
    rows = {g: sum(v for (a, _b), v in counts.items() if a == g) for g in "ABCDE"}
    cols = {t: sum(v for (_a, b), v in counts.items() if b == t) for t in "ABCDE"}
    checked = 0
    for t in result.transitions:
        f = counts.get((t.given, t.target), 0)
        r, c = rows[t.given], cols[t.target]
        e = r * c / n
        assert t.count == f
        assert t.expected == pytest.approx(e)
        assert t.probability == pytest.approx(f / r)
        z = (f - e) / math.sqrt(e * (1 - r / n) * (1 - c / n))
        assert t.z == pytest.approx(z)
        a, b, cc, d = f, r - f, c - f, n - r - c + f
        if a * d + b * cc:
            assert t.yules_q == pytest.approx((a * d - b * cc) / (a * d + b * cc))
        assert t.significant == (abs(z) >= 1.96 and e >= MIN_EXPECTED)
        checked += 1
    assert checked == len([1 for g in rows if rows[g]]) * len([1 for t in cols if cols[t]])


def test_time_window_matches_a_naive_recount() -> None:
    rng = random.Random(11)
    seqs, datas = [], []
    for k in range(3):
        times = sorted(rng.sample(range(0, 600_000), 150))
        codes = [rng.choice("ABCD") for _ in times]
        seqs.append(list(zip(times, codes, strict=True)))
        events = tuple(Event(i + 1, t, c, "Jane") for i, (t, c) in enumerate(seqs[-1]))
        datas.append(CodingData(f"c{k}", events, participants_from_names({"Jane"}), {}))
    window = 20_000
    result = transitions(datas, within_s=window / 1000)
    assert result.n == 450
    for t in result.transitions:
        f = 0
        e = var = 0.0
        for seq in seqs:
            duration = max(ts for ts, _c in seq)
            n_target = sum(1 for _ts, c in seq if c == t.target)
            rate = n_target / duration
            for ts, c in seq:
                if c != t.given:
                    continue
                if any(ts < u <= ts + window and d == t.target for u, d in seq):
                    f += 1
                pi = 1 - math.exp(-rate * min(window, duration - ts))
                e += pi
                var += pi * (1 - pi)
        assert t.count == f, (t.given, t.target)
        assert t.expected == pytest.approx(e)
        assert t.z == pytest.approx((f - e) / math.sqrt(var))


def test_time_window_counts_once_per_given_and_only_after_it() -> None:
    # A at 0 s, B at 0 s (same instant: not after), B at 5 s and B at 8 s: one transition.
    events = (
        Event(1, 0, "A", "Jane"),
        Event(2, 0, "B", "Sam"),
        Event(3, 5000, "B", "Sam"),
        Event(4, 8000, "B", "Sam"),
        Event(5, 60_000, "A", "Jane"),
        Event(6, 100_000, "B", "Sam"),
    )
    data = CodingData("w", events, participants_from_names({"Jane", "Sam"}))
    result = transitions(data, within_s=10)
    assert result.pair("A", "B").count == 1  # type: ignore[union-attr]
    assert result.pair("A", "B").probability == 0.5  # type: ignore[union-attr]


# --- what enters the sequence ------------------------------------------------------------------


def with_modes() -> CodingData:
    events = (
        Event(1, 0, "work", "group", end_ms=50_000),
        Event(2, 1000, "feedback", "Jane", ("Sam",)),
        Event(3, 2000, "support", "Sam", ("Jane",)),
        Event(4, 3000, "fight-flight", "group", end_ms=9000),
        Event(5, 4000, "feedback", "Priya", ("Jane",)),
    )
    codes = {
        "work": CodeInfo("work", "Work group", "work", "state", exclusive_group="basic-assumption"),
        "fight-flight": CodeInfo(
            "fight-flight",
            "Fight-flight",
            "basic-assumption",
            "state",
            exclusive_group="basic-assumption",
        ),
        "feedback": CodeInfo("feedback", "Feedback", "feedback"),
        "support": CodeInfo("support", "Support", "helping"),
    }
    people = participants_from_names({"Jane", "Sam", "Priya"})
    return CodingData("modes", events, people, codes)


def test_basic_assumption_states_are_left_out_unless_asked() -> None:
    data = with_modes()
    assert [k for _e, k in typed_events(data)] == ["feedback", "support", "feedback"]
    assert [k for _e, k in typed_events(data, include_modes=True)] == [
        "work", "feedback", "support", "fight-flight", "feedback",
    ]  # fmt: skip
    assert [k for _e, k in typed_events(data, by="category")] == ["feedback", "helping", "feedback"]
    result = transitions(data, by="category", min_expected=0)
    assert result.pair("feedback", "helping").count == 1  # type: ignore[union-attr]


def test_event_types_by_code_and_roles() -> None:
    # "self-disclosure by a member" followed by "subject change by someone else".
    events = (
        Event(1, 0, "self-disclosure", "Jane"),
        Event(2, 1000, "subject-change", "Sam"),
        Event(3, 2000, "self-disclosure", "Dr Lee"),
        Event(4, 3000, "subject-change", "Priya"),
    )
    people = (
        *participants_from_names({"Jane", "Sam", "Priya"}),
        Participant("Dr Lee", "Dr Lee", role="leader"),
    )
    data = CodingData("roles", events, people, {})
    spec = {
        "member disclosure": EventSpec(code="self-disclosure", actor="member"),
        "subject change": EventSpec(code="subject-change"),
    }
    kinds = [k for _e, k in typed_events(data, spec=spec)]
    assert kinds == ["member disclosure", "subject change", "other", "subject change"]
    result = transitions(data, spec=spec, min_expected=0)
    assert result.pair("member disclosure", "subject change").count == 1  # type: ignore[union-attr]
    assert result.pair("other", "subject change").count == 1  # type: ignore[union-attr]


# --- in words, and on the command line ---------------------------------------------------------


def test_describe_significant_on_the_demo(demo_store) -> None:
    from observer.storage.read_coding import from_coding

    lines = describe_significant(from_coding(demo_store, 1))
    assert lines
    first = lines[0]
    assert "times in this session" in first
    assert "changed the subject" in first
    assert "by chance" in first
    # Plain words, no diagnosis.
    for word in ("defended", "resistance", "pathology", "disorder"):
        assert all(word not in line for line in lines)
    assert any(
        line.startswith("Self-disclosure was followed directly by subject change") for line in lines
    )


def test_cli_prints_transitions_as_json(demo_store, capsys, tmp_path: Path) -> None:
    db = str(demo_store.engine.url.database)
    diagram = tmp_path / "diagram.svg"
    code = main(
        ["--db", db, "sequences", "1", "2", "--within", "30", "--json", "--diagram", str(diagram)]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["n"] > 400
    pair = next(
        t for t in out["transitions"]
        if t["given"] == "self-disclosure" and t["target"] == "subject-change"
    )  # fmt: skip
    assert set(pair) >= {"given", "target", "count", "expected", "probability", "z", "yules_q"}
    assert pair["z"] > 1.96 and pair["significant"]
    assert diagram.read_text().lstrip().startswith("<?xml")


def test_cli_reads_an_events_csv(tmp_path: Path, capsys) -> None:
    path = tmp_path / "events.csv"
    write_events_csv(coding("A B A B C A B C A B").events, path)
    assert main(["sequences", str(path), "--json", "--min-expected", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == 9
    ab = next(t for t in out["transitions"] if (t["given"], t["target"]) == ("A", "B"))
    assert (ab["count"], ab["z"], ab["yules_q"]) == (4, 3.0, 1.0)


def test_cli_refuses_a_bad_lag(capsys, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    write_events_csv(coding("A B").events, path)
    assert main(["sequences", str(path), "--lag", "0"]) == 2
    assert "--lag" in capsys.readouterr().err
