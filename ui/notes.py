"""Process notes: free text at any moment, timestamped, kept for supervision.

The time is taken when the observer starts the note (Ctrl+N), not when they finish
typing it: the note is about that moment in the group.

The list shows the phase marks (F6) among the notes. A note or mark chosen in it can be
corrected: Edit puts its text (a mark: its name) and time in the line below, Enter keeps
the correction, Escape leaves it as it was; Delete removes it. Each is one operation of
the recorder (audited, undone by Ctrl+Z in order with the events).
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

from observer.domain.clock import format_time, parse_time
from observer.domain.errors import ObserverError
from observer.domain.events import Changes, ProcessNoteView
from observer.domain.phases import PHASE_NOTE
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
    said = Signal(str)  # a correction made, for the status line
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
        self.list.itemSelectionChanged.connect(self._show_choice)
        self.list.itemDoubleClicked.connect(lambda _item: self.edit_chosen())
        corrections = QHBoxLayout()
        self.edit_button = self._button("Edit", self.edit_chosen)
        self.delete_button = self._button("Delete", self.delete_chosen)
        corrections.addStretch(1)
        corrections.addWidget(self.edit_button)
        corrections.addWidget(self.delete_button)
        layout.addLayout(corrections)
        self.stamp = QLabel("")
        self.stamp.setObjectName("muted")
        row = QHBoxLayout()
        self.time = NoteLine()  # shown while correcting: when the note (or phase) is
        self.time.setAccessibleName("Time of the note")
        self.time.setMaximumWidth(90)
        self.time.returnPressed.connect(self.save)
        self.time.left.connect(self._leave)
        self.time.hide()
        self.line = NoteLine()
        self.line.setPlaceholderText("A process note… (Ctrl+N)")
        self.line.setAccessibleName("Process note")
        self.line.returnPressed.connect(self.save)
        self.line.textEdited.connect(self._typing)
        self.line.left.connect(self._leave)
        self.add_button = self._button("Add", self.save)
        row.addWidget(self.time)
        row.addWidget(self.line, 1)
        row.addWidget(self.add_button)
        layout.addWidget(self.stamp)
        layout.addLayout(row)
        self._editing: ProcessNoteView | None = None
        self.refresh()
        recorder.subscribe(self._on_changes)

    def _button(self, text: str, clicked: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay with coding
        button.clicked.connect(clicked)
        return button

    def begin(self) -> None:
        """Ctrl+N: take the time now and put the cursor in the note line."""
        self._started_at = self._now()
        self.stamp.setText(f"Note at {format_time(self._started_at).split('.')[0]}")
        self.line.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _typing(self, _text: str) -> None:
        if self._started_at is None and self._editing is None:
            self._started_at = self._now()
            self.stamp.setText(f"Note at {format_time(self._started_at).split('.')[0]}")

    def save(self) -> None:
        if self._editing is not None:
            self._save_correction(self._editing)
            return
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
        if self._editing is not None:
            self._editing = None
            self.line.clear()
            self.time.hide()
            self.add_button.setText("Add")
            self.line.setPlaceholderText("A process note… (Ctrl+N)")
        self._started_at = None
        self.stamp.setText("")
        self.done.emit()

    # --- correcting ----------------------------------------------------------------------

    def chosen(self) -> ProcessNoteView | None:
        """The note or phase mark chosen in the list (None: none, or it is gone)."""
        item = self.list.currentItem()
        if item is None or not item.isSelected():
            return None
        note_id = item.data(Qt.ItemDataRole.UserRole)
        return next((n for n in self.recorder.notes() if n.id == note_id), None)

    def edit_chosen(self) -> None:
        """Put the chosen note's text (a mark's name) and time in the line to correct them."""
        note = self.chosen()
        if note is None:
            return
        self._editing = note
        self._started_at = None
        phase = note.kind == PHASE_NOTE
        self.stamp.setText(f"Correcting {'phase' if phase else 'note'} · Enter keeps, Esc leaves")
        self.time.setText("" if note.time_ms is None else format_time(note.time_ms))
        self.time.setPlaceholderText("whole session" if not phase else "time")
        self.time.show()
        self.line.setText(note.text)
        self.add_button.setText("Save")
        self.line.setFocus(Qt.FocusReason.OtherFocusReason)

    def delete_chosen(self) -> None:
        note = self.chosen()
        if note is None:
            return
        try:
            self.recorder.delete_note(note.id)
        except ObserverError as exc:
            self.error.emit(str(exc))
            return
        self.said.emit(f"Deleted {_described(note)} · Ctrl+Z brings it back.")

    def _save_correction(self, note: ProcessNoteView) -> None:
        typed = self.time.text().strip()
        try:
            at = None if not typed else parse_time(typed)
        except ValueError:
            self.error.emit(f"Time: {typed!r} is not a time (for example 12:30).")
            return
        try:  # the recorder refuses what cannot be (a phase mark without a time, say)
            after = self.recorder.edit_note(note.id, text=self.line.text(), time_ms=at)
        except ObserverError as exc:
            self.error.emit(str(exc))
            return
        if after != note:
            self.said.emit(f"Corrected {_described(after)} · Ctrl+Z undoes it.")
        self._leave()

    def _show_choice(self) -> None:
        chosen = self.chosen() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches_notes:
            self.refresh()

    def refresh(self) -> None:
        chosen = self.chosen()
        self.list.clear()
        for note in self.recorder.notes():
            when = format_time(note.time_ms).split(".")[0] if note.time_ms is not None else "—"
            marker = {"prompt": "📌 ", "phase": "▶ phase: "}.get(note.kind, "")
            item = QListWidgetItem(f"{when}   {marker}{note.text}")
            item.setData(Qt.ItemDataRole.UserRole, note.id)
            self.list.addItem(item)
            if chosen is not None and note.id == chosen.id:
                self.list.setCurrentItem(item)
        if chosen is None:
            self.list.scrollToBottom()
        self._show_choice()


def _described(note: ProcessNoteView) -> str:
    when = "" if note.time_ms is None else f" at {format_time(note.time_ms).split('.')[0]}"
    return f"phase {note.text}{when}" if note.kind == PHASE_NOTE else f"note{when}"
