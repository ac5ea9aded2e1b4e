"""The coding window: one coding open, coded as it happens or from its recording.

Layout only, plus wiring: every change goes through the ``Recorder`` (durable before it
returns) and every view refreshes from the recorder's change notices, so what is on
screen is always what is on disk. Events are timed by the window's ``CodingClock``:
live session time, or the frame of the recording on screen (whose player the clock
docks beside the seating chart). The window never asks which.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import importlib.util
import threading
from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QKeyEvent,
    QKeySequence,
    QPaintEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QMenu,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from observer.domain.clock import format_time
from observer.domain.errors import ObserverError
from observer.domain.events import Changes, Event
from observer.workspace.recording import Recorder
from ui import style
from ui.bridge import CodingNotices
from ui.code_palette import CodePalette
from ui.coding_clock import CodingClock, clock_for
from ui.entry import ORDERS, Completed, Entry, Outcome, Step
from ui.event_table import EventTable, EventTableModel
from ui.focus import leave_keys_to_entry, takes_text
from ui.group_mode import GroupModes
from ui.header import CodingHeader
from ui.layout import menu_action, splitter
from ui.live_state import RunningStates
from ui.menus import add_file_actions, chart_sources
from ui.modifier_popup import ModifierPopup
from ui.notes import NotesPanel
from ui.seating_chart import SeatingChart
from ui.timeline import Timeline

SIDE_MODULES = (
    "ui.prompt_panel",
    "observer.storage.read_coding",
)  # the charts load when first shown
STEP_HINTS = {
    Step.ACTOR: "Who? <span style='color:{m}'>1–9, 0 by seat · Space group · - leaders · "
    "initials</span>",
    Step.TARGET: "to whom? <span style='color:{m}'>digit · Space group · ' initials · "
    "Enter no one · or a code key</span>",
    Step.CODE: "which code? <span style='color:{m}'>a code key · Esc cancels</span>",
}
# Moving through the event list with these goes to each event (where the clock can).
NAVIGATION_KEYS = {
    Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown,
    Qt.Key.Key_Home, Qt.Key.Key_End,
}  # fmt: skip


class CodingWindow(QMainWindow):
    """Seating chart and palette on the left, the event list in the middle, timeline below."""

    closed = Signal()

    def __init__(
        self,
        recorder: Recorder,
        order: str = "actor-first",
        side_panels: bool = True,
        media_id: int | None = None,
        clock: CodingClock | None = None,
    ) -> None:
        """``media_id`` reviews the coding with that recording; ``clock`` times it otherwise
        (by default the live clock, or the recording's for a media coding)."""
        super().__init__()
        self.recorder = recorder
        info = recorder.info
        self.setWindowTitle(f"{info.title} — Group Process Observer")
        self.labels = dict(info.labels)
        self.entry = Entry(info.participants, recorder.palette, order)
        self.states = RunningStates(recorder)
        self.modes = GroupModes(recorder.palette, recorder.events)
        self.clock = clock or clock_for(recorder, media_id, self)
        self.clock.setParent(self)
        self.side_width = 290  # the side panels' width (less when a panel sits beside the chart)
        self._tick_count = 0
        self._build(info.title)
        self._build_menus()
        self.clock.changed.connect(self._tick)
        self.clock.moved.connect(self._clock_moved)
        self.clock.message.connect(self.statusBar().showMessage)
        self.clock.dock(self)
        self.notices = CodingNotices(recorder.notices, recorder.coding_id, self)  # via the bridge
        self.notices.changed.connect(self._on_changes)
        self._unsubscribe = self.notices.stop
        self.states.on_change(self._show_states)
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self._show_entry()
        self._show_states()
        self._show_undo()
        self._tick()
        self._side_modules: threading.Thread | None = None
        self._charts_loading: threading.Thread | None = None
        # The side panels load once the window has been drawn: their imports run in a
        # thread, and any earlier would slow the first paint (the threads share one lock).
        self._side_panels_pending = side_panels
        QTimer.singleShot(0, self.table.scrollToBottom)
        self.chart.setFocus()
        # The coding just read stays for as long as the window: keep its objects out of the
        # collector's full passes, which took ~0.1 s (a stalled key) with 100,000 events.
        gc.freeze()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._side_panels_pending:
            self._side_panels_pending = False
            QTimer.singleShot(0, self.preload_side_panels)

    def now(self) -> int:
        """Session time now, on the window's clock: what a key pressed now records."""
        return self.clock.now_ms()

    # --- layout --------------------------------------------------------------------------

    def _build(self, title: str) -> None:
        info = self.recorder.info
        self.header = CodingHeader(title)
        style.dress(self.header)
        self.header.start_pause.connect(self.toggle_clock)
        self.chart = SeatingChart(info.participants)
        self.chart.seat_keys = dict((v, k) for k, v in self.entry.by_seat_key.items())
        self.chart.participant_clicked.connect(self._clicked_participant)
        self.chart.dragged.connect(self._dragged)
        self.palette_view = CodePalette(self.recorder.palette)
        self.palette_view.code_clicked.connect(self._clicked_code)
        self.model = EventTableModel(self.recorder, self)
        self.model.error.connect(self.show_error)
        self.table = EventTable(self.model)
        self.table.delete_requested.connect(self._delete)
        self.timeline = Timeline(self.recorder, self.now)
        self.table.selected_event.connect(self.timeline.set_selected)
        self.timeline.event_clicked.connect(self.table.select_event)
        # Clicks go to their moment where the clock can (a recording seeks there).
        self.timeline.event_clicked.connect(self._go_to_event)
        self.timeline.time_clicked.connect(self.clock.go_to)
        self.table.clicked.connect(self._go_to_row)
        self.popup = ModifierPopup(self.recorder.palette, self.labels, self)
        self.popup.finished.connect(self._record)
        self.popup.discarded.connect(
            lambda _c: self.statusBar().showMessage("Event discarded.", 4000)
        )

        vertical, horizontal = Qt.Orientation.Vertical, Qt.Orientation.Horizontal
        left = splitter(vertical, [self.chart, self.palette_view], [1, 1], [300, 200])
        top = splitter(horizontal, [left, self.table], [4, 5], [400, 560])
        self._top = top
        body = splitter(vertical, [top, self.timeline], [3, 1], [520, 230])
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        self._column = column
        column.addWidget(body, 1)
        self.setCentralWidget(central)

        self.notes = NotesPanel(self.recorder, self.now)
        self.notes.error.connect(self.show_error)
        self.notes.done.connect(lambda: self.chart.setFocus())
        self.notes_dock = self._dock("Process notes", self.notes, "notesDock")
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
        )
        self.resizeDocks([self.notes_dock], [self.side_width], Qt.Orientation.Horizontal)
        style.set_ink(self.statusBar(), style.MUTED)
        self.statusBar().showMessage(self.clock.greeting())
        self.resize(1280, 800)
        for widget in (self.chart, self.table, self.timeline, self.palette_view, self):
            widget.installEventFilter(self)
        self.popup.installEventFilter(self)  # its showing and hiding hold the clock

    # --- what a docked clock may use (ui.coding_clock.CodingViews) ------------------------

    def place_beside_chart(self, panel: QWidget) -> None:
        """A panel (the recording) left of the seating chart and palette, in the same row."""
        top = self._top
        top.insertWidget(0, panel)
        for index, stretch in enumerate((3, 3, 4)):
            top.setStretchFactor(index, stretch)
        top.setSizes([270, 280, 470])
        self.side_width = 262  # the side panels give the panel some of their width
        self.resizeDocks([self.notes_dock], [self.side_width], Qt.Orientation.Horizontal)

    def show_notice(self, notice: QWidget) -> None:
        """A bar under the header (such as the offer to resume after a crash)."""
        self._column.insertWidget(1, notice)

    def add_menu(self, title: str) -> QMenu:
        return self.menuBar().addMenu(title)

    def selected_events(self) -> list[Event]:
        """The events selected in the list, or the one selected on the timeline."""
        ids = self.table.selected_ids()
        if not ids and self.timeline.selected is not None:
            ids = [self.timeline.selected]
        found = []
        for event_id in ids:
            # One undone meanwhile may still be selected on the timeline: left out.
            with contextlib.suppress(ObserverError):
                found.append(self.recorder.event(event_id))
        return found

    def _dock(self, title: str, widget: QWidget, name: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        style.dress(dock)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        return dock

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        add_file_actions(self, file, self.recorder.store, lambda: self.recorder.coding_id)
        self.close_action = self._action(file, "&Close coding", QKeySequence.StandardKey.Close,
                                         self.close)  # fmt: skip
        edit = bar.addMenu("&Edit")
        self.undo_action = self._action(edit, "&Undo", QKeySequence.StandardKey.Undo, self.undo)
        self.redo_action = self._action(edit, "&Redo", "Ctrl+Shift+Z", self.redo)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit.addSeparator()
        self.delete_action = self._action(edit, "&Delete event", QKeySequence.StandardKey.Delete,
                                          self.delete_selected)  # fmt: skip
        self._action(edit, "Add process &note…", "Ctrl+N", self.notes_begin)
        coding = bar.addMenu("&Coding")
        self.clock_action = self._action(coding, self.clock.toggle_text, "F5", self.toggle_clock)
        self._action(coding, "&Cancel the event being entered", None, self.cancel_entry)
        order_menu = coding.addMenu("Entry &order")
        group = QActionGroup(self)
        self.order_actions: dict[str, QAction] = {}
        for order in ORDERS:
            text = "Actor → target → code" if order == "actor-first" else "Code → actor → target"
            action = order_menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(order == self.entry.order)
            action.triggered.connect(lambda _=False, o=order: self.set_order(o))
            group.addAction(action)
            self.order_actions[order] = action
        self._action(coding, "Stop all running &states", None, self.stop_all_states)
        view = bar.addMenu("&View")
        self._action(view, "Zoom &in", QKeySequence.StandardKey.ZoomIn,
                     lambda: self.timeline.zoom(1.5))  # fmt: skip
        self._action(view, "Zoom &out", QKeySequence.StandardKey.ZoomOut,
                     lambda: self.timeline.zoom(1 / 1.5))  # fmt: skip
        self._action(view, "&Whole session", "Ctrl+0", self.timeline.show_all)
        self._action(view, "&Follow now", "End", lambda: self.timeline.set_follow_now(True))
        view.addSeparator()
        view.addAction(self.notes_dock.toggleViewAction())
        self.view_menu = view

    def _action(
        self,
        menu: QMenu,
        text: str,
        shortcut: QKeySequence.StandardKey | str | None,
        slot: Callable[[], object],
    ) -> QAction:
        return menu_action(menu, text, shortcut, slot, parent=self)

    # --- the side panels (charts, prompts) -----------------------------------------------

    def preload_side_panels(self) -> None:
        """Import the side panels' modules (matplotlib: about half a second) in a thread.

        The window stays responsive meanwhile, so a key pressed at once is handled at once
        (and gets its own time); the panels are built here when the imports are done.
        """
        names = [n for n in SIDE_MODULES if importlib.util.find_spec(n) is not None]
        self._side_modules = threading.Thread(
            target=lambda: [importlib.import_module(n) for n in names], daemon=True
        )
        self._side_modules.start()
        self._poll_side_modules()

    def _poll_side_modules(self) -> None:
        if self._side_modules is not None and self._side_modules.is_alive():
            QTimer.singleShot(50, self._poll_side_modules)
            return
        self.load_side_panels()

    def load_side_panels(self) -> None:
        """Charts and prompts load after the window is usable (matplotlib is slow to import).

        Hook: ``ui.charts_panel.ChartsPanel(data_provider)`` and ``ui.prompt_panel.PromptPanel
        (recorder)`` are added as tabbed docks beside the notes when those modules exist.
        """
        docks = [self.notes_dock]
        if importlib.util.find_spec("ui.prompt_panel") is not None:
            from ui.prompt_panel import PromptPanel

            prompts = PromptPanel(self.recorder)
            leave_keys_to_entry(prompts)
            docks.append(self._dock("Prompts", prompts, "promptsDock"))
        charts_dock = None
        if importlib.util.find_spec("ui.charts_panel") is not None:
            # Built when its tab is first shown: the charts need matplotlib (about 90 MB
            # and half a second), which an observer who never looks at them should not pay.
            # Scrolled, so that the charts' own minimum width does not widen the dock.
            self._charts_scroller = QScrollArea()
            self._charts_scroller.setWidgetResizable(True)
            self._charts_scroller.setFrameShape(QFrame.Shape.NoFrame)
            self._charts_scroller.setWidget(QLabel("Loading charts…"))
            charts_dock = self._dock("Charts", self._charts_scroller, "chartsDock")
            docks.append(charts_dock)
        for dock in docks[1:]:
            self.tabifyDockWidget(docks[0], dock)
            self.view_menu.addAction(dock.toggleViewAction())
        docks[0].raise_()
        self.resizeDocks([self.notes_dock], [self.side_width], Qt.Orientation.Horizontal)
        if charts_dock is not None:
            charts_dock.visibilityChanged.connect(self._charts_shown)

    def _charts_shown(self, shown: bool) -> None:
        """The charts tab came to the front: import the charts in a thread, then build them."""
        if not shown or getattr(self, "charts", None) is not None or self._charts_loading:
            return
        self._charts_loading = threading.Thread(
            target=lambda: importlib.import_module("ui.charts_panel"), daemon=True
        )
        self._charts_loading.start()
        self._poll_charts()

    def _poll_charts(self) -> None:
        if self._charts_loading is not None and self._charts_loading.is_alive():
            QTimer.singleShot(50, self._poll_charts)
            return
        from ui.charts_panel import ChartsPanel, recorder_source

        sources = chart_sources(self.recorder)
        self.charts = ChartsPanel(recorder_source(self.recorder), **sources)
        self._charts_scroller.setWidget(self.charts)
        leave_keys_to_entry(self._charts_scroller)
        self.notices.changed.connect(lambda _c: self.charts.schedule_refresh())

    # --- keys ----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if takes_text(watched):
                return False
            if watched is self.table and self.table.state() == QAbstractItemView.State.EditingState:
                return False
            return self.handle_key(event)
        if watched is self.popup and kind in (QEvent.Type.Show, QEvent.Type.Hide):
            # While a modifier is chosen the recording may wait (the transport's option).
            if kind == QEvent.Type.Show:
                self.clock.hold()
            else:
                self.clock.release()
        elif (
            watched is self.table
            and kind == QEvent.Type.KeyRelease
            and isinstance(event, QKeyEvent)
            and event.key() in NAVIGATION_KEYS
        ):
            self._go_to_row(self.table.currentIndex())
        return super().eventFilter(watched, event)

    def handle_key(self, event: QKeyEvent) -> bool:
        """A key press while coding; True if it was an entry key. The time is taken first."""
        now = self.now()
        if self._menu_shortcut(event):
            return True
        mods = event.modifiers() & ~(
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        )
        if mods != Qt.KeyboardModifier.NoModifier:
            return False
        key = event.key()
        text = event.text()
        if key == Qt.Key.Key_Escape:
            text = "\x1b"
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            text = "\r"
        elif key == Qt.Key.Key_Backspace:
            text = "\b"
        if not text:
            return False
        if self.popup.active:
            if self.popup.key(text):
                return True
            self.popup.accept_rest()
        if text == "\x1b":
            was_empty = self.entry.is_empty
            self.cancel_entry()
            return not was_empty
        if text == "\b" and self.entry.is_empty:
            return False
        outcome = self.entry.key(text, now)
        return self._after(outcome)

    def _menu_shortcut(self, event: QKeyEvent) -> bool:
        """A menu shortcut that reached us as a plain key press (the shortcut map did not take
        it, as under test drivers): trigger the action, so keys behave the same everywhere."""
        pressed = QKeySequence(event.keyCombination())
        for action in self.findChildren(QAction):
            if action.isEnabled() and any(s == pressed for s in action.shortcuts()):
                action.trigger()
                return True
        return False

    def _after(self, outcome: Outcome) -> bool:
        if outcome.message:
            self.statusBar().showMessage(outcome.message, 5000)
        if outcome.completed is not None:
            self._completed(outcome.completed)
        self._show_entry()
        return outcome.handled

    def _completed(self, completed: Completed) -> None:
        refusal = self.clock.refusal()
        if refusal is not None:
            self.show_error(refusal)
            return
        if not self.popup.ask(completed):
            self._record(completed, {})
            return
        self._place_popup()

    def _record(self, completed: Completed, modifiers: dict[str, str]) -> None:
        try:
            event = self.recorder.record(
                completed.time_ms, completed.code.id, completed.actor, completed.targets, modifiers
            )
        except ObserverError as exc:
            self.show_error(str(exc))
            return
        self.chart.set_last_event(event.actor, event.targets)
        who = self.labels.get(event.actor, event.actor)
        self.statusBar().showMessage(
            f"{format_time(event.time_ms).split('.')[0]}  {completed.code.label} — {who}", 4000
        )

    def _place_popup(self) -> None:
        # Just above the timeline, from the left: over the palette, clear of the newest rows.
        at = self.timeline.mapTo(self, self.timeline.rect().topLeft())
        self.popup.adjustSize()
        self.popup.move(at.x() + 8, at.y() - self.popup.height() - 6)
        self.popup.raise_()

    # --- clicks --------------------------------------------------------------------------

    def _clicked_participant(self, key: str) -> None:
        now = self.now()
        self.popup.accept_rest()
        self._after(self.entry.choose_participant(key, now))

    def _dragged(self, actor: str, target: str) -> None:
        now = self.now()
        self.popup.accept_rest()
        if self.entry.order == "actor-first":
            self.entry.cancel()
        self._after(self.entry.choose_participant(actor, now))
        self._after(self.entry.choose_participant(target, now))

    def _clicked_code(self, code_id: str) -> None:
        now = self.now()
        self.popup.accept_rest()
        self._after(self.entry.choose_code(code_id, now))
        self.chart.setFocus()

    # --- commands ------------------------------------------------------------------------

    def toggle_clock(self) -> None:
        """F5: start or pause the clock (in a media coding: play or pause the recording)."""
        self.clock.toggle()
        if self.clock.running:
            self.timeline.set_follow_now(True)
        self._tick()

    def _go_to_event(self, event_id: int) -> None:
        try:
            event = self.recorder.event(event_id)
        except ObserverError:
            return
        self.clock.go_to_event(event)

    def _go_to_row(self, index: QModelIndex) -> None:
        if index.isValid():
            self._go_to_event(self.model.event_at(index.row()).id)

    def cancel_entry(self) -> None:
        self.entry.cancel()
        self._show_entry()

    def set_order(self, order: str) -> None:
        self.entry.set_order(order)
        self.order_actions[order].setChecked(True)
        self._show_entry()

    def undo(self) -> None:
        if self.recorder.undo() is None:
            self.statusBar().showMessage("Nothing to undo.", 3000)

    def redo(self) -> None:
        if self.recorder.redo() is None:
            self.statusBar().showMessage("Nothing to redo.", 3000)

    def delete_selected(self) -> None:
        ids = [e.id for e in self.selected_events()]
        if ids:
            self._delete(ids)

    def _delete(self, ids: list[int]) -> None:
        try:
            self.recorder.delete(ids)
        except ObserverError as exc:
            self.show_error(str(exc))
            return
        if self.timeline.selected in ids:
            self.timeline.set_selected(None)
        self.statusBar().showMessage(
            f"Deleted {len(ids)} event{'s' if len(ids) > 1 else ''} (Ctrl+Z undoes).", 5000
        )

    def stop_all_states(self) -> None:
        now = self.now()
        for event in self.states.events():
            self.recorder.stop_state(event.id, max(now, event.time_ms))

    def notes_begin(self) -> None:
        self.notes_dock.show()
        self.notes_dock.raise_()
        self.notes.begin()

    def show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    # --- refreshing from the core --------------------------------------------------------

    def _on_changes(self, changes: Changes) -> None:
        self._show_undo()
        if self.modes.update(changes):
            self._show_mode()
        if changes.added and not self.table.follow_end:
            return
        if changes.added:
            self.timeline.set_selected(None)

    def _show_undo(self) -> None:
        r = self.recorder
        self.undo_action.setEnabled(r.can_undo)
        self.undo_action.setText(f"&Undo {r.undo_label}" if r.can_undo else "&Undo")
        self.redo_action.setEnabled(r.can_redo)
        self.redo_action.setText(f"&Redo {r.redo_label}" if r.can_redo else "&Redo")

    def _show_mode(self) -> None:
        """The group's mode at the time on the clock (in a media coding: at the playhead)."""
        mode = self.modes.at(self.now())
        if mode is None:
            self.header.mode.show_mode(None, "", None)
            return
        code = self.recorder.palette.code(mode.code)
        label = code.label if code else mode.code
        self.header.mode.show_mode(label, code.colour if code else "#777777", mode.time_ms)

    def _show_states(self) -> None:
        palette = self.recorder.palette
        running = self.states.events()
        self.palette_view.set_running({e.code for e in running})
        per_person: dict[str, str] = {}
        for e in running:
            code = palette.code(e.code)
            if code is not None and e.code not in self.states.mode_codes:
                per_person[e.actor] = code.label
        self.chart.set_running(per_person)

    def _show_entry(self) -> None:
        e = self.entry
        self.chart.set_selection(e.actor, [t for t in e.targets if t])
        parts = []
        if e.code is not None:
            parts.append(f"<b>{e.code.label}</b>")
        if e.actor is not None:
            parts.append(f"<b>{self.labels.get(e.actor, e.actor)}</b>")
        if e.targets:
            parts.append("→ " + (f"<b>{self.labels.get(e.targets[0], '')}</b>"
                                 if e.targets[0] else "no one"))  # fmt: skip
        if e.typed_initials:
            parts.append(f"<i>{e.typed_initials}…</i>")
        hint = STEP_HINTS[e.step].format(m=style.MUTED)
        self.header.entry.setText("  ".join(parts) + ("  " if parts else "") + hint)

    def _tick(self) -> None:
        self.header.show_clock(self.clock.face())
        self._show_mode()
        if self.clock.running:
            self._tick_count += 1
            if self._tick_count % 3 == 0:
                self.timeline.tick()

    def _clock_moved(self, session_ms: int) -> None:
        """A seek or frames played: the timeline follows a running clock, else shows the time."""
        if self.clock.running:
            self.timeline.tick()
        else:
            self.timeline.reveal(session_ms)
        self.header.show_clock(self.clock.face())
        self._show_mode()

    # --- closing -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.popup.accept_rest()
        self._timer.stop()
        self.clock.close()
        self._unsubscribe()
        self.model.close()
        gc.unfreeze()  # what the coding held may be collected again
        self.closed.emit()
        super().closeEvent(event)
