"""The start screen: groups, their sessions and codings; set up and open a coding.

It redraws when the database changes, as the bridge tells it (an import, a new coding, a
coding closed), and keeps what is selected through every redraw and from one start of
the app to the next, so Enter opens the coding the person chose.
"""

from __future__ import annotations

import importlib
import json
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from observer.domain.clock import format_clock
from observer.storage.overview import overview, trashed_codings
from observer.workspace.changes import ChangeSet, Kind
from observer.workspace.workspace import Workspace
from ui import style
from ui.bridge import bridge_for
from ui.dialogs.common import SetupDialog
from ui.settings import user_settings

if TYPE_CHECKING:
    from ui.background import Job

GROUP, SESSION, CODING, MEDIA, TRASH = "group", "session", "coding", "media", "trash"
ROLE_KIND = Qt.ItemDataRole.UserRole
ROLE_ID = Qt.ItemDataRole.UserRole + 1
ROLE_STOPPED = Qt.ItemDataRole.UserRole + 2  # session ms where an interrupted coding stopped
RESUME_TIP = (
    "Enter or Open coding resumes it: continue as if the clock never stopped, pick up at "
    "the last event, or leave it paused."
)
TOOLKIT_MODULES = ("observer.workspace.codings", "observer.workspace.groups")
SELECTION_KEY = "start/selection"  # per database: {location: [kind, id]}
MAX_REMEMBERED = 8
TOOLKIT_AFTER_MS = 300  # the database toolkit loads this long after the first paint
# What the list shows: names, attendance, codings and their event counts.
LISTED = (Kind.GROUP, Kind.MEMBER, Kind.SESSION, Kind.CODING, Kind.EVENT, Kind.MEDIA)
Selection = tuple[str, int]


def interrupted_note(stopped_at_ms: int) -> str:
    return f"stopped unexpectedly at {format_clock(stopped_at_ms)}"


def _load_toolkit() -> None:
    # Waiting here, not on a Qt timer: the thread holds no widget, and a start screen
    # closed meanwhile has no timer to be stopped from elsewhere.
    time.sleep(TOOLKIT_AFTER_MS / 1000)
    for name in TOOLKIT_MODULES:
        importlib.import_module(name)


def _remembered(settings: QSettings) -> dict[str, list[object]]:
    try:
        found = json.loads(str(settings.value(SELECTION_KEY, "") or "{}"))
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def remembered_selection(settings: QSettings, location: str) -> Selection | None:
    """What was selected when the start screen of this database was last used."""
    found = _remembered(settings).get(location)
    if isinstance(found, list) and len(found) == 2 and isinstance(found[1], int):
        return str(found[0]), found[1]
    return None


def remember_selection(settings: QSettings, location: str, selection: Selection) -> None:
    table = _remembered(settings)
    table.pop(location, None)
    table[location] = list(selection)
    kept = dict(list(table.items())[-MAX_REMEMBERED:])  # the databases used last
    settings.setValue(SELECTION_KEY, json.dumps(kept))


