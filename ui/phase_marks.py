"""F6 while coding: a phase of the session ("check-in", "work", "closing") begins now.

The time is taken when F6 is pressed, as a process note's is, and the observer types the
phase's name in a line that offers the names already used (or the usual ones); Enter keeps
it, Escape leaves it. The mark goes through the recorder (``Recorder.mark_phase``), durable
before the line closes. F6 is a function key, so no codebook's key (one character) can
take it, live or from a recording.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLabel, QWidget

from observer.domain.clock import format_time
from observer.domain.errors import ObserverError
from observer.domain.phases import USUAL_NAMES
from observer.workspace.recording import Recorder
from ui.notes import NoteLine

MARK_KEY = "F6"


class PhaseMarker(QWidget):
    """A small line in the status bar, shown while a phase is being named."""

    said = Signal(str)  # what happened, for the status line
    done = Signal()  # the keys go back to coding

    def __init__(
        self, recorder: Recorder, now_ms: Callable[[], int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.recorder = recorder
        self._now = now_ms
        self._at: int | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stamp = QLabel("")
        self.line = NoteLine()  # Escape gives the keys back to coding
        self.line.setPlaceholderText("phase name, Enter")
        self.line.setAccessibleName("Phase name")
        self.line.setMinimumWidth(160)
        self.line.returnPressed.connect(self.save)
        self.line.left.connect(self._leave)
        layout.addWidget(self.stamp)
        layout.addWidget(self.line)
        self.hide()

    def begin(self) -> None:
        """F6: the phase begins now; show the line with the names to choose from."""
        self._at = self._now()
        used = list(dict.fromkeys(m.name for m in self.recorder.info.phase_marks))
        completer = QCompleter(used + [n for n in USUAL_NAMES if n not in used], self.line)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.line.setCompleter(completer)
        self.stamp.setText(f"Phase from {format_time(self._at).split('.')[0]}:")
        self.show()
        self.line.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def save(self) -> None:
        if self._at is None:
            return
        try:
            mark = self.recorder.mark_phase(self.line.text(), self._at)
        except ObserverError as exc:
            self.said.emit(str(exc))
            return
        self.said.emit(f"Phase {mark.name} from {format_time(mark.time_ms).split('.')[0]}.")
        self._leave()

    def _leave(self) -> None:
        self._at = None
        self.line.clear()
        self.hide()
        self.done.emit()
