"""Review ▸ Access log…: the selected coding's openings, exports and reports, in a table."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import FakeTime, answer_export_dialog, open_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

import ui.import_export as ie
from observer.storage.access_log import at_the_keyboard
from observer.workspace.workspace import Workspace
from ui.dialogs.access_log import AccessLogDialog
from ui.start_screen import StartScreen

# Nobody gave their initials: the log names this computer's user (not the coder, RK).
USER = at_the_keyboard(None)
WORK = 30_000  # ms: the export runs on a worker thread, on a busy machine


def logged(store: Any, coding_id: int) -> list[tuple[str, str, str]]:
    """The coding's log, read afresh from the file by another connection."""
    with sqlite3.connect(store.path) as conn:
        rows = conn.execute(
            "SELECT who, action, detail FROM coding_access WHERE coding_id = ? ORDER BY id",
            (coding_id,),
        ).fetchall()
    conn.close()
    return rows


def test_opening_exporting_then_reading_the_log(
    demo_store: Any, qtbot: Any, fake_time: FakeTime, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    window = open_window(demo_store, 2, fake_time, qtbot)
    window.close()
    window.recorder.close()
    assert logged(demo_store, 2) == [(USER, "open", "")]

    screen = StartScreen(Workspace(demo_store))
    qtbot.addWidget(screen)
    screen.show()
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow, timeout=5000)
    shown: list[str] = []
    monkeypatch.setattr(ie, "show_message", lambda _p, _t, text, *a, **k: shown.append(text))
    target = tmp_path / "coding 2.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    answer_export_dialog(monkeypatch, qtbot)
    screen.select("coding", 2)
    qtbot.keyClick(screen.tree, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=WORK)
    assert json.loads(target.read_text(encoding="utf-8"))
    assert logged(demo_store, 2) == [(USER, "open", ""), (USER, "export", "json, identifiable")]

    screen.select("coding", 1)
    assert screen.start_actions.access.isEnabled()
    screen.select("coding", 2)
    screen.start_actions.access.trigger()
    (dialog,) = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, AccessLogDialog) and w.isVisible()]  # fmt: skip
    rows = dialog.rows()
    assert [r[1:] for r in rows] == [(USER, "export", "json, identifiable"), (USER, "open", "")]
    dialog.resize(1280, 800)
    dialog.grab().save(str(tmp_path / "access_log.png"))
    dialog.close()
    screen.select("session", 2)
    assert not screen.start_actions.access.isEnabled()


def test_a_coding_nobody_opened_says_so(demo_store: Any, qtbot: Any) -> None:
    dialog = AccessLogDialog(demo_store, 6)
    qtbot.addWidget(dialog)
    assert dialog.rows() == []
    assert "Nobody has opened" in dialog.summary.text()


def test_a_window_whose_opening_cannot_be_logged_opens_and_says_so(
    demo_store: Any, qtbot: Any, fake_time: FakeTime
) -> None:
    with sqlite3.connect(demo_store.path) as conn:
        conn.execute("DROP TABLE coding_access")  # as a log that cannot be written
    conn.close()
    window = open_window(demo_store, 2, fake_time, qtbot)
    try:
        assert window.recorder.events  # opened, everything in it
        said = window.statusBar().currentMessage()
        assert said.startswith("The access log could not be written")
    finally:
        window.close()
        window.recorder.close()
