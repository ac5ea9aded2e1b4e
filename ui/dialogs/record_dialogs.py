"""Dialogs that correct a record: a group, a member, a session, a coding, moving a coding.

Each fills its fields from the database, and its OK calls one correction of the workspace
with what was changed; a refusal is shown in the dialog, which stays open.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from observer.storage.models import CAPACITIES, MEMBER_ROLES, Member
from observer.workspace.changes import Kind
from observer.workspace.codings import list_codings, list_observers
from observer.workspace.groups import MemberSpec, get_group, list_sessions
from observer.workspace.workspace import Workspace
from ui.dialogs.common import SetupDialog
from ui.dialogs.session_dialog import NewSessionDialog


class EditGroupDialog(SetupDialog):
    """A group's name, modality and notes."""

    def __init__(self, workspace: Workspace, group_id: int, parent: QWidget | None = None) -> None:
        super().__init__("Edit group", parent)
        self.workspace = workspace
        self.group = get_group(workspace.store, group_id)
        form = QFormLayout()
        self.name = QLineEdit(self.group.name)
        self.modality = QLineEdit(self.group.modality)
        self.notes = QPlainTextEdit(self.group.notes)
        form.addRow("&Name:", self.name)
        form.addRow("&Modality:", self.modality)
        form.addRow("N&otes:", self.notes)
        self.body.addLayout(form)
        self.finish_layout("Save")
        self.resize(460, 300)

    def make(self) -> int:
        self.workspace.edit_group(
            self.group.id,
            name=self.name.text(),
            modality=self.modality.text().strip(),
            notes=self.notes.toPlainText(),
        )
        return self.group.id


def _qdate(value: date | None) -> QDate:
    return QDate(value.year, value.month, value.day) if value else QDate.currentDate()


