"""New coding with two codebooks that want the same keys: the dialog asks for other keys."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QListWidgetItem

from observer.storage.coding_info import coding_info
from observer.workspace.groups import MemberSpec, add_group, add_session
from observer.workspace.workspace import Workspace
from ui.dialogs.coding_dialog import NewCodingDialog


def check_book(dialog: NewCodingDialog, book_id: str) -> None:
    for row in range(dialog.books.count()):
        item: QListWidgetItem = dialog.books.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == book_id:
            item.setCheckState(Qt.CheckState.Checked)


def test_clashing_keys_are_asked_for_then_kept_with_the_coding(store: Any, qtbot: Any) -> None:
    group = add_group(store, "Tuesday group", members=[MemberSpec("Ann"), MemberSpec("Bo")])
    session = add_session(store, group)
    dialog = NewCodingDialog(Workspace(store), session)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.observer.lineEdit(), "RK")
    check_book(dialog, "bales-ipa")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "want a key another code has" in dialog.error.text()
    assert dialog.keys_box.isVisible()
    solidarity = dialog.findChild(QLineEdit, "key:shows-solidarity")
    assert solidarity is not None and solidarity.text()  # a free key is offered
    solidarity.selectAll()
    qtbot.keyClicks(solidarity, "B")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and dialog.created_id is not None
    keys = {c.id: c.key for c in coding_info(store, dialog.created_id).palette.codes}
    assert keys["shows-solidarity"] == "B" and keys["support"] == "s"
    assert len({k for k in keys.values() if k}) == len([k for k in keys.values() if k])
