"""File ▸ Encrypt / Change passphrase / Decrypt on the open database, from the start screen."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from observer.storage.cipher import Passphrase
from ui import encryption_actions

FIRST, SECOND = "the first passphrase", "the second passphrase"


def menu_entry(app: Any, text: str) -> Any:
    return next(a for a in app.start.file_menu.actions() if a.text().replace("&", "") == text)


def test_encrypt_change_and_decrypt_the_open_database(
    qtbot: Any, demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.app import App

    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, path)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: told.append(text))
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    chosen = iter([Passphrase(FIRST), Passphrase(SECOND)])
    monkeypatch.setattr(encryption_actions, "choose_passphrase", lambda _l: (next(chosen), False))
    typed = iter([Passphrase("not it"), Passphrase(FIRST), Passphrase(SECOND)])
    monkeypatch.setattr(
        encryption_actions, "ask_passphrase", lambda _l, _p="": (next(typed), False)
    )

    app = App(str(path))
    assert app.open_store(str(path))
    app.show_start()
    qtbot.addWidget(app.start)

    menu_entry(app, "Encrypt database…").trigger()
    assert not path.read_bytes().startswith(b"SQLite format 3")
    assert app.store is not None and app.store.encrypted and app.start.isVisible()
    assert "was encrypted" in told[-1]

    menu_entry(app, "Change passphrase…").trigger()  # "not it" first: asked again
    assert "new passphrase" in told[-1]
    qtbot.addWidget(app.start)

    menu_entry(app, "Decrypt database…").trigger()
    assert path.read_bytes().startswith(b"SQLite format 3")
    assert app.store is not None and not app.store.encrypted
    assert "decrypted" in told[-1]
    app.store.close()
