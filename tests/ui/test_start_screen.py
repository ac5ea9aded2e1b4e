"""The start screen: a first start offers the demo; the dialogs set up group, session, coding."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFrame,
    QPushButton,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
)

from observer.workspace.codings import list_codings
from observer.workspace.groups import list_groups, list_sessions
from observer.workspace.workspace import Workspace
from ui.start_screen import StartScreen


def ok(qtbot: Any, dialog: Any) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )


def test_first_start_offers_the_demo(store: Any, qtbot: Any) -> None:
    screen = StartScreen(Workspace(store))
    qtbot.addWidget(screen)
    screen.show()
    assert screen.pages.currentIndex() == 0 and screen.demo_button.isVisible()
    qtbot.mouseClick(screen.demo_button, Qt.MouseButton.LeftButton)
    # Written on a worker thread (seconds, with its recording): the screen says what it
    # is doing, and a second click cannot start it again.
    assert not screen.demo_button.isEnabled()
    assert screen.statusBar().currentMessage() == "Adding the demo group…"
    job = screen.demo_job
    assert job is not None and job.dialog is not None
    assert not job.dialog.cancel_button.isVisibleTo(job.dialog)  # half a demo is no use
    with qtbot.waitSignal(job.finished, timeout=120_000):
        pass
    assert [g.name for g in list_groups(store)] == ["Thursday interpersonal group"]
    assert screen.demo_button.isEnabled()
    assert screen.statusBar().currentMessage().startswith("Demo group added")
    assert screen.pages.currentIndex() == 1
    assert screen.selected("coding") == 1 and screen.open_button.isEnabled()
    with qtbot.waitSignal(screen.open_coding) as opened:
        qtbot.keyClick(screen.tree, Qt.Key.Key_Return)
    assert opened.args == [1]


def test_new_group_session_and_coding_by_keyboard(store: Any, qtbot: Any) -> None:
    screen = StartScreen(Workspace(store))
    qtbot.addWidget(screen)
    screen.show()
    screen.new_group()
    dialog = screen.dialog
    qtbot.keyClicks(dialog.name, "Monday group")
    for name, initials, role in (("Anna", "", 0), ("Bert", "BK", 0), ("Dr Ho", "", 1)):
        qtbot.keyClicks(dialog.pseudonym, name)
        qtbot.keyClicks(dialog.initials, initials)
        dialog.role.setCurrentIndex(role)
        qtbot.keyClick(dialog.pseudonym, Qt.Key.Key_Return)  # Enter seats the member
    assert dialog.isVisible() and dialog.table.rowCount() == 3
    dialog.table.selectRow(2)
    dialog.move_member(-1)  # Dr Ho sits between Anna and Bert
    ok(qtbot, dialog)
    [group] = list_groups(store)
    assert group.name == "Monday group"
    seated = [(m.seat, m.pseudonym, m.initials, m.role) for m in group.members]
    assert seated == [
        (0, "Anna", "AN", "member"),
        (1, "Dr Ho", "DH", "leader"),
        (2, "Bert", "BK", "member"),
    ]
    assert len({m.colour for m in group.members}) == 3

    assert screen.selected("group") == group.id
    qtbot.mouseClick(screen.new_session_button, Qt.MouseButton.LeftButton)
    dialog = screen.dialog
    dialog.present.setCurrentRow(2)
    qtbot.keyClick(dialog.present, Qt.Key.Key_Space)  # Bert is away
    ok(qtbot, dialog)
    [session] = list_sessions(store, group.id)
    assert session.number == 1 and [m.pseudonym for m in session.present] == ["Anna", "Dr Ho"]

    qtbot.mouseClick(screen.new_coding_button, Qt.MouseButton.LeftButton)
    dialog = screen.dialog
    ok(qtbot, dialog)  # no initials: refused, explained, the dialog stays open
    assert dialog.isVisible() and "initials" in dialog.error.text()
    qtbot.keyClicks(dialog.observer.lineEdit(), "RK")
    dialog.capacity.setCurrentText("supervisor")
    with qtbot.waitSignal(screen.open_coding) as opened:
        ok(qtbot, dialog)
    [coding] = list_codings(store, session.id)
    assert opened.args == [coding.id]
    assert coding.observer.initials == "RK" and coding.capacity == "supervisor"
    assert [b.codebook_id for b in coding.codebooks] == ["here-and-now", "bion"]


def test_a_group_needs_a_name(store: Any, qtbot: Any) -> None:
    screen = StartScreen(Workspace(store))
    qtbot.addWidget(screen)
    screen.new_group()
    ok(qtbot, screen.dialog)
    assert screen.dialog.isVisible() and "name" in screen.dialog.error.text()
    assert list_groups(store) == []


def test_recent_databases_are_remembered(tmp_path: Any, qtbot: Any) -> None:
    from ui.app import App, recent_databases

    app = App(None)
    for name in ("a.sqlite3", "b.sqlite3", "a.sqlite3"):
        assert app.open_store(str(tmp_path / name))
    assert recent_databases(QSettings()) == [
        str(tmp_path / "a.sqlite3"),
        str(tmp_path / "b.sqlite3"),
    ]
    app.store.close()


def test_the_start_screen_lists_the_database_without_the_orm(tmp_path: Any) -> None:
    """The first screen a user sees does not wait for SQLAlchemy; its dialogs load it later."""
    import subprocess
    import sys
    import textwrap
    from pathlib import Path

    from observer.storage.store import open_store
    from observer.workspace.demo import create_demo

    path = tmp_path / "demo.sqlite3"
    store = open_store(path)
    create_demo(store)
    store.close()
    script = textwrap.dedent(
        f"""
        import sys
        import ui.start_screen as start
        start.TOOLKIT_MODULES = ()  # no loading in the background, to see what the screen needs
        from ui.app import make_application
        from observer.storage.store import open_store
        app = make_application()
        from observer.workspace.workspace import Workspace
        screen = start.StartScreen(Workspace(open_store({str(path)!r})))
        screen.show()
        app.processEvents()
        print(screen.tree.topLevelItem(0).text(0), screen.tree.topLevelItem(0).childCount(),
              "sqlalchemy" in sys.modules)
        """
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0].rsplit(" ", 2) == [
        "Thursday interpersonal group",
        "4",
        "False",
    ]


def test_new_coding_offers_the_databases_own_codebooks(demo_store: Any, qtbot: Any) -> None:
    from observer.domain.codebook import parse_codebook
    from observer.workspace.codings import new_coding
    from ui.dialogs.coding_dialog import NewCodingDialog

    own = parse_codebook(
        "codebook: turn-taking\nname: Turn-taking\nversion: '1'\ndescription: ''\n"
        "codes:\n  - id: takes-floor\n    label: Takes the floor\n    key: k\n",
        "turn-taking.yaml",
    )
    new_coding(demo_store, 2, "XY", [own])
    dialog = NewCodingDialog(Workspace(demo_store), 1, "Session 1")
    qtbot.addWidget(dialog)
    ids = [dialog.books.item(r).data(Qt.ItemDataRole.UserRole) for r in range(dialog.books.count())]
    assert ids[:2] == ["here-and-now", "bion"] and ids[-1] == "turn-taking"
    dialog.books.item(len(ids) - 1).setCheckState(Qt.CheckState.Checked)
    assert dialog.codebook_ids() == ["here-and-now", "bion", "turn-taking"]


@pytest.fixture
def in_berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This computer's clock in Berlin: an hour ahead of UTC in November."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_session_time_is_typed_and_shown_in_local_time(
    store: Any, qtbot: Any, in_berlin: None
) -> None:
    """Stored in UTC, the start of a session reads as the time the coder typed."""
    from datetime import UTC, datetime

    from observer.workspace.groups import MemberSpec, add_group

    group_id = add_group(store, "Monday group", members=[MemberSpec("Anna")])
    screen = StartScreen(Workspace(store))
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    assert screen.selected("group") == group_id
    qtbot.mouseClick(screen.new_session_button, Qt.MouseButton.LeftButton)
    dialog = screen.dialog
    dialog.starts.setFocus()
    dialog.starts.selectAll()
    qtbot.keyClicks(dialog.starts, "2026-11-20 18:00")
    ok(qtbot, dialog)
    [session] = list_sessions(store, group_id)
    assert session.starts_at is not None and session.starts_at.tzinfo is not None
    assert session.starts_at.replace(second=0, microsecond=0) == datetime(
        2026, 11, 20, 17, 0, tzinfo=UTC
    )
    listed = screen.tree.topLevelItem(0).child(0).text(0)
    assert listed.endswith("20 Nov 2026, 18:00")


def choose_by_keys(qtbot: Any, screen: StartScreen, coding_id: int) -> None:
    """Arrow down the list to a coding, as a person does."""
    screen.tree.setFocus()
    for _ in range(screen.tree.topLevelItemCount() + 20):
        if screen.selection() == ("coding", coding_id):
            return
        qtbot.keyClick(screen.tree, Qt.Key.Key_Down)
    raise AssertionError(f"coding {coding_id} is not in the list")


def listed(screen: StartScreen) -> dict[tuple[str, int], QTreeWidgetItem]:
    """Every line of the list by what it shows (kind, id)."""
    found = {}
    lines = QTreeWidgetItemIterator(screen.tree)
    while lines.value():
        item = lines.value()
        found[
            (item.data(0, Qt.ItemDataRole.UserRole), item.data(0, Qt.ItemDataRole.UserRole + 1))
        ] = item
        lines += 1
    return found


def events_shown(screen: StartScreen, coding_id: int) -> str:
    return listed(screen)[("coding", coding_id)].text(2)


def test_enter_opens_the_chosen_coding_again_after_it_is_closed(
    demo_store: Any, qtbot: Any
) -> None:
    """Closing a coding brings the list back as it was, its event count brought up to date."""
    from ui.app import App

    app = App(demo_store.location)
    app.store = demo_store
    app.show_start()
    screen = app.start
    assert screen is not None
    qtbot.addWidget(screen)
    qtbot.waitExposed(screen)
    choose_by_keys(qtbot, screen, 3)
    before = int(events_shown(screen, 3).replace(",", ""))
    qtbot.keyClick(screen.tree, Qt.Key.Key_Return)
    window = app.coding
    assert window is not None and window.recorder.coding_id == 3
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    for ch in "3 q":  # Priya asks the group a question
        qtbot.keyClick(window.chart, ch)
    qtbot.keyClick(window.chart, Qt.Key.Key_F4, Qt.KeyboardModifier.ControlModifier)  # Close
    qtbot.waitUntil(screen.isVisible)
    assert screen.selected("coding") == 3
    assert events_shown(screen, 3) == f"{before + 1:,}"  # heard of the closed coding
    qtbot.keyClick(screen.tree, Qt.Key.Key_Return)
    again = app.coding
    assert again is not None and again is not window and again.recorder.coding_id == 3
    qtbot.addWidget(again)
    again.close()


def test_the_selection_is_kept_from_one_start_to_the_next(demo_store: Any, qtbot: Any) -> None:
    from ui.app import App

    first = App(demo_store.location)
    first.store = demo_store
    first.show_start()
    assert first.start is not None
    qtbot.addWidget(first.start)
    choose_by_keys(qtbot, first.start, 4)
    first.start.close()

    second = App(demo_store.location)  # the app started again on the same database
    second.store = demo_store
    second.show_start()
    screen = second.start
    assert screen is not None and screen is not first.start
    qtbot.addWidget(screen)
    assert screen.selected("coding") == 4
    qtbot.keyClick(screen.tree, Qt.Key.Key_Return)
    window = second.coding
    assert window is not None and window.recorder.coding_id == 4
    qtbot.addWidget(window)
    window.close()


def test_a_coding_made_elsewhere_is_listed_and_the_selection_stays(
    demo_store: Any, qtbot: Any
) -> None:
    from observer.workspace.changes import Kind

    screen = StartScreen(Workspace(demo_store))
    qtbot.addWidget(screen)
    screen.show()
    choose_by_keys(qtbot, screen, 2)
    # Another window of the app (a practice attempt, an import) adds a coding.
    made = Workspace(demo_store).create_coding(1, "NW", ["here-and-now"], name="new one")
    assert listed(screen)[("coding", made.new(Kind.CODING))].text(0) == "new one"
    assert screen.selected("coding") == 2


def leave_running(store: Any, coding_id: int, elapsed_ms: int) -> None:
    """As a crash leaves a coding: its clock saved as running, no window holding it."""
    from observer.domain.clock import utcnow
    from observer.storage.store import run, stamp

    conn = store.connect()
    try:
        with conn:
            run(conn, "DELETE FROM events WHERE coding_id = ? AND time_ms > ?",
                (coding_id, elapsed_ms))  # fmt: skip
            run(conn, "UPDATE codings SET clock_elapsed_ms = ?, clock_running_since = ? "
                "WHERE id = ?", (elapsed_ms, stamp(conn, utcnow()), coding_id))  # fmt: skip
    finally:
        conn.close()


def test_an_interrupted_coding_is_marked_and_enter_resumes_it(demo_store: Any, qtbot: Any) -> None:
    from ui.app import App

    leave_running(demo_store, 3, 329_000)
    app = App(demo_store.location)
    app.store = demo_store
    app.show_start()
    screen = app.start
    assert screen is not None
    qtbot.addWidget(screen)
    qtbot.waitExposed(screen)
    lines = listed(screen)
    marked = [key for key, item in lines.items() if "stopped unexpectedly" in item.text(0)]
    assert marked == [("coding", 3)]
    assert "stopped unexpectedly at 05:29 · Resume" in lines[("coding", 3)].text(0)
    choose_by_keys(qtbot, screen, 3)
    assert screen.open_button.text().replace("&", "") == "Resume coding"
    assert "stopped unexpectedly at 05:29" in screen.details.text()
    qtbot.keyClick(screen.tree, Qt.Key.Key_Return)
    window = app.coding
    assert window is not None and window.recorder.coding_id == 3
    qtbot.addWidget(window)
    bar = window.findChild(QFrame, "resumeBar")
    assert bar is not None and bar.isVisible()  # the window offers how to go on
    assert any("Resume at 05:29" in b.text() for b in bar.findChildren(QPushButton))
    [leave] = [b for b in bar.findChildren(QPushButton) if b.text() == "Leave paused"]
    qtbot.mouseClick(leave, Qt.MouseButton.LeftButton)
    assert not window.recorder.clock.running and window.recorder.clock.elapsed_ms() == 329_000
    qtbot.keyClick(window.chart, Qt.Key.Key_F4, Qt.KeyboardModifier.ControlModifier)  # Close
    qtbot.waitUntil(screen.isVisible)
    assert not [i for i in listed(screen).values() if "stopped unexpectedly" in i.text(0)]
    assert screen.open_button.text().replace("&", "") == "Open coding"


def test_a_coding_open_in_a_window_is_not_marked_interrupted(demo_store: Any) -> None:
    from observer.storage.overview import overview
    from observer.workspace.recording import Recorder

    recorder = Recorder(demo_store, 3)
    try:
        recorder.start_clock()  # running in its window: nothing went wrong
        lines = [c for g in overview(demo_store) for s in g.sessions for c in s.codings]
        assert all(c.stopped_at_ms is None for c in lines)
    finally:
        recorder.close()
