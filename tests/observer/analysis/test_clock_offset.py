"""Lining codings up in time: by their clocks' anchors, or by the shift their events suggest."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from observer.analysis.agreement import agreement
from observer.analysis.clock_offset import estimate_offset, line_up
from observer.domain.coding_data import CodeInfo, CodingData
from observer.domain.events import Event

CODES = ("feedback", "support", "question", "advice")
TOLERANCE_MS = 2_000


def coding(name: str, moments: list[tuple[int, str]], later_by_ms: int = 0) -> CodingData:
    """A coding of these (time, code) moments by a clock started ``later_by_ms`` late."""
    events = tuple(
        Event(i + 1, t - later_by_ms, code, "Jane", ("Sam",))
        for i, (t, code) in enumerate(sorted(moments))
    )
    return CodingData(name, events, (), {c: CodeInfo(c, c.title()) for c in CODES})


SESSION = [(95_000 + 7_300 * i + (i * i * 131) % 2_900, CODES[(i * 7) % 4]) for i in range(40)]


@settings(max_examples=150, deadline=None)
@given(
    moments=st.lists(
        st.tuples(st.integers(90_000, 1_800_000), st.sampled_from(CODES)),
        min_size=1,
        max_size=80,
        unique_by=lambda m: m[0],
    ),
    offset_ms=st.integers(-90_000, 90_000),
)
def test_a_shifted_coding_is_estimated_back_within_the_tolerance(
    moments: list[tuple[int, str]], offset_ms: int
) -> None:
    a = coding("A", moments)
    b = coding("B", moments, later_by_ms=offset_ms)
    found = estimate_offset(a.events, b.events, TOLERANCE_MS)
    assert found is not None
    assert abs(found.ms - offset_ms) <= TOLERANCE_MS
    assert found.matched == len(moments)


def test_codings_with_no_code_in_common_have_no_estimate() -> None:
    a = coding("A", [(1_000, "feedback")])
    b = coding("B", [(1_000, "support")])
    assert estimate_offset(a.events, b.events, TOLERANCE_MS) is None


def test_without_anchors_the_events_shift_is_offered_not_applied() -> None:
    a, b = coding("A", SESSION), coding("B", SESSION, later_by_ms=5_000)
    result = agreement([a, b])
    assert result["offset"]["method"] == "none" and result["offset"]["ms"] == 0
    assert result["offset"]["estimate"] == {"ms": 5_000, "method": "events", "matched": 40}
    assert result["event_kappa"] < 0.5
    [note] = result["notes"]
    assert note.startswith("The events suggest shifting B by +5 s: 40 events of the same code")
    assert "Not applied: tick 'Align by events' (or pass --align auto)" in note


def test_align_auto_applies_the_events_shift() -> None:
    a, b = coding("A", SESSION), coding("B", SESSION, later_by_ms=5_000)
    result = agreement([a, b], align_by="auto")
    assert result["offset"] | {"estimate": None} == {
        "ms": 5_000,
        "method": "events",
        "matched": 40,
        "estimate": None,
    }
    assert result["event_kappa"] == 1.0
    assert result["notes"][0].startswith("B lined up with A by the events: shifted +5 s")


def test_align_none_compares_the_times_as_stored_and_estimates_nothing() -> None:
    a, b = coding("A", SESSION), coding("B", SESSION, later_by_ms=5_000)
    result = agreement([a, b], align_by="none")
    assert result["offset"]["method"] == "none" and result["offset"]["estimate"] is None
    assert result["notes"] == []


def test_observers_timing_within_the_tolerance_is_not_taken_for_a_clock_offset() -> None:
    """A second observer who codes 1.5 s late throughout: their timing, not their clock."""
    a, b = coding("A", SESSION), coding("B", SESSION, later_by_ms=-1_500)
    result = agreement([a, b], align_by="auto")
    assert result["offset"]["method"] == "none" and result["notes"] == []
    assert result["event_kappa"] == 1.0


def test_a_third_coding_is_lined_up_with_the_first() -> None:
    a = coding("A", SESSION)
    b = coding("B", SESSION, later_by_ms=5_000)
    c = coding("C", SESSION, later_by_ms=-30_000)
    lined = line_up([a, b, c], TOLERANCE_MS, "auto")
    assert lined.shifts == (0, 5_000, -30_000)
    result = agreement([a, b, c], align_by="auto")
    b_vs_c = result["pairs"][2]
    assert b_vs_c["codings"] == ["B", "C"]
    assert b_vs_c["offset"] == {
        "ms": -35_000,
        "method": "events",
        "matched": 40,
        "estimate": None,
    }
    assert [p["event_kappa"] for p in result["pairs"]] == [1.0, 1.0, 1.0]
