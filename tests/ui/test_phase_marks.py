"""F6 marks a phase of the session while coding live; stored at the key press's time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from observer.storage.read_coding import from_coding


def marks(store: Any, coding_id: int) -> list[tuple[int, str]]:
    """The phases as stored, read afresh from the database."""
    return [(m.time_ms, m.name) for m in from_coding(store, coding_id).phase_marks]


def test_f6_marks_a_phase_at_the_moment_it_was_pressed(
    qtbot: Any, window: Any, fake_time: Any, demo_store: Any, fresh_coding: int
) -> None:
    chart = window.chart
    qtbot.keyClick(chart, Qt.Key.Key_F5)  # the clock runs
    fake_time.advance(90)
    qtbot.keyClick(chart, Qt.Key.Key_F6)
    marker = window.menus.phases
    assert marker.isVisible() and marker.line.hasFocus()
    fake_time.advance(4)  # typing the name takes a moment: the phase began at the key
    qtbot.keyClicks(marker.line, "work")
    qtbot.keyClick(marker.line, Qt.Key.Key_Return)
    assert marks(demo_store, fresh_coding) == [(90_000, "work")]
    assert not marker.isVisible() and chart.hasFocus()  # keys back to coding
    assert "Phase work from 01:30" in window.statusBar().currentMessage()

    # Letters typed in the line are the phase's name, never codes.
    qtbot.keyClick(chart, Qt.Key.Key_F6)
    qtbot.keyClicks(marker.line, "fs")
    qtbot.keyClick(marker.line, Qt.Key.Key_Escape)  # left: nothing stored
    assert marks(demo_store, fresh_coding) == [(90_000, "work")]
    assert window.model.rowCount() == 0 and chart.hasFocus()

    # An empty name is refused and said; the line stays open for one.
    fake_time.advance(6)
    qtbot.keyClick(chart, Qt.Key.Key_F6)
    qtbot.keyClick(marker.line, Qt.Key.Key_Return)
    assert "needs a name" in window.statusBar().currentMessage() and marker.isVisible()
    qtbot.keyClicks(marker.line, "closing")
    qtbot.keyClick(marker.line, Qt.Key.Key_Return)
    assert marks(demo_store, fresh_coding) == [(90_000, "work"), (100_000, "closing")]
    # The process notes list shows the marks among the notes.
    texts = [window.notes.list.item(i).text() for i in range(window.notes.list.count())]
    assert any("phase: closing" in t for t in texts)
