"""The views follow undo and redo exactly: what is drawn is what is still recorded."""

from __future__ import annotations

from typing import Any

from conftest import stored_events
from PySide6.QtCore import Qt

from tests.ui.test_focus import dock


def keys(qtbot: Any, window: Any, text: str) -> None:
    for ch in text:
        qtbot.keyClick(window.chart, Qt.Key.Key_Space if ch == " " else ch)


def undo(qtbot: Any, window: Any) -> None:
    qtbot.keyClick(window.chart, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def redo(qtbot: Any, window: Any) -> None:
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.chart, Qt.Key.Key_Z, shift_ctrl)


def test_the_seating_chart_draws_the_last_event_still_recorded(
    window: Any, qtbot: Any, fake_time: Any, fresh_coding: int
) -> None:
    jane, sam, priya = "m1", "m2", "m3"
    keys(qtbot, window, "12q")  # Jane asks Sam
    fake_time.advance(5)
    keys(qtbot, window, "3 s")  # Priya supports the group
    assert window.chart.last_event == (priya, ("group",))

    undo(qtbot, window)
    assert [e.code for e in stored_events(window.recorder.store, fresh_coding)] == ["question"]
    qtbot.waitUntil(lambda: window.chart.last_event == (jane, (sam,)))
    undo(qtbot, window)
    assert stored_events(window.recorder.store, fresh_coding) == []
    qtbot.waitUntil(lambda: window.chart.last_event is None)

    redo(qtbot, window)
    qtbot.waitUntil(lambda: window.chart.last_event == (jane, (sam,)))
    redo(qtbot, window)
    qtbot.waitUntil(lambda: window.chart.last_event == (priya, ("group",)))
    # An edit of the event drawn moves its arrow with it.
    [_question, support] = stored_events(window.recorder.store, fresh_coding)
    window.recorder.edit(support.id, actor=sam)
    qtbot.waitUntil(lambda: window.chart.last_event == (sam, ("group",)))


def test_a_withdrawal_is_one_prompt_occurrence_through_its_end_undo_and_redo(
    window: Any, qtbot: Any, fake_time: Any
) -> None:
    prompts = dock(qtbot, window, "promptsDock").widget()
    listing = prompts.occurrences

    def listed() -> list[str]:
        return [listing.item(i).text() for i in range(listing.count())]

    keys(qtbot, window, "12c")  # Jane confronts Sam (the strip asks for modifiers)
    fake_time.advance(10)
    keys(qtbot, window, "2w")  # the strip closes with its defaults; Sam goes quiet
    qtbot.waitUntil(lambda: len(listed()) == 1)
    [line] = listed()
    assert "Jane: confrontation → Sam: withdrawal" in line
    fake_time.advance(20)
    keys(qtbot, window, "2w")  # Sam speaks again: the withdrawal ends
    qtbot.waitUntil(lambda: window.recorder.events[-1].end_ms is not None)
    prompts.refresh()  # what the list shows once it has caught up
    assert listed() == [line]

    undo(qtbot, window)  # the end taken back: still one occurrence
    qtbot.waitUntil(lambda: window.recorder.events[-1].end_ms is None)
    prompts.refresh()
    assert listed() == [line]
    undo(qtbot, window)  # the withdrawal taken back: none
    qtbot.waitUntil(lambda: listed() == [])
    redo(qtbot, window)
    qtbot.waitUntil(lambda: listed() == [line])
    redo(qtbot, window)
    qtbot.waitUntil(lambda: window.recorder.events[-1].end_ms is not None)
    prompts.refresh()
    assert listed() == [line]


def test_the_charts_follow_undo_and_redo(window: Any, qtbot: Any, fake_time: Any) -> None:
    dock(qtbot, window, "chartsDock")
    qtbot.waitUntil(lambda: window.charts is not None, timeout=30_000)
    charts = window.charts

    def sent_by_jane() -> int | None:
        if charts.drawing is None:
            return None
        node = charts.drawing.network.node("m1")
        return None if node is None else node.sent

    keys(qtbot, window, "12q")
    qtbot.waitUntil(lambda: sent_by_jane() == 1, timeout=10_000)
    with qtbot.waitSignal(charts.redrawn, timeout=10_000):
        undo(qtbot, window)
    assert sent_by_jane() == 0
    with qtbot.waitSignal(charts.redrawn, timeout=10_000):
        redo(qtbot, window)
    assert sent_by_jane() == 1
