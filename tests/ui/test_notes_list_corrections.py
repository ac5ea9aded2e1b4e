"""Phase marks and process notes corrected from the notes list, undone with Ctrl+Z in order
with events; what is stored is read afresh, and the charts' phases follow at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import stored_events
from PySide6.QtCore import Qt

from tests.ui.test_focus import dock
from tests.ui.test_views_follow_undo import keys, redo, undo


def notes(store: Any, coding_id: int) -> list[tuple[int | None, str, str]]:
    """The notes and marks as stored, read afresh from the database."""
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT time_ms, text, kind FROM process_notes WHERE coding_id = ? ORDER BY id",
            (coding_id,),
        ).all()
    return [tuple(row) for row in rows]


def choose(qtbot: Any, window: Any, text: str) -> None:
    """Click the list line that shows ``text``."""
    listing = window.notes.list
    [row] = [i for i in range(listing.count()) if text in listing.item(i).text()]
    rect = listing.visualItemRect(listing.item(row))
    qtbot.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def mark(qtbot: Any, window: Any, name: str) -> None:
    qtbot.keyClick(window.chart, Qt.Key.Key_F6)
    qtbot.keyClicks(window.menus.phases.line, name)
    qtbot.keyClick(window.menus.phases.line, Qt.Key.Key_Return)


def test_a_phase_mark_is_renamed_and_moved_from_the_notes_list_and_undone(
    qtbot: Any, window: Any, fake_time: Any, demo_store: Any, fresh_coding: int, out_dir: Path
) -> None:
    panel = window.notes
    qtbot.keyClick(window.chart, Qt.Key.Key_F5)  # the clock runs
    fake_time.advance(90)
    mark(qtbot, window, "wrok")
    assert not panel.edit_button.isEnabled()  # nothing chosen yet
    choose(qtbot, window, "phase: wrok")
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    assert panel.line.hasFocus() and panel.line.text() == "wrok"
    panel.line.selectAll()
    qtbot.keyClicks(panel.line, "work")
    panel.time.selectAll()
    qtbot.keyClicks(panel.time, "1:20")
    window.resize(1280, 800)
    window.grab().save(str(out_dir / "notes-correcting-a-phase.png"))
    qtbot.keyClick(panel.time, Qt.Key.Key_Return)
    assert notes(demo_store, fresh_coding) == [(80_000, "work", "phase")]
    assert "Corrected phase work at 01:20" in window.statusBar().currentMessage()
    assert window.chart.hasFocus()  # the keys are back with coding

    # The charts offer the corrected phase at once.
    dock(qtbot, window, "chartsDock")
    qtbot.waitUntil(lambda: window.charts is not None, timeout=30_000)
    combo = window.charts.phase_combo

    def offered() -> list[str]:  # refilled when the charts redraw after a change
        return [combo.itemText(i) for i in range(combo.count()) if "phase" in combo.itemText(i)]

    qtbot.waitUntil(lambda: offered() == ["phase: work"], timeout=10_000)
    undo(qtbot, window)  # the correction taken back
    assert notes(demo_store, fresh_coding) == [(90_000, "wrok", "phase")]
    qtbot.waitUntil(lambda: offered() == ["phase: wrok"], timeout=10_000)
    redo(qtbot, window)
    assert notes(demo_store, fresh_coding) == [(80_000, "work", "phase")]


def test_escape_leaves_a_correction_and_a_bad_time_is_said(
    qtbot: Any, window: Any, fake_time: Any, demo_store: Any, fresh_coding: int
) -> None:
    panel = window.notes
    fake_time.advance(30)
    mark(qtbot, window, "check-in")
    choose(qtbot, window, "check-in")
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(panel.line, "xx")
    qtbot.keyClick(panel.line, Qt.Key.Key_Escape)
    assert notes(demo_store, fresh_coding) == [(0, "check-in", "phase")]
    assert not panel.time.isVisible() and panel.line.text() == ""

    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    panel.time.selectAll()
    qtbot.keyClicks(panel.time, "soon")
    qtbot.keyClick(panel.time, Qt.Key.Key_Return)
    assert "'soon' is not a time" in window.statusBar().currentMessage()
    panel.time.clear()  # a phase without a time is refused too
    qtbot.keyClick(panel.time, Qt.Key.Key_Return)
    assert "needs a time" in window.statusBar().currentMessage()
    assert notes(demo_store, fresh_coding) == [(0, "check-in", "phase")]


def test_ctrl_z_takes_back_notes_and_marks_in_order_with_events(
    qtbot: Any, window: Any, fake_time: Any, demo_store: Any, fresh_coding: int
) -> None:
    qtbot.keyClick(window.chart, Qt.Key.Key_F5)
    fake_time.advance(10)
    keys(qtbot, window, "12q")  # Jane asks Sam
    fake_time.advance(10)
    mark(qtbot, window, "work")
    fake_time.advance(10)
    qtbot.keyClick(window.chart, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.notes.line, "Sam turns away")
    qtbot.keyClick(window.notes.line, Qt.Key.Key_Return)
    assert [k for _, _, k in notes(demo_store, fresh_coding)] == ["phase", "note"]

    undo(qtbot, window)
    assert notes(demo_store, fresh_coding) == [(20_000, "work", "phase")]
    assert window.notes.list.count() == 1
    undo(qtbot, window)
    assert notes(demo_store, fresh_coding) == []
    assert len(stored_events(demo_store, fresh_coding)) == 1
    undo(qtbot, window)
    assert stored_events(demo_store, fresh_coding) == []


def test_a_note_is_deleted_from_the_list_and_ctrl_z_brings_it_back(
    qtbot: Any, window: Any, fake_time: Any, demo_store: Any, fresh_coding: int
) -> None:
    fake_time.advance(45)
    qtbot.keyClick(window.chart, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.notes.line, "long silence")
    qtbot.keyClick(window.notes.line, Qt.Key.Key_Return)
    choose(qtbot, window, "long silence")
    qtbot.mouseClick(window.notes.delete_button, Qt.MouseButton.LeftButton)
    assert notes(demo_store, fresh_coding) == []
    assert "Deleted note" in window.statusBar().currentMessage()
    assert window.notes.list.count() == 0 and not window.notes.delete_button.isEnabled()
    undo(qtbot, window)
    assert notes(demo_store, fresh_coding) == [(0, "long silence", "note")]
