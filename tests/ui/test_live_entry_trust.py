"""Live entry a co-therapist can trust: no key lost, swallowed or turned into a command.

Each test drives the coding window as a person does and reads the database afresh.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QPushButton

from observer.workspace.codings import new_coding
from observer.workspace.recording import Recorder
from tests.ui.conftest import open_window


def rows(store: Any, coding_id: int) -> list[tuple[Any, ...]]:
    """The coding's events as another program reads them: (id, code, actor, targets, mods)."""
    path = store.location
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT id, code, actor, targets, modifiers FROM events WHERE coding_id = ? "
            "ORDER BY id",
            (coding_id,),
        ).fetchall()


@pytest.fixture
def fresh(demo_store: Any) -> int:
    """A new, empty live coding of the demo's first session."""
    return new_coding(demo_store, 1, "TT", ["here-and-now", "bion"])


def keys(qtbot: Any, widget: Any, text: str) -> None:
    for ch in text:
        qtbot.keyClick(widget, ch)


def test_keys_after_a_menu_closed_with_escape_are_coded_not_commands(
    demo_store: Any, fresh: int, fake_time: Any, qtbot: Any
) -> None:
    """Menu opened with the mouse, Escape, then 'Space d': the group discloses, nothing is
    deleted (before, Space reopened the menu and 'd' fired Edit ▸ Delete event)."""
    window = open_window(demo_store, fresh, fake_time, qtbot)
    keys(qtbot, window.chart, "12q")  # Jane asks Sam: the row a stray Delete would remove
    [(question, *_)] = rows(demo_store, fresh)
    window.table.select_event(question)
    bar = window.menuBar()
    edit = next(a for a in bar.actions() if a.text() == "&Edit")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(edit).center())
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    # On a desktop the bar keeps the keyboard after Escape: type where the keys would go.
    keys(qtbot, bar, " d")
    assert QApplication.activePopupWidget() is None
    found = [(r[0], r[1], r[2]) for r in rows(demo_store, fresh)]
    assert found[0] == (question, "question", found[0][2])
    assert [r[1:] for r in found[1:]] == [("self-disclosure", "group")]


