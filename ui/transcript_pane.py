"""The transcript pane of tape review: the speaking turns, following the recording.

One row per utterance (a ``speaking`` state, ``observer.analysis.airtime.utterances``):
when, who, and the words where the import kept them. The row being spoken at the
playhead is selected and kept in view; clicking a row asks to seek to its start
(``seek_requested``) and offers its speaker as the next event's actor
(``speaker_chosen``). ``TranscriptModel`` is the small Qt adapter over the plain list.
"""

from __future__ import annotations

import bisect

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from observer.analysis.airtime import utterances
from observer.domain.clock import format_time
from observer.domain.coding_data import CodingData
from observer.domain.events import Event
from ui import style

COLUMNS = ("Time", "Who", "Said")
NO_WORDS = "(words not kept)"
Index = QModelIndex | QPersistentModelIndex


class TranscriptModel(QAbstractTableModel):
    """Utterances as rows: time, speaker, words."""

    def __init__(self, data: CodingData) -> None:
        super().__init__()
        self.coding = data
        self.rows: list[Event] = utterances(data)

    def reset(self, data: CodingData) -> None:
        self.beginResetModel()
        self.coding = data
        self.rows = utterances(data)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        e = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return format_time(e.time_ms)[:-2]
            if index.column() == 1:
                return "someone" if e.actor == "group" else self.coding.label(e.actor)
            return e.note or NO_WORDS
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2 and e.note:
            return e.note
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def row_at(self, session_ms: int) -> int:
        """The utterance at or last before a session time (-1: before the first)."""
        return bisect.bisect_right(self.rows, session_ms, key=lambda e: e.time_ms) - 1


class TranscriptPane(QWidget):
    """The turns as a transcript that follows the playhead; a click seeks."""

    seek_requested = Signal(int)  # session ms
    speaker_chosen = Signal(str)  # participant key of a clicked utterance's speaker

    def __init__(self, data: CodingData, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        style.dress(self)
        self.setObjectName("transcriptPane")
        self.model = TranscriptModel(data)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.clicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)

    def refresh(self, data: CodingData) -> None:
        self.model.reset(data)

    def follow(self, session_ms: int) -> None:
        """Select the utterance at the playhead and keep it in view."""
        row = self.model.row_at(session_ms)
        if row < 0:
            self.table.clearSelection()
            return
        index = self.model.index(row, 0)
        if self.table.currentIndex().row() != row:
            self.table.selectRow(row)
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _clicked(self, index: QModelIndex) -> None:
        said = self.model.rows[index.row()]
        self.seek_requested.emit(said.time_ms)
        if said.actor != "group":  # someone not attributed yet is nobody's to code
            self.speaker_chosen.emit(said.actor)
