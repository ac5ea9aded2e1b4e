"""New group: a name, and members with pseudonyms, roles, colours and seats."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from observer.domain.participants import MEMBER_COLOURS
from observer.storage.models import MEMBER_ROLES
from observer.workspace.changes import Kind
from observer.workspace.groups import MemberSpec
from observer.workspace.workspace import Workspace
from ui.dialogs.common import SetupDialog


class NewGroupDialog(SetupDialog):
    """Type a pseudonym (and initials) and press Enter to seat a member; OK creates the group."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__("New group", parent)
        self.workspace = workspace
        self.members: list[MemberSpec] = []
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Thursday interpersonal group")
        self.modality = QLineEdit()
        self.modality.setPlaceholderText("e.g. process (interpersonal)")
        form.addRow("&Name:", self.name)
        form.addRow("&Modality:", self.modality)
        self.body.addLayout(form)

        hint = QLabel("Members in seating order (clockwise from the top). Pseudonyms or "
                      "initials only, never real names.")  # fmt: skip
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        self.body.addWidget(hint)
        row = QHBoxLayout()
        self.pseudonym = QLineEdit()
        self.pseudonym.setPlaceholderText("Pseudonym")
        self.pseudonym.setAccessibleName("Member pseudonym")
        self.initials = QLineEdit()
        self.initials.setPlaceholderText("Initials")
        self.initials.setMaximumWidth(70)
        self.role = QComboBox()
        self.role.addItems(list(MEMBER_ROLES))
        self.add_button = QPushButton("&Add member")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_member)
        label = QLabel("&Member:")
        label.setBuddy(self.pseudonym)
        row.addWidget(label)
        row.addWidget(self.pseudonym, 1)
        row.addWidget(self.initials)
        row.addWidget(self.role)
        row.addWidget(self.add_button)
        self.body.addLayout(row)

        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Seat", "Pseudonym", "Initials", "Role"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 50)
        self.table.setColumnWidth(1, 170)
        self.table.setMinimumHeight(200)
        self.body.addWidget(self.table)
        moves = QHBoxLayout()
        actions = (
            ("Move &up", lambda: self.move_member(-1)),
            ("Move &down", lambda: self.move_member(1)),
            ("&Colour…", self.pick_colour),
            ("&Remove", self.remove),
        )
        for text, slot in actions:
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            moves.addWidget(button)
        moves.addStretch(1)
        self.body.addLayout(moves)
        self.pseudonym.installEventFilter(self)
        self.initials.installEventFilter(self)
        self.finish_layout("Create group")
        self.resize(560, 520)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter in the member line seats the member instead of closing the dialog.
        if (
            watched in (self.pseudonym, self.initials)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.add_member()
            return True
        return super().eventFilter(watched, event)

    def add_member(self) -> None:
        name = self.pseudonym.text().strip()
        if not name:
            return
        seat = len(self.members)
        self.members.append(
            MemberSpec(
                name,
                role=self.role.currentText(),
                initials=self.initials.text().strip().upper(),
                colour=MEMBER_COLOURS[seat % len(MEMBER_COLOURS)],
            )
        )
        self.pseudonym.clear()
        self.initials.clear()
        self.role.setCurrentIndex(0)
        self.pseudonym.setFocus()
        self._show()

    def move_member(self, step: int) -> None:
        row = self.table.currentRow()
        other = row + step
        if 0 <= row < len(self.members) and 0 <= other < len(self.members):
            self.members[row], self.members[other] = self.members[other], self.members[row]
            self._show()
            self.table.selectRow(other)

    def remove(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.members):
            del self.members[row]
            self._show()

    def pick_colour(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.members):
            return
        colour = QColorDialog.getColor(QColor(self.members[row].colour), self, "Member colour")
        if colour.isValid():
            spec = self.members[row]
            self.members[row] = MemberSpec(spec.pseudonym, spec.role, spec.initials, colour.name())
            self._show()

    def _show(self) -> None:
        self.table.setRowCount(len(self.members))
        for row, spec in enumerate(self.members):
            seat = QTableWidgetItem(str(row + 1))
            seat.setBackground(QColor(spec.colour))
            seat.setForeground(QColor("white"))
            self.table.setItem(row, 0, seat)
            self.table.setItem(row, 1, QTableWidgetItem(spec.pseudonym))
            self.table.setItem(row, 2, QTableWidgetItem(spec.initials or "(auto)"))
            self.table.setItem(row, 3, QTableWidgetItem(spec.role))

    def make(self) -> int:
        if self.pseudonym.text().strip():
            self.add_member()
        changes = self.workspace.create_group(
            self.name.text(), modality=self.modality.text().strip(), members=self.members
        )
        return changes.new(Kind.GROUP)
