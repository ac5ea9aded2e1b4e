"""Session time: formatting, parsing, and the live clock with pauses."""

from __future__ import annotations

import pytest

from observer.domain.clock import LiveClock, format_time, parse_time


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("12.5", 12_500),
        ("0", 0),
        ("-3", -3_000),
        ("01:02.250", 62_250),
        ("1:02:03.004", 3_723_004),
        ("00:00:20.250", 20_250),
        (" 7 ", 7_000),
    ],
)
def test_parse_time(text: str, ms: int) -> None:
    assert parse_time(text) == ms


@pytest.mark.parametrize("text", ["", "soon", "1,5", "nan", "inf", "1:60", "1:2:3:4", "1::2"])
def test_parse_time_refuses_what_is_not_a_time(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time(text)


def test_format_time_round_trips() -> None:
    for ms in (0, 999, 62_250, 3_723_004):
        assert parse_time(format_time(ms)) == ms
    assert format_time(None) == ""


def test_the_clock_counts_only_while_running() -> None:
    now = [100.0]
    clock = LiveClock(monotonic=lambda: now[0])
    now[0] += 5
    assert clock.elapsed_ms() == 0
    clock.start()
    now[0] += 2.5
    assert clock.elapsed_ms() == 2_500
    clock.pause()
    now[0] += 60
    assert clock.elapsed_ms() == 2_500
    clock.start()
    now[0] += 1
    assert clock.elapsed_ms() == 3_500
    clock.set_elapsed(10_000)
    now[0] += 1
    assert clock.elapsed_ms() == 11_000
