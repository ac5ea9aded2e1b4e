"""Import ▸ a BORIS project or JSON coding naming recordings by relative paths: the folder
those paths must stay inside (``observer.formats.media_paths``), by default the file's own.

Asked only when the file names such a path; one leading out of the folder is not kept,
and the import's report says which.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import style
from ui.dialogs.common import error_line, ok_cancel

SHOWN = 3  # relative paths named in the question, as examples


class RecordingsFolderDialog(QDialog):
    """One folder field (typed, or Choose…) for the recordings of the file imported."""

    def __init__(self, source: Path, relative: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        style.dress(self)
        self.setWindowTitle("Import: recordings folder")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        examples = ", ".join(relative[:SHOWN]) + (" …" if len(relative) > SHOWN else "")
        intro = QLabel(
            f"<b>{source.name}</b> names its recordings by paths relative to its folder "
            f"({examples}). They are kept only if they stay inside the folder below; any "
            "leading out of it (by <tt>..</tt> or a link) is not kept, and the import says so."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.folder = QLineEdit(str(source.parent))
        self.choose = QPushButton("Choose…")
        self.choose.clicked.connect(self._choose)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(self.choose)
        form = QFormLayout()
        form.addRow("Recordings folder", row)
        layout.addLayout(form)
        self.error = error_line()
        layout.addWidget(self.error)
        self.buttons = ok_cancel("Import", self._check, self.reject)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())

    def _choose(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Recordings folder", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def _check(self) -> None:
        if Path(self.folder.text().strip()).expanduser().is_dir():
            self.accept()
            return
        self.show_error(f"{self.folder.text().strip() or 'No folder'}: not a folder.")

    def show_error(self, message: str) -> None:
        """Why the import failed; the folder typed stays for another try."""
        self.error.setText(message)
        self.error.show()

    def options(self) -> dict[str, Any]:
        return {"media_folder": self.folder.text().strip()}
