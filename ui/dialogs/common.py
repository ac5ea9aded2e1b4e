"""What the set-up dialogs share: an error line and OK/Cancel buttons that check first."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from observer.domain.errors import ObserverError
from ui import style


def error_line() -> QLabel:
    """The red line under a dialog's fields that says why OK did not go ahead (hidden)."""
    error = QLabel("")
    error.setStyleSheet("color: #b42318;")
    error.setWordWrap(True)
    error.hide()
    return error


def ok_cancel(
    ok_text: str, on_ok: Callable[[], object], on_cancel: Callable[[], object]
) -> QDialogButtonBox:
    """OK (named for what it does, the primary button) and Cancel."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    ok.setObjectName("primary")
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(on_cancel)
    return buttons


class SetupDialog(QDialog):
    """A dialog whose OK runs ``make()``; a refusal is shown inline and the dialog stays."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        style.dress(self)
        self.setWindowTitle(title)
        self.created_id: int | None = None
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(16, 14, 16, 12)
        self.body.setSpacing(10)
        self.error = error_line()
        self.buttons = ok_cancel("OK", self._try_accept, self.reject)  # named by finish_layout

    def finish_layout(self, ok_text: str) -> None:
        self.body.addWidget(self.error)
        self.body.addWidget(self.buttons)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)

    def make(self) -> int:  # pragma: no cover - every dialog overrides it
        raise NotImplementedError

    def _try_accept(self) -> None:
        self.run(self.make)

    def run(self, action: Callable[[], int]) -> None:
        try:
            self.created_id = action()
        except ObserverError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()


# A question's text wraps at this width: Qt's own input dialog widens to fit one long line.
QUESTION_WIDTH = 420


def text_question(parent: QWidget | None, title: str, label: str, text: str = "") -> QInputDialog:
    """A one-line question of a normal width, its explanation wrapped over a few lines."""
    dialog = QInputDialog(parent)
    style.dress(dialog)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextValue(text)
    for shown in dialog.findChildren(QLabel):
        shown.setWordWrap(True)
        shown.setMinimumWidth(QUESTION_WIDTH)
        shown.setMaximumWidth(QUESTION_WIDTH)
    dialog.adjustSize()
    return dialog


def refill(
    combo: QComboBox, first: tuple[str, object], items: Sequence[tuple[str, object]]
) -> None:
    """Put ``first`` then ``items`` (label, value) in a combo box, keeping what was chosen
    if it is still there, without announcing the refill as a choice."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for label, value in (first, *items):
        combo.addItem(label, value)
    combo.setCurrentIndex(max(0, combo.findData(chosen)))
    combo.blockSignals(False)
