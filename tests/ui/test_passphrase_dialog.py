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

    def ask(_location: str, problem: str = "") -> tuple[Passphrase | None, bool]:
        problems.append(problem)
        return next(typed), False

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
    monkeypatch.setattr(passphrase_dialog, "ask_passphrase", lambda *_a, **_k: (None, False))
    app = App(str(path))
    assert not app.open_store(str(path))
    assert app.store is None
    assert path.read_bytes() == before


def test_a_passphrase_is_remembered_in_the_keyring_only_when_ticked(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memory_keyring
) -> None:
    from ui.app import App

    path = tmp_path / "observer.sqlite3"
    open_store(path, Passphrase(SECRET)).close()
    asked: list[str] = []

    def ask(_location: str, problem: str = "") -> tuple[Passphrase | None, bool]:
        asked.append(problem)
        return Passphrase(SECRET), len(asked) == 2  # ticked the second time only

    monkeypatch.setattr(passphrase_dialog, "ask_passphrase", ask)
    for _ in range(3):
        app = App(str(path))
        assert app.open_store(str(path))
        assert app.store is not None
        app.store.close()
    assert len(asked) == 2  # the third time it came from the keyring
    assert list(memory_keyring.kept.values()) == [SECRET]


def test_the_new_passphrase_dialog_wants_it_twice_and_long_enough(qtbot) -> None:
    from ui.dialogs.passphrase_dialog import NewPassphraseDialog

    dialog = NewPassphraseDialog("observer.sqlite3", optional=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.field, "short")
    assert not dialog.ok.isEnabled() and "Too short" in dialog.hint.text()
    qtbot.keyClicks(dialog.field, " but now long enough")
    qtbot.keyClicks(dialog.again, "short but now")
    assert not dialog.ok.isEnabled() and "do not match" in dialog.hint.text()
    assert not dialog.remember.isChecked()  # never by default
    qtbot.keyClicks(dialog.again, " long enough")
    assert dialog.ok.isEnabled()
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    chosen = dialog.passphrase()
    assert chosen is not None and chosen.same_as(Passphrase("short but now long enough"))
