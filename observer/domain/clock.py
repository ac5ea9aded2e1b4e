"""Session time: the clock a coding is timed by, live or from a recording.

Every coding stores its events on one clock, the session clock. A ``Clock`` says what
time it is on it now: the ``LiveClock`` counts elapsed session time with pauses; the
``MediaClock`` reads the frame on screen and adds the recording's offset. Whoever
times an event asks ``now_ms()`` and never needs to know which of the two it has.

Live time is measured on the monotonic clock (immune to wall-clock jumps); the
wall-clock moment of the last start is saved with the coding so that, after a crash,
the app can tell how long the group went on without it. The moment of the first start,
less the time elapsed then, is the coding's *anchor*: the wall time of its session time
0, by which codings of one session line up (``observer.analysis.clock_offset``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Session time now, and whether it moves on by itself."""

    def now_ms(self) -> int:
        """Session time now: what an event coded at this instant is stored with."""
        ...

    @property
    def running(self) -> bool:
        """True while time moves on (the clock runs, the recording plays)."""
        ...


def utcnow() -> datetime:
    """Now, aware, in UTC: every stored datetime is UTC (see ``observer.storage.times``)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class ClockState:
    """What is saved: elapsed time at the last pause, and when the clock last started."""

    elapsed_ms: int
    running_since: datetime | None

    @property
    def was_running(self) -> bool:
        return self.running_since is not None

    @property
    def anchor(self) -> datetime | None:
        """The wall time (UTC) that session time 0 corresponds to, while the clock runs."""
        if self.running_since is None:
            return None
        return self.running_since - timedelta(milliseconds=self.elapsed_ms)

    def elapsed_if_continued(self, now: datetime | None = None) -> int:
        """Elapsed time had the clock never stopped (the group goes on while the app is down)."""
        if self.running_since is None:
            return self.elapsed_ms
        now = now or utcnow()
        gap = max(0, int((now - self.running_since).total_seconds() * 1000))
        return self.elapsed_ms + gap


class LiveClock:
    """Start, pause and resume; ``now_ms()`` is the elapsed session time."""

    def __init__(
        self, elapsed_ms: int = 0, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._base_ms = elapsed_ms
        self._started: float | None = None
        self._monotonic = monotonic

    @property
    def running(self) -> bool:
        return self._started is not None

    def elapsed_ms(self) -> int:
        if self._started is None:
            return self._base_ms
        return self._base_ms + int((self._monotonic() - self._started) * 1000)

    def now_ms(self) -> int:
        return self.elapsed_ms()

    def start(self) -> None:
        if self._started is None:
            self._started = self._monotonic()

    def pause(self) -> None:
        if self._started is not None:
            self._base_ms = self.elapsed_ms()
            self._started = None

    def set_elapsed(self, elapsed_ms: int) -> None:
        """Jump to a time (used when resuming after a crash); keeps running if it was."""
        running = self.running
        self._base_ms = max(0, elapsed_ms)
        self._started = self._monotonic() if running else None

    def state(self) -> ClockState:
        return ClockState(self.elapsed_ms(), utcnow() if self.running else None)


def session_time(media_ms: int, offset_ms: int) -> int:
    """Session time = media time + offset (the session-clock time of the first frame)."""
    return media_ms + offset_ms


def media_time(session_ms: int, offset_ms: int) -> int:
    """Media time = session time − offset (negative: before the recording started)."""
    return session_ms - offset_ms


class MediaClock:
    """The time of the frame on screen, on the session clock: position + offset.

    ``position_ms`` reads the player at the instant it is called (a key press is timed
    by the frame the coder saw); ``playing`` says whether the picture moves on.
    """

    def __init__(
        self,
        position_ms: Callable[[], int],
        playing: Callable[[], bool],
        offset_ms: int = 0,
    ) -> None:
        self._position_ms = position_ms
        self._playing = playing
        self.offset_ms = offset_ms

    @property
    def running(self) -> bool:
        return self._playing()

    def now_ms(self) -> int:
        return session_time(self._position_ms(), self.offset_ms)

    def position_ms(self) -> int:
        """Where the recording is now, on its own time line."""
        return self._position_ms()

    def media_time(self, session_ms: int) -> int:
        """Where a session time is in the recording."""
        return media_time(session_ms, self.offset_ms)

    def session_time(self, media_ms: int) -> int:
        """The session time of a moment in the recording."""
        return session_time(media_ms, self.offset_ms)


def format_time(ms: int | None) -> str:
    """Session time as h:mm:ss.mmm (or mm:ss.mmm under an hour); '' for None."""
    if ms is None:
        return ""
    sign = "-" if ms < 0 else ""
    ms = abs(ms)
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{seconds:02d}.{millis:03d}"
    return f"{sign}{minutes:02d}:{seconds:02d}.{millis:03d}"


def format_clock(ms: int | None, tenths: bool = False) -> str:
    """Session time as a person reads it: mm:ss (h:mm:ss past an hour), with tenths of a
    second where they matter (``tenths``); '' for None."""
    if ms is None:
        return ""
    sign = "-" if ms < 0 else ""
    unit = 100 if tenths else 1000
    steps = round(abs(ms) / unit)
    seconds, tenth = divmod(steps, 10) if tenths else (steps, 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"
    return f"{sign}{text}.{tenth}" if tenths else f"{sign}{text}"


def parse_time(text: str) -> int:
    """Milliseconds from decimal seconds ('12.5') or [hh:]mm:ss[.mmm]; ValueError otherwise."""
    text = text.strip()
    if not text:
        raise ValueError("empty time")
    if ":" not in text:  # plain seconds, the common case in files
        return _whole_ms(float(text), text)
    negative = text.startswith("-")
    body = text[1:] if negative else text
    parts = body.split(":")
    if len(parts) > 3 or any(p.strip() == "" for p in parts):
        raise ValueError(f"not a time: {text!r}")
    seconds = 0.0
    for i, part in enumerate(parts):
        value = float(part)
        if value < 0 or value != value or value in (float("inf"),):
            raise ValueError(f"not a time: {text!r}")
        if i < len(parts) - 1 and (value != int(value) or (value >= 60 and i > 0)):
            raise ValueError(f"not a time: {text!r}")
        if i == len(parts) - 1 and len(parts) > 1 and value >= 60:
            raise ValueError(f"not a time: {text!r}")
        seconds = seconds * 60 + value
    ms = _whole_ms(seconds, text)
    return -ms if negative else ms


def _whole_ms(seconds: float, text: str) -> int:
    # A huge number of seconds ('1e308') is infinite once in milliseconds: not a time.
    ms = seconds * 1000
    if not math.isfinite(ms):
        raise ValueError(f"not a time: {text!r}")
    return round(ms)
