"""Review ▸ Your initials…: who is at the keyboard, as the access log names them.

Set once and kept in the settings; until then (or when emptied) the log names the
user this computer knows (``observer.storage.access_log.at_the_keyboard``). The export
and report dialogs show who they will log.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from observer.storage.access_log import at_the_keyboard
from ui import style
from ui.dialogs.common import ok_cancel
from ui.settings import keyboard_initials, set_keyboard_initials

# As the access log keeps them (``coding_access.who``).
MAX_INITIALS = 20


class InitialsDialog(QDialog):
    """One field: your initials, as the access log will name you."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        style.dress(self)
        self.setWindowTitle("Your initials")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        explained = QLabel(
            "Opening, exporting and reporting a coding is written in its access log under "
            "the name of whoever is at the keyboard. Give your initials once; they are kept "
            f"on this computer. Left empty, the log names your user name ({at_the_keyboard(None)})."
        )
        explained.setWordWrap(True)
        layout.addWidget(explained)
        form = QFormLayout()
        self.initials = QLineEdit(keyboard_initials() or "")
        self.initials.setMaxLength(MAX_INITIALS)
        self.initials.setPlaceholderText(at_the_keyboard(None))
        form.addRow("Your initials", self.initials)
        layout.addLayout(form)
        self.buttons = ok_cancel("Keep", self._keep, self.reject)
        layout.addWidget(self.buttons)
        self.resize(460, self.sizeHint().height())

    def _keep(self) -> None:
        set_keyboard_initials(self.initials.text())
        self.accept()


def logged_as() -> str:
    """Who the access log names now: for the export and report dialogs to say."""
    return at_the_keyboard(keyboard_initials())


def ask_initials(parent: QWidget | None) -> bool:
    """Show and change your initials; True when kept."""
    return InitialsDialog(parent).exec() == QDialog.DialogCode.Accepted
