"""Correcting records from the start screen, as a person does it; the database read afresh."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from observer.workspace.changes import Kind
from observer.workspace.workspace import Workspace
from ui.start_screen import StartScreen


def rows(store: Any, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(str(store.path))
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def ok(qtbot: Any, dialog: Any) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )


def yes(qtbot: Any, box: QMessageBox) -> None:
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)


def retype(qtbot: Any, field: Any, text: str) -> None:
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


@pytest.fixture
def screen(demo_store: Any, qtbot: Any) -> StartScreen:
    shown = StartScreen(Workspace(demo_store))
    qtbot.addWidget(shown)
    shown.show()
    return shown


def trigger(screen: StartScreen, text: str) -> None:
    [action] = [a for a in screen.records.menu.actions() if a.text().replace("&", "") == text]
    assert action.isEnabled(), text
    action.trigger()


def test_a_group_renamed_archived_shown_again(screen: StartScreen, qtbot: Any) -> None:
    store = screen.store
    screen.select("group", 1)
    trigger(screen, "Edit group…")
    dialog = screen.records.dialog
    retype(qtbot, dialog.name, "Thursday group")
    ok(qtbot, dialog)
    assert rows(store, "SELECT name FROM groups") == [("Thursday group",)]
    assert screen.tree.topLevelItem(0).text(0) == "Thursday group"
    screen.select("group", 1)
    trigger(screen, "Archive group")
    assert rows(store, "SELECT archived_at IS NOT NULL FROM groups") == [(1,)]
    assert screen.pages.currentIndex() == 0  # nothing listed: the welcome page
    screen.records.show_archived.trigger()
    assert screen.tree.topLevelItem(0).text(0) == "Thursday group  (archived)"
    trigger(screen, "Undo Archive group")
    assert rows(store, "SELECT archived_at FROM groups") == [(None,)]


def test_deleting_a_group_says_how_much_goes(screen: StartScreen, qtbot: Any) -> None:
    store = screen.store
    events = rows(store, "SELECT count(*) FROM events")[0][0]
    screen.select("group", 1)
    trigger(screen, "Delete group…")
    box = screen.records.confirmation
    assert f"4 sessions, 6 codings, {events:,} events" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert rows(store, "SELECT count(*) FROM groups") == [(1,)]
    trigger(screen, "Delete group…")
    yes(qtbot, screen.records.confirmation)
    assert rows(store, "SELECT count(*) FROM groups") == [(0,)]
    assert rows(store, "SELECT count(*) FROM events") == [(0,)]


def test_a_newcomer_added_a_member_renamed_and_a_duplicate_refused(
    screen: StartScreen, qtbot: Any
) -> None:
    store = screen.store
    screen.select("session", 4)
    trigger(screen, "Members…")
    members = screen.records.dialog
    qtbot.mouseClick(members.buttons.itemAt(0).widget(), Qt.MouseButton.LeftButton)
    newcomer = members.dialog
    qtbot.keyClicks(newcomer.pseudonym, "Omar")
    assert newcomer.joins_at.currentText().startswith("Session 4")
    ok(qtbot, newcomer)
    [(omar, joined)] = rows(store, "SELECT id, joined FROM members WHERE pseudonym = 'Omar'")
    assert joined is not None
    assert rows(store, "SELECT session_id FROM attendance WHERE member_id = ?", omar) == [(4,)]
    assert members.table.rowCount() == 11  # the list redrew from the notice
    first = rows(store, "SELECT pseudonym FROM members ORDER BY seat LIMIT 2")
    members.table.selectRow(0)
    qtbot.mouseClick(members.buttons.itemAt(1).widget(), Qt.MouseButton.LeftButton)
    edit = members.dialog
    retype(qtbot, edit.pseudonym, first[1][0].upper())
    ok(qtbot, edit)
    assert edit.isVisible() and "already called" in edit.error.text()
    retype(qtbot, edit.pseudonym, "Renamed")
    qtbot.mouseClick(edit.left, Qt.MouseButton.LeftButton)
    ok(qtbot, edit)
    assert not edit.isVisible()
    assert rows(store, "SELECT pseudonym, left IS NOT NULL FROM members ORDER BY seat LIMIT 1") == [
        ("Renamed", 1)
    ]


def test_a_session_edited(screen: StartScreen, qtbot: Any) -> None:
    store = screen.store
    screen.select("session", 2)
    trigger(screen, "Edit session…")
    dialog = screen.records.dialog
    dialog.setting.setCurrentText("telehealth")
    qtbot.keyClicks(dialog.notes, "Snow: online this week")
    ok(qtbot, dialog)
    assert not dialog.isVisible(), dialog.error.text()
    assert rows(store, "SELECT setting, notes FROM sessions WHERE id = 2") == [
        ("telehealth", "Snow: online this week")
    ]
    assert screen.selection() == ("session", 2)


def test_a_coding_renamed_moved_deleted_restored_keeps_its_events(
    screen: StartScreen, qtbot: Any
) -> None:
    store = screen.store
    events = rows(store, "SELECT * FROM events WHERE coding_id = 1 ORDER BY id")
    screen.select("coding", 1)
    trigger(screen, "Edit coding…")
    dialog = screen.records.dialog
    retype(qtbot, dialog.name, "Week one, live")
    dialog.capacity.setCurrentText("supervisor")
    ok(qtbot, dialog)
    assert rows(store, "SELECT name, capacity FROM codings WHERE id = 1") == [
        ("Week one, live", "supervisor")
    ]
    assert screen.selection() == ("coding", 1)
    trigger(screen, "Delete coding")
    assert rows(store, "SELECT trashed_at IS NOT NULL FROM codings WHERE id = 1") == [(1,)]
    trash = [screen.tree.topLevelItem(i) for i in range(screen.tree.topLevelItemCount())][-1]
    assert trash.text(0) == "Trash: 1 coding"
    screen.tree.setCurrentItem(trash)
    qtbot.keyClick(screen.tree, Qt.Key.Key_Return)
    dialog = screen.records.dialog
    assert dialog.table.item(0, 0).text() == "Week one, live"
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert rows(store, "SELECT trashed_at FROM codings WHERE id = 1") == [(None,)]
    assert dialog.table.rowCount() == 0
    assert rows(store, "SELECT * FROM events WHERE coding_id = 1 ORDER BY id") == events


def test_moving_a_coding_refused_with_the_reason_then_done(screen: StartScreen, qtbot: Any) -> None:
    from datetime import date, timedelta

    store = screen.store
    # Whoever acts first in coding 1 left before session 4: the move must say who is missing.
    [(actor,)] = rows(store, "SELECT actor FROM events WHERE coding_id = 1 AND actor LIKE 'm%' "
                      "ORDER BY time_ms LIMIT 1")  # fmt: skip
    [(name,)] = rows(store, "SELECT pseudonym FROM members WHERE id = ?", int(actor[1:]))
    [(day,)] = rows(store, "SELECT date(starts_at) FROM sessions WHERE id = 4")
    Workspace(store).member_leaves(int(actor[1:]), date.fromisoformat(day) - timedelta(days=1))
    screen.select("coding", 1)
    trigger(screen, "Move coding…")
    dialog = screen.records.dialog
    dialog.session.setCurrentIndex(dialog.session.findData(4))
    ok(qtbot, dialog)
    assert dialog.isVisible() and f"{name} is coded in coding 1" in dialog.error.text()
    dialog.session.setCurrentIndex(dialog.session.findData(2))
    ok(qtbot, dialog)
    assert not dialog.isVisible(), dialog.error.text()
    assert rows(store, "SELECT session_id FROM codings WHERE id = 1") == [(2,)]


def test_a_recording_listed_relabelled_and_removed(screen: StartScreen, qtbot: Any) -> None:
    store = screen.store
    media = Workspace(store).attach_media(2, "/tapes/week2.mp4").new(Kind.MEDIA)
    screen.select("media", media)
    assert screen.tree.currentItem().text(0) == "▶ week2.mp4"
    trigger(screen, "Relabel recording…")
    dialog = screen.records.dialog
    dialog.setTextValue("Camera A")
    dialog.accept()
    # Session 2's recordings (the demo's own recording belongs to session 3).
    assert rows(store, "SELECT label FROM media_files WHERE session_id = 2") == [("Camera A",)]
    screen.select("media", media)
    trigger(screen, "Remove recording…")
    yes(qtbot, screen.records.confirmation)
    assert rows(store, "SELECT count(*) FROM media_files WHERE session_id = 2") == [(0,)]


def test_a_codebook_file_added_and_a_bad_one_reported(
    screen: StartScreen, qtbot: Any, tmp_path: Path
) -> None:
    trigger(screen, "Codebooks…")
    dialog = screen.records.dialog
    before = dialog.table.rowCount()
    good = tmp_path / "turns.yaml"
    good.write_text('codebook: turns\nname: Turns\nversion: "1"\ncodes:\n  - id: t\n    label: T\n')
    dialog.add_file(good)
    assert dialog.table.rowCount() == before + 1
    assert str(good) in [dialog.table.item(r, 4).text() for r in range(dialog.table.rowCount())]
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text() + "    kind: sometimes\n")
    dialog.add_file(bad)
    assert f"{bad}:7: codes.t.kind: 'sometimes' is not one of: point, state" in (
        dialog.confirmation.informativeText()
    )
    assert dialog.table.rowCount() == before + 1


def test_attaching_a_recording_says_what_was_attached_and_how_long_it_is(
    screen: StartScreen, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.practice_flow as flow

    clip = Path(__file__).resolve().parents[1] / "data" / "clip.mp4"
    monkeypatch.setattr(flow, "choose_file", lambda _parent: str(clip))
    monkeypatch.setattr(flow, "ask_text", lambda *_a, **_k: "1:05")
    screen.select("session", 2)
    qtbot.mouseClick(screen.start_actions.buttons["attach"], Qt.MouseButton.LeftButton)
    assert screen.statusBar().currentMessage() == (
        "Attached clip, 00:02 long, first frame at session time 01:05."
    )
    attached = "SELECT duration_ms, offset_ms FROM media_files WHERE session_id = 2"
    assert rows(screen.store, attached) == [(2000, 65_000)]  # the demo has one in session 3
    listed = screen.tree.findItems("▶ clip", Qt.MatchFlag.MatchRecursive)
    assert [(item.text(2), item.text(3)) for item in listed] == [("00:02", "recording")]
