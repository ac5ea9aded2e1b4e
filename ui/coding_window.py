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
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QKeyEvent,
    QPaintEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from observer.domain.entry import Entry, Step
from observer.domain.errors import ObserverError
from observer.domain.events import Changes, Event
from observer.workspace.live_entry import Done, LiveEntry
from observer.workspace.recording import Recorder
from ui import style
from ui.bridge import CodingNotices
from ui.code_palette import CodePalette
from ui.coding_clock import CodingClock, clock_for
from ui.coding_menus import CodingMenus
from ui.entry_keys import EntryKeys
from ui.event_table import EventTable, EventTableModel
from ui.focus import takes_text
from ui.group_mode import GroupModes
from ui.header import CodingHeader
from ui.layout import splitter
from ui.live_state import RunningStates
from ui.modifier_strip import ModifierStrip
from ui.notes import NotesPanel
from ui.seating_chart import SeatingChart
from ui.side_panels import SidePanels
from ui.timeline import Timeline

if TYPE_CHECKING:
    from ui.charts_panel import ChartsPanel

STEP_HINTS = {
    Step.ACTOR: "Who? <span style='color:{m}'>1–9, 0 by seat · Space group · - leaders · "
    "initials</span>",
    Step.TARGET: "to whom? <span style='color:{m}'>digit · Space group · ' initials · "
    "Enter no one · or a code key</span>",
    Step.CODE: "which code? <span style='color:{m}'>a code key · Esc cancels</span>",
    Step.MODIFIERS: "modifiers? <span style='color:{m}'>a value key or a click · Enter leaves "
    "it · Esc discards</span>",
    Step.ARRIVAL: "came in late? <span style='color:{m}'>y: yes, from now · n: no</span>",
}
# Room left above a window for a window manager's title bar and frame.
TITLE_BAR = 40
# Moving through the event list with these goes to each event (where the clock can).
NAVIGATION_KEYS = {
    Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown,
    Qt.Key.Key_Home, Qt.Key.Key_End,
}  # fmt: skip


TICK_MS = 100  # the clock face and held keys are looked at this often


