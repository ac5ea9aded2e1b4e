"""A coding on a clinic's server, as the app shows it: delivery in the status line, a
read-only window that grows as someone records, a co-observer's new coding on the start
screen. Against a real throwaway PostgreSQL server; every wait has a deadline."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import FakeTime, open_window, stored_events
from PySide6.QtCore import Qt

from observer.storage.coding_info import coding_info
from observer.storage.store import open_store
from observer.workspace.codings import new_coding
from observer.workspace.recording import Recorder
from observer.workspace.workspace import Workspace
from tests.observer.helpers import small_coding
from tests.postgres_server import ThrowawayServer

pytestmark = pytest.mark.slow
DEADLINE_MS = 30_000


def says(label: Any, text: str) -> Any:
    """A condition for ``waitUntil`` whose failure shows what the label said instead."""

    def check() -> None:
        assert label.text() == text

    return check


def test_the_status_line_says_how_far_the_server_has_the_coding(
    server: ThrowawayServer, qtbot: Any, fake_time: FakeTime
) -> None:
    from ui.server_link import show_delivery

    url = server.new_database("status_line")
    store = open_store(url)
    coding_id, _ = small_coding(store)
    window = open_window(store, coding_id, fake_time, qtbot)
    label = show_delivery(window)
    assert label is not None and label.text() == "all delivered"
    qtbot.keyClick(window.chart, Qt.Key.Key_F5)
    # Starting the clock is a change of its own: on the server before the server stops.
    assert window.recorder.delivery is not None
    assert window.recorder.delivery.wait_until_delivered(DEADLINE_MS / 1000)
    server.stop("immediate")
    try:
        for key in "12f":
            qtbot.keyClick(window.chart, key)
        window.finish_modifiers()
        assert [e.code for e in window.recorder.events] == ["feedback"]  # at once
        qtbot.waitUntil(says(label, "server unreachable · 1 event waiting"), timeout=DEADLINE_MS)
    finally:
        server.start()
    qtbot.waitUntil(says(label, "all delivered"), timeout=DEADLINE_MS)
    afresh = open_store(url)
    [kept] = stored_events(afresh, coding_id)
    assert (kept.code, kept.actor) == ("feedback", window.recorder.events[0].actor)
    afresh.close()
    window.close()
    window.recorder.close()
    store.close()


def test_a_read_only_window_grows_and_the_start_screen_shows_a_new_coding(
    server: ThrowawayServer, qtbot: Any, fake_time: FakeTime
) -> None:
    from ui.coding_window import CodingWindow
    from ui.server_link import LiveLink
    from ui.start_screen import StartScreen

    url = server.new_database("watching")
    store = open_store(url)
    coding_id, k = small_coding(store)
    elsewhere = open_store(url)  # the co-observer's computer
    recording = Recorder(elsewhere, coding_id)
    link = LiveLink(store)
    assert link.wait_until_listening(30)
    window = CodingWindow(Recorder(store, coding_id, "SV", read_only=True))
    qtbot.addWidget(window)
    link.follow(window)
    for t in (1000, 2000, 3000):
        recording.record(t, "feedback", k["Jane"], [k["Sam"]])
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=DEADLINE_MS)
    assert [e.time_ms for e in window.recorder.events] == [1000, 2000, 3000]

    screen = StartScreen(Workspace(store))
    qtbot.addWidget(screen)
    screen.show()
    session = coding_info(store, coding_id).session_id
    second = new_coding(elsewhere, session, "MB", ["here-and-now"])

    def listed() -> bool:
        screen.select("coding", second)
        return screen.selected("coding") == second

    qtbot.waitUntil(listed, timeout=DEADLINE_MS)
    link.close()
    window.close()
    window.recorder.close()
    recording.close()
    elsewhere.close()
    store.close()


def test_a_correction_while_the_server_is_down_is_refused_in_the_dialog_and_kept_to_retry(
    server: ThrowawayServer, qtbot: Any
) -> None:
    """Corrections outside a coding go to the server directly: while it cannot be reached
    the dialog says so and stays open with what was typed; once it is back, OK saves."""
    from PySide6.QtWidgets import QDialogButtonBox

    from observer.workspace.groups import get_group
    from ui.start_screen import StartScreen

    url = server.new_database("correcting")
    store = open_store(url)
    coding_id, _ = small_coding(store)
    group_id = coding_info(store, coding_id).group_id
    screen = StartScreen(Workspace(store))
    qtbot.addWidget(screen)
    screen.show()
    screen.select("group", group_id)
    [edit] = [
        a for a in screen.records.menu.actions() if a.text().replace("&", "") == "Edit group…"
    ]
    edit.trigger()
    dialog = screen.records.dialog
    assert dialog is not None
    dialog.name.selectAll()
    qtbot.keyClicks(dialog.name, "Thursday group")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    server.stop("immediate")
    try:
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        assert dialog.isVisible() and dialog.name.text() == "Thursday group"
        assert dialog.error.isVisible()
        said = dialog.error.text()
        assert "server" in said.lower() and "Traceback" not in said
    finally:
        server.start()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    afresh = open_store(url)
    assert get_group(afresh, group_id).name == "Thursday group"
    afresh.close()
    screen.close()
    store.close()


def test_the_group_view_says_which_sessions_the_server_lacks_changes_of(
    server: ThrowawayServer, qtbot: Any
) -> None:
    from ui.group_course_view import GroupCourseView

    url = server.new_database("group_view_behind")
    store = open_store(url)
    coding_id, k = small_coding(store)
    recorder = Recorder(store, coding_id)
    server.stop("immediate")
    try:
        recorder.record(1000, "feedback", k["Jane"], [k["Sam"]])
    finally:
        recorder.close(deliver_s=0)  # the app ended before the server was back
        server.start()
    view = GroupCourseView(Workspace(store), coding_info(store, coding_id).group_id)
    qtbot.addWidget(view)
    label = view.course.sessions[0].label
    said = "1 session with changes made on this computer, not on the server yet"
    assert f"Left out: {said} ({label})" in view.flags.text()
    assert view.course.as_dict()["not_on_server"] == view.course.not_on_server
    view.close()
    store.close()
