"""File ▸ Import…, Export…, Supervision report… and the start screen's Review menu, by keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FakeTime, answer_export_dialog, open_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMenu, QTreeWidgetItemIterator

import ui.import_export as ie
from observer.workspace.codings import list_codings
from observer.workspace.media import session_media
from observer.workspace.workspace import Workspace
from ui.agreement_view import AgreementView
from ui.media.player import MediaPlayer
from ui.start_screen import StartScreen

CLIP = Path(__file__).resolve().parents[1] / "data" / "clip.mp4"
WORK = 30_000  # ms: long work on a worker thread, on a busy machine


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(ie, "show_message", lambda _p, title, text, *a, **k: shown.append(text))
    return shown


@pytest.fixture
def screen(demo_store: Any, qtbot: Any) -> StartScreen:
    s = StartScreen(Workspace(demo_store))
    qtbot.addWidget(s)
    s.show()
    s.activateWindow()
    qtbot.waitUntil(s.isActiveWindow, timeout=5000)
    return s


def menu_texts(window: Any, title: str) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == title)
    assert isinstance(menu, QMenu)
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def test_export_then_import_from_the_start_screen_menu(
    screen: StartScreen, demo_store: Any, qtbot: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, messages: list[str],
) -> None:  # fmt: skip
    assert menu_texts(screen, "&File")[2:] == [
        "&Import…", "Speaking turns from a&udio…", "&Export coding…",
        "Supervision re&port (PDF)…", "&Quit",
    ]  # fmt: skip
    target = tmp_path / "coding 2.json"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "JSON (*.json)")
    )
    answer_export_dialog(monkeypatch, qtbot)
    screen.select("coding", 2)
    qtbot.keyClick(screen.tree, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(messages) == 1, timeout=WORK)  # on a worker thread
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written and "Wrote" in messages[-1]

    before = {c.id for c in list_codings(demo_store)}
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(target), ""))
    qtbot.keyClick(screen.tree, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(messages) == 2, timeout=WORK)
    assert messages[-1].startswith("Imported")
    new = [c for c in list_codings(demo_store) if c.id not in before]
    assert len(new) == 1 and new[0].session.number == 2
    # The new coding is listed as soon as the import is done; the selection stays.
    listed = QTreeWidgetItemIterator(screen.tree)
    ids = []
    while listed.value() is not None:
        ids.append(listed.value().data(0, Qt.ItemDataRole.UserRole + 1))
        listed += 1
    assert new[0].id in ids
    assert screen.selected("coding") == 2


def test_export_and_report_from_the_coding_window(
    demo_store: Any, qtbot: Any, fake_time: FakeTime, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, messages: list[str],
) -> None:  # fmt: skip
    window = open_window(demo_store, 3, fake_time, qtbot)
    try:
        assert menu_texts(window, "&File") == [
            "&Import…", "Speaking turns from a&udio…", "&Export coding…",
            "Supervision re&port (PDF)…", "&Close coding",
        ]  # fmt: skip
        target = tmp_path / "session 3.csv"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
        answer_export_dialog(monkeypatch, qtbot)
        qtbot.keyClick(window.chart, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: len(messages) == 1, timeout=WORK)  # on a worker thread
        rows = target.read_text(encoding="utf-8").splitlines()
        assert rows[0].startswith("time") and len(rows) == len(window.recorder.events) + 1

        report = tmp_path / "supervision"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(report), ""))
        qtbot.keyClick(window.chart, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(
            lambda: "Wrote the report" in window.statusBar().currentMessage(), timeout=WORK
        )
        pdf = report.with_name("supervision.pdf")
        assert pdf.read_bytes().startswith(b"%PDF")
        assert "Wrote the report" in window.statusBar().currentMessage()
    finally:
        window.close()
        window.recorder.close()


def test_the_review_actions_follow_the_selection(screen: StartScreen) -> None:
    actions = screen.start_actions
    assert menu_texts(screen, "&Review") == [
        "Review with &recording…", "&Attach recording…", "A&greement…", "Mark as &reference",
        "Start &practice attempt…", "Practice feed&back…", "Access &log…", "Your &initials…",
        "&Course of the group…", "Enter session ra&tings…",
    ]  # fmt: skip
    screen.select("session", 3)
    assert actions.attach.isEnabled() and actions.agreement.isEnabled()
    assert not actions.review.isEnabled() and not actions.feedback.isEnabled()
    screen.select("coding", 4)  # the supervisor's reference coding of session 3
    assert actions.reference.text() == "Un&mark as reference"
    assert actions.attempt.isEnabled() and not actions.feedback.isEnabled()
    screen.select("coding", 5)  # a trainee's practice coding
    assert actions.feedback.isEnabled() and actions.buttons["feedback"].isEnabled()
    assert not actions.reference.isEnabled()
    screen.select("coding", 1)
    assert actions.reference.text() == "Mark as &reference"
    assert not actions.attempt.isEnabled()


def test_attach_a_recording_then_review_a_live_coding_with_it(
    screen: StartScreen, demo_store: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.practice_flow as flow

    monkeypatch.setattr(flow, "choose_file", lambda _parent: str(CLIP))
    monkeypatch.setattr(flow, "ask_text", lambda *_a, **_k: "-0:30")
    screen.select("session", 1)
    qtbot.mouseClick(screen.start_actions.buttons["attach"], Qt.MouseButton.LeftButton)
    (media,) = session_media(demo_store, 1)
    assert media.offset_ms == -30_000 and media.path == str(CLIP.resolve())
    screen.select("coding", 1)
    with qtbot.waitSignal(screen.review_coding) as review:
        qtbot.mouseClick(screen.start_actions.buttons["review"], Qt.MouseButton.LeftButton)
    assert review.args == [1, media.id]


def test_the_app_opens_a_review_with_the_player(demo_store: Any, qtbot: Any) -> None:
    from observer.workspace.groups import attach_media
    from ui.app import App

    attach_media(demo_store, 1, str(CLIP.with_name("tone.m4a")))  # another of the session's
    media_id = attach_media(demo_store, 1, str(CLIP), offset_ms=0)
    app = App(demo_store.location)
    app.store = demo_store
    app.show_start()
    assert app.start is not None
    qtbot.addWidget(app.start)
    app.start.review_coding.emit(1, media_id)
    window = app.coding
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    assert window.recorder.info.clock_mode == "live"
    # The live coding, timed by the recording chosen: its player shown, the clip loaded.
    player = window.findChild(MediaPlayer, "codingPlayer")
    assert player is not None and player.isVisible()
    qtbot.waitUntil(lambda: player.ready, timeout=5000)
    assert player.path == CLIP
    assert window.clock_action.text() == "&Play / pause the recording"
    window.close()


def test_mark_as_reference_toggles(screen: StartScreen, demo_store: Any, qtbot: Any) -> None:
    screen.select("coding", 1)
    qtbot.mouseClick(screen.start_actions.buttons["reference"], Qt.MouseButton.LeftButton)
    assert next(c for c in list_codings(demo_store) if c.id == 1).is_reference
    assert screen.selected("coding") == 1
    assert screen.start_actions.buttons["reference"].text() == "Unmark as refere&nce"
    qtbot.mouseClick(screen.start_actions.buttons["reference"], Qt.MouseButton.LeftButton)
    assert not next(c for c in list_codings(demo_store) if c.id == 1).is_reference


def test_agreement_opens_with_the_sessions_codings(screen: StartScreen, qtbot: Any) -> None:
    screen.select("session", 3)
    qtbot.keyClick(screen.tree, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    (view,) = screen.start_actions.windows
    assert isinstance(view, AgreementView)
    assert view.isVisible()
    assert sorted(view.checked_ids()) == [3, 4]  # live and reference; the practice left out
    assert view.result is not None
    view.close()  # deleted on close


def plain(text: str) -> str:
    return text.replace("&", "")


def test_each_button_and_its_menu_item_are_enabled_together_or_say_why_not(
    screen: StartScreen, qtbot: Any
) -> None:
    """Down every line of the list: a greyed-out action says why, button and menu alike."""
    from PySide6.QtWidgets import QPushButton

    menus = [a.menu() for a in screen.menuBar().actions() if a.text() in ("&Review", "&Group")]
    items = {plain(a.text()): a for m in menus if m is not None for a in m.actions()}
    buttons = {plain(b.text()): b for b in screen.findChildren(QPushButton)}
    always = {"New group…", "Load the demo group"}  # nothing to select for these
    paired = sorted(set(items) & set(buttons) - always)
    assert len(paired) == 9  # six review actions; new session, new coding, open coding
    screen.tree.setFocus()
    seen_disabled = set()
    screen.tree.setCurrentItem(screen.tree.topLevelItem(0))
    for _ in range(40):
        for name in paired:
            item, button = items[name], buttons[name]
            assert item.isEnabled() == button.isEnabled(), (name, screen.selection())
            assert item.toolTip() == button.toolTip() != ""
            if not button.isEnabled():
                seen_disabled.add((name, button.toolTip()))
                assert button.toolTip().startswith(("Select a", "Mark this", "A practice"))
        qtbot.keyClick(screen.tree, Qt.Key.Key_Down)
    screen.select("group", 1)
    assert buttons["Open coding"].toolTip() == "Select a coding first."
    assert buttons["New coding…"].toolTip() == "Select a session first."
    assert items["Attach recording…"].toolTip() == "Select a session first."
    screen.select("coding", 1)  # a live coding: no reference yet
    assert "reference first" in buttons["Start practice attempt…"].toolTip()
    assert len(seen_disabled) >= 5


def test_export_and_report_say_why_nothing_happens(
    store: Any, demo_store: Any, qtbot: Any, messages: list[str]
) -> None:
    """On an empty database, or with no coding selected, the menu items explain themselves."""

    def press_export_and_report(screen: StartScreen) -> None:
        qtbot.addWidget(screen)
        screen.show()
        screen.activateWindow()
        qtbot.waitUntil(screen.isActiveWindow, timeout=5000)
        for key in (Qt.Key.Key_E, Qt.Key.Key_R):
            qtbot.keyClick(screen, key, Qt.KeyboardModifier.ControlModifier)

    press_export_and_report(StartScreen(Workspace(store)))
    assert len(messages) == 2
    assert all("This database has no codings yet" in m for m in messages)
    assert "no coding to export" in messages[0] and "write the report of" in messages[1]

    messages.clear()
    full = StartScreen(Workspace(demo_store))
    full.select("session", 1)
    press_export_and_report(full)
    assert messages == [
        "Select the coding to export in the list first.",
        "Select the coding to write the report of in the list first.",
    ]


def test_import_offers_the_selected_session_and_keeps_what_was_typed_on_an_error(
    screen: StartScreen, demo_store: Any, qtbot: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, messages: list[str],
) -> None:  # fmt: skip
    from observer.formats import export_coding

    source = tmp_path / "events.csv"
    export_coding(demo_store, 3, "csv", source)
    good = source.read_text(encoding="utf-8")
    lines = good.splitlines()
    lines[3] = "half a line"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(source), ""))
    )
    asked: list[tuple[Any, str, str]] = []

    def answer(dialog: ie.TableImportDialog) -> int:
        dialog.show()
        asked.append((dialog.session.currentData(), dialog.observer.text(), dialog.error.text()))
        if len(asked) == 1:
            qtbot.keyClicks(dialog.observer, "QT")
        else:
            source.write_text(good, encoding="utf-8")  # the person mends the file, tries again
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        return int(dialog.result())

    monkeypatch.setattr(ie.TableImportDialog, "exec", answer)
    before = {c.id for c in list_codings(demo_store)}
    screen.select("session", 2)
    qtbot.keyClick(screen, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len({c.id for c in list_codings(demo_store)} - before) == 1)
    first, second = asked
    assert first == (2, "", "")  # the session selected on the start screen, not the first
    session, observer, error = second
    assert (session, observer) == (2, "QT")  # what was typed is still there
    assert "events.csv" in error and "Nothing was written" in error
    [new] = [c for c in list_codings(demo_store) if c.id not in before]
    assert new.session_id == 2
