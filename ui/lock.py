"""Locking the app after a chosen idle time, while an encrypted database is open.

Locking hides the app's windows behind a lock screen that asks for the passphrase again;
nothing is closed, so a coding's clock keeps running and what was being typed is still
there once unlocked. The idle time is a setting (``LOCK_KEY``, minutes; 0: never).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from observer.storage.cipher import Passphrase

LOCK_KEY = "security/lock_after_minutes"
DEFAULT_MINUTES = 10
_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
}


def idle_minutes(settings: QSettings) -> int:
    try:
        return max(0, int(settings.value(LOCK_KEY, DEFAULT_MINUTES)))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return DEFAULT_MINUTES


def idle_minutes_question(settings: QSettings, parent: QWidget | None = None) -> QInputDialog:
    """The question of how many idle minutes lock the app, the current choice filled in."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle("Lock when idle")
    dialog.setLabelText(
        "Lock the app after this many minutes without use (0: never).\n"
        "Only a database with a passphrase is locked."
    )
    dialog.setInputMode(QInputDialog.InputMode.IntInput)
    dialog.setIntRange(0, 240)
    dialog.setIntValue(idle_minutes(settings))
    return dialog


def choose_idle_minutes(settings: QSettings, parent: QWidget | None = None) -> int | None:
    """Ask how many idle minutes lock the app (0: never); the choice is remembered."""
    dialog = idle_minutes_question(settings, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    minutes = dialog.intValue()
    settings.setValue(LOCK_KEY, minutes)
    return minutes


class LockScreen(QWidget):
    """What is shown while the app is locked: the passphrase, asked again."""

    unlocked = Signal()

    def __init__(self, location: str, opens: Callable[[Passphrase], bool]) -> None:
        super().__init__()
        self._opens = opens
        self.setObjectName("lockScreen")
        self.setWindowTitle("Group Process Observer: locked")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel("<h2>Locked</h2>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        words = QLabel(
            f"{location} is encrypted. Type its passphrase to go on.\n"
            "The coding's clock keeps running and nothing you were doing is lost."
        )
        words.setAlignment(Qt.AlignmentFlag.AlignCenter)
        words.setWordWrap(True)
        layout.addWidget(words)
        self.field = QLineEdit()
        self.field.setObjectName("passphrase")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setMinimumWidth(360)
        self.field.returnPressed.connect(self.try_unlock)
        layout.addWidget(self.field, 0, Qt.AlignmentFlag.AlignHCenter)
        self.problem = QLabel("")
        self.problem.setObjectName("error")
        self.problem.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.problem)
        button = QPushButton("Unlock")
        button.setObjectName("unlock")
        button.clicked.connect(self.try_unlock)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def try_unlock(self) -> None:
        text = self.field.text()
        self.field.clear()
        if text and self._opens(Passphrase(text)):
            self.problem.setText("")
            self.unlocked.emit()
        else:
            self.problem.setText("That is not the passphrase. Try again.")


class IdleLock(QObject):
    """Lock the app's windows after ``settings``' idle minutes without a key or a click.

    ``passphrase()`` gives the open database's passphrase (None: plain, never locked).
    """

    locked = Signal()
    unlocked = Signal()

    def __init__(
        self, settings: QSettings, location: Callable[[], str],
        passphrase: Callable[[], Passphrase | None],
    ) -> None:  # fmt: skip
        super().__init__()
        self._settings = settings
        self._location = location
        self._passphrase = passphrase
        self._hidden: list[QWidget] = []
        self.screen: LockScreen | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.lock)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.restart()

    @property
    def is_locked(self) -> bool:
        return self.screen is not None

    def restart(self) -> None:
        """Count the idle time again from now (and read the setting afresh)."""
        minutes = idle_minutes(self._settings)
        if minutes and not self.is_locked:
            self._timer.start(minutes * 60_000)
        else:
            self._timer.stop()

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and not self.is_locked:
            self.restart()
        return False

    def lock(self) -> None:
        """Hide every window behind the lock screen (nothing closed: work goes on)."""
        if self.is_locked or self._passphrase() is None:
            return
        screen = LockScreen(self._location(), self._opens)
        screen.unlocked.connect(self.unlock)
        visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        geometry = next((w.geometry() for w in visible if w.isWindow()), None)
        if geometry is not None:
            screen.setGeometry(geometry)
        else:
            screen.resize(1280, 800)
        screen.show()
        self.screen = screen
        self._hidden = visible
        for window in visible:
            window.hide()
        self.locked.emit()

    def unlock(self) -> None:
        for window in self._hidden:
            window.show()
        self._hidden = []
        if self.screen is not None:
            self.screen.close()
            self.screen.deleteLater()
            self.screen = None
        self.restart()
        self.unlocked.emit()

    def _opens(self, typed: Passphrase) -> bool:
        held = self._passphrase()
        return held is not None and typed.same_as(held)
