"""A coding already open elsewhere: open it read-only, take it over, or leave it.

"Coding 3 is open on host X by RK since 10:02." Taking over is offered only when that app
is gone (it has not shown a sign of life for two minutes); otherwise the coding can be
opened read-only, to look, while it is recorded there. The rule is the core's
(``observer.storage.coding_lock``); this module asks, and keeps an open coding's lock
alive (``watch``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from observer.domain.errors import CodingInUse, ObserverError
from observer.storage.coding_lock import HEARTBEAT_S, STALE_AFTER_S
from ui import style
from ui.settings import keyboard_initials

if TYPE_CHECKING:
    from observer.storage.store import Store
    from observer.workspace.recording import Recorder
    from ui.coding_window import CodingWindow

READ_ONLY = "read-only"
TAKE_OVER = "take over"


class CodingInUseDialog(QDialog):
    """Who has the coding, where and since when; Open read-only, Take over, or Cancel."""

    def __init__(self, refusal: CodingInUse, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        style.dress(self)
        self.setWindowTitle("Coding in use")
        self.choice: str | None = None
        where = "on this computer" if refusal.this_host else f"on host {refusal.host}"
        since = refusal.since.astimezone().strftime("%H:%M")
        heard = refusal.heartbeat.astimezone().strftime("%H:%M")
        self.message = QLabel(
            f"<b>Coding {refusal.coding_id} is open {where} by {refusal.holder} since {since}.</b>"
        )
        if refusal.can_take_over:
            why = (
                f"That app has not shown a sign of life since {heard}: it seems to be gone "
                "(closed by a crash, asleep, or cut off). Take over to record here; if it "
                "comes back, it can no longer save."
            )
        else:
            why = (
                "Only one place at a time may record a coding. Open it read-only to look "
                "at it while it is recorded there. Taking it over becomes possible once that "
                f"app is gone: closed, or silent for {STALE_AFTER_S // 60} minutes."
            )
        self.explanation = QLabel(why)
        self.explanation.setObjectName("muted")
        for label in (self.message, self.explanation):
            label.setWordWrap(True)
        self.read_only_button = QPushButton("Open read-only")
        self.take_over_button = QPushButton("Take over (only if that app is gone)")
        self.take_over_button.setEnabled(refusal.can_take_over)
        self.cancel_button = QPushButton("Cancel")
        self.read_only_button.setDefault(True)
        self.read_only_button.clicked.connect(lambda: self._chose(READ_ONLY))
        self.take_over_button.clicked.connect(lambda: self._chose(TAKE_OVER))
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.read_only_button, self.take_over_button, self.cancel_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(self.message)
        layout.addWidget(self.explanation)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(520, self.sizeHint().height())

    def _chose(self, choice: str) -> None:
        self.choice = choice
        self.accept()


def ask(refusal: CodingInUse, parent: QWidget | None = None) -> str | None:
    """The person's choice: ``READ_ONLY``, ``TAKE_OVER``, or None to leave it."""
    dialog = CodingInUseDialog(refusal, parent)
    dialog.exec()
    return dialog.choice


def open_anyway(
    store: Store, coding_id: int, refusal: CodingInUse, parent: QWidget | None = None
) -> Recorder | None:
    """Ask what to do with a coding open elsewhere, and open it so; None when left."""
    from observer.workspace.recording import Recorder

    choice = ask(refusal, parent)
    if choice is None:
        return None
    try:
        return Recorder(store, coding_id, keyboard_initials(), read_only=choice == READ_ONLY,
                        take_over=choice == TAKE_OVER)  # fmt: skip
    except ObserverError as exc:
        QMessageBox.critical(parent, "Cannot open the coding", str(exc))
        return None


def watch(window: CodingWindow) -> QTimer:
    """Keep an open coding's lock alive, and mark a read-only window as such.

    The heartbeat tells other computers this coding is still being recorded here; a
    failed one (the database unreachable, the coding taken over) is shown in the window.
    """
    recorder = window.recorder
    if recorder.read_only:
        if recorder.why_read_only:
            why = recorder.why_read_only
            said = f"{why[:1].upper()}{why[1:]}: read-only"
        else:
            holder = recorder.holder()
            said = "Read-only" + (f": {holder.holder} is recording it" if holder else "")
        banner = QLabel(f"{said}. Nothing you enter here is saved.")
        banner.setObjectName("readOnlyBanner")
        banner.setStyleSheet("color: #8a5a00; font-weight: 600; padding: 0 8px;")
        window.statusBar().addPermanentWidget(banner)
        window.setWindowTitle(f"{window.windowTitle()} — read-only")
    timer = QTimer(window)
    timer.setObjectName("lockHeartbeat")
    timer.setInterval(HEARTBEAT_S * 1000)

    def beat() -> None:
        try:
            recorder.heartbeat()
        except ObserverError as exc:
            window.show_error(str(exc))

    timer.timeout.connect(beat)
    if not recorder.read_only:
        timer.start()
    return timer