class CodingWindow(QMainWindow):
    """Seating chart and palette on the left, the event list in the middle, timeline below."""

    closed = Signal()
    # The window's commands, made by its menus (ui.coding_menus).
    close_action: QAction
    undo_action: QAction
    redo_action: QAction
    delete_action: QAction
    clock_action: QAction
    order_actions: dict[str, QAction]
    view_menu: QMenu

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
        self.states = RunningStates(recorder)
        self.modes = GroupModes(recorder.palette, recorder.events)
        self.clock = clock or clock_for(recorder, media_id, self)
        self.clock.setParent(self)
        self.live = LiveEntry(recorder, order, refusal=self.clock.refusal)
        self.keys = EntryKeys(self)
        self.side_width = 290  # the side panels' width (less when a panel sits beside the chart)
        self._tick_count = 0
        self._build(info.title)
        self.menus = CodingMenus(self)
        self._ticked = QElapsedTimer()  # since the last tick: a late one decides no turn
        self._ticked.start()
        self.clock.changed.connect(self._tick)
        self.clock.moved.connect(self._clock_moved)
        self.clock.message.connect(self.statusBar().showMessage)
        self.clock.dock(self)
        self.notices = CodingNotices(recorder.notices, recorder.coding_id, self)  # via the bridge
        self.notices.changed.connect(self._on_changes)
        self.notices.records_changed.connect(self.reread_records)
        self._unsubscribe = self.notices.stop
        self.states.on_change(self._show_states)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self._show_entry()
        self._show_states()
        self._show_undo()
        self._say_what_lacks_modifiers()
        self.after(self.live.end_turns_left_running())
        self._tick()
        self.side = SidePanels(self)
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
        self.popup = ModifierStrip(self.live.label, self)
        self.popup.chosen.connect(self._clicked_modifier)
        # The entry's one timer: the strip closing by itself, then the grace for a late key.
        self._entry_timer = QTimer(self)
        self._entry_timer.setSingleShot(True)
        self._entry_timer.timeout.connect(self._entry_timeout)

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
        self.notes.said.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.notes.done.connect(lambda: self.chart.setFocus())
        self.notes_dock = self.dock_panel("Process notes", self.notes, "notesDock")
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
        )
        self.resizeDocks([self.notes_dock], [self.side_width], Qt.Orientation.Horizontal)
        style.set_ink(self.statusBar(), style.MUTED)
        # An opening that could not be logged is said, never held against the person.
        self.statusBar().showMessage(self.recorder.unlogged or self.clock.greeting())
        self._fit_screen()
        for widget in (self.chart, self.table, self.timeline, self.palette_view, self):
            widget.installEventFilter(self)
        self.popup.installEventFilter(self)  # its showing and hiding hold the clock

    def _fit_screen(self) -> None:
        """1280 x 800 where the screen has room, else the room it has: the status line, where
        entry messages appear, stays on screen with a window manager's title bar."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else None
        width, height = 1280, 800
        if room is not None and not room.isEmpty():
            width = min(width, room.width())
            height = min(height, room.height() - TITLE_BAR)
        self.resize(width, height)

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
        menu = self.menuBar().addMenu(title)
        QTimer.singleShot(0, self.menus.give_keys_back)  # once its items are in
        return menu

    def choose_participant(self, key: str) -> None:
        """As if the person were clicked on the seating chart; code keys go on from there."""
        self._clicked_participant(key)
        self.chart.setFocus()

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

    def dock_panel(self, title: str, widget: QWidget, name: str) -> QDockWidget:
        """A side panel, docked at the right beside the process notes."""
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

    # --- the side panels (charts, prompts) -----------------------------------------------

    def preload_side_panels(self) -> None:
        """Import the side panels in a thread, then build them (see ``ui.side_panels``)."""
        self.side.preload_side_panels()

    def load_side_panels(self) -> None:
        self.side.load_side_panels()

    @property
    def charts(self) -> ChartsPanel | None:
        return self.side.charts

    # --- keys ----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if takes_text(watched):
                return False
            if watched is self.table and self.table.state() == QAbstractItemView.State.EditingState:
                return False
            return self.handle_key(event)
        release = kind == QEvent.Type.KeyRelease and isinstance(event, QKeyEvent)
        if release and not takes_text(watched) and self.keys.release(event):  # type: ignore[arg-type]
            return True
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
        """A key press while coding; True if it was an entry key (``ui.entry_keys``)."""
        return self.keys.press(event)

    def after(self, done: Done) -> bool:
        """Show what an input did: the status line, the last event's arrow, the strip."""
        if done.message:
            self.statusBar().showMessage(done.message, 8000 if done.failed else 5000)
        if done.recorded is not None:
            self.chart.show_event(done.recorded)
        if done.timer_ms == 0:
            self._entry_timer.stop()
        elif done.timer_ms is not None:
            self._entry_timer.start(done.timer_ms)
        if self.popup.show_for(self.entry):
            self._place_popup()
        self._show_entry()
        return done.handled

    def _say_what_lacks_modifiers(self) -> None:
        """After a crash while a strip was open: which stored events still lack modifiers."""
        lacking = self.recorder.awaiting_modifiers()
        if not lacking:
            return
        first = self.live.describe(lacking[0])
        more = f" and {len(lacking) - 1} more" if len(lacking) > 1 else ""
        notice = QLabel(
            f"{first}{more} still lack{'s' if not more else ''} modifiers: the app closed while "
            "they were being chosen. The events are saved; double-click a Modifiers cell to "
            "choose them."
        )
        notice.setObjectName("lackingModifiers")
        notice.setWordWrap(True)
        notice.setContentsMargins(14, 6, 14, 6)
        style.set_ink(notice, style.MUTED)
        self.show_notice(notice)

    def finish_modifiers(self) -> None:
        """Close the strip now: the modifiers not chosen take their defaults."""
        self.after(self.live.finish())

    def _entry_timeout(self) -> None:
        self.after(self.live.timeout())

    def _place_popup(self) -> None:
        # Just above the timeline, from the left: over the palette, clear of the newest rows.
        at = self.timeline.mapTo(self, self.timeline.rect().topLeft())
        self.popup.adjustSize()
        self.popup.move(at.x() + 8, at.y() - self.popup.height() - 6)
        self.popup.raise_()

    # --- clicks --------------------------------------------------------------------------

    def _clicked_participant(self, key: str) -> None:
        self.after(self.live.choose_participant(key, self.now()))

    def _dragged(self, actor: str, target: str) -> None:
        now = self.now()
        self.finish_modifiers()
        if self.entry.order == "actor-first":
            self.live.cancel()
        self.after(self.live.choose_participant(actor, now))
        self.after(self.live.choose_participant(target, now))

    def _clicked_code(self, code_id: str) -> None:
        self.after(self.live.choose_code(code_id, self.now()))
        self.chart.setFocus()

    def _clicked_modifier(self, set_id: str, value_id: str) -> None:
        self.after(self.live.choose_modifier(set_id, value_id))
        self.chart.setFocus()

    # --- commands ------------------------------------------------------------------------

    def toggle_clock(self) -> None:
        """F5: start or pause the clock (in a media coding: play or pause the recording)."""
        if not self._saying_failures(self.clock.toggle):
            return
        if not self.clock.running:  # paused: a speaking turn held now ends here
            self.after(self.live.stop_turns(self.now()))
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

    @property
    def entry(self) -> Entry:
        """The event being entered (actor, target, code, the strip's modifiers)."""
        return self.live.entry

    def cancel_entry(self) -> None:
        self.after(self.live.cancel())

    def set_order(self, order: str) -> None:
        self.after(self.live.set_order(order))
        self.order_actions[order].setChecked(True)

    def undo(self) -> None:
        self.finish_modifiers()
        self._step("undo", self.recorder.undo_label, self.recorder.undo, "Ctrl+Shift+Z redoes")

    def redo(self) -> None:
        self._step("redo", self.recorder.redo_label, self.recorder.redo, "Ctrl+Z undoes")

    def _step(self, verb: str, label: str, command: Callable[[], object], hint: str) -> None:
        try:
            changed = command()
        except ObserverError as exc:  # not undone: the step stays, the reason is said
            self.show_error(str(exc))
            return
        if changed is None:
            self.statusBar().showMessage(f"Nothing to {verb}.", 3000)
        else:
            self.statusBar().showMessage(f"{verb.capitalize()}ne: {label} · {hint} it.", 6000)

    def delete_selected(self) -> None:
        ids = [e.id for e in self.selected_events()]
        if ids:
            self._delete(ids)

    def _delete(self, ids: list[int]) -> None:
        self.finish_modifiers()
        described = [self.live.describe(e) for e in self.recorder.events if e.id in set(ids)]
        try:
            self.recorder.delete(ids)
        except ObserverError as exc:
            self.show_error(str(exc))
            return
        if self.timeline.selected in ids:
            self.timeline.set_selected(None)
        what = described[0] if len(described) == 1 else f"{len(ids)} events"
        self.statusBar().showMessage(f"Deleted {what} · Ctrl+Z brings it back.", 8000)

    def stop_all_states(self) -> None:
        now = self.now()
        for event in self.states.events():
            end = max(now, event.time_ms)
            if not self._saying_failures(partial(self.recorder.stop_state, event.id, end)):
                return

    def _saying_failures(self, command: Callable[[], object]) -> bool:
        """Run a command; a failure (a refusal, a save that failed) is said, never raised."""
        try:
            command()
        except ObserverError as exc:
            self.show_error(str(exc))
            return False
        return True

    def notes_begin(self) -> None:
        self.notes_dock.show()
        self.notes_dock.raise_()
        self.notes.begin()

    def show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    # --- refreshing from the core --------------------------------------------------------

    def _on_changes(self, changes: Changes) -> None:
        self._show_undo()
        self.chart.follow(changes, self.recorder.events)
        self.chart.set_participants(self.recorder.info.participants)  # a late arrival
        if self.modes.update(changes):
            self._show_mode()
        if changes.added and not self.table.follow_end:
            return
        if changes.added:
            self.timeline.set_selected(None)

    def reread_records(self) -> None:
        """A correction made elsewhere (coding renamed or moved, someone renamed): show it."""
        info = self.recorder.reread_info()
        self.setWindowTitle(f"{info.title} — Group Process Observer")
        self.header.title.setText(info.title)
        self.labels = dict(info.labels)
        self.chart.set_participants(info.participants)
        self.model.set_labels(info.labels)
        self.timeline.reread_tracks()
        self._show_entry()

    def _show_undo(self) -> None:
        r = self.recorder
        self.undo_action.setEnabled(r.can_undo)
        self.undo_action.setText(f"Undo {r.undo_label}" if r.can_undo else "Undo")
        self.redo_action.setEnabled(r.can_redo)
        self.redo_action.setText(f"Redo {r.redo_label}" if r.can_redo else "Redo")

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
        # A member's key held: a turn once held long enough. Not on a late tick (the window
        # was busy): the key's release may still be waiting to be handled behind it.
        late = self._ticked.restart() > 3 * TICK_MS
        if self.live.held.pending and not late:
            self.after(self.live.tick(self.now()))
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
        self.live.stop_turns(self.now())
        self.live.finish()
        self._entry_timer.stop()
        self._timer.stop()
        self._saying_failures(self.clock.close)  # if not paused, reopening offers to resume
        self._unsubscribe()
        self.model.close()
        gc.unfreeze()  # what the coding held may be collected again
        self.closed.emit()
        super().closeEvent(event)