class MemberDialog(SetupDialog):
    """A newcomer (``member`` None) with the session they joined at, or a member's details.

    An existing member can be marked as having left, with the date.
    """

    def __init__(
        self,
        workspace: Workspace,
        group_id: int,
        member: Member | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Edit member" if member else "Add a newcomer", parent)
        self.workspace = workspace
        self.group_id = group_id
        self.member = member
        form = QFormLayout()
        self.pseudonym = QLineEdit(member.pseudonym if member else "")
        self.pseudonym.setPlaceholderText("a pseudonym, never a real name")
        self.initials = QLineEdit(member.initials if member else "")
        self.initials.setPlaceholderText("made from the pseudonym if left empty")
        self.role = QComboBox()
        self.role.addItems(list(MEMBER_ROLES))
        self.role.setCurrentText(member.role if member else "member")
        self.colour = QLineEdit(member.colour if member else "")
        self.colour.setPlaceholderText("#rrggbb (empty: the next free colour)")
        form.addRow("&Pseudonym:", self.pseudonym)
        form.addRow("&Initials:", self.initials)
        form.addRow("&Role:", self.role)
        form.addRow("&Colour:", self.colour)
        self.seat = QSpinBox()
        self.seat.setRange(1, 10_000)
        self.joins_at = QComboBox()
        self.left = QCheckBox("has &left the group on")
        self.left_on = QDateEdit(_qdate(member.left if member else None))
        self.left_on.setCalendarPopup(True)
        self.left_on.setDisplayFormat("yyyy-MM-dd")
        if member is None:
            self.joins_at.addItem("no session yet", None)
            for session in list_sessions(workspace.store, group_id):
                when = f"  {session.starts_at.astimezone():%d %b %Y}" if session.starts_at else ""
                self.joins_at.addItem(f"Session {session.number}{when}", session.id)
            self.joins_at.setCurrentIndex(self.joins_at.count() - 1)
            form.addRow("&Joined at:", self.joins_at)
        else:
            self.seat.setValue(member.seat + 1)
            self.left.setChecked(member.left is not None)
            form.addRow("&Seat:", self.seat)
            form.addRow(self.left, self.left_on)
        self.body.addLayout(form)
        self.finish_layout("Save" if member else "Add member")
        self.resize(440, 280)

    def make(self) -> int:
        if self.member is None:
            spec = MemberSpec(
                self.pseudonym.text(),
                self.role.currentText(),
                self.initials.text(),
                self.colour.text().strip(),
            )
            changes = self.workspace.add_member(self.group_id, spec, self.joins_at.currentData())
            return changes.new(Kind.MEMBER)
        self.workspace.edit_member(
            self.member.id,
            pseudonym=self.pseudonym.text(),
            initials=self.initials.text(),
            role=self.role.currentText(),
            colour=self.colour.text().strip(),
            seat=self.seat.value() - 1,
        )
        if self.left.isChecked() and self.member.left is None:
            left_on = self.left_on.date().toPython()
            assert isinstance(left_on, date)
            self.workspace.member_leaves(self.member.id, left_on)
        return self.member.id


class EditSessionDialog(NewSessionDialog):
    """The New session dialog, filled with the session as it is, and its notes."""

    def __init__(
        self, workspace: Workspace, session_id: int, parent: QWidget | None = None
    ) -> None:
        [session] = [s for s in list_sessions(workspace.store) if s.id == session_id]
        super().__init__(workspace, session.group_id, parent)
        self.setWindowTitle("Edit session")
        self.session = session
        self.number.setValue(session.number)
        if session.starts_at is not None:
            local = session.starts_at.astimezone().replace(tzinfo=None)
            self.starts.setDateTime(QDateTime.fromString(local.isoformat(), Qt.DateFormat.ISODate))
        self.setting.setCurrentText(session.setting)
        there = {m.id for m in session.present}
        for row in range(self.present.count()):
            item = self.present.item(row)
            member = int(item.data(Qt.ItemDataRole.UserRole))
            item.setCheckState(
                Qt.CheckState.Checked if member in there else Qt.CheckState.Unchecked
            )
        self.notes = QPlainTextEdit(session.notes)
        self.notes.setMaximumHeight(90)
        first = self.body.itemAt(0)
        form = first.layout() if first is not None else None
        assert isinstance(form, QFormLayout)
        form.addRow("N&otes:", self.notes)
        ok = self.buttons.button(self.buttons.StandardButton.Ok)
        ok.setText("Save")

    def make(self) -> int:
        self.workspace.edit_session(
            self.session.id,
            number=self.number.value(),
            starts_at=self._starts_at(),
            setting=self.setting.currentText(),
            notes=self.notes.toPlainText(),
            present=self.present_ids(),
        )
        return self.session.id


class EditCodingDialog(SetupDialog):
    """A coding's name, who coded it and in which capacity."""

    def __init__(self, workspace: Workspace, coding_id: int, parent: QWidget | None = None) -> None:
        super().__init__("Edit coding", parent)
        self.workspace = workspace
        [self.coding] = [
            c for c in list_codings(workspace.store, trashed=True) if c.id == coding_id
        ]
        form = QFormLayout()
        self.name = QLineEdit(self.coding.name)
        self.name.setPlaceholderText(f"Coding {coding_id}")
        self.observer = QComboBox()
        self.observer.setEditable(True)
        self.observer.addItems([o.initials for o in list_observers(workspace.store)])
        self.observer.setCurrentText(self.coding.observer.initials)
        self.capacity = QComboBox()
        self.capacity.addItems(list(CAPACITIES))
        self.capacity.setCurrentText(self.coding.capacity)
        form.addRow("&Name:", self.name)
        form.addRow("&Observer:", self.observer)
        form.addRow("&Capacity:", self.capacity)
        self.body.addLayout(form)
        self.finish_layout("Save")
        self.resize(420, 200)

    def make(self) -> int:
        self.workspace.edit_coding(
            self.coding.id,
            name=self.name.text(),
            observer=self.observer.currentText(),
            capacity=self.capacity.currentText(),
        )
        return self.coding.id


class MoveCodingDialog(SetupDialog):
    """Another session of the coding's group to move it to."""

    def __init__(self, workspace: Workspace, coding_id: int, parent: QWidget | None = None) -> None:
        super().__init__("Move coding", parent)
        self.workspace = workspace
        [coding] = [c for c in list_codings(workspace.store, trashed=True) if c.id == coding_id]
        self.coding_id = coding_id
        self.session = QComboBox()
        for session in list_sessions(workspace.store, coding.session.group_id):
            if session.id != coding.session_id:
                when = f"  {session.starts_at.astimezone():%d %b %Y}" if session.starts_at else ""
                self.session.addItem(f"Session {session.number}{when}", session.id)
        form = QFormLayout()
        form.addRow("Coding:", QLabel(f"<b>{coding.name or f'Coding {coding_id}'}</b>, "
                                      f"now in session {coding.session.number}"))  # fmt: skip
        form.addRow("&To:", self.session)
        self.body.addLayout(form)
        self.finish_layout("Move")
        self.resize(420, 160)

    def make(self) -> int:
        target = self.session.currentData()
        if target is None:
            from observer.domain.errors import InputError

            raise InputError("This group has no other session to move the coding to.")
        self.workspace.move_coding(self.coding_id, int(target))
        return self.coding_id
