"""The app's side of a clinic server: delivery shown in the status line, watching live.

- A coding window recording into a server shows how far the server has it ("all
  delivered", "server unreachable · 12 events waiting"), as the sender
  (``observer.workspace.delivery``) reports it from its thread.
- :class:`LiveLink` listens to the server (``observer.workspace.watching``): a coding open
  read-only grows as someone records it, and a co-observer's new coding is announced on
  the database's notice board, so the start screen shows it.

Every notice arrives on a thread of its own and is passed to the GUI thread by a signal.
"""

from __future__ import annotations

import getpass
import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from observer.domain.errors import ObserverError
from observer.storage.store import Store
from observer.workspace.changes import ChangeSet, Kind, notices_of
from observer.workspace.delivery import send_left_behind
from observer.workspace.watching import CODINGS, EVENTS, RECONNECTED, Watcher
from ui.coding_window import CodingWindow


class _StateText(QObject):
    said = Signal(str)


def show_delivery(window: CodingWindow) -> QLabel | None:
    """A permanent status-line label with the coding's delivery state (server codings)."""
    delivery = window.recorder.delivery
    if delivery is None:
        return None
    label = QLabel(delivery.state.text, window)
    label.setObjectName("deliveryState")
    label.setStyleSheet("padding: 0 8px;")
    window.statusBar().addPermanentWidget(label)
    relay = _StateText(label)
    relay.said.connect(label.setText)
    unsubscribe = delivery.subscribe(lambda state: relay.said.emit(state.text))
    window.closed.connect(unsubscribe)
    return label


class LiveLink(QObject):
    """Listens to a server database while the app has it open."""

    heard = Signal(str, int)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.window: CodingWindow | None = None  # a coding open read-only, to follow
        self.heard.connect(self._on_heard)
        self._watcher = Watcher(store, self.heard.emit)
        self._watcher.start()
        # What a crash or a kill left in this computer's outboxes, sent without a window.
        threading.Thread(target=_send_left_behind, args=(store,), daemon=True).start()

    def follow(self, window: CodingWindow | None) -> None:
        """Let ``window`` grow as its coding is recorded elsewhere (read-only windows only)."""
        self.window = window if window is not None and window.recorder.read_only else None

    def wait_until_listening(self, timeout_s: float) -> bool:
        """Whether the server is being listened to now (what it announces is heard)."""
        return self._watcher.wait_until_listening(timeout_s)

    def close(self) -> None:
        self._watcher.close()

    def _on_heard(self, channel: str, about: int) -> None:
        window = self.window
        if window is not None and (
            channel == RECONNECTED or (channel == EVENTS and about == window.recorder.coding_id)
        ):
            try:
                window.recorder.follow()
            except ObserverError as exc:
                window.show_error(str(exc))
        if channel == CODINGS:  # the start screen redraws the session
            changed = {Kind.SESSION: (about,)}
            notices_of(self.store).announce(ChangeSet("Coded elsewhere", changed=changed))


def _send_left_behind(store: Store) -> None:
    try:
        who = getpass.getuser()[:20]
    except Exception:  # no user name to be had: the lock says "this app"
        who = "app"
    send_left_behind(store, who)
