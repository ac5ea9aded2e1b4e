"""A coding open elsewhere: the choice offered, a read-only window that saves nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel

from observer.domain.clock import utcnow
from observer.domain.errors import CodingInUse
from observer.storage.coding_lock import STALE_AFTER_S, holder_of
from observer.storage.event_rows import load_events
from observer.workspace.recording import Recorder
from ui.dialogs import coding_in_use
from ui.dialogs.coding_in_use import CodingInUseDialog


def refusal(can_take_over: bool) -> CodingInUse:
    since = utcnow().replace(hour=10, minute=2)
    return CodingInUse(3, "RK", "ward-laptop", 4242, since, since + timedelta(minutes=5),
                       can_take_over=can_take_over, this_host=False)  # fmt: skip


def test_the_dialog_says_who_where_and_since_when(qtbot: Any, tmp_path: Path) -> None:
    dialog = CodingInUseDialog(refusal(can_take_over=False))
    qtbot.addWidget(dialog)
    dialog.show()
    since = refusal(False).since.astimezone().strftime("%H:%M")
    assert dialog.message.text() == (
        f"<b>Coding 3 is open on host ward-laptop by RK since {since}.</b>"
    )
    assert not dialog.take_over_button.isEnabled()  # that app is still there
    dialog.resize(1280, 800)
    dialog.grab().save(str(tmp_path / "coding_in_use.png"))
    qtbot.mouseClick(dialog.read_only_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == coding_in_use.READ_ONLY and not dialog.isVisible()


def test_take_over_is_offered_only_when_that_app_is_gone(qtbot: Any) -> None:
    dialog = CodingInUseDialog(refusal(can_take_over=True))
    qtbot.addWidget(dialog)
    dialog.show()
    assert "seems to be gone" in dialog.explanation.text()
    qtbot.mouseClick(dialog.take_over_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == coding_in_use.TAKE_OVER


def test_cancel_leaves_the_coding(qtbot: Any) -> None:
    dialog = CodingInUseDialog(refusal(can_take_over=True))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.choice is None and not dialog.isVisible()


@pytest.fixture
def app_with_coding_open_elsewhere(demo_store: Any, qtbot: Any):
    from ui.app import App

    elsewhere = Recorder(demo_store, 1, "MB")  # another window records coding 1
    app = App(demo_store.location)
    assert app.open_store(demo_store.location)
    yield app, elsewhere
    if app.coding is not None:
        app.coding.close()
    elsewhere.close()
    app.store.close()


def events_on_file(store: Any, coding_id: int) -> list[Any]:
    conn = store.connect()
    try:
        return load_events(conn, coding_id)
    finally:
        conn.close()


def test_a_read_only_window_refuses_to_record_where_the_coder_looks(
    app_with_coding_open_elsewhere, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _elsewhere = app_with_coding_open_elsewhere
    # The person's click on "Open read-only" (the dialog itself is driven above).
    monkeypatch.setattr(coding_in_use, "ask", lambda refusal, parent=None: "read-only")
    window = app.open_coding(1)
    assert window is not None and window.recorder.read_only
    qtbot.addWidget(window)
    banner = window.statusBar().findChild(QLabel, "readOnlyBanner")
    assert banner.text() == "Read-only: MB is recording it. Nothing you enter here is saved."
    assert window.windowTitle().endswith("— read-only")
    before = events_on_file(app.store, 1)
    window.activateWindow()
    qtbot.waitActive(window)
    for key in "1 q":
        qtbot.keyClick(window.chart, key)
    assert (
        window.statusBar()
        .currentMessage()
        .startswith(
            "Not saved: this coding is open read-only (MB is recording it on this computer)"
        )
    )
    assert events_on_file(app.store, 1) == before


def test_taking_over_from_an_app_that_is_gone(
    app_with_coding_open_elsewhere, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _elsewhere = app_with_coding_open_elsewhere
    with app.store.engine.begin() as conn:  # that app went silent long ago
        conn.exec_driver_sql(
            "UPDATE coding_locks SET heartbeat = ?",
            ((utcnow() - timedelta(seconds=STALE_AFTER_S + 5)).strftime("%Y-%m-%d %H:%M:%S.%f"),),
        )
    offered: list[CodingInUse] = []

    def take_over(found: CodingInUse, parent: Any = None) -> str:
        offered.append(found)
        return "take over"

    monkeypatch.setattr(coding_in_use, "ask", take_over)
    window = app.open_coding(1)
    assert window is not None and not window.recorder.read_only
    qtbot.addWidget(window)
    assert offered[0].can_take_over and offered[0].holder == "MB"
    conn = app.store.connect()
    assert holder_of(conn, 1).holder == window.recorder.who
    conn.close()


def test_cancelling_opens_nothing(
    app_with_coding_open_elsewhere, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _ = app_with_coding_open_elsewhere
    monkeypatch.setattr(coding_in_use, "ask", lambda refusal, parent=None: None)
    assert app.open_coding(1) is None and app.coding is None


def test_the_heartbeat_keeps_the_lock_and_says_when_the_coding_was_taken(
    demo_store: Any, qtbot: Any
) -> None:
    from ui.app import App

    app = App(demo_store.location)
    assert app.open_store(demo_store.location)
    window = app.open_coding(1)
    assert window is not None
    qtbot.addWidget(window)
    heartbeat = window.findChild(QTimer, "lockHeartbeat")
    assert heartbeat.isActive()
    conn = app.store.connect()
    before = holder_of(conn, 1).heartbeat
    heartbeat.timeout.emit()
    assert holder_of(conn, 1).heartbeat > before
    # Another computer takes it over (as after this one slept for an hour).
    conn.execute("UPDATE coding_locks SET token = 'elsewhere', holder = 'MB'")
    conn.close()
    heartbeat.timeout.emit()
    assert (
        window.statusBar()
        .currentMessage()
        .startswith("Not saved: MB took this coding over on this computer")
    )
    window.close()
    app.store.close()


def test_a_reference_given_to_a_trainee_opens_read_only_saying_why(
    demo_store: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from observer.workspace import workspace
    from ui.app import App

    # The server's answer for a trainee given coding 1 (asked of a real server in
    # tests/observer/storage/test_server_roles.py); a file database has no people.
    monkeypatch.setattr(workspace, "given_reference", lambda store, coding_id: coding_id == 1)
    app = App(demo_store.location)
    assert app.open_store(demo_store.location)
    window = app.open_coding(1)
    try:
        assert window is not None and window.recorder.read_only
        qtbot.addWidget(window)
        banner = window.statusBar().findChild(QLabel, "readOnlyBanner")
        assert banner.text() == (
            "A reference you were given: read-only. Nothing you enter here is saved."
        )
        before = events_on_file(app.store, 1)
        window.activateWindow()
        qtbot.waitActive(window)
        for key in "1 q":
            qtbot.keyClick(window.chart, key)
        assert events_on_file(app.store, 1) == before
    finally:
        if app.coding is not None:
            app.coding.close()
        app.store.close()
