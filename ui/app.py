"""Start the desktop app: the start screen, or one coding directly (``--coding ID``).

Start-up is kept short: Qt and the window come first; the charts (matplotlib) load after
the coding window is shown. Recent databases are remembered with ``QSettings``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMenu, QMessageBox

from ui.collector import collect_on_this_thread
from ui.settings import keyboard_initials, user_settings

if TYPE_CHECKING:
    from observer.storage.cipher import Passphrase
    from observer.storage.store import Store
    from observer.workspace.workspace import Workspace
    from ui.coding_window import CodingWindow
    from ui.lock import IdleLock
    from ui.server_link import LiveLink
    from ui.start_screen import StartScreen

ORGANISATION = "GroupProcessObserver"
APPLICATION = "group-observer"
RECENT_KEY = "recent/databases"
ORDER_KEY = "coding/entry_order"
MAX_RECENT = 8


def recent_databases(settings: QSettings) -> list[str]:
    value = settings.value(RECENT_KEY, [])
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def remember_database(settings: QSettings, location: str) -> list[str]:
    """Put a database first in the recent list (at most eight, no duplicates)."""
    recent = [location] + [p for p in recent_databases(settings) if p != location]
    settings.setValue(RECENT_KEY, recent[:MAX_RECENT])
    return recent[:MAX_RECENT]


class App(QObject):
    """Which window is up: the start screen or a coding; owns the open database.

    The windows refresh from the database's notices (``ui.bridge``), never from here.
    """

    def __init__(self, db: str | None, passphrase: Passphrase | None = None) -> None:
        super().__init__()
        self.settings = user_settings()
        self.db = db
        # Of an encrypted database, from the command line or typed; in memory only.
        self.passphrase = passphrase
        self.store: Store | None = None
        self.start: StartScreen | None = None
        self.coding: CodingWindow | None = None
        self.idle_lock: IdleLock | None = None
        self.live: LiveLink | None = None  # listening to a server database

    @property
    def workspace(self) -> Workspace:
        """The open database's operations (workspaces of one database share its notices)."""
        from observer.workspace.workspace import Workspace

        assert self.store is not None
        return Workspace(self.store)

    def open_store(self, db: str | None) -> bool:
        """Open ``db``, asking for its passphrase while it is encrypted and none opens it."""
        from observer.domain.errors import ObserverError, PassphraseNeeded, WrongPassphrase
        from observer.storage.store import default_database_path, open_store
        from ui import keyring_memory
        from ui.dialogs.passphrase_dialog import ask_passphrase

        location = db or str(default_database_path())
        passphrase, keep, looked = self.passphrase, False, False
        while True:
            try:
                store = open_store(db, passphrase)
                break
            except (PassphraseNeeded, WrongPassphrase) as exc:
                if not looked:  # the keyring holds one only if the user asked for it
                    looked = True
                    passphrase = keyring_memory.remembered(location)
                    if passphrase is not None:
                        continue
                wrong = isinstance(exc, WrongPassphrase)
                problem = "That passphrase does not open it. Try again." if wrong else ""
                passphrase, keep = ask_passphrase(location, problem)
                if passphrase is None:
                    return False
            except ObserverError as exc:
                QMessageBox.critical(None, "Cannot open the database", str(exc))
                return False
        if keep and store.passphrase is not None:
            keyring_memory.remember(location, store.passphrase)
        self.passphrase = store.passphrase or self.passphrase
        if self.idle_lock is None:
            from ui.lock import IdleLock

            self.idle_lock = IdleLock(self.settings, self._location, self._open_passphrase)
        self.close_store()
        self.store = store
        self.db = db
        if "://" not in store.location:
            remember_database(self.settings, store.location)
        return True

    def show_start(self) -> None:
        from ui.start_screen import StartScreen

        if self.live is None and self.store is not None and not self.store.is_sqlite:
            from ui.server_link import LiveLink

            self.live = LiveLink(self.store, self)  # a co-observer's new coding appears
        if self.start is None:
            self.start = StartScreen(self.workspace, recent_databases(self.settings))
            self.start.open_coding.connect(self.open_coding)
            self.start.review_coding.connect(self.open_coding)
            self.start.open_database.connect(self.switch_database)
            self._add_lock_actions(self.start)
        self.start.show()  # it redraws what changed while it was hidden

    def _location(self) -> str:
        return self.store.location if self.store is not None else ""

    def _open_passphrase(self) -> Passphrase | None:
        """The passphrase of the open database; None for a plain one (never locked)."""
        return self.store.passphrase if self.store is not None else None

    def _lock_now(self) -> None:
        if self.idle_lock is not None:
            self.idle_lock.lock()

    def _choose_idle_time(self) -> None:
        from ui.lock import choose_idle_minutes

        if choose_idle_minutes(self.settings, self.start) is not None and self.idle_lock:
            self.idle_lock.restart()

    def passphrase_of_open(self) -> Passphrase | None:
        return self._open_passphrase()

    def close_store(self) -> None:
        """Close the open database (to rewrite its file); ``reopen`` follows."""
        if self.live is not None:
            self.live.close()
            self.live = None
        if self.store is not None:
            self.store.close()
            self.store = None

    def reopen(self, db: str, passphrase: Passphrase | None) -> None:
        """Open ``db`` again with ``passphrase`` and show it on a new start screen."""
        self.passphrase = passphrase
        self.switch_database(db)

    def _add_lock_actions(self, start: StartScreen) -> None:
        from ui import encryption_actions
        from ui.layout import menu_action

        menu = start.file_menu
        before = menu.actions()[-1]  # above Quit
        entries = QMenu(start)
        menu_action(entries, "&Encrypt database…", None,
                    lambda: encryption_actions.encrypt(self), parent=start)  # fmt: skip
        menu_action(entries, "Change &passphrase…", None,
                    lambda: encryption_actions.change_passphrase(self), parent=start)  # fmt: skip
        menu_action(entries, "&Decrypt database…", None,
                    lambda: encryption_actions.decrypt(self), parent=start)  # fmt: skip
        menu_action(entries, "Lock &now", None, self._lock_now, parent=start)
        menu_action(entries, "Lock when &idle…", None, self._choose_idle_time, parent=start)
        for action in entries.actions():
            menu.insertAction(before, action)

    def open_coding(self, coding_id: int, media_id: int | None = None) -> CodingWindow | None:
        """Open a coding; with ``media_id``, reviewed with that recording of its session."""
        from observer.domain.errors import CodingInUse, ObserverError
        from ui.coding_window import CodingWindow
        from ui.dialogs import coding_in_use

        try:
            recorder = self.workspace.open_coding(coding_id, keyboard_initials())
        except CodingInUse as exc:  # open elsewhere: read-only, take over, or leave it
            found = coding_in_use.open_anyway(self.workspace.store, coding_id, exc, self.start)
            if found is None:
                return None
            recorder = found
        except ObserverError as exc:
            QMessageBox.critical(None, "Cannot open the coding", str(exc))
            return None
        order = str(self.settings.value(ORDER_KEY, "actor-first"))
        self.coding = CodingWindow(recorder, order if order in ("actor-first", "code-first")
                                   else "actor-first", media_id=media_id)  # fmt: skip
        self.coding.closed.connect(self._coding_closed)
        coding_in_use.watch(self.coding)  # the lock's heartbeat; a read-only banner
        if recorder.delivery is not None:  # a server coding: how far the server has it
            from ui import server_link

            server_link.show_delivery(self.coding)
        if self.live is not None:
            self.live.follow(self.coding)  # read-only: it grows as it is recorded elsewhere
        self.coding.show()
        if self.start is not None:
            self.start.hide()
        return self.coding

    def _coding_closed(self) -> None:
        window = self.coding
        self.coding = None
        if self.live is not None:
            self.live.follow(None)
        if window is not None:
            self.settings.setValue(ORDER_KEY, window.entry.order)
            self.workspace.close_coding(window.recorder)  # the start screen hears of it
            QTimer.singleShot(0, self.show_start)

    def switch_database(self, path: str) -> None:
        if self.open_store(path):
            if self.start is not None:
                self.start.close()
                self.start.deleteLater()
                self.start = None
            self.show_start()


