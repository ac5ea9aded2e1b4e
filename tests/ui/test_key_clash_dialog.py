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


TURNS = (
    'codebook: turns\nname: Turns\nversion: "1"\ncodes:\n  - id: turn\n    label: Turn\n'
    "    key: j\n"
)


def test_a_codebook_file_added_from_the_dialog_is_ticked_and_used(
    store: Any, qtbot: Any, tmp_path: Any
) -> None:
    group = add_group(store, "Tuesday group", members=[MemberSpec("Ann"), MemberSpec("Bo")])
    session = add_session(store, group)
    dialog = NewCodingDialog(Workspace(store), session)
    qtbot.addWidget(dialog)
    dialog.show()
    bad = tmp_path / "bad.yaml"
    bad.write_text(TURNS + "    kind: sometimes\n")
    dialog.add_file(str(bad))
    assert f"{bad}:8: codes.turn.kind: 'sometimes' is not one of: point, state" in (
        dialog.confirmation.informativeText()
    )
    assert "turns" not in [dialog.books.item(r).data(Qt.ItemDataRole.UserRole)
                           for r in range(dialog.books.count())]  # fmt: skip
    dialog.confirmation.close()
    good = tmp_path / "turns.yaml"
    good.write_text(TURNS)
    dialog.add_file(str(good))
    ticked = dialog.codebook_ids()
    assert "turns" in ticked and "here-and-now" in ticked  # the usual pair stays ticked
    qtbot.keyClicks(dialog.observer.lineEdit(), "RK")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)  # fmt: skip
    assert dialog.created_id is not None, dialog.error.text()
    codes = {c.id for c in coding_info(store, dialog.created_id).palette.codes}
    assert "turn" in codes
