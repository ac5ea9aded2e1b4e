"""The passphrase of an encrypted database: asked for when it is opened.

A wrong passphrase is said in the dialog, which stays open to try again; the file is
never touched. The passphrase is kept in memory only.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from observer.storage.cipher import MIN_LENGTH, Passphrase, strength


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
        self.remember = QCheckBox("Remember it in this computer's keyring")
        self.remember.setObjectName("remember")
        layout.addWidget(self.remember)
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


def ask_passphrase(location: str, problem: str = "") -> tuple[Passphrase | None, bool]:
    """The passphrase typed (None when the person cancelled), and whether to remember it."""
    dialog = PassphraseDialog(location, problem)
    while dialog.exec() == QDialog.DialogCode.Accepted:
        found = dialog.passphrase()
        if found is not None:
            return found, dialog.remember.isChecked()
    return None, False


class NewPassphraseDialog(QDialog):
    """Choose a passphrase for a database: typed twice, with a hint of its strength.

    ``optional``: the database may also stay plain ("Without a passphrase").
    """

    def __init__(self, location: str, optional: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Protect the database with a passphrase")
        self.setObjectName("newPassphraseDialog")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"<b>{location}</b> will be encrypted: without its passphrase the file shows "
            "nothing of the groups, members, codings or notes in it."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.field = QLineEdit()
        self.field.setObjectName("passphrase")
        self.again = QLineEdit()
        self.again.setObjectName("again")
        for field in (self.field, self.again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.textChanged.connect(self._update)
        form.addRow("Passphrase:", self.field)
        form.addRow("Once more:", self.again)
        layout.addLayout(form)
        self.hint = QLabel()
        self.hint.setObjectName("strength")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        lost = QLabel(
            "<b>A forgotten passphrase cannot be recovered.</b> Nobody, not even the makers "
            "of this app, can open the database without it. Keep it where the clinic keeps "
            "its other secrets."
        )
        lost.setWordWrap(True)
        layout.addWidget(lost)
        self.remember = QCheckBox(
            "Remember it in this computer's keyring (anyone who can log in as you can then "
            "open the database)"
        )
        self.remember.setObjectName("remember")
        layout.addWidget(self.remember)
        layout.addStretch(1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Encrypt")
        if optional:
            buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Without a passphrase")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._update()
        self.resize(560, self.sizeHint().height())

    def _update(self) -> None:
        text = self.field.text()
        level, words = strength(text)
        if text and self.again.text() and self.again.text() != text:
            words += " The two do not match yet."
        self.hint.setText(words if text else f"At least {MIN_LENGTH} characters.")
        self.ok.setEnabled(level > 0 and self.again.text() == text)

    def passphrase(self) -> Passphrase | None:
        if self.result() != QDialog.DialogCode.Accepted or not self.ok.isEnabled():
            return None
        return Passphrase(self.field.text())


def choose_passphrase(location: str, optional: bool = False) -> tuple[Passphrase | None, bool]:
    """A new passphrase (None: cancelled, or plain when ``optional``) and whether to
    remember it in the keyring."""
    dialog = NewPassphraseDialog(location, optional)
    dialog.exec()
    return dialog.passphrase(), dialog.remember.isChecked()
