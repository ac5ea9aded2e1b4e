"""The start screen's Edit menu and context menu: correct what is selected.

Groups, members, sessions, codings and recordings are edited in the dialogs of
``ui.dialogs``; deleting asks first, saying what goes. The work is done by the
workspace's corrections; the start screen redraws from their change notices.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QInputDialog, QMenu, QMessageBox

from observer.domain.errors import ObserverError

if TYPE_CHECKING:
    from ui.start_screen import StartScreen


class RecordActions:
    """Every correction offered on the start screen, for what is selected."""

    def __init__(self, screen: StartScreen) -> None:
        self.screen = screen
        self.workspace = screen.workspace
        self.dialog: QDialog | None = None
        self.confirmation: QMessageBox | None = None
        menu = screen.menuBar().addMenu("&Edit")
        self.menu = menu
        self.undo = self._add(menu, "&Undo", "Ctrl+Z", self.undo_last)
        menu.addSeparator()
        self.by_kind: dict[str, list[QAction]] = {
            "group": [
                self._add(menu, "Edit &group…", None, self.edit_group),
                self._add(menu, "&Members…", "Ctrl+M", self.members),
                self._add(menu, "&Archive group", None, self.archive_group),
                self._add(menu, "Delete group…", None, self.delete_group),
            ],
        }
        menu.addSeparator()
        self.by_kind["session"] = [
            self._add(menu, "Edit &session…", None, self.edit_session),
            self._add(menu, "Delete session…", None, self.delete_session),
        ]
        menu.addSeparator()
        self.by_kind["coding"] = [
            self._add(menu, "Edit &coding…", "F2", self.edit_coding),
            self._add(menu, "Mo&ve coding…", None, self.move_coding),
            self._add(menu, "&Delete coding", "Del", self.trash_coding),
        ]
        menu.addSeparator()
        self.by_kind["media"] = [
            self._add(menu, "Re&label recording…", None, self.relabel_media),
            self._add(menu, "Remo&ve recording…", None, self.remove_media),
        ]
        menu.addSeparator()
        self._add(menu, "&Trash…", None, self.show_trash)
        self._add(menu, "Code&books…", None, self.codebooks)
        self.show_archived = self._add(menu, "Show a&rchived groups", None, self.toggle_archived)
        self.show_archived.setCheckable(True)
        screen.tree.customContextMenuRequested.connect(self.context_menu)
        screen.tree.currentItemChanged.connect(lambda *_: self.update())
        self.update()

    def _add(self, menu: QMenu, text: str, keys: str | None, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.screen)
        if keys is not None:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _=False: slot())
        menu.addAction(action)
        return action

    def update(self) -> None:
        """Offer what fits the selection (a session's actions need a session, and so on)."""
        selection = self.screen.selection()
        kind = selection[0] if selection else None
        for owner, actions in self.by_kind.items():
            for action in actions:
                action.setEnabled(self.screen.selected(owner) is not None and (
                    owner != "coding" or kind == "coding") and (
                    owner != "media" or kind == "media"))  # fmt: skip
        self.undo.setEnabled(bool(self.workspace.undo_label))
        self.undo.setText(f"&Undo {self.workspace.undo_label}".rstrip())

    def context_menu(self, where: QPoint) -> None:
        item = self.screen.tree.itemAt(where)
        if item is None:
            return
        self.screen.tree.setCurrentItem(item)
        menu = QMenu(self.screen)
        kind = self.screen.selection()
        for action in self.by_kind.get(kind[0] if kind else "", []):
            menu.addAction(action)
        if kind and kind[0] == "trash":
            menu.addAction("Show the trash…", self.show_trash)
        if not menu.isEmpty():
            menu.popup(self.screen.tree.viewport().mapToGlobal(where))
        self.context = menu

    # --- doing ---------------------------------------------------------------------------

    def _attempt(self, action: Callable[[], object]) -> bool:
        try:
            action()
        except ObserverError as exc:
            self.screen.statusBar().showMessage(str(exc), 10_000)
            return False
        self.update()
        return True

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _: self.update())
        dialog.open()

    def _confirm(self, title: str, text: str, yes: str, then: Callable[[], object]) -> None:
        """Ask first (window-modal, not blocking); ``then`` runs on Yes."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self.screen)  # fmt: skip
        box.button(QMessageBox.StandardButton.Yes).setText(yes)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.accepted.connect(lambda: self._attempt(then))
        self.confirmation = box
        box.open()

    def undo_last(self) -> None:
        label = self.workspace.undo_label
        if self._attempt(self.workspace.undo):
            self.screen.statusBar().showMessage(f"Undone: {label}.", 6000)

    def edit_group(self) -> None:
        from ui.dialogs.record_dialogs import EditGroupDialog

        group = self.screen.selected("group")
        if group is not None:
            self._open(EditGroupDialog(self.workspace, group, self.screen))

    def members(self) -> None:
        from ui.dialogs.record_lists import MembersDialog

        group = self.screen.selected("group")
        if group is not None:
            self._open(MembersDialog(self.workspace, group, self.screen))

    def archive_group(self) -> None:
        group = self.screen.selected("group")
        if group is not None and self._attempt(lambda: self.workspace.archive_group(group)):
            self.screen.statusBar().showMessage(
                "Group archived: Edit ▸ Show archived groups lists it again.", 6000
            )

    def delete_group(self) -> None:
        from observer.workspace.records import group_deletion

        group = self.screen.selected("group")
        if group is None:
            return
        goes = group_deletion(self.workspace.store, group)
        self._confirm("Delete group", f"Delete this group for good, with its members and "
                      f"{goes.sentence()}? This cannot be undone.", "Delete group",
                      lambda: self.workspace.delete_group(group))  # fmt: skip

    def edit_session(self) -> None:
        from ui.dialogs.record_dialogs import EditSessionDialog

        session = self.screen.selected("session")
        if session is not None:
            self._open(EditSessionDialog(self.workspace, session, self.screen))

    def delete_session(self) -> None:
        from observer.workspace.records import session_deletion

        session = self.screen.selected("session")
        if session is None:
            return
        goes = session_deletion(self.workspace.store, session)
        codings = goes.sentence().split(", ", 1)[1]
        self._confirm("Delete session", f"Delete this session for good, with {codings}? "
                      "This cannot be undone.", "Delete session",
                      lambda: self.workspace.delete_session(session))  # fmt: skip

    def edit_coding(self) -> None:
        from ui.dialogs.record_dialogs import EditCodingDialog

        coding = self.screen.selected("coding")
        if coding is not None:
            self._open(EditCodingDialog(self.workspace, coding, self.screen))

    def move_coding(self) -> None:
        from ui.dialogs.record_dialogs import MoveCodingDialog

        coding = self.screen.selected("coding")
        if coding is not None:
            self._open(MoveCodingDialog(self.workspace, coding, self.screen))

    def trash_coding(self) -> None:
        coding = self.screen.selected("coding")
        if coding is not None and self._attempt(lambda: self.workspace.trash_coding(coding)):
            self.screen.statusBar().showMessage(
                "Coding moved to the trash: Edit ▸ Undo, or restore it from the trash.", 8000
            )

    def relabel_media(self) -> None:
        media = self.screen.selected("media")
        item = self.screen.tree.currentItem()
        if media is None or item is None:
            return
        dialog = QInputDialog(self.screen)
        dialog.setWindowTitle("Relabel recording")
        dialog.setLabelText("Label:")
        dialog.setTextValue(item.text(0).removeprefix("▶ "))
        dialog.textValueSelected.connect(
            lambda text: self._attempt(lambda: self.workspace.edit_media(media, text))
        )
        self._open(dialog)

    def remove_media(self) -> None:
        media = self.screen.selected("media")
        item = self.screen.tree.currentItem()
        if media is None or item is None:
            return
        self._confirm("Remove recording", f"Remove {item.text(0).removeprefix('▶ ')} from this "
                      "session? The file itself stays where it is.", "Remove",
                      lambda: self.workspace.remove_media(media))  # fmt: skip

    def show_trash(self) -> None:
        from ui.dialogs.record_lists import TrashDialog

        self._open(TrashDialog(self.workspace, self.screen))

    def codebooks(self) -> None:
        from ui.dialogs.record_lists import CodebooksDialog

        self._open(CodebooksDialog(self.workspace, self.screen))

    def toggle_archived(self) -> None:
        self.screen.show_archived = self.show_archived.isChecked()
        self.screen.refresh()
