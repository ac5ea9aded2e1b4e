"""Opening an encrypted database in the app: the passphrase is asked for, again if wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from observer.storage.cipher import Passphrase
from observer.storage.store import open_store
from ui.dialogs import passphrase_dialog
from ui.dialogs.passphrase_dialog import PassphraseDialog

SECRET = "a passphrase to open it"


def test_the_dialog_gives_what_was_typed(qtbot) -> None:
    dialog = PassphraseDialog("observer.sqlite3", "That passphrase does not open it.")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.field, SECRET)
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert dialog.result() == PassphraseDialog.DialogCode.Accepted
    typed = dialog.passphrase()
    assert typed is not None and typed.same_as(Passphrase(SECRET))
    assert dialog.problem.isVisibleTo(dialog)


def test_a_wrong_passphrase_is_asked_again_then_the_database_opens(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.app import App

    path = tmp_path / "observer.sqlite3"
    open_store(path, Passphrase(SECRET)).close()
    typed = iter([Passphrase("not the passphrase"), Passphrase(SECRET)])
    problems: list[str] = []

    def ask(_location: str, problem: str = "") -> Passphrase | None:
        problems.append(problem)
        return next(typed)

    monkeypatch.setattr(passphrase_dialog, "ask_passphrase", ask)
    app = App(str(path))
    assert app.open_store(str(path))
    assert problems == ["", "That passphrase does not open it. Try again."]
    assert app.store is not None and app.store.encrypted
    app.store.close()


def test_cancelling_leaves_the_database_closed(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.app import App

    path = tmp_path / "observer.sqlite3"
    open_store(path, Passphrase(SECRET)).close()
    before = path.read_bytes()
    monkeypatch.setattr(passphrase_dialog, "ask_passphrase", lambda *_a, **_k: None)
    app = App(str(path))
    assert not app.open_store(str(path))
    assert app.store is None
    assert path.read_bytes() == before
