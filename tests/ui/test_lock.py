"""Locking after idle time: the windows are covered, the work stays, the passphrase unlocks."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QInputDialog, QPushButton

from observer.storage import encryption
from observer.storage.cipher import Passphrase
from ui.lock import LOCK_KEY, choose_idle_minutes, idle_minutes

SECRET = "a passphrase for the clinic"


def test_the_coding_window_is_covered_and_comes_back_as_it_was(
    qtbot: Any, demo_template: Path, tmp_path: Path
) -> None:
    from ui.app import App

    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, path)
    encryption.encrypt(path, Passphrase(SECRET))
    app = App(str(path), Passphrase(SECRET))
    assert app.open_store(str(path))
    window = app.open_coding(1)
    assert window is not None
    qtbot.addWidget(window)
    recorder = window.recorder
    lock = app.idle_lock
    assert lock is not None

    lock.lock()  # what the idle timer does
    screen = lock.screen
    assert screen is not None and screen.isVisible()
    assert not window.isVisible()
    screen.resize(1280, 800)
    screen.grab().save(str(tmp_path.parent / "lock.png"))

    qtbot.keyClicks(screen.field, "not it")
    qtbot.keyClick(screen.field, Qt.Key.Key_Return)
    assert lock.is_locked and "not the passphrase" in screen.problem.text()

    qtbot.keyClicks(screen.field, SECRET)
    unlock = screen.findChild(QPushButton, "unlock")
    qtbot.mouseClick(unlock, Qt.MouseButton.LeftButton)
    assert not lock.is_locked
    assert window.isVisible() and window.recorder is recorder
    assert app.coding is window
    window.close()
    app.store.close()


def test_a_plain_database_is_never_locked(qtbot: Any, demo_store: Any) -> None:
    from ui.app import App

    app = App(demo_store.location)
    assert app.open_store(demo_store.location)
    app.show_start()
    qtbot.addWidget(app.start)
    assert app.idle_lock is not None
    app.idle_lock.lock()
    assert not app.idle_lock.is_locked and app.start.isVisible()


def test_the_idle_time_is_a_setting(qtbot: Any) -> None:
    settings = QSettings()
    settings.setValue(LOCK_KEY, 3)
    assert idle_minutes(settings) == 3
    settings.setValue(LOCK_KEY, "not a number")
    assert idle_minutes(settings) == 10
    settings.remove(LOCK_KEY)


def test_the_idle_time_is_asked_with_the_current_choice_and_remembered(
    qtbot: Any, monkeypatch: Any
) -> None:
    settings = QSettings()
    settings.setValue(LOCK_KEY, 3)
    shown: list[int] = []

    def answer(dialog: QInputDialog) -> int:
        shown.append(dialog.intValue())
        dialog.setIntValue(25)
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(QInputDialog, "exec", answer)
    assert choose_idle_minutes(settings) == 25
    assert shown == [3] and idle_minutes(settings) == 25
    monkeypatch.setattr(QInputDialog, "exec", lambda _d: int(QDialog.DialogCode.Rejected))
    assert choose_idle_minutes(settings) is None and idle_minutes(settings) == 25
    settings.remove(LOCK_KEY)
