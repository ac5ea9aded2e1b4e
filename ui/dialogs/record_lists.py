"""Dialogs that list records to act on: a group's members, the trash, the codebooks.

Each redraws from the database after every change it makes (and when the bridge says
something changed), so what is listed is what is stored.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from observer.domain.errors import ObserverError
from observer.workspace.changes import ChangeSet
from observer.workspace.coding_records import stored_codebooks, trash
from observer.workspace.groups import get_group
from observer.workspace.workspace import Workspace
from ui import style
from ui.bridge import bridge_for
from ui.dialogs.codebook_file import add_codebook_file, choose_codebook_file

MAX_TABLE_WIDTH = 760  # px: a list dialog stays well inside a 1280 px screen


class _ListDialog(QDialog):
    """A table, buttons beside it, a line for what went wrong; redrawn on every change."""

    def __init__(
        self,
        workspace: Workspace,
        title: str,
        columns: list[str],
        parent: QWidget | None,
        nothing: str = "",
    ):
        super().__init__(parent)
        style.dress(self)
        self.setWindowTitle(title)
        self.workspace = workspace
        self.table = QTableWidget(0, len(columns))
        self.table.setHorizontalHeaderLabels(columns)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        # Said instead of an empty table: what the list is for, and how it fills.
        self.nothing = QLabel(nothing)
        self.nothing.setObjectName("nothingListed")
        self.nothing.setWordWrap(True)
        self.nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        style.set_ink(self.nothing, style.MUTED)
        self.nothing.hide()
        self.buttons = QVBoxLayout()
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b42318;")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.table, 1)
        row.addWidget(self.nothing, 1)
        row.addLayout(self.buttons)
        outer = QVBoxLayout(self)
        outer.addLayout(row, 1)
        outer.addWidget(self.error)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        outer.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.confirmation: QMessageBox | None = None
        bridge_for(workspace.notices).changed.connect(self._heard)
        self.finished.connect(lambda _: self._stop())

    def _stop(self) -> None:
        bridge_for(self.workspace.notices).changed.disconnect(self._heard)

    def _heard(self, _changes: ChangeSet) -> None:
        self.refresh()

    def button(self, text: str, slot: object) -> QPushButton:
        b = QPushButton(text)
        b.clicked.connect(lambda _=False: slot())  # type: ignore[operator]
        self.buttons.addWidget(b)
        return b

    def fill(self, rows: list[list[str]], ids: list[int]) -> None:
        shown = bool(rows) or not self.nothing.text()
        self.table.setVisible(shown)
        self.nothing.setVisible(not shown)
        self.table.setRowCount(len(rows))
        for r, (cells, row_id) in enumerate(zip(rows, ids, strict=True)):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row_id)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        # Wide enough for every column as filled (up to a point): no name cut off at the side.
        header = self.table.horizontalHeader()
        needed = header.length() + 2 * self.table.frameWidth()
        needed += self.table.verticalScrollBar().sizeHint().width()
        self.table.setMinimumWidth(min(needed, MAX_TABLE_WIDTH))
        if rows and self.table.currentRow() < 0:
            self.table.selectRow(0)

    def chosen(self) -> int | None:
        item = self.table.item(self.table.currentRow(), 0)
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def attempt(self, action: object) -> None:
        try:
            action()  # type: ignore[operator]
        except ObserverError as exc:
            self.error.setText(str(exc))
            return
        self.error.setText("")

    def refresh(self) -> None:  # pragma: no cover - every list overrides it
        raise NotImplementedError


class MembersDialog(_ListDialog):
    """A group's members: add a newcomer, edit one, mark one as left."""

    def __init__(self, workspace: Workspace, group_id: int, parent: QWidget | None = None) -> None:
        super().__init__(workspace, "Members", ["Seat", "Pseudonym", "Initials", "Role",
                                                "Colour", "Joined", "Left"], parent,
                         "No members yet.\n\nAdd each member and leader with "
                         "“Add a newcomer…”.")  # fmt: skip
        self.group_id = group_id
        self.dialog: QDialog | None = None
        self.button("&Add a newcomer…", self.add)
        self.button("&Edit…", self.edit)
        self.buttons.addStretch(1)
        self.table.doubleClicked.connect(lambda _: self.edit())
        self.refresh()
        self.resize(760, 420)

    def refresh(self) -> None:
        group = get_group(self.workspace.store, self.group_id)
        self.setWindowTitle(f"Members of {group.name}")
        self.members = {m.id: m for m in group.members}
        self.fill(
            [[str(m.seat + 1), m.pseudonym, m.initials, m.role, m.colour,
              str(m.joined or ""), str(m.left or "")] for m in group.members],
            [m.id for m in group.members],
        )  # fmt: skip

    def add(self) -> None:
        from ui.dialogs.record_dialogs import MemberDialog

        self.dialog = MemberDialog(self.workspace, self.group_id, None, self)
        self.dialog.open()

    def edit(self) -> None:
        from ui.dialogs.record_dialogs import MemberDialog

        member = self.members.get(self.chosen() or -1)
        if member is not None:
            self.dialog = MemberDialog(self.workspace, self.group_id, member, self)
            self.dialog.open()


class TrashDialog(_ListDialog):
    """The codings in the trash: restore one, or empty the trash (asked first)."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, "Trash", ["Coding", "Group", "Session", "Observer",
                                              "Events", "Deleted"], parent,
                         "The trash is empty.\n\nA coding you delete waits here, with all "
                         "its events, until you restore it or empty the trash.")  # fmt: skip
        self.restore_button = self.button("&Restore", self.restore)
        self.empty_button = self.button("&Empty the trash…", self.empty)
        self.buttons.addStretch(1)
        self.refresh()
        self.resize(760, 400)

    def refresh(self) -> None:
        found = trash(self.workspace.store)
        self.found = found
        self.fill(
            [[t.name, t.group, str(t.session_number), t.observer, f"{t.events:,}",
              f"{t.trashed_at.astimezone():%d %b %Y, %H:%M}"] for t in found],
            [t.id for t in found],
        )  # fmt: skip
        self.restore_button.setEnabled(bool(found))
        self.empty_button.setEnabled(bool(found))

    def restore(self) -> None:
        chosen = self.chosen()
        if chosen is not None:
            self.attempt(lambda: self.workspace.restore_coding(chosen))

    def empty(self) -> None:
        events = sum(t.events for t in self.found)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Empty the trash",
            f"Delete {len(self.found)} coding{'' if len(self.found) == 1 else 's'} and "
            f"{events:,} events for good? This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText("Delete for good")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.accepted.connect(lambda: self.attempt(self.workspace.empty_trash))
        self.confirmation = box
        box.open()


class CodebooksDialog(_ListDialog):
    """The codebooks this database holds and where each came from; add a codebook file."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, "Codebooks in this database",
                         ["Id", "Version", "Name", "Codings", "From"], parent)  # fmt: skip
        self.button("&Add codebook file…", self.choose_file)
        self.buttons.addStretch(1)
        self.refresh()
        self.resize(820, 400)

    def refresh(self) -> None:
        books = stored_codebooks(self.workspace.store)
        self.fill(
            [[b.id, b.version, b.name, str(b.codings),
              b.origin or "kept with a coding or an import"] for b in books],
            [b.pk for b in books],
        )  # fmt: skip

    def choose_file(self) -> None:
        path = choose_codebook_file(self)
        if path:
            self.add_file(path)

    def add_file(self, path: str | Path) -> None:
        """Keep the file; its problems, as the command line words them, shown in a dialog."""
        add_codebook_file(self.workspace, path, self)
