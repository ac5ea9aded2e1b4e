"""Session time along a chart's axis, ticked where a person reads a clock: 1:00, 2:00, …

matplotlib's own locator picks steps of 1, 2 or 5 times a power of ten, which in
milliseconds puts ticks at 0:50, 1:40, 2:30: right for numbers, wrong for a clock.
"""

from __future__ import annotations

from matplotlib.axis import Axis
from matplotlib.ticker import MultipleLocator

# Round steps a clock is read in, seconds then minutes.
SECOND_STEPS_MS = tuple(s * 1000 for s in (1, 2, 5, 10, 15, 30))
MINUTE_STEPS_MS = tuple(m * 60_000 for m in (1, 2, 5, 10, 15, 20, 30, 60))
# Shorter than this (a close-up), ticks at round seconds; longer, at whole minutes.
CLOSE_UP_MS = 3 * 60_000


def clock_step_ms(span_ms: float, most: int = 16) -> int:
    """The tick spacing for a span of session time: the smallest round step that puts at
    most ``most`` ticks on it; whole minutes unless the span is a close-up."""
    steps = (*SECOND_STEPS_MS, *MINUTE_STEPS_MS) if span_ms < CLOSE_UP_MS else MINUTE_STEPS_MS
    for step in steps:
        if span_ms / step <= most:
            return step
    hours = -(-span_ms // (most * 3_600_000))  # beyond the steps: whole hours
    return int(hours) * 3_600_000


def tick_clock(axis: Axis, low_ms: float, high_ms: float, most: int = 16) -> None:
    """Put ticks on a session-time axis (in ms) at round clock steps (``clock_step_ms``)."""
    axis.set_major_locator(MultipleLocator(clock_step_ms(high_ms - low_ms, most)))
