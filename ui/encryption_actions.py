"""File ▸ Encrypt database…, Change passphrase…, Decrypt database…: the open database file
rewritten in place (``observer.storage.encryption``), then opened again.

The database is closed for the rewrite (it must not be open anywhere while it is
rewritten) and opened again afterwards, under its new key or none; on a failure it is
opened again as it was. Changing or removing the passphrase asks for the current one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from observer.domain.errors import ObserverError
from observer.storage import encryption
from observer.storage.cipher import Passphrase
from ui import keyring_memory
from ui.dialogs.passphrase_dialog import ask_passphrase, choose_passphrase

if TYPE_CHECKING:
    from ui.app import App


def encrypt(app: App) -> None:
    path = _file(app)
    if path is None or app.passphrase_of_open() is not None:
        return
    new, keep = choose_passphrase(str(path))
    if new is not None:
        _rewrite(app, path, lambda: encryption.encrypt(path, new), new, keep)


def change_passphrase(app: App) -> None:
    path = _file(app)
    if path is None or not _current_confirmed(app, path):
        return
    current = app.passphrase_of_open()
    new, keep = choose_passphrase(str(path))
    if new is not None and current is not None:
        _rewrite(app, path, lambda: encryption.rekey(path, current, new), new, keep)


def decrypt(app: App) -> None:
    path = _file(app)
    current = app.passphrase_of_open()
    if path is None or current is None or not _current_confirmed(app, path):
        return
    answer = QMessageBox.question(
        app.start,
        "Decrypt the database",
        f"{path} will be a plain file again: anyone with the file can then read it. Go on?",
    )
    if answer == QMessageBox.StandardButton.Yes:
        keyring_memory.forget(str(path))
        _rewrite(app, path, lambda: encryption.decrypt(path, current), None, False)


def _file(app: App) -> Path | None:
    store = app.store
    if store is None or store.path is None:
        QMessageBox.information(app.start, "Encryption", "Only a database file is encrypted.")
        return None
    return store.path


def _current_confirmed(app: App, path: Path) -> bool:
    """Ask for the current passphrase: someone at an unlocked screen must not change it."""
    held = app.passphrase_of_open()
    problem = ""
    while held is not None:
        typed, _keep = ask_passphrase(str(path), problem)
        if typed is None:
            return False
        if typed.same_as(held):
            return True
        problem = "That is not its passphrase. Try again."
    return False


def _rewrite(
    app: App,
    path: Path,
    work: Callable[[], encryption.Rewritten],
    new: Passphrase | None,
    keep: bool,
) -> None:
    old = app.passphrase_of_open()
    app.close_store()
    try:
        done = work()
    except ObserverError as exc:
        QMessageBox.critical(app.start, "Nothing was changed", str(exc))
        app.reopen(str(path), old)
        return
    if keep and new is not None:
        keyring_memory.remember(str(path), new)
    app.reopen(str(path), new)
    QMessageBox.information(app.start, "Done", done.summary())
