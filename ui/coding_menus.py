"""The coding window's menus, and the rule that menus never take coding keys.

Closed with Escape, a menu leaves the menu bar in its keyboard mode, where Space reopens
the menu and a letter fires an item: "Space d" (the group discloses) became Edit ▸ Delete
event. Every menu here gives the keyboard back as it hides, keys that reach the bar are
coded, and the commands that change recorded events have no letter of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu

from observer.domain.entry import ORDERS
from ui.layout import menu_action
from ui.menus import add_file_actions
from ui.phase_marks import MARK_KEY, PhaseMarker

if TYPE_CHECKING:
    from ui.coding_window import CodingWindow
    from ui.group_course_view import GroupCourseView


class CodingMenus(QObject):
    """File, Edit, Coding and View of one coding window; its actions are the window's."""

    def __init__(self, window: CodingWindow) -> None:
        super().__init__(window)
        self.window = window
        self.course_view: GroupCourseView | None = None
        w = window
        bar = w.menuBar()
        file = bar.addMenu("&File")
        add_file_actions(w, file, w.recorder.store, lambda: w.recorder.coding_id)
        w.close_action = self._action(file, "&Close coding", QKeySequence.StandardKey.Close,
                                      w.close)  # fmt: skip
        edit = bar.addMenu("&Edit")
        # Commands that change recorded events have no letter of their own (mnemonic): a
        # letter meant as a code, typed while a menu was open, must never undo or delete.
        w.undo_action = self._action(edit, "Undo", QKeySequence.StandardKey.Undo, w.undo)
        w.redo_action = self._action(edit, "Redo", "Ctrl+Shift+Z", w.redo)
        w.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit.addSeparator()
        w.delete_action = self._action(edit, "Delete event", QKeySequence.StandardKey.Delete,
                                       w.delete_selected)  # fmt: skip
        self._action(edit, "Add process &note…", "Ctrl+N", w.notes_begin)
        coding = bar.addMenu("&Coding")
        w.clock_action = self._action(coding, w.clock.toggle_text, "F5", w.toggle_clock)
        self._action(coding, "&Cancel the event being entered", None, w.cancel_entry)
        self.phases = PhaseMarker(w.recorder, w.now, w)
        self.phases.said.connect(lambda text: w.statusBar().showMessage(text, 5000))
        self.phases.done.connect(lambda: w.chart.setFocus())
        w.statusBar().addPermanentWidget(self.phases)
        self._action(coding, "Mark a &phase (check-in, work…)", MARK_KEY, self.phases.begin)
        order_menu = coding.addMenu("Entry &order")
        group = QActionGroup(w)
        w.order_actions = {}
        for order in ORDERS:
            text = "Actor → target → code" if order == "actor-first" else "Code → actor → target"
            action = order_menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(order == w.entry.order)
            action.triggered.connect(lambda _=False, o=order: w.set_order(o))
            group.addAction(action)
            w.order_actions[order] = action
        self._action(coding, "Stop all running states", None, w.stop_all_states)
        group_menu = bar.addMenu("&Group")
        self._action(group_menu, "Course of the &group…", None, self.show_course)
        self._action(group_menu, "Enter session &ratings…", None,
                     lambda: self.show_course().open_grid(w.recorder.info.session_id))  # fmt: skip
        view = bar.addMenu("&View")
        self._action(view, "Zoom &in", QKeySequence.StandardKey.ZoomIn,
                     lambda: w.timeline.zoom(1.5))  # fmt: skip
        self._action(view, "Zoom &out", QKeySequence.StandardKey.ZoomOut,
                     lambda: w.timeline.zoom(1 / 1.5))  # fmt: skip
        self._action(view, "&Whole session", "Ctrl+0", w.timeline.show_all)
        self._action(view, "&Follow now", "End", lambda: w.timeline.set_follow_now(True))
        view.addSeparator()
        view.addAction(w.notes_dock.toggleViewAction())
        w.view_menu = view
        self.give_keys_back()

    def show_course(self) -> GroupCourseView:
        """The group view of this coding's group, in its own window (one per coding window)."""
        from observer.workspace.workspace import Workspace
        from ui.group_course_view import GroupCourseView

        w = self.window
        if self.course_view is None:
            self.course_view = GroupCourseView(
                Workspace(w.recorder.store), w.recorder.info.group_id
            )
            self.course_view.setWindowFlag(Qt.WindowType.Window)
            self.course_view.setParent(w, self.course_view.windowFlags())
            self.course_view.resize(1280, 800)
        self.course_view.show()
        self.course_view.raise_()
        return self.course_view

    def give_keys_back(self) -> None:
        """However a menu closes, the keys go back to coding, never to the menu bar."""
        bar = self.window.menuBar()
        bar.installEventFilter(self.window)  # keys that reach the bar are coded there
        for menu in bar.findChildren(QMenu):
            if not menu.property("givesKeysBack"):
                menu.setProperty("givesKeysBack", True)
                menu.aboutToHide.connect(self._keys_back)

    def _keys_back(self) -> None:
        QTimer.singleShot(0, self._focus_coding)

    def _focus_coding(self) -> None:
        w = self.window
        if QApplication.activePopupWidget() is None and w.isActiveWindow():
            w.menuBar().setActiveAction(None)  # type: ignore[arg-type]
            w.chart.setFocus(Qt.FocusReason.OtherFocusReason)

    def _action(
        self,
        menu: QMenu,
        text: str,
        shortcut: QKeySequence.StandardKey | str | None,
        slot: Callable[[], object],
    ) -> QAction:
        return menu_action(menu, text, shortcut, slot, parent=self.window)
