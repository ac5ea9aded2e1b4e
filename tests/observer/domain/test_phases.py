"""Phases inside a session: thirds by the coding's length, marked phases until the next mark."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from observer.domain.errors import InputError
from observer.domain.phases import (
    Phase,
    PhaseMark,
    checked_name,
    named_phases,
    phase_window,
    thirds,
)


def test_thirds_of_an_odd_length_are_cut_on_whole_milliseconds() -> None:
    # 1001 ms: 1001 // 3 = 333 and 2002 // 3 = 667; the last third runs to the end.
    assert thirds(1001) == (
        Phase("third 1", 0, 333),
        Phase("third 2", 333, 667),
        Phase("third 3", 667, None),
    )
    # 90 minutes cut into three half hours exactly.
    assert [(p.start_ms, p.end_ms) for p in thirds(5_400_000)] == [
        (0, 1_800_000),
        (1_800_000, 3_600_000),
        (3_600_000, None),
    ]


@given(st.integers(min_value=0, max_value=10 * 3_600_000))
def test_the_thirds_cover_the_session_without_gap_or_overlap(duration: int) -> None:
    first, second, last = thirds(duration)
    assert first.start_ms == 0 and last.end_ms is None
    assert first.end_ms == second.start_ms and second.end_ms == last.start_ms
    lengths = [first.end_ms - first.start_ms, second.end_ms - second.start_ms]  # type: ignore[operator]
    lengths.append(duration - last.start_ms)
    assert max(lengths) - min(lengths) <= 1


def test_a_phase_lasts_until_the_next_mark_and_the_last_until_the_end() -> None:
    marks = [
        PhaseMark(600_000, "work"),  # given out of order: sorted by time
        PhaseMark(0, "check-in"),
        PhaseMark(2_400_000, "break"),
        PhaseMark(2_700_000, "work"),
        PhaseMark(4_800_000, "closing"),
    ]
    assert named_phases(marks) == [
        Phase("check-in", 0, 600_000),
        Phase("work", 600_000, 2_400_000),
        Phase("break", 2_400_000, 2_700_000),
        Phase("work (2)", 2_700_000, 4_800_000),
        Phase("closing", 4_800_000, None),
    ]
    assert phase_window(marks, 5_400_000, phase="Work (2)") == Phase(
        "work (2)", 2_700_000, 4_800_000
    )
    assert phase_window(marks, 5_400_000, third=2) == Phase("third 2", 1_800_000, 3_600_000)
    assert phase_window(marks, 5_400_000) is None


def test_two_marks_at_one_moment_keep_the_later() -> None:
    marks = [PhaseMark(0, "check-in"), PhaseMark(0, "work"), PhaseMark(60_000, "closing")]
    assert named_phases(marks) == [Phase("work", 0, 60_000), Phase("closing", 60_000, None)]


def test_an_unknown_phase_is_refused_with_the_phases_there_are() -> None:
    marks = [PhaseMark(0, "check-in"), PhaseMark(600_000, "work")]
    with pytest.raises(
        InputError, match=r"No phase 'closing'.*check-in 00:00–10:00; work 10:00–end"
    ):
        phase_window(marks, 1_000_000, phase="closing")
    with pytest.raises(InputError, match="none marked"):
        phase_window([], 1_000_000, phase="work")
    with pytest.raises(InputError, match="not both"):
        phase_window(marks, 1_000_000, phase="work", third=1)
    with pytest.raises(InputError, match="1, 2 or 3"):
        phase_window(marks, 1_000_000, third=4)


def test_a_phase_name_is_trimmed_and_must_be_short() -> None:
    assert checked_name("  check   in ") == "check in"
    with pytest.raises(InputError, match="needs a name"):
        checked_name("   ")
    with pytest.raises(InputError, match="at most 40"):
        checked_name("x" * 41)