def test_destructive_commands_have_no_letter_and_say_what_they_did(
    demo_store: Any, fresh: int, fake_time: Any, qtbot: Any
) -> None:
    window = open_window(demo_store, fresh, fake_time, qtbot)
    for action in (window.undo_action, window.redo_action, window.delete_action):
        assert "&" not in action.text()
    qtbot.keyClick(window.chart, Qt.Key.Key_F5)
    fake_time.advance(166)
    keys(qtbot, window.chart, "12q")
    [(event_id, *_)] = rows(demo_store, fresh)
    window.table.select_event(event_id)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert rows(demo_store, fresh) == []
    message = window.statusBar().currentMessage()
    assert message == "Deleted 02:46 Jane → Sam question · Ctrl+Z brings it back."
    qtbot.keyClick(window.chart, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [r[0] for r in rows(demo_store, fresh)] == [event_id]


def test_an_event_waiting_for_modifiers_is_saved_and_a_reopened_coding_says_so(
    demo_store: Any, fresh: int, fake_time: Any, qtbot: Any
) -> None:
    window = open_window(demo_store, fresh, fake_time, qtbot)
    keys(qtbot, window.chart, "51c")  # Dr Rivera confronts Jane: valence, then intensity
    assert window.popup.isVisible()
    [(_id, code, *_)] = rows(demo_store, fresh)  # on disk already: a crash now keeps it
    assert code == "confrontation"
    # The app dies here (nothing closes). The coding, opened again (read-only, as its lock
    # is still held in this one test process), says which event lacks its modifiers.
    from ui.coding_window import CodingWindow

    again = CodingWindow(Recorder(demo_store, fresh, read_only=True))
    qtbot.addWidget(again)
    again.show()
    notice = again.findChild(QLabel, "lackingModifiers")
    assert notice is not None and notice.isVisible()
    assert "Dr Rivera → Jane confrontation still lacks modifiers" in notice.text()


def test_a_late_modifier_key_goes_to_its_event_and_the_next_event_is_whole(
    demo_store: Any, fresh: int, fake_time: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`2 1 f`, the strip closes by itself, `p` (positive), then `1 2 q`: before, the
    feedback lost its valence, `p` began Paul's initials and the question vanished."""
    import observer.domain.entry as entry_rules

    monkeypatch.setattr(entry_rules, "MODIFIER_TIMEOUT_MS", 40)  # not six seconds in a test
    window = open_window(demo_store, fresh, fake_time, qtbot)
    keys(qtbot, window.chart, "21f")
    qtbot.waitUntil(lambda: window.entry.late is not None)
    keys(qtbot, window.chart, "p12q")
    found = [(r[1], r[4]) for r in rows(demo_store, fresh)]
    assert found == [("feedback", '{"valence": "positive"}'), ("question", "{}")]
    assert "Positive added" in window.statusBar().currentMessage() or found[1][0] == "question"


def test_modifiers_can_be_chosen_with_the_mouse(
    demo_store: Any, fresh: int, fake_time: Any, qtbot: Any
) -> None:
    window = open_window(demo_store, fresh, fake_time, qtbot)
    keys(qtbot, window.chart, "41c")
    qtbot.mouseClick(window.popup.buttons["valence/negative"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.popup.buttons["intensity/high"], Qt.MouseButton.LeftButton)
    assert not window.popup.isVisible()
    [(_id, code, _a, _t, modifiers)] = rows(demo_store, fresh)
    assert (code, modifiers) == ("confrontation", '{"valence": "negative", "intensity": "high"}')
    keys(qtbot, window.chart, "12q")  # the keys are still the coding's
    assert [r[1] for r in rows(demo_store, fresh)] == ["confrontation", "question"]


def test_undo_removes_the_event_with_its_modifiers_and_its_id_is_never_given_again(
    demo_store: Any, fresh: int, fake_time: Any, qtbot: Any
) -> None:
    window = open_window(demo_store, fresh, fake_time, qtbot)
    keys(qtbot, window.chart, "41cnh")
    [(first, *_)] = rows(demo_store, fresh)
    qtbot.keyClick(window.chart, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert rows(demo_store, fresh) == []
    keys(qtbot, window.chart, "12q")
    [(second, *_)] = rows(demo_store, fresh)
    assert second != first


def test_continue_after_a_crash_counts_the_time_spent_reading_the_offer(
    demo_store: Any, fresh: int, fake_time: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import observer.domain.clock as clock_module
    import observer.workspace.session_records as recording_module

    recorder = Recorder(demo_store, fresh)
    recorder.resume_clock_at(600_000, running=True)  # running at 10:00 when the app dies
    started = recorder.saved_clock.running_since
    assert started is not None
    recorder.close()
    now = [started + timedelta(seconds=30)]  # reopened 30 s later
    monkeypatch.setattr(clock_module, "utcnow", lambda: now[0])
    monkeypatch.setattr(recording_module, "utcnow", lambda: now[0])
    window = open_window(demo_store, fresh, fake_time, qtbot)
    bar = window.findChild(QFrame, "resumeBar")
    continue_ = next(b for b in bar.findChildren(QPushButton) if "Continue" in b.text())
    now[0] = started + timedelta(seconds=42)  # 12 s spent reading the offer
    qtbot.mouseClick(continue_, Qt.MouseButton.LeftButton)
    assert abs(window.recorder.clock.elapsed_ms() - 642_000) < 500
    assert "ran on while the app was closed" in window.statusBar().currentMessage()
    # A second crash before anything else: the same anchor, no drift added.
    saved = Recorder(demo_store, fresh, read_only=True).saved_clock
    assert saved.elapsed_if_continued(now[0]) == 642_000


def test_an_undo_or_clock_change_that_cannot_be_saved_is_said_not_raised(
    demo_store: Any, fresh: int, fake_time: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from observer.domain.errors import StoreError

    window = open_window(demo_store, fresh, fake_time, qtbot)
    keys(qtbot, window.chart, "12q")

    def full(*_args: Any, **_kwargs: Any) -> Any:
        raise StoreError("Not saved: the disk is full. Free some space, then try again.")

    monkeypatch.setattr(window.recorder, "undo", full)
    qtbot.keyClick(window.chart, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.statusBar().currentMessage().startswith("Not saved: the disk is full")
    assert len(rows(demo_store, fresh)) == 1  # nothing undone, and nothing claims it was
    monkeypatch.setattr(window.recorder, "start_clock", full)
    qtbot.keyClick(window.chart, Qt.Key.Key_F5)
    assert window.statusBar().currentMessage().startswith("Not saved: the disk is full")


def test_a_save_refused_by_a_lock_is_shown_unsaved_and_saved_again_on_enter(
    demo_store: Any, fresh: int, fake_time: Any, qtbot: Any
) -> None:
    """Another program holds the database: the event is not lost, not shown as saved, and
    Enter saves it once the database is free again."""
    window = open_window(demo_store, fresh, fake_time, qtbot)
    qtbot.keyClick(window.chart, Qt.Key.Key_F5)
    fake_time.advance(357)
    other = sqlite3.connect(demo_store.location, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program writing, for longer than we wait
    try:
        keys(qtbot, window.chart, "12q")
        message = window.statusBar().currentMessage()
        assert message.startswith("Not saved") and "Press Enter to save 05:57" in message
        assert rows(demo_store, fresh) == [] and window.model.rowCount() == 0
    finally:
        other.execute("ROLLBACK")
        other.close()
    qtbot.keyClick(window.chart, Qt.Key.Key_Return)
    assert [r[1] for r in rows(demo_store, fresh)] == ["question"]
    assert window.model.rowCount() == 1 and "Saved" in window.statusBar().currentMessage()
