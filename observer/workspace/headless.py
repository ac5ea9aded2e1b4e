"""The headless recorder: events typed as lines go into one coding, each durable when told.

For scripts and tests (``group-observer record``). Every line is read by
:func:`observer.domain.typed_line.read_line` and recorded by the app's own
:class:`~observer.workspace.recording.Recorder`, so it passes the same event rules, is
committed durably before it is acknowledged, and is announced as a key press is.

A line without ``@TIME`` is timed by the coding's live clock. The clock runs from the
moment the recorder opens (continuing where it was left, if it was left running), but is
saved (and so anchored: ``observer.domain.clock``) only when a line first needs it, so
lines that all give their time leave the coding's clock as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from observer.domain.entry import seat_keys
from observer.domain.errors import Refused
from observer.domain.events import Event
from observer.domain.typed_line import read_line
from observer.workspace.recording import Recorder


@dataclass(frozen=True)
class Acknowledged:
    """An event on disk: recorded, or (a running state typed again) ended."""

    event: Event
    ended: bool
    line: str  # one line saying so, for the person or script that typed it


class LineRecorder:
    """Takes typed lines for an open ``Recorder``; ``finish`` when the input ends."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.live = recorder.info.clock_mode == "live"
        self._seats = seat_keys(recorder.info.participants)
        self._clock_saved = False
        if self.live:
            if recorder.saved_clock.was_running:
                recorder.continue_clock()  # left running: the group went on meanwhile
            else:
                recorder.clock.start()

    def take(self, text: str) -> Acknowledged | None:
        """Record the event a line types (None for a blank or comment line).

        Raises ``Refused`` for a line that cannot be read or kept; nothing is written then.
        """
        recorder = self.recorder
        typed = read_line(text, recorder.rules, self._seats)
        if typed is None:
            return None
        time_ms = typed.time_ms
        if time_ms is None:
            if not self.live:
                raise Refused("time", "this coding is timed by its recording: begin with @TIME")
            time_ms = self._now()
        running = any(
            e.code == typed.code and e.actor == typed.actor for e in recorder.running_states()
        )
        event = recorder.record(time_ms, typed.code, typed.actor, typed.targets, typed.modifiers)
        ended = running and event.end_ms is not None
        return Acknowledged(event, ended, self._describe(event, ended))

    def finish(self) -> None:
        """The input ended: a clock this recorder started is saved paused."""
        if self._clock_saved:
            self.recorder.pause_clock()

    def _now(self) -> int:
        if not self._clock_saved:
            self.recorder.start_clock()  # already running: this saves it, with its anchor
            self._clock_saved = True
        return self.recorder.clock.now_ms()

    def _describe(self, event: Event, ended: bool) -> str:
        info = self.recorder.info
        code = self.recorder.palette.code(event.code)
        label = code.label if code is not None else event.code
        if ended:
            assert event.end_ms is not None
            return f"ok {event.id} ended {label} @{_seconds(event.end_ms)}"
        who = info.label(event.actor)
        if event.targets:
            who += " → " + ", ".join(info.label(t) for t in event.targets)
        line = f"ok {event.id} @{_seconds(event.time_ms)} {label}: {who}"
        if event.modifiers:
            line += " (" + ", ".join(f"{k}={v}" for k, v in event.modifiers.items()) + ")"
        absent = self.recorder.rules.absent_actor(event)
        if absent is not None:
            line += f"; {absent} is marked absent from the session (kept: the record wins)"
        return line


def _seconds(ms: int) -> str:
    """Seconds as a line takes them back: ``@12.500``."""
    return f"{ms / 1000:.3f}"
