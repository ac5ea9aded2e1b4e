"""New session of a group: its number, date, setting and who is present."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QWidget,
)

from observer.storage.models import SETTINGS
from observer.workspace.changes import Kind
from observer.workspace.groups import get_group, list_sessions
from observer.workspace.workspace import Workspace
from ui.dialogs.common import SetupDialog


class NewSessionDialog(SetupDialog):
    """Attendance is a checklist of the group's members; Space toggles the current one."""

    def __init__(self, workspace: Workspace, group_id: int, parent: QWidget | None = None) -> None:
        super().__init__("New session", parent)
        self.workspace = workspace
        self.group = get_group(workspace.store, group_id)
        numbers = [s.number for s in list_sessions(workspace.store, group_id)]
        form = QFormLayout()
        self.number = QSpinBox()
        self.number.setRange(1, 10_000)
        self.number.setValue(max(numbers, default=0) + 1)
        self.starts = QDateTimeEdit(QDateTime.currentDateTime())
        self.starts.setCalendarPopup(True)
        self.starts.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.setting = QComboBox()
        self.setting.addItems(list(SETTINGS))
        self.present = QListWidget()
        for member in self.group.members:
            item = QListWidgetItem(f"{member.seat + 1}. {member.pseudonym}  ({member.role})")
            item.setData(Qt.ItemDataRole.UserRole, member.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if member.left is None else Qt.CheckState.Unchecked
            )
            self.present.addItem(item)
        self.present.setCurrentRow(0)
        form.addRow("Group:", QLabel(f"<b>{self.group.name}</b>"))
        form.addRow("&Number:", self.number)
        form.addRow("&Starts:", self.starts)
        form.addRow("S&etting:", self.setting)
        form.addRow("&Present:", self.present)
        self.body.addLayout(form)
        self.finish_layout("Create session")
        self.resize(440, 460)

    def present_ids(self) -> list[int]:
        out = []
        for row in range(self.present.count()):
            item = self.present.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def _starts_at(self) -> datetime | None:
        value = self.starts.dateTime().toPython()
        # The time as typed, in this computer's time zone (stored in UTC).
        return value.astimezone() if isinstance(value, datetime) else None

    def make(self) -> int:
        changes = self.workspace.create_session(
            self.group.id,
            self.number.value(),
            starts_at=self._starts_at(),
            setting=self.setting.currentText(),
            present=self.present_ids(),
        )
        return changes.new(Kind.SESSION)
