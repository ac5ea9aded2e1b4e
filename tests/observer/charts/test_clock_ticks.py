"""Session time is ticked at round clock steps: whole minutes, round seconds close up."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure

from observer.charts.clock_ticks import clock_step_ms, tick_clock


def test_a_session_is_ticked_in_whole_minutes() -> None:
    assert clock_step_ms(10 * 60_000) == 60_000  # 1:00, 2:00, …
    assert clock_step_ms(15 * 60_000) == 60_000
    assert clock_step_ms(20 * 60_000) == 2 * 60_000
    assert clock_step_ms(90 * 60_000) == 10 * 60_000
    assert clock_step_ms(4 * 60_000) == 60_000  # not every 30 s: a trainee reads minutes


def test_a_close_up_is_ticked_in_round_seconds() -> None:
    assert clock_step_ms(2 * 60_000) == 10_000  # a ±60 s zoom: 0:10, 0:20, …
    assert clock_step_ms(20_000) == 2_000
    assert clock_step_ms(500) == 1_000


@given(span=st.integers(1, 10 * 3_600_000), most=st.integers(4, 24))
def test_every_step_is_a_round_clock_step_and_few_enough(span: int, most: int) -> None:
    step = clock_step_ms(span, most)
    assert step % 60_000 == 0 or (
        span < 3 * 60_000 and step in (1_000, 2_000, 5_000, 10_000, 15_000, 30_000)
    )
    assert span / step <= most


def test_the_axis_ticks_fall_on_whole_minutes() -> None:
    ax = Figure().add_subplot()
    ax.set_xlim(-6_000, 606_000)  # a ten-minute recording with a margin
    tick_clock(ax.xaxis, -6_000, 606_000)
    ticks = [t for t in ax.get_xticks() if -6_000 <= t <= 606_000]
    assert ticks == [m * 60_000 for m in range(11)]
