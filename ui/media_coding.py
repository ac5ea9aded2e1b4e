"""A recording in the coding window: media coding, and reviewing a live coding with its tape.

``MediaCoding`` puts a ``MediaPlayer`` and its ``TransportBar`` beside the seating chart
and palette of a ``CodingWindow`` and makes the media position (plus the recording's
offset: session time) the window's clock. Everything else is the coding window as in
live coding: the same entry, state codes, undo, table and timeline. The timeline's "now"
line is the playhead; clicking a mark or an empty place on it seeks there; a click on a
row of the event list seeks to that event; the list marks and follows the playhead.

Reviewing a live coding with its recording is the same thing: the live coding opened
with a recording of its session, mapped onto it by the offset.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPointF, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QAbstractItemView, QSplitter, QVBoxLayout, QWidget

from observer.domain.basic_assumption import mode_at, mode_codes
from observer.domain.clock import format_time
from observer.domain.errors import ObserverError
from observer.domain.events import Event
from observer.workspace.media import MediaInfo, coding_media
from ui import style
from ui.event_table import EventTable
from ui.media.player import MISSING, UNPLAYABLE, MediaPlayer
from ui.media.review import TapeReviewController, ask_offset, choose_media_file
from ui.media.transport import TransportBar

if TYPE_CHECKING:
    from ui.coding_window import CodingWindow

PLAYHEAD = "#d62728"
PLAYER_STATES = {MISSING: "recording missing", UNPLAYABLE: "recording cannot be played"}
NAVIGATION_KEYS = {
    Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown,
    Qt.Key.Key_Home, Qt.Key.Key_End,
}  # fmt: skip


class TablePlayhead(QWidget):
    """A red line in the event list under the last event at or before the playhead."""

    def __init__(self, table: EventTable) -> None:
        super().__init__(table.viewport())
        self.table = table
        self.row = -1
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        table.viewport().installEventFilter(self)
        table.verticalScrollBar().valueChanged.connect(lambda _v: self._fit())
        self._fit()

    def _fit(self) -> None:
        # Scrolling moves a viewport's children; the line stays put and is redrawn instead.
        self.setGeometry(self.table.viewport().rect())
        self.raise_()
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def row_at(self, session_ms: int) -> int:
        """The row of the last event at or before a session time (-1: before the first)."""
        model = self.table.model_
        rows = range(model.rowCount())
        return bisect.bisect_right(rows, session_ms, key=lambda r: model.event_at(r).time_ms) - 1

    def follow(self, session_ms: int, force: bool = False) -> None:
        """Mark the row at the playhead and keep it in view when the playhead moves on."""
        row = self.row_at(session_ms)
        if row == self.row and not force:
            return
        self.row = row
        self.update()
        if row >= 0:
            index = self.table.model_.index(row, 0)
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def paintEvent(self, _event: QPaintEvent) -> None:
        if self.row < 0:
            y = 1.0
        else:
            rect = self.table.visualRect(self.table.model_.index(self.row, 0))
            if not rect.isValid():
                return
            y = rect.bottom() + 1.0
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(QColor(PLAYHEAD), 2))
        p.drawLine(QPointF(0, y), QPointF(self.width(), y))
        p.setBrush(QColor(PLAYHEAD))
        p.drawPolygon(QPolygonF([QPointF(0, y - 5), QPointF(6, y), QPointF(0, y + 5)]))
        p.end()


class MediaCoding(QObject):
    """The player, its transport and the tape-review controller inside a coding window."""

    def __init__(self, window: CodingWindow, media_id: int | None = None) -> None:
        super().__init__(window)
        self.window = window
        recorder = window.recorder
        self.player = MediaPlayer()
        self.player.setObjectName("codingPlayer")
        self.player.setMinimumSize(260, 170)
        self.transport = TransportBar(self.player)
        self.controller = TapeReviewController(recorder.store, self.player, parent=self)
        self.table_playhead = TablePlayhead(window.table)
        self._lay_out()
        self._build_menu()

        self.controller.time_changed.connect(self._time_changed)
        self.controller.offset_changed.connect(self._offset_changed)
        self.controller.problem.connect(lambda text: window.statusBar().showMessage(text, 10000))
        self.player.locate_requested.connect(self.locate)
        self.player.loaded.connect(self._loaded)
        self.controller.offset_changed.connect(lambda _o: self._changed())
        self.player.playing_changed.connect(lambda _p: self.show_time())
        self.player.media_error.connect(lambda _m: self.show_time())
        window.timeline.event_clicked.connect(self._timeline_event)
        window.timeline.time_clicked.connect(self.controller.seek_to_time)
        window.table.clicked.connect(self._row_clicked)
        # After the table's model and the header's running states (subscribed earlier).
        self._modes: list[Event] = []
        self._mode_shown: tuple[str | None, str, int | None] | None = None
        self._mode_text = ""
        self._unsubscribe = recorder.subscribe(lambda _c: self._changed())
        self._changed()
        window.table.installEventFilter(self)
        # Pause while a modifier is chosen (when the transport's tick box is on).
        window.popup.installEventFilter(self)

        found = coding_media(recorder.store, recorder.coding_id)
        chosen = next((m for m in found if m.id == media_id), found[0] if found else None)
        self.controller.open_media(chosen)
        self.show_time()

    # --- layout and menu -----------------------------------------------------------------

    def _lay_out(self) -> None:
        """The player and transport in a column left of the seating chart and palette."""
        column = QWidget()
        column.setObjectName("mediaColumn")
        style.dress(column)
        box = QVBoxLayout(column)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.player, 1)
        box.addWidget(self.transport)
        top = self.window.table.parentWidget()
        assert isinstance(top, QSplitter)
        top.insertWidget(0, column)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 3)
        top.setStretchFactor(2, 4)
        top.setSizes([270, 280, 470])
        self.column = column

    def _build_menu(self) -> None:
        w = self.window
        w.clock_action.setText("&Play / pause the recording")
        menu = w.menuBar().addMenu("&Media")
        for name in ("play", "shuttle_forward", "shuttle_stop", "shuttle_back"):
            menu.addAction(self.transport.actions_by_name[name])
        menu.addSeparator()
        for name in ("back", "forward", "frame_back", "frame_forward", "slower", "faster"):
            menu.addAction(self.transport.actions_by_name[name])
        menu.addSeparator()
        for name in ("loop_start", "loop_end", "loop_off"):
            menu.addAction(self.transport.actions_by_name[name])
        self.loop_action = self._action(menu, "Loop over the selected e&vents", "Ctrl+Shift+L",
                                        self.loop_selection)  # fmt: skip
        menu.addSeparator()
        self.nudge_action = self._action(menu, "&Move the selected event here", "Ctrl+T",
                                         self.nudge_selected)  # fmt: skip
        self._action(menu, "Set the &offset by this moment…", "Ctrl+Shift+O", self.ask_offset)
        self._action(menu, "&Locate the recording…", None, self.locate)
        self.menu = menu

    def _action(self, menu: QObject, text: str, keys: str | None, slot: object) -> QAction:
        action = QAction(text, self.window)
        if keys is not None:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _=False: slot())  # type: ignore[operator]
        menu.addAction(action)  # type: ignore[attr-defined]
        return action

    # --- the clock -----------------------------------------------------------------------

    def current_time_ms(self) -> int:
        """Session time of the frame on screen: what a key press records."""
        return self.controller.current_time_ms()

    def can_record(self) -> bool:
        """Events need the recording's clock; say why not when there is none."""
        if self.player.ready:
            return True
        self.window.statusBar().showMessage(
            "No playable recording: events are timed by the recording. Locate it (Media ▸ "
            "Locate the recording…) to code; the events can be edited meanwhile.",
            8000,
        )
        return False

    def toggle_play(self) -> None:
        self.player.toggle_play()
        self.show_time()

    def show_time(self) -> None:
        """The header: session time large, media time and play state beneath."""
        header = self.window.header
        now = self.current_time_ms()
        self._show_mode(now)
        session = format_time(now)[:-2]
        if header.clock.text() != session:
            header.clock.setText(session)
        media = format_time(self.player.position_ms())[:-2]
        state = "playing" if self.player.playing else "paused"
        if not self.player.ready:
            state = "no recording" if self.controller.media is None else self.player.status
            state = PLAYER_STATES.get(state, state)
        header.clock_state.setText(f"media {media} · {state}")
        header.clock.setToolTip("Session time of the frame on screen (media time + offset)")
        header.button.setText("Pause  (F5)" if self.player.playing else "Play  (F5)")
        if self.player.playing:
            self.window.timeline.tick()

    def _changed(self) -> None:
        modes = mode_codes(self.window.recorder.palette.codes)
        self._modes = [e for e in self.window.recorder.events if e.code in modes]
        now = self.current_time_ms()
        self.table_playhead.follow(now)
        self._show_mode(now)

    def _show_mode(self, session_ms: int) -> None:
        """The header's group mode is the one at the playhead, not at the coding's end."""
        here = mode_at(self._modes, session_ms)
        shown: tuple[str | None, str, int | None] = (None, "", None)
        if here is not None:
            code = self.window.recorder.palette.code(here.code)
            colour = code.colour if code is not None else "#777777"
            shown = (code.label if code is not None else here.code, colour, here.time_ms)
        pill = self.window.header.mode
        # A style sheet per tick would be costly: only when it changed (here or elsewhere).
        if shown != self._mode_shown or pill.text() != self._mode_text:
            pill.show_mode(*shown)
            self._mode_shown, self._mode_text = shown, pill.text()

    def _time_changed(self, session_ms: int) -> None:
        playing = self.player.playing
        timeline = self.window.timeline
        if playing:
            timeline.tick()
        else:
            timeline.reveal(session_ms)
        self.table_playhead.follow(session_ms)
        self.show_time()

    # --- seeking from the views ----------------------------------------------------------

    def _seek_event(self, event_id: int) -> None:
        try:
            event = self.window.recorder.event(event_id)
        except ObserverError:
            return
        if self.player.ready:
            self.controller.seek_to_event(event)

    def _timeline_event(self, event_id: int) -> None:
        self._seek_event(event_id)

    def _row_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self._seek_event(self.window.table.model_.event_at(index.row()).id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.window.popup:
            if kind == QEvent.Type.Show:
                self.controller.hold()
            elif kind == QEvent.Type.Hide:
                self.controller.release()
        elif (
            watched is self.window.table
            and kind == QEvent.Type.KeyRelease
            and getattr(event, "key", lambda: None)() in NAVIGATION_KEYS
        ):
            # Moving through the list with the keyboard goes to each event in turn.
            current = self.window.table.currentIndex()
            self._row_clicked(current)
        return False

    # --- commands ------------------------------------------------------------------------

    def selected_events(self) -> list[Event]:
        w = self.window
        ids = w.table.selected_ids()
        if not ids and w.timeline.selected is not None:
            ids = [w.timeline.selected]
        return [w.recorder.event(i) for i in ids]

    def nudge_selected(self) -> None:
        """Ctrl+T: the selected event to the playhead (a state keeps its length)."""
        bar = self.window.statusBar()
        events = self.selected_events()
        if len(events) != 1:
            bar.showMessage("Select one event to move it to the playhead.", 5000)
            return
        if not self.player.ready:
            self.can_record()
            return
        try:
            moved = self.controller.nudge(self.window.recorder, events[0].id)
        except ObserverError as exc:
            bar.showMessage(str(exc), 8000)
            return
        self.window.table.select_event(moved.id)
        bar.showMessage(f"Moved to {format_time(moved.time_ms)} (Ctrl+Z undoes).", 5000)

    def loop_selection(self) -> None:
        self.controller.loop_events(self.selected_events())

    def ask_offset(self) -> None:
        ask_offset(self.window, self.controller, self.window.statusBar().showMessage)

    def choose_media_file(self) -> str:
        """Ask for the recording's file (replaced in tests)."""
        return choose_media_file(self.window)

    def locate(self) -> None:
        path = self.choose_media_file()
        if not path:
            return
        if self.controller.media is None:
            self.controller.attach(self.window.recorder.info.session_id, path)
        else:
            self.controller.locate(path)

    @property
    def media(self) -> MediaInfo | None:
        return self.controller.media

    def _loaded(self, duration_ms: int) -> None:
        if not self.player.ready:
            return  # it failed while loading: its message stands
        media = self.controller.media
        name = media.name if media is not None else ""
        self.window.statusBar().showMessage(
            f"{name}: {format_time(duration_ms)}, offset {format_time(self.controller.offset_ms)}."
            " Ctrl+Space plays; code keys record at the frame shown.",
            10000,
        )
        self.table_playhead.follow(self.current_time_ms(), force=True)
        self.show_time()

    def _offset_changed(self, offset_ms: int) -> None:
        self.transport.set_offset(offset_ms)
        self.window.timeline.update()
        if self.controller.media is not None and self.player.ready:
            sign = "−" if offset_ms < 0 else "+"
            self.window.statusBar().showMessage(
                f"Lined up: session time = media time {sign} {format_time(abs(offset_ms))}", 8000
            )

    def close(self) -> None:
        self._unsubscribe()
        self.player.close_media()