class StartScreen(QMainWindow):
    """Lists what is in the database; emits ``open_coding(id)`` and ``open_database(path)``."""

    open_coding = Signal(int)
    open_database = Signal(str)
    review_coding = Signal(int, int)  # coding, recording: review a coding with its tape

    def __init__(self, workspace: Workspace, recent: list[str] | None = None) -> None:
        super().__init__()
        style.dress(self)
        self.workspace = workspace
        self.store = workspace.store
        self.recent = list(recent or [])
        self.dialog: SetupDialog | None = None
        self.demo_job: Job | None = None
        self._settings = user_settings()
        # While the list is redrawn, what it selects is not the person's choice to remember.
        self._filling = False
        self._stale = False
        self.show_archived = False
        self.setWindowTitle("Group Process Observer")
        self._build()
        self._build_menus()
        self.refresh()
        self.resize(1280, 800)
        self._toolkit_loading: threading.Thread | None = None
        bridge_for(workspace.notices).changed.connect(self._on_changes)

    def _on_changes(self, changes: ChangeSet) -> None:
        """Redraw for what the list shows; while hidden (a coding is open), when shown again."""
        if not changes.touches(*LISTED):
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._toolkit_loading is None:
            # The list is read with plain SQL; the dialogs need the database toolkit (about
            # 0.4 s to import), loaded in a thread once the screen is on show: a moment
            # after its first paint, which the import would otherwise slow by holding the
            # interpreter. A dialog opened sooner imports what it needs itself.
            self._toolkit_loading = threading.Thread(target=_load_toolkit, daemon=True)
            self._toolkit_loading.start()

    # --- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        header = QFrame()
        header.setObjectName("header")
        top = QHBoxLayout(header)
        top.setContentsMargins(20, 14, 20, 14)
        titles = QVBoxLayout()
        title = QLabel("Group Process Observer")
        font = title.font()
        font.setPointSizeF(16)
        font.setBold(True)
        title.setFont(font)
        self.where = QLabel(self.store.location)
        self.where.setObjectName("muted")
        titles.addWidget(title)
        titles.addWidget(self.where)
        top.addLayout(titles, 1)
        outer.addWidget(header)

        self.pages = QStackedWidget()
        outer.addWidget(self.pages, 1)
        self.pages.addWidget(self._welcome_page())
        self.pages.addWidget(self._list_page())
        self.setCentralWidget(central)
        self.statusBar().showMessage("Enter opens the selected coding.")

    def _welcome_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(2)
        card = QWidget()
        card.setFixedWidth(560)
        box = QVBoxLayout(card)
        box.setSpacing(12)
        heading = QLabel("This database is empty")
        font = heading.font()
        font.setPointSizeF(14)
        font.setBold(True)
        heading.setFont(font)
        text = QLabel(
            "Start with the demo group to see how live coding works — eight members and two "
            "leaders over four sessions, all invented — or set up your own group."
        )
        text.setWordWrap(True)
        text.setObjectName("muted")
        # A wrapped label in a centred card gets no height of its own: give it its two lines.
        text.setMinimumHeight(text.heightForWidth(536) + 4)
        buttons = QHBoxLayout()
        self.demo_button = QPushButton("Load the &demo group")
        self.demo_button.setObjectName("primary")
        self.demo_button.clicked.connect(self.load_demo)
        new_group = QPushButton("&New group…")
        new_group.clicked.connect(self.new_group)
        buttons.addWidget(self.demo_button)
        buttons.addWidget(new_group)
        buttons.addStretch(1)
        box.addWidget(heading)
        box.addWidget(text)
        box.addSpacing(6)
        box.addLayout(buttons)
        card.setMinimumHeight(card.sizeHint().height())
        layout.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
        return page

    def _list_page(self) -> QWidget:
        page = QWidget()
        layout = QHBoxLayout(page)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(18)
        left = QVBoxLayout()
        caption = QLabel("GROUPS, SESSIONS AND CODINGS")
        caption.setObjectName("sectionTitle")
        left.addWidget(caption)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["", "Observer", "Events", "Kind"])
        self.tree.setColumnWidth(0, 540)  # room for "… stopped unexpectedly at 05:29 · Resume"
        self.tree.setColumnWidth(1, 100)
        self.tree.setColumnWidth(2, 80)
        self.tree.setAlternatingRowColors(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAccessibleName("Groups, sessions and codings")
        self.tree.currentItemChanged.connect(lambda *_: self._selection_changed())
        self.tree.itemActivated.connect(lambda *_: self.open_selected())
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        left.addWidget(self.tree, 1)
        layout.addLayout(left, 3)

        right = QVBoxLayout()
        right.setSpacing(8)
        caption2 = QLabel("ACTIONS")
        caption2.setObjectName("sectionTitle")
        right.addWidget(caption2)
        self.open_button = QPushButton("&Open coding")
        self.open_button.setObjectName("primary")
        self.open_button.clicked.connect(self.open_selected)
        self.new_coding_button = QPushButton("New &coding…")
        self.new_coding_button.clicked.connect(self.new_coding)
        self.new_session_button = QPushButton("New &session…")
        self.new_session_button.clicked.connect(self.new_session)
        new_group = QPushButton("New &group…")
        new_group.clicked.connect(self.new_group)
        for b in (self.open_button, self.new_coding_button, self.new_session_button, new_group):
            right.addWidget(b)
        self.more_actions = QVBoxLayout()  # filled by ui.menus.StartActions
        self.more_actions.setSpacing(8)
        right.addSpacing(10)
        right.addLayout(self.more_actions)
        self.details = QLabel("")
        self.details.setWordWrap(True)
        self.details.setObjectName("muted")
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        right.addSpacing(12)
        right.addWidget(self.details, 1)
        layout.addLayout(right, 1)
        return page

    def _build_menus(self) -> None:
        file = self.menuBar().addMenu("&File")
        self.file_menu = file
        self._add(file, "&Open database…", QKeySequence.StandardKey.Open, self.choose_database)
        self.recent_menu = file.addMenu("Open &recent")
        self._fill_recent()
        file.addSeparator()
        quit_action = self._add(file, "&Quit", QKeySequence.StandardKey.Quit, self.close)
        group = self.menuBar().addMenu("&Group")
        group.setToolTipsVisible(True)  # a greyed-out item says why
        self._add(group, "New &group…", "Ctrl+Shift+G", self.new_group)
        # Each with its button: enabled together, and saying why not (ui.start_reasons).
        self.controls: dict[str, list[QAction | QWidget]] = {
            "new_session": [
                self._add(group, "New &session…", "Ctrl+Shift+S", self.new_session),
                self.new_session_button,
            ],
            "new_coding": [
                self._add(group, "New &coding…", "Ctrl+Shift+C", self.new_coding),
                self.new_coding_button,
            ],
            "open": [
                self._add(group, "&Open coding", "Ctrl+Return", self.open_selected),
                self.open_button,
            ],
        }
        group.addSeparator()
        self._add(group, "Load the &demo group", None, self.load_demo)
        from ui.menus import StartActions

        self.start_actions = StartActions(self, file, before=quit_action)
        from ui.record_actions import RecordActions

        self.records = RecordActions(self)

    def _add(self, menu: QMenu, text: str, shortcut: object, slot: object) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))  # type: ignore[call-overload]
        action.triggered.connect(lambda _=False: slot())  # type: ignore[operator]
        menu.addAction(action)
        return action

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_database.emit(p))
        self.recent_menu.setEnabled(bool(self.recent))

    # --- content -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Redraw the list from the database, keeping the selection (else the remembered one)."""
        wanted = self.selection() or remembered_selection(self._settings, self.store.location)
        groups = overview(self.store, archived=self.show_archived)
        trashed = trashed_codings(self.store)
        self.pages.setCurrentIndex(0 if not groups and not trashed else 1)
        self._filling = True
        self.tree.clear()
        first_coding: QTreeWidgetItem | None = None
        for group in groups:
            people = f"{group.members} {'person' if group.members == 1 else 'people'}"
            shown = f"{group.name}  (archived)" if group.archived else group.name
            g = QTreeWidgetItem([shown, "", "", people])
            g.setData(0, ROLE_KIND, GROUP)
            g.setData(0, ROLE_ID, group.id)
            font = g.font(0)
            font.setBold(True)
            g.setFont(0, font)
            self.tree.addTopLevelItem(g)
            for session in group.sessions:
                when = (
                    f"{session.starts_at.astimezone():%d %b %Y, %H:%M}" if session.starts_at else ""
                )
                s = QTreeWidgetItem([f"Session {session.number}   {when}", "", "",
                                     f"{session.present} present"])  # fmt: skip
                s.setData(0, ROLE_KIND, SESSION)
                s.setData(0, ROLE_ID, session.id)
                g.addChild(s)
                for media in session.media:
                    length = format_clock(media.duration_ms)
                    m = QTreeWidgetItem([f"▶ {media.title}", "", length, "recording"])
                    m.setData(0, ROLE_KIND, MEDIA)
                    m.setData(0, ROLE_ID, media.id)
                    m.setToolTip(0, media.path)
                    s.addChild(m)
                for coding in session.codings:
                    name = coding.name or f"Coding {coding.id}"
                    if coding.stopped_at_ms is not None:
                        name += f"   ⚠ {interrupted_note(coding.stopped_at_ms)} · Resume"
                    c = QTreeWidgetItem([name, coding.observer, f"{coding.events:,}",
                                         coding.kind])  # fmt: skip
                    c.setData(0, ROLE_KIND, CODING)
                    c.setData(0, ROLE_ID, coding.id)
                    c.setData(0, ROLE_STOPPED, coding.stopped_at_ms)
                    if coding.stopped_at_ms is not None:
                        c.setForeground(0, QColor(style.WARNING))
                        c.setToolTip(0, f"The app {interrupted_note(coding.stopped_at_ms)}. "
                                     + RESUME_TIP)  # fmt: skip
                    s.addChild(c)
                    first_coding = first_coding or c
            g.setExpanded(True)
        if trashed:
            t = QTreeWidgetItem([f"Trash: {trashed} coding{'' if trashed == 1 else 's'}", "", "",
                                 "restore or empty"])  # fmt: skip
            t.setData(0, ROLE_KIND, TRASH)
            t.setData(0, ROLE_ID, 0)
            self.tree.addTopLevelItem(t)
        self.tree.expandAll()
        chosen = self._item(*wanted) if wanted is not None else None
        current = chosen or first_coding or self.tree.topLevelItem(0)
        if current is not None:
            self.tree.setCurrentItem(current)
        self._filling = False
        self._stale = False
        self._update_buttons()
        self.tree.setFocus()

    def selected(self, kind: str) -> int | None:
        """The id of the selected item of a kind, or of the one above it in the tree."""
        item = self.tree.currentItem()
        while item is not None:
            if item.data(0, ROLE_KIND) == kind:
                return int(item.data(0, ROLE_ID))
            item = item.parent()
        return None

    def selection(self) -> Selection | None:
        """The kind and id of the selected item."""
        item = self.tree.currentItem()
        if item is None:
            return None
        return str(item.data(0, ROLE_KIND)), int(item.data(0, ROLE_ID))

    def select(self, kind: str, item_id: int) -> None:
        item = self._item(kind, item_id)
        if item is not None:
            self.tree.setCurrentItem(item)

    def _item(self, kind: str, item_id: int) -> QTreeWidgetItem | None:
        for item in self._items():
            if item.data(0, ROLE_KIND) == kind and item.data(0, ROLE_ID) == item_id:
                return item
        return None

    def _selection_changed(self) -> None:
        if self._filling:
            return
        found = self.selection()
        if found is not None:
            remember_selection(self._settings, self.store.location, found)
        self._update_buttons()

    def _items(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            if item is None:
                continue
            out.append(item)
            stack[0:0] = [item.child(i) for i in range(item.childCount())]
        return out

    def _update_buttons(self) -> None:
        """What the buttons say; which can be used (and why not) is ``StartActions.update``."""
        self.start_actions.update()
        item = self.tree.currentItem()
        stopped = item.data(0, ROLE_STOPPED) if item is not None else None
        self.open_button.setText("&Resume coding" if stopped is not None else "&Open coding")
        if item is None:
            self.details.setText("")
            return
        kind = item.data(0, ROLE_KIND)
        tips = {
            GROUP: "Add a session for this group, then a coding of it.",
            SESSION: "Start a new coding of this session (New coding…).",
            CODING: "Enter or Open coding starts coding. Events are saved as you go.",
            MEDIA: "A recording of this session: relabel or remove it from the Edit menu.",
            TRASH: "Enter shows the codings in the trash: restore them, or empty the trash.",
        }
        if stopped is not None:
            self.details.setText(
                f"This coding {interrupted_note(stopped)}, its clock running. {RESUME_TIP}"
            )
        else:
            self.details.setText(tips.get(kind, ""))

    # --- actions -------------------------------------------------------------------------

    def load_demo(self) -> Job:
        """Add the demo group on a worker thread (seconds, with its recording): the screen
        keeps drawing meanwhile; the list is redrawn as the group is announced."""
        from ui.background import run_in_background
        from ui.import_export import show_message

        if self.demo_job is not None and self.demo_job.running:
            return self.demo_job
        self.demo_button.setEnabled(False)
        self.statusBar().showMessage("Adding the demo group…")
        job = run_in_background(
            self,
            "Demo group",
            "Adding the demo group: four sessions, six codings and a recording of session 3…",
            lambda _progress: self.workspace.load_demo(),
            can_cancel=False,  # it is written in steps: half a demo group is no use
        )
        job.done.connect(self._demo_added)
        job.failed.connect(lambda message: show_message(self, "Demo group", message, warning=True))
        job.finished.connect(lambda: self.demo_button.setEnabled(True))
        self.demo_job = job
        return job

    def _demo_added(self, changes: ChangeSet) -> None:
        self.select(CODING, changes.new(Kind.CODING))
        self.statusBar().showMessage("Demo group added: four sessions, six codings.", 6000)

    def new_group(self) -> None:
        from ui.dialogs.group_dialog import NewGroupDialog

        self._show_dialog(NewGroupDialog(self.workspace, self), lambda i: self.select(GROUP, i))

    def new_session(self) -> None:
        group_id = self.selected(GROUP)
        if group_id is None:
            return
        from ui.dialogs.session_dialog import NewSessionDialog

        dialog = NewSessionDialog(self.workspace, group_id, self)
        self._show_dialog(dialog, lambda i: self.select(SESSION, i))

    def new_coding(self) -> None:
        session_id = self.selected(SESSION)
        if session_id is None:
            return
        from ui.dialogs.coding_dialog import NewCodingDialog

        current = self.tree.currentItem()
        title = current.text(0).strip() if current is not None else ""
        dialog = NewCodingDialog(self.workspace, session_id, title, self)
        self._show_dialog(dialog, self._coding_created)

    def _show_dialog(self, dialog: SetupDialog, done: Callable[[int], None]) -> None:
        """Window-modal but not blocking: the dialog reports back when accepted."""
        self.dialog = dialog
        dialog.accepted.connect(
            lambda: done(dialog.created_id) if dialog.created_id is not None else None
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _coding_created(self, coding_id: int) -> None:
        self.select(CODING, coding_id)
        self.open_coding.emit(coding_id)

    def open_selected(self) -> None:
        coding_id = self.selected(CODING)
        item = self.tree.currentItem()
        if item is not None and item.data(0, ROLE_KIND) == TRASH:
            self.records.show_trash()
            return
        if coding_id is not None and item is not None and item.data(0, ROLE_KIND) == CODING:
            self.open_coding.emit(coding_id)

    def choose_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open database", "", "Observer databases (*.sqlite3 *.sqlite *.db);;All files (*)"
        )
        if path:
            self.open_database.emit(path)
