"""Process notes: free text at any moment, timestamped, kept for supervision.

The time is taken when the observer starts the note (Ctrl+N), not when they finish
typing it: the note is about that moment in the group.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from observer.domain.clock import format_time
from observer.domain.errors import ObserverError
from observer.domain.events import Changes
from observer.workspace.recording import Recorder
from ui import style


class NoteLine(QLineEdit):
    """Escape leaves the note line and gives the keys back to live coding."""

    left = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.left.emit()
            return
        super().keyPressEvent(event)


class NotesPanel(QWidget):
    """A list of the coding's notes and a line to add one."""

    error = Signal(str)
    done = Signal()

    def __init__(
        self, recorder: Recorder, now_ms: Callable[[], int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.recorder = recorder
        self._now = now_ms
        self._started_at: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setStyleSheet(f"QListWidget {{ border: 1px solid {style.LINE}; }}"
                                "QListWidget::item { padding: 4px; }")  # fmt: skip
        layout.addWidget(self.list, 1)
        self.stamp = QLabel("")
        self.stamp.setObjectName("muted")
        row = QHBoxLayout()
        self.line = NoteLine()
        self.line.setPlaceholderText("A process note… (Ctrl+N)")
        self.line.setAccessibleName("Process note")
        self.line.returnPressed.connect(self.save)
        self.line.textEdited.connect(self._typing)
        self.line.left.connect(self._leave)
        add = QPushButton("Add")
        add.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        add.clicked.connect(self.save)
        row.addWidget(self.line, 1)
        row.addWidget(add)
        layout.addWidget(self.stamp)
        layout.addLayout(row)
        self.refresh()
        recorder.subscribe(self._on_changes)

    def begin(self) -> None:
        """Ctrl+N: take the time now and put the cursor in the note line."""
        self._started_at = self._now()
        self.stamp.setText(f"Note at {format_time(self._started_at).split('.')[0]}")
        self.line.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _typing(self, _text: str) -> None:
        if self._started_at is None:
            self._started_at = self._now()
            self.stamp.setText(f"Note at {format_time(self._started_at).split('.')[0]}")

    def save(self) -> None:
        text = self.line.text().strip()
        if not text:
            self._leave()
            return
        at = self._started_at if self._started_at is not None else self._now()
        try:
            self.recorder.add_note(text, at)
        except ObserverError as exc:
            self.error.emit(str(exc))
            return
        self.line.clear()
        self._leave()

    def _leave(self) -> None:
        self._started_at = None
        self.stamp.setText("")
        self.done.emit()

    def _on_changes(self, changes: Changes) -> None:
        if changes.label == "Add note" or changes.label.startswith("Mark phase"):
            self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        for note in self.recorder.notes():
            when = format_time(note.time_ms).split(".")[0] if note.time_ms is not None else "—"
            marker = {"prompt": "📌 ", "phase": "▶ phase: "}.get(note.kind, "")
            item = QListWidgetItem(f"{when}   {marker}{note.text}")
            item.setData(Qt.ItemDataRole.UserRole, note.id)
            self.list.addItem(item)
        self.list.scrollToBottom()
