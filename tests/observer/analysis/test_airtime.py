"""Airtime against hand-computed values: speaking time, share, turns, transitions, Gini."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from observer.analysis.airtime import airtime, gini
from observer.domain.coding_data import CodeInfo, CodingData, participants_from_names
from observer.domain.events import Event

CODES = {"speaking": CodeInfo("speaking", "Speaking", "airtime", "state")}


def coding(turns: list[tuple[str, int, int]], people: set[str]) -> CodingData:
    events = tuple(
        Event(i, start, "speaking", who, end_ms=end) for i, (who, start, end) in enumerate(turns)
    )
    return CodingData("call", events, participants_from_names(people), CODES)


# A and B overlap for a second; A's two utterances after B are one turn; C hands over to B
# at the very moment C stops (touching is no overlap); D is there and says nothing.
TURNS = [
    ("A", 0, 4000),
    ("B", 3000, 6000),
    ("A", 7000, 8000),
    ("A", 8500, 9000),
    ("C", 10000, 12000),
    ("B", 12000, 13000),
]


def test_speaking_time_share_and_turns_per_member() -> None:
    result = airtime(coding(TURNS, {"A", "B", "C", "D"})).as_dict()
    assert [(m["name"], m["seconds"], m["share"], m["turns"]) for m in result["members"]] == [
        ("A", 5.5, round(5.5 / 11.5, 4), 2),
        ("B", 4.0, round(4 / 11.5, 4), 2),
        ("C", 2.0, round(2 / 11.5, 4), 1),
        ("D", 0.0, 0.0, 0),
    ]
    assert result["members"][0]["mean_turn_seconds"] == 2.75


def test_silence_overlap_and_gini() -> None:
    result = airtime(coding(TURNS, {"A", "B", "C", "D"}))
    assert result.speech_seconds == 10.5  # 0–6, 7–8, 8.5–9, 10–13
    assert result.silence_seconds == 2.5
    assert result.overlap_seconds == 1.0
    # Sorted 0, 2, 4, 5.5: Σ(2i − n − 1)·x / (n·Σx) = 18.5 / 46.
    assert result.gini == pytest.approx(18.5 / 46)


def test_who_speaks_after_whom() -> None:
    result = airtime(coding(TURNS, {"A", "B", "C", "D"})).as_dict()
    turns = {(t["from"], t["to"]): t for t in result["transitions"]}
    assert {k: t["count"] for k, t in turns.items()} == {
        ("A", "B"): 1,
        ("B", "A"): 1,
        ("A", "C"): 1,
        ("C", "B"): 1,
    }
    # A→B: row A 2, column B 2, n 4: expected 1, residual 0.
    assert turns[("A", "B")]["expected"] == 1.0 and turns[("A", "B")]["z"] == 0.0
    utterances = {(t["from"], t["to"]): t["count"] for t in result["utterance_transitions"]}
    assert utterances[("A", "A")] == 1 and sum(utterances.values()) == 5


def test_gini_is_zero_when_equal_and_undefined_when_nobody_speaks() -> None:
    assert gini([3.0, 3.0, 3.0]) == 0.0
    assert gini([0.0, 0.0]) is None
    assert gini([5.0]) is None


spans = st.lists(
    st.tuples(st.sampled_from("ABC"), st.integers(0, 60_000), st.integers(0, 5_000)),
    min_size=1,
    max_size=30,
).map(lambda xs: [(who, start, start + length) for who, start, length in xs])


@given(spans)
def test_shares_add_up_and_time_is_accounted_for(turns: list[tuple[str, int, int]]) -> None:
    result = airtime(coding(turns, {"A", "B", "C"}))
    total = sum(s.seconds for s in result.speakers)
    if total:
        assert sum(s.share for s in result.speakers) == pytest.approx(1.0)
    span = (max(e for *_x, e in turns) - min(s for _w, s, _e in turns)) / 1000
    assert result.speech_seconds + result.silence_seconds == pytest.approx(span)
    assert result.overlap_seconds <= result.speech_seconds + 1e-9
    assert total >= result.speech_seconds - 1e-9
    assert result.gini is None or 0.0 <= result.gini < 1.0