def make_application(argv: Sequence[str] | None = None) -> QApplication:
    from ui import style

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(list(argv or sys.argv[:1]))
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("Group Process Observer")
    style.apply(app)
    return app


def _placeholder() -> QMainWindow:
    """A window on screen at once, while a new database is created."""
    window = QMainWindow()
    window.setWindowTitle("Group Process Observer")
    label = QLabel("Opening…")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setObjectName("muted")
    window.setCentralWidget(label)
    window.resize(1280, 800)
    window.show()
    return window


def _slow_to_open(db: str | None) -> bool:
    """True for a database still to be created, or on a server: a second or more."""
    from observer.storage.store import database_exists

    on_server = db is not None and "://" in db and not db.startswith("sqlite")
    return on_server or not database_exists(db)


def _default_database_exists() -> bool:
    from observer.storage.store import database_exists

    return database_exists(None)


def _first_start_passphrase() -> Passphrase | None:
    """At the very first start, offer to encrypt the new database (it may stay plain)."""
    from observer.storage.store import default_database_path
    from ui import keyring_memory
    from ui.dialogs.passphrase_dialog import choose_passphrase

    location = str(default_database_path())
    passphrase, keep = choose_passphrase(location, optional=True)
    if passphrase is not None and keep:
        keyring_memory.remember(location, passphrase)
    return passphrase


def run(
    db: str | None,
    coding: int | None = None,
    ready_signal: bool = False,
    passphrase: Passphrase | None = None,
) -> int:
    """The ``group-observer`` entry point: the start screen, or a coding (``--coding``).

    ``passphrase`` opens an encrypted database; without one that opens it, it is asked for.
    """
    # The passphrase's key is already being derived (``ui.launch.app_start``).
    app = make_application()
    # A window at once only when the wait is long (creating a database loads the whole
    # database toolkit); otherwise the start screen or the coding is the first window.
    placeholder = _placeholder() if _slow_to_open(db) else None
    app.processEvents()
    if ready_signal and placeholder is not None:
        print("SHOWN", flush=True)
    if passphrase is None and db is None and not _default_database_exists():
        passphrase = _first_start_passphrase()
    controller = App(db, passphrase)
    if not controller.open_store(db):
        return 2
    if coding is None:
        controller.show_start()
        window: QMainWindow | None = controller.start
    else:
        window = controller.open_coding(coding)
    if window is None:
        return 2
    if placeholder is not None:
        window.setGeometry(placeholder.geometry())
        placeholder.close()
        placeholder.deleteLater()
    # ``group-observer`` starts with the collector off (ui.launch); from now on it runs,
    # but only on this thread, where Qt objects may be destroyed.
    collect_on_this_thread(app)
    if ready_signal:
        # For the start-up benchmark: the real window is up and takes keys.
        app.processEvents()
        print("READY", flush=True)
    app._controller = controller  # type: ignore[attr-defined]  # keep it alive
    del window
    return int(app.exec())


def main(argv: Sequence[str] | None = None, prog: str = "python -m ui") -> int:
    from ui.launch import app_start

    start = app_start(sys.argv[1:] if argv is None else argv, prog)
    if isinstance(start, int):
        return start
    return run(start.db, start.coding, start.ready_signal, start.passphrase)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
