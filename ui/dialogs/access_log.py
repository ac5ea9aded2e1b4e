"""Group ▸ Access log…: who opened, exported or reported the selected coding, and when.

Read-only: the log is kept by the core (``observer.storage.access_log``); this shows it.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from observer.storage.access_log import access_log
from observer.storage.coding_info import coding_info
from observer.storage.store import Store
from ui import style

COLUMNS = ("When", "Who", "What", "Detail")


class AccessLogDialog(QDialog):
    """A coding's access log as a table, newest first."""

    def __init__(self, store: Store, coding_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        style.dress(self)
        title = coding_info(store, coding_id).title
        self.setWindowTitle(f"Access log: {title}")
        entries = list(reversed(access_log(store, coding_id)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        said = f"{len(entries)} accesses" if entries else "Nobody has opened, exported or "
        said += " to this coding, newest first." if entries else "reported this coding yet."
        self.summary = QLabel(said)
        layout.addWidget(self.summary)
        self.table = QTableWidget(len(entries), len(COLUMNS))
        self.table.setObjectName("accessTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        for row, entry in enumerate(entries):
            when = entry.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            for column, text in enumerate((when, entry.who, entry.action, entry.detail)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def rows(self) -> list[tuple[str, ...]]:
        """What the table shows, row by row (for a person reading it aloud, and for tests)."""
        return [
            tuple(
                item.text() if (item := self.table.item(r, c)) else "" for c in range(len(COLUMNS))
            )
            for r in range(self.table.rowCount())
        ]
