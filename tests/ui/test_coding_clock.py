"""The coding window codes by its clock: live time, the recording's, or any clock it is given."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import FakeTime, stored_events
from PySide6.QtCore import QPoint, Qt

from observer.domain.events import Event
from observer.workspace.recording import Recorder
from ui.coding_clock import ClockFace, CodingClock
from ui.coding_window import CodingWindow


def keys(qtbot: Any, window: Any, text: str) -> None:
    for ch in text:
        qtbot.keyClick(window.chart, ch)


class HandClock(CodingClock):
    """A clock set by hand, neither live nor a recording."""

    def __init__(self, at_ms: int) -> None:
        super().__init__()
        self.at_ms = at_ms
        self.turning = False
        self.refuse: str | None = None
        self.held = 0

    def now_ms(self) -> int:
        return self.at_ms

    @property
    def running(self) -> bool:
        return self.turning

    def face(self) -> ClockFace:
        return ClockFace(self.at_ms, "set by hand", "Turn  (F5)", "a clock set by hand")

    def toggle(self) -> None:
        self.turning = not self.turning
        self.changed.emit()

    def refusal(self) -> str | None:
        return self.refuse

    def go_to(self, session_ms: int) -> None:
        self.at_ms = session_ms
        self.moved.emit(session_ms)

    def go_to_event(self, event: Event) -> None:
        self.go_to(event.time_ms)

    def hold(self) -> None:
        self.held += 1

    def release(self) -> None:
        self.held -= 1


@pytest.fixture
def by_hand(demo_store: Any, fresh_coding: int, qtbot: Any) -> Any:
    window = CodingWindow(Recorder(demo_store, fresh_coding), side_panels=False,
                          clock=HandClock(42_000))  # fmt: skip
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    yield window
    window.close()
    window.recorder.close()


def test_the_window_codes_by_the_clock_it_is_given(by_hand: Any, qtbot: Any) -> None:
    window, clock = by_hand, by_hand.clock
    store, coding = window.recorder.store, window.recorder.coding_id
    header = window.header
    assert (header.clock.text(), header.clock_state.text(), header.button.text()) == (
        "00:42.0", "set by hand", "Turn  (F5)",
    )  # fmt: skip
    assert header.clock.toolTip() == "a clock set by hand"
    keys(qtbot, window, "3 q")
    assert [(e.time_ms, e.code) for e in stored_events(store, coding)] == [(42_000, "question")]

    # F5 and the header's button turn it; the header shows what it says.
    qtbot.keyClick(window.chart, Qt.Key.Key_F5)
    assert clock.running
    qtbot.mouseClick(header.button, Qt.MouseButton.LeftButton)
    assert not clock.running

    # A modifier being chosen holds it, until the event is recorded.
    keys(qtbot, window, "12f")
    assert window.popup.isVisible() and clock.held == 1
    keys(qtbot, window, "n")
    assert not window.popup.isVisible() and clock.held == 0

    # A click on an empty place of the timeline goes there; the next key is timed there.
    timeline = window.timeline
    timeline.set_span(60_000, 30_000)
    x = round(timeline.x_of(10_000))
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton,
                     pos=QPoint(x, round(timeline.track_y("m5"))))  # fmt: skip
    assert abs(clock.at_ms - 10_000) <= 1000 * 2 / (timeline.x_of(1000) - timeline.x_of(0))
    clock.at_ms = 10_000
    keys(qtbot, window, " W")
    assert header.mode.text().startswith(window.recorder.palette.code("work").label)

    # A click on a row goes to its event; the group's mode shown is the one at that time.
    table = window.table
    question = table.model().index(1, 1)  # work began at 0:10, first in the list
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(question).center())  # fmt: skip
    assert clock.at_ms == 42_000 and header.clock.text() == "00:42.0"
    clock.go_to(5_000)
    assert header.mode.text() == "No group mode coded"

    # When the clock cannot time an event, it says why and nothing is recorded.
    clock.refuse = "This clock has stopped."
    keys(qtbot, window, "4 q")
    assert window.statusBar().currentMessage() == "This clock has stopped."
    assert len(stored_events(store, coding)) == 3


def test_the_live_clock_starts_pauses_and_resumes(
    window: Any, qtbot: Any, fake_time: FakeTime
) -> None:
    header = window.header
    assert window.statusBar().currentMessage() == "Ready. F5 starts the clock."
    assert window.clock_action.text() == "&Start / pause clock"
    assert (header.clock.text(), header.clock_state.text(), header.button.text()) == (
        "00:00.0", "not started", "Start  (F5)",
    )  # fmt: skip
    qtbot.mouseClick(header.button, Qt.MouseButton.LeftButton)
    assert (header.clock_state.text(), header.button.text()) == ("running", "Pause  (F5)")
    assert window.statusBar().currentMessage() == "Clock running."
    fake_time.advance(2.5)
    qtbot.waitUntil(lambda: header.clock.text() == "00:02.5")  # the header keeps up
    keys(qtbot, window, " D")
    assert header.mode.text().startswith("Dependency") and "since 00:02" in header.mode.text()

    qtbot.keyClick(window.chart, Qt.Key.Key_F5)
    assert (header.clock_state.text(), header.button.text()) == ("paused", "Resume  (F5)")
    assert window.statusBar().currentMessage() == "Clock paused."
    fake_time.advance(10)  # paused: the time stands
    qtbot.keyClick(window.chart, Qt.Key.Key_F5)
    assert (header.clock.text(), header.clock_state.text()) == ("00:02.5", "running")
