"""A recording in the coding window: media coding, and reviewing a live coding with its tape.

``MediaCoding`` is a coding window's clock (``ui.coding_clock.CodingClock``): the time
of the frame on screen, media position plus the recording's offset. It brings a panel,
the ``MediaPlayer`` and its ``TransportBar``, that the window docks beside the seating
chart, and a Media menu. Everything else is the coding window as in live coding: the
same entry, state codes, undo, table and timeline. The timeline's "now" line is the
playhead; clicking a mark or an empty place on it seeks there; a click on a row of the
event list seeks to that event; the list marks and follows the playhead.

Reviewing a live coding with its recording is the same thing: the live coding opened
with a recording of its session, mapped onto it by the offset.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QAbstractItemView, QMenu, QVBoxLayout, QWidget

from observer.domain.clock import format_time
from observer.domain.errors import ObserverError
from observer.domain.events import Event
from observer.workspace.media import coding_media
from observer.workspace.recording import Recorder
from ui import style
from ui.coding_clock import ClockFace, CodingClock, CodingViews
from ui.event_table import EventTable
from ui.layout import menu_action
from ui.media.player import MISSING, UNPLAYABLE, MediaPlayer
from ui.media.review import TapeReviewController, ask_offset, choose_media_file
from ui.media.transport import TransportBar

PLAYHEAD = "#d62728"
PLAYER_STATES = {MISSING: "recording missing", UNPLAYABLE: "recording cannot be played"}


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


class MediaCoding(CodingClock):
    """The recording as a coding window's clock, with its player panel and Media menu."""

    toggle_text = "&Play / pause the recording"  # F5 plays and pauses

    def __init__(
        self, recorder: Recorder, media_id: int | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.recorder = recorder
        self.media_id = media_id  # the recording chosen; None: the coding's own, or the first
        self.player = MediaPlayer()
        self.player.setObjectName("codingPlayer")
        self.player.setMinimumSize(260, 170)
        self.transport = TransportBar(self.player)
        self.controller = TapeReviewController(recorder.store, self.player, parent=self)
        self.panel = QWidget()
        self.panel.setObjectName("mediaColumn")
        style.dress(self.panel)
        box = QVBoxLayout(self.panel)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.player, 1)
        box.addWidget(self.transport)
        # Lent by the window when it docks the panel.
        self._selected: Callable[[], list[Event]] = list
        self._table: EventTable | None = None
        self._table_playhead: TablePlayhead | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self.transcript: QWidget | None = None  # the turns as a transcript, when there are any

    # --- the clock -----------------------------------------------------------------------

    def now_ms(self) -> int:
        """Session time of the frame on screen: what a key press records."""
        return self.controller.current_time_ms()

    @property
    def running(self) -> bool:
        return self.player.playing

    def face(self) -> ClockFace:
        """Session time large; media time and the player's state beneath."""
        media = format_time(self.player.position_ms())[:-2]
        state = "playing" if self.player.playing else "paused"
        if not self.player.ready:
            state = "no recording" if self.controller.media is None else self.player.status
            state = PLAYER_STATES.get(state, state)
        return ClockFace(
            self.now_ms(),
            f"media {media} · {state}",
            "Pause  (F5)" if self.player.playing else "Play  (F5)",
            "Session time of the frame on screen (media time + offset)",
        )

    def greeting(self) -> str:
        return "Ready. F5 plays the recording; code keys record at the frame shown."

    def toggle(self) -> None:
        self.player.toggle_play()
        self.changed.emit()

    def refusal(self) -> str | None:
        """Events need the recording's clock; say why not when there is none."""
        if self.player.ready:
            return None
        return (
            "No playable recording: events are timed by the recording. Locate it (Media ▸ "
            "Locate the recording…) to code; the events can be edited meanwhile."
        )

    def go_to(self, session_ms: int) -> None:
        self.controller.seek_to_time(session_ms)

    def go_to_event(self, event: Event) -> None:
        if self.player.ready:
            self.controller.seek_to_event(event)

    def hold(self) -> None:
        self.controller.hold()

    def release(self) -> None:
        self.controller.release()

    # --- in the window -------------------------------------------------------------------

    def dock(self, views: CodingViews) -> None:
        """The player beside the chart, the Media menu, the playhead in the event list."""
        views.place_beside_chart(self.panel)
        self._selected = views.selected_events
        self._table = views.table
        self._table_playhead = TablePlayhead(views.table)
        self._build_menu(views.add_menu("&Media"))
        self.controller.time_changed.connect(self._time_changed)
        self.controller.offset_changed.connect(self._offset_changed)
        self.controller.problem.connect(lambda text: self.message.emit(text, 10000))
        self.player.locate_requested.connect(self.locate)
        self.player.loaded.connect(self._loaded)
        self.player.playing_changed.connect(lambda _p: self.changed.emit())
        self.player.media_error.connect(lambda _m: self.changed.emit())
        # After the table's model (subscribed when the window was built).
        self._unsubscribe = self.recorder.subscribe(lambda _c: self._follow(self.now_ms()))
        self._dock_transcript(views)
        found = coding_media(self.recorder.store, self.recorder.coding_id)
        chosen = next((m for m in found if m.id == self.media_id), found[0] if found else None)
        self.controller.open_media(chosen)
        self.changed.emit()

    def _dock_transcript(self, views: CodingViews) -> None:
        """Under the player, the speaking turns as a transcript, when the coding has any.

        Clicking an utterance seeks to it and makes its speaker the next event's actor:
        a code key then codes that utterance (the target chosen as usual).
        """
        from observer.domain.coding_data import CodingData
        from ui.transcript_pane import TranscriptPane

        def data() -> CodingData:
            return CodingData.of(self.recorder.info, self.recorder.events)

        pane = TranscriptPane(data())
        if not pane.model.rows:
            pane.deleteLater()
            return
        self.transcript = pane
        layout = self.panel.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.addWidget(pane, 1)
        pane.seek_requested.connect(self.go_to)
        pane.speaker_chosen.connect(views.choose_participant)
        self.controller.time_changed.connect(pane.follow)
        unsubscribe = self.recorder.subscribe(lambda _c: pane.refresh(data()))
        previous = self._unsubscribe

        def both() -> None:
            unsubscribe()
            if previous is not None:
                previous()

        self._unsubscribe = both

    def _build_menu(self, menu: QMenu) -> None:
        for name in ("play", "shuttle_forward", "shuttle_stop", "shuttle_back"):
            menu.addAction(self.transport.actions_by_name[name])
        menu.addSeparator()
        for name in ("back", "forward", "frame_back", "frame_forward", "slower", "faster"):
            menu.addAction(self.transport.actions_by_name[name])
        menu.addSeparator()
        for name in ("loop_start", "loop_end", "loop_off"):
            menu.addAction(self.transport.actions_by_name[name])
        self.loop_action = menu_action(menu, "Loop over the selected e&vents", "Ctrl+Shift+L",
                                       self.loop_selection)  # fmt: skip
        menu.addSeparator()
        self.nudge_action = menu_action(menu, "&Move the selected event here", "Ctrl+T",
                                        self.nudge_selected)  # fmt: skip
        menu_action(menu, "Set the &offset by this moment…", "Ctrl+Shift+O", self.ask_offset)
        menu_action(menu, "&Locate the recording…", None, self.locate)
        self.menu = menu

    def _follow(self, session_ms: int, force: bool = False) -> None:
        if self._table_playhead is not None:
            self._table_playhead.follow(session_ms, force)

    def _time_changed(self, session_ms: int) -> None:
        self._follow(session_ms)
        self.moved.emit(session_ms)

    # --- commands ------------------------------------------------------------------------

    def nudge_selected(self) -> None:
        """Ctrl+T: the selected event to the playhead (a state keeps its length)."""
        events = self._selected()
        if len(events) != 1:
            self.message.emit("Select one event to move it to the playhead.", 5000)
            return
        refusal = self.refusal()
        if refusal is not None:
            self.message.emit(refusal, 8000)
            return
        try:
            moved = self.controller.nudge(self.recorder, events[0].id)
        except ObserverError as exc:
            self.message.emit(str(exc), 8000)
            return
        if self._table is not None:
            self._table.select_event(moved.id)
        self.message.emit(f"Moved to {format_time(moved.time_ms)} (Ctrl+Z undoes).", 5000)

    def loop_selection(self) -> None:
        self.controller.loop_events(self._selected())

    def ask_offset(self) -> None:
        ask_offset(self.panel, self.controller, lambda text: self.message.emit(text, 8000))

    def locate(self) -> None:
        """Media ▸ Locate the recording… (and the player's Locate… button)."""
        path = choose_media_file(self.panel)
        if not path:
            return
        if self.controller.media is None:
            self.controller.attach(self.recorder.info.session_id, path)
        else:
            self.controller.locate(path)

    def _loaded(self, duration_ms: int) -> None:
        if not self.player.ready:
            return  # it failed while loading: its message stands
        media = self.controller.media
        name = media.name if media is not None else ""
        self.message.emit(
            f"{name}: {format_time(duration_ms)}, offset {format_time(self.controller.offset_ms)}."
            " Ctrl+Space plays; code keys record at the frame shown.",
            10000,
        )
        self._follow(self.now_ms(), force=True)
        self.changed.emit()

    def _offset_changed(self, offset_ms: int) -> None:
        self.transport.set_offset(offset_ms)
        self._time_changed(self.now_ms())  # the same frame is at another session time
        if self.controller.media is not None and self.player.ready:
            sign = "−" if offset_ms < 0 else "+"
            self.message.emit(
                f"Lined up: session time = media time {sign} {format_time(abs(offset_ms))}", 8000
            )

    def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self.player.close_media()
