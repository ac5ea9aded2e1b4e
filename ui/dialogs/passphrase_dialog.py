"""The passphrase of an encrypted database: asked for when it is opened.

A wrong passphrase is said in the dialog, which stays open to try again; the file is
never touched. The passphrase is kept in memory only.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from observer.storage.cipher import Passphrase


class PassphraseDialog(QDialog):
    """Ask for the passphrase that opens ``location``."""

    def __init__(self, location: str, problem: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Encrypted database")
        self.setObjectName("passphraseDialog")
        layout = QVBoxLayout(self)
        intro = QLabel(f"<b>{location}</b> is encrypted. Type its passphrase to open it.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.field = QLineEdit()
        self.field.setObjectName("passphrase")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addWidget(self.field)
        self.problem = QLabel(problem)
        self.problem.setObjectName("error")
        self.problem.setWordWrap(True)
        self.problem.setVisible(bool(problem))
        layout.addWidget(self.problem)
        lost = QLabel(
            "A forgotten passphrase cannot be recovered: without it nobody, not even "
            "the makers of this app, can read the database."
        )
        lost.setObjectName("muted")
        lost.setWordWrap(True)
        layout.addWidget(lost)
        layout.addStretch(1)  # the words stay together at the top of a large dialog
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(480, self.sizeHint().height())

    def passphrase(self) -> Passphrase | None:
        text = self.field.text()
        return Passphrase(text) if text else None


def ask_passphrase(location: str, problem: str = "") -> Passphrase | None:
    """The passphrase typed, or None when the person cancelled."""
    dialog = PassphraseDialog(location, problem)
    while dialog.exec() == QDialog.DialogCode.Accepted:
        found = dialog.passphrase()
        if found is not None:
            return found
    return None
