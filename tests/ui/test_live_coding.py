"""A whole live coding, driven as an observer does it, checked in the database at each step."""

from __future__ import annotations

from typing import Any

from conftest import FakeTime, stored_events
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

from observer.storage.models import Coding, GroupSession, ProcessNote
from ui.event_table import NOTE


def keys(qtbot: Any, widget: Any, text: str) -> None:
    for ch in text:
        qtbot.keyClick(widget, ch)


def click_person(qtbot: Any, window: Any, key: str) -> None:
    at = window.chart.centre_of(key)
    qtbot.mouseClick(window.chart, Qt.MouseButton.LeftButton, pos=at.toPoint())


def drag(qtbot: Any, window: Any, actor: str, target: str) -> None:
    chart = window.chart
    a, b = chart.centre_of(actor).toPoint(), chart.centre_of(target).toPoint()
    qtbot.mousePress(chart, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(chart, QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2))
    qtbot.mouseRelease(chart, Qt.MouseButton.LeftButton, pos=b)


def click_ok(qtbot: Any, dialog: Any) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def clock_row(store: Any, coding_id: int) -> Coding:
    with store.reader() as s:
        coding = s.get(Coding, coding_id)
        assert coding is not None
        return coding


def test_a_whole_coding(demo_store: Any, qtbot: Any, fake_time: FakeTime) -> None:
    from observer.domain.clock import LiveClock
    from ui.app import App

    # --- set up: a new session of the demo group and a coding of it, through the dialogs.
    app = App(demo_store.location)
    assert app.open_store(demo_store.location)
    app.show_start()
    screen = app.start
    qtbot.addWidget(screen)
    screen.select("group", 1)
    qtbot.mouseClick(screen.new_session_button, Qt.MouseButton.LeftButton)
    dialog = screen.dialog
    chloe = next(
        i for i in range(dialog.present.count()) if "Chloe" in dialog.present.item(i).text()
    )
    dialog.present.item(chloe).setCheckState(Qt.CheckState.Unchecked)  # Chloe is away today
    click_ok(qtbot, dialog)
    with demo_store.reader() as s:
        session = s.query(GroupSession).filter_by(group_id=1, number=5).one()
        assert len(session.present) == 9
        session_id = session.id
    assert screen.selected("session") == session_id

    qtbot.mouseClick(screen.new_coding_button, Qt.MouseButton.LeftButton)
    dialog = screen.dialog
    qtbot.keyClicks(dialog.observer.lineEdit(), "TS")
    click_ok(qtbot, dialog)
    window = app.coding
    assert window is not None and not screen.isVisible()
    qtbot.addWidget(window)
    coding_id = window.recorder.coding_id
    assert clock_row(demo_store, coding_id).session_id == session_id
    window.recorder.clock = LiveClock(0, monotonic=fake_time)
    window.activateWindow()
    qtbot.waitActive(window)
    chart = window.chart
    people = {p.label: p.key for p in window.recorder.info.participants}
    jane, sam, priya, tom, ben = (people[n] for n in ("Jane", "Sam", "Priya", "Tom", "Ben"))

    # --- start the clock.
    qtbot.keyClick(chart, Qt.Key.Key_F5)
    assert window.recorder.clock.running
    assert clock_row(demo_store, coding_id).clock_running_since is not None

    # --- keyboard: Jane (1) gives Sam (2) feedback (f); valence chosen inline (n).
    fake_time.advance(5)
    keys(qtbot, chart, "12f")
    # Stored the moment its code key went down; the strip then qualifies the stored event.
    [waiting] = stored_events(demo_store, coding_id)
    assert window.popup.active and (waiting.code, waiting.time_ms) == ("feedback", 5000)
    fake_time.advance(2)  # the strip is open a while: the event keeps its key-press time
    qtbot.keyClick(chart, "n")
    [feedback] = stored_events(demo_store, coding_id)
    assert (feedback.code, feedback.actor, feedback.targets) == ("feedback", jane, (sam,))
    assert feedback.time_ms == 5000 and dict(feedback.modifiers) == {"valence": "negative"}
    assert window.model.rowCount() == 1 and window.timeline.point_count == 1

    # --- mouse: click Sam, then Jane, then Support in the palette.
    fake_time.advance(3)
    click_person(qtbot, window, sam)
    click_person(qtbot, window, jane)
    assert (chart.actor, chart.targets) == (sam, (jane,))
    qtbot.mouseClick(window.palette_view.buttons["support"], Qt.MouseButton.LeftButton)
    support = stored_events(demo_store, coding_id)[-1]
    assert (support.code, support.actor, support.targets, support.time_ms) == (
        "support",
        sam,
        (jane,),
        10_000,
    )

    # --- drag Tom onto Priya, confront (c); Enter leaves valence open, intensity default.
    fake_time.advance(1)
    drag(qtbot, window, tom, priya)
    keys(qtbot, chart, "c")
    qtbot.keyClick(chart, Qt.Key.Key_Return)
    qtbot.keyClick(chart, Qt.Key.Key_Return)
    confront = stored_events(demo_store, coding_id)[-1]
    assert (confront.code, confront.actor, confront.targets) == ("confrontation", tom, (priya,))
    assert dict(confront.modifiers) == {"intensity": "medium"} and confront.time_ms == 11_000

    # --- a click on the centre addresses the group as a whole.
    click_person(qtbot, window, jane)
    click_person(qtbot, window, "group")
    keys(qtbot, chart, "q")
    assert stored_events(demo_store, coding_id)[-1].targets == ("group",)

    # --- Escape cancels a half-entered event; nothing is written.
    before = len(stored_events(demo_store, coding_id))
    keys(qtbot, chart, "12")
    qtbot.keyClick(chart, Qt.Key.Key_Escape)
    assert window.entry.is_empty and len(stored_events(demo_store, coding_id)) == before

    # --- basic-assumption states: dependency, then work ends it.
    fake_time.advance(4)
    keys(qtbot, chart, " D")
    assert "Dependency" in window.header.mode.text()
    fake_time.advance(6)
    keys(qtbot, chart, " W")
    states = {
        e.code: e for e in stored_events(demo_store, coding_id) if e.code in ("dependency", "work")
    }
    assert states["dependency"].end_ms == 21_000 and states["work"].end_ms is None
    assert states["work"].time_ms == 21_000 and "Work group" in window.header.mode.text()

    # --- a member's withdrawal starts and stops (Ben sits eighth: key 8).
    keys(qtbot, chart, "8w")
    fake_time.advance(2)
    keys(qtbot, chart, "8w")
    [withdrawal] = [e for e in stored_events(demo_store, coding_id) if e.code == "withdrawal"]
    assert (withdrawal.actor, withdrawal.time_ms, withdrawal.end_ms) == (ben, 21_000, 23_000)

    # --- edit a note in the table (F2 opens the editor), then delete and undo/redo.
    row = window.model.row_of(feedback.id)
    index = window.model.index(row, NOTE)
    window.table.setFocus()
    window.table.setCurrentIndex(index)
    qtbot.keyClick(window.table, Qt.Key.Key_F2)
    editor = window.table.findChild(QLineEdit)
    assert editor is not None and window.table.state() == window.table.State.EditingState
    qtbot.keyClicks(editor, "first feedback tonight")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # Qt commits the edit on its next loop pass
    qtbot.waitUntil(lambda: window.table.state() != window.table.State.EditingState)
    assert stored_events(demo_store, coding_id)[0].note == "first feedback tonight"

    window.table.selectRow(window.model.row_of(support.id))
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert support.id not in {e.id for e in stored_events(demo_store, coding_id)}
    assert window.undo_action.text() == "Undo Delete event"
    window.undo_action.trigger()
    assert support.id in {e.id for e in stored_events(demo_store, coding_id)}
    window.redo_action.trigger()
    assert support.id not in {e.id for e in stored_events(demo_store, coding_id)}
    window.undo_action.trigger()
    assert window.model.row_of(support.id) >= 0

    # --- pause: the time stands still; resume: it goes on from there.
    window.table.clearSelection()
    chart.setFocus()
    qtbot.keyClick(chart, Qt.Key.Key_F5)
    assert not window.recorder.clock.running
    saved = clock_row(demo_store, coding_id)
    assert saved.clock_running_since is None and saved.clock_elapsed_ms == 23_000
    fake_time.advance(30)
    keys(qtbot, chart, "3 e")
    assert stored_events(demo_store, coding_id)[-1].time_ms == 23_000
    qtbot.keyClick(chart, Qt.Key.Key_F5)
    fake_time.advance(1.5)
    keys(qtbot, chart, "4 h")
    assert stored_events(demo_store, coding_id)[-1].time_ms == 24_500

    # --- a process note, timestamped when it was begun.
    qtbot.keyClick(chart, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    fake_time.advance(8)
    qtbot.keyClicks(window.notes.line, "Sam looked at Dr Rivera before answering")
    qtbot.keyClick(window.notes.line, Qt.Key.Key_Return)
    with demo_store.reader() as s:
        note = s.query(ProcessNote).filter_by(coding_id=coding_id).one()
        assert note.time_ms == 24_500 and note.text.startswith("Sam looked")

    # --- what is on screen is what is on disk.
    on_disk = stored_events(demo_store, coding_id)
    assert [window.model.event_at(r).id for r in range(window.model.rowCount())] == [
        e.id for e in on_disk
    ]
    window.close()
    assert screen is app.start


def test_undo_and_redo_by_shortcut(window: Any, qtbot: Any, demo_store: Any) -> None:
    chart = window.chart
    keys(qtbot, chart, "1 d")
    qtbot.keyClick(chart, Qt.Key.Key_Return)  # intensity left at its default
    assert len(stored_events(demo_store, window.recorder.coding_id)) == 1
    assert "Record Self-disclosure" in window.undo_action.text()
    qtbot.keyClick(chart, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_events(demo_store, window.recorder.coding_id) == []
    assert window.model.rowCount() == 0 and window.timeline.point_count == 0
    qtbot.keyClick(
        chart, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert len(stored_events(demo_store, window.recorder.coding_id)) == 1
    assert window.model.rowCount() == 1


def test_code_first_order(window: Any, qtbot: Any, demo_store: Any) -> None:
    window.order_actions["code-first"].trigger()
    keys(qtbot, window.chart, "s21")
    [event] = stored_events(demo_store, window.recorder.coding_id)
    people = {p.seat: p.key for p in window.recorder.info.participants if p.seat >= 0}
    assert (event.code, event.actor, event.targets) == ("support", people[1], (people[0],))


def test_a_refused_event_is_explained_not_recorded(
    window: Any, qtbot: Any, demo_store: Any
) -> None:
    keys(qtbot, window.chart, "1f")
    assert "needs a target" in window.statusBar().currentMessage()
    assert stored_events(demo_store, window.recorder.coding_id) == []


def test_escape_in_the_popup_discards(window: Any, qtbot: Any, demo_store: Any) -> None:
    keys(qtbot, window.chart, "12f")
    qtbot.keyClick(window.chart, Qt.Key.Key_Escape)
    assert not window.popup.active
    assert stored_events(demo_store, window.recorder.coding_id) == []


def test_the_next_key_records_the_pending_event_with_defaults(
    window: Any, qtbot: Any, demo_store: Any, fake_time: FakeTime
) -> None:
    qtbot.keyClick(window.chart, Qt.Key.Key_F5)
    keys(qtbot, window.chart, "12f")
    fake_time.advance(3)
    keys(qtbot, window.chart, "3 q")
    first, second = stored_events(demo_store, window.recorder.coding_id)
    assert first.code == "feedback" and first.modifiers == {} and first.time_ms == 0
    assert second.code == "question" and second.time_ms == 3000
