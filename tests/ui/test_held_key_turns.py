"""Live airtime in the coding window: a member's key held while they speak is a turn."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import FakeTime, open_window, stored_events
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication


@pytest.fixture
def window(demo_store: Any, fake_time: FakeTime, qtbot: Any) -> Iterator[Any]:
    """A live coding with the airtime codebook beside the process codes, clock running."""
    from observer.workspace.codings import new_coding

    coding_id = new_coding(demo_store, 1, "TS", ["here-and-now", "bion", "airtime"], name="t")
    w = open_window(demo_store, coding_id, fake_time, qtbot)
    w.toggle_clock()
    yield w
    w.close()
    w.recorder.close()


def repeat(widget: Any, kind: QEvent.Type) -> None:
    """What a keyboard sends while '1' stays down: releases and presses marked auto-repeat."""
    event = QKeyEvent(kind, Qt.Key.Key_1, Qt.KeyboardModifier.NoModifier, "1", True)
    QApplication.sendEvent(widget, event)


def speaking(store: Any, coding_id: int) -> list[tuple[int, int | None, str]]:
    return [(e.time_ms, e.end_ms, e.actor) for e in stored_events(store, coding_id)
            if e.code == "speaking"]  # fmt: skip


def test_holding_a_members_key_records_their_turn(
    window: Any, demo_store: Any, fake_time: FakeTime, qtbot: Any
) -> None:
    coding_id = window.recorder.coding_id
    first = window.entry.by_seat_key["1"]
    fake_time.advance(10)
    qtbot.keyPress(window.chart, "1")
    fake_time.advance(0.5)
    # Held past the threshold: the turn is on disk while the member still speaks.
    qtbot.waitUntil(lambda: speaking(demo_store, coding_id) == [(10_000, None, first)])
    assert window.entry.is_empty  # the tap's choice of actor was taken back
    for _ in range(5):
        repeat(window.chart, QEvent.Type.KeyRelease)
        repeat(window.chart, QEvent.Type.KeyPress)
    fake_time.advance(3)
    qtbot.keyRelease(window.chart, "1")
    fake_time.advance(0.5)  # it stays up: the turn ends where it came up
    qtbot.waitUntil(lambda: speaking(demo_store, coding_id) == [(10_000, 13_500, first)])
    assert "spoke for 3.5 s" in window.statusBar().currentMessage()


def test_a_tap_on_a_members_key_still_chooses_the_actor(
    window: Any, demo_store: Any, fake_time: FakeTime, qtbot: Any
) -> None:
    coding_id = window.recorder.coding_id
    first = window.entry.by_seat_key["1"]
    qtbot.keyClick(window.chart, "1")
    assert window.entry.actor == first
    fake_time.advance(2)
    qtbot.keyClick(window.chart, "2")
    qtbot.keyClick(window.chart, "q")
    [event] = stored_events(demo_store, coding_id)
    assert (event.code, event.actor) == ("question", first)
    assert speaking(demo_store, coding_id) == []


def test_pausing_the_clock_ends_a_held_turn(
    window: Any, demo_store: Any, fake_time: FakeTime, qtbot: Any
) -> None:
    coding_id = window.recorder.coding_id
    first = window.entry.by_seat_key["1"]
    qtbot.keyPress(window.chart, "1")
    fake_time.advance(1)
    qtbot.waitUntil(lambda: len(speaking(demo_store, coding_id)) == 1)
    fake_time.advance(1)
    window.toggle_clock()
    assert speaking(demo_store, coding_id) == [(0, 2_000, first)]
    qtbot.keyRelease(window.chart, "1")
    window.toggle_clock()
    fake_time.advance(1)
    qtbot.keyClick(window.chart, "2")  # a press after the gap: the old hold is long gone
    assert speaking(demo_store, coding_id) == [(0, 2_000, first)]
