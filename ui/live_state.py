"""The running state codes of an open coding, kept up to date from the recorder's notices.

``Recorder.running_states`` scans every event; with 100,000 events that is too slow to do
on every key press, so the views read this small index instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from observer.domain.basic_assumption import mode_codes, running_mode
from observer.domain.codebook import Palette
from observer.domain.events import Changes, Event
from observer.workspace.recording import Recorder


class RunningStates:
    """State events started and not yet stopped, by event id."""

    def __init__(self, recorder: Recorder) -> None:
        self.palette: Palette = recorder.palette
        self.mode_codes = mode_codes(self.palette.codes)
        self._running: dict[int, Event] = {}
        self._listeners: list[Callable[[], None]] = []
        self._update(recorder.events, ())
        recorder.subscribe(self._on_changes)

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def events(self) -> list[Event]:
        return sorted(self._running.values(), key=lambda e: e.sort_key)

    def for_actor(self, actor: str) -> list[Event]:
        return [e for e in self.events() if e.actor == actor]

    def mode(self) -> Event | None:
        """The group's basic-assumption mode running now (``domain.basic_assumption``)."""
        return running_mode([e for e in self.events() if e.code in self.mode_codes])

    def _is_running_state(self, event: Event) -> bool:
        code = self.palette.code(event.code)
        return event.end_ms is None and code is not None and code.is_state

    def _update(self, events: Iterable[Event], removed: Iterable[int]) -> None:
        for event_id in removed:
            self._running.pop(event_id, None)
        for event in events:
            if self._is_running_state(event):
                self._running[event.id] = event
            else:
                self._running.pop(event.id, None)

    def _on_changes(self, changes: Changes) -> None:
        before = set(self._running)
        self._update((*changes.added, *changes.changed), changes.removed)
        touched = any(self.palette.code(e.code) is not None and self.palette.code(e.code).is_state  # type: ignore[union-attr]
                      for e in (*changes.added, *changes.changed))  # fmt: skip
        if touched or before != set(self._running):
            for listener in list(self._listeners):
                listener()
