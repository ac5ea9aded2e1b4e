"""Session time: formatting, parsing, the live clock with pauses, and the recording's clock."""

from __future__ import annotations

import pytest

from observer.domain.clock import (
    Clock,
    LiveClock,
    MediaClock,
    format_time,
    parse_time,
)


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


def test_the_media_clock_is_the_frame_on_screen_plus_the_offset() -> None:
    position, playing = [1_200], [False]
    clock = MediaClock(lambda: position[0], lambda: playing[0], offset_ms=60_000)
    assert clock.now_ms() == 61_200 and not clock.running
    position[0], playing[0] = 1_900, True  # read at the instant it is asked
    assert clock.now_ms() == 61_900 and clock.running
    assert clock.media_time(61_000) == 1_000 and clock.session_time(1_000) == 61_000
    clock.offset_ms = -30_000  # a recording started before the session clock
    assert clock.now_ms() == -28_100 and clock.media_time(0) == 30_000


def test_either_clock_tells_the_time_the_same_way() -> None:
    def stamp(clock: Clock) -> tuple[int, bool]:
        return clock.now_ms(), clock.running

    now = [10.0]
    live = LiveClock(5_000, monotonic=lambda: now[0])
    live.start()
    now[0] += 1
    assert stamp(live) == (6_000, True)
    assert stamp(MediaClock(lambda: 500, lambda: False, offset_ms=6_000)) == (6_500, False)
