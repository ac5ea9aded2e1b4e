"""Tape review: coding a recording against media time, or correcting a live coding with it.

``TapeReviewController`` is the glue between a ``MediaPlayer`` and a coding, free of any
particular window: its ``clock`` (``observer.domain.clock.MediaClock``) is the time of a
media coding (media position + offset); it seeks to events, nudges an event to the
playhead, and lines the recording up with the session clock. Users meet it in the
coding window (``ui/media_coding.py`` makes it the window's clock) and beside the
practice feedback.
``ReviewWindow`` is a minimal standalone window on it (player, transport, event list,
timeline strip with a lane per coding), kept for the media benchmarks and
``scripts/render_review.py``.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QCloseEvent, QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from observer.domain.clock import MediaClock, format_time, media_time, parse_time
from observer.domain.codebook import Palette
from observer.domain.errors import ObserverError
from observer.domain.events import Changes, Event
from observer.domain.participants import GROUP
from observer.storage.coding_info import coding_info
from observer.storage.event_rows import load_events
from observer.storage.store import Store
from observer.workspace.groups import attach_media
from observer.workspace.media import (
    MEDIA_SUFFIXES,
    MediaInfo,
    coding_media,
    get_media,
    locate_media,
    set_media_duration,
    set_media_offset,
    set_offset_by_marks,
)
from observer.workspace.recording import Recorder
from ui import style
from ui.media.player import MediaPlayer
from ui.media.strip import Mark, TimelineStrip
from ui.media.transport import TransportBar
from ui.settings import keyboard_initials


class TapeReviewController(QObject):
    """Connects a player to a coding: session time = media position + the recording's offset."""

    time_changed = Signal(int)  # session ms of the playhead
    offset_changed = Signal(int)
    media_changed = Signal()  # another file (or the same one, located) was opened
    problem = Signal(str)  # a message for the status bar

    def __init__(
        self,
        store: Store,
        player: MediaPlayer,
        media: MediaInfo | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.player = player
        # The clock of the frame on screen; its offset follows the recording opened.
        self.clock = MediaClock(player.position_ms, lambda: player.playing)
        self._media: MediaInfo | None = None
        self.media = media
        player.position_changed.connect(
            lambda ms: self.time_changed.emit(self.clock.session_time(ms))
        )
        player.loaded.connect(self._remember_duration)
        player.media_error.connect(self.problem)

    # --- time --------------------------------------------------------------------------

    @property
    def media(self) -> MediaInfo | None:
        """The recording open in the player (None: none attached)."""
        return self._media

    @media.setter
    def media(self, media: MediaInfo | None) -> None:
        self._media = media
        self.clock.offset_ms = media.offset_ms if media is not None else 0

    @property
    def offset_ms(self) -> int:
        return self.clock.offset_ms

    def current_time_ms(self) -> int:
        """Session time at this instant: what an event recorded now is stored with."""
        return self.clock.now_ms()

    def media_time(self, session_ms: int) -> int:
        return self.clock.media_time(session_ms)

    def seek_to_time(self, session_ms: int) -> bool:
        """Go to a session time; False if the recording does not cover it (then its nearest end)."""
        target = self.media_time(session_ms)
        self.player.seek(target)
        end = self.player.duration_ms()
        return target >= 0 and (end == 0 or target <= end)

    def seek_to_event(self, event: Event) -> bool:
        """Show the frame at an event (its start); False when the recording does not cover it."""
        covered = self.seek_to_time(event.time_ms)
        if not covered:
            first, last = (self.clock.session_time(t) for t in (0, self.player.duration_ms()))
            self.problem.emit(
                f"{format_time(event.time_ms)} is outside the recording "
                f"(it covers {format_time(first)}–{format_time(last)} of the session)."
            )
        return covered

    # --- recording and correcting ------------------------------------------------------

    def record(
        self,
        recorder: Recorder,
        code: str,
        actor: str = GROUP,
        targets: Sequence[str] = (),
        modifiers: dict[str, str] | None = None,
        note: str = "",
    ) -> Event:
        """Record an event at the media position read now (state codes toggle as live)."""
        return recorder.record(self.current_time_ms(), code, actor, targets, modifiers, note)

    def nudge(self, recorder: Recorder, event_id: int) -> Event:
        """Move an event to the playhead (a state keeps its length); one undoable edit."""
        event = recorder.event(event_id)
        now = self.current_time_ms()
        if event.end_ms is None:
            return recorder.edit(event_id, time_ms=now)
        return recorder.edit(event_id, time_ms=now, end_ms=event.end_ms + now - event.time_ms)

    def loop_events(self, events: Sequence[Event], pad_ms: int = 1000) -> None:
        """Loop over events, a second either side: the lead-in and the reaction."""
        if not events:
            return
        start = min(e.time_ms for e in events)
        end = max(e.end_ms or e.time_ms for e in events)
        self.player.set_loop(self.media_time(start) - pad_ms, self.media_time(end) + pad_ms)

    def hold(self) -> None:
        """A modifier is being chosen (pauses if the user asked for it)."""
        self.player.hold()

    def release(self) -> None:
        self.player.release()

    # --- lining up and locating --------------------------------------------------------

    def set_offset(self, offset_ms: int) -> None:
        if self.media is None:
            return
        self.media = set_media_offset(self.store, self.media.id, offset_ms)
        self.offset_changed.emit(self.media.offset_ms)
        self.time_changed.emit(self.current_time_ms())

    def attach_offset_by_marks(self, session_ms: int, media_ms: int | None = None) -> int:
        """ "This moment (the frame shown, unless ``media_ms`` is given) is at ``session_ms``."""
        if self.media is None:
            raise ObserverError("No recording is open.")
        at = self.player.position_ms() if media_ms is None else media_ms
        self.media = set_offset_by_marks(self.store, self.media.id, session_ms, at)
        self.offset_changed.emit(self.media.offset_ms)
        self.time_changed.emit(self.current_time_ms())
        return self.media.offset_ms

    def open_media(self, media: MediaInfo | None) -> bool:
        """Open a recording in the player; False (and a message) if it is missing."""
        self.media = media
        self.offset_changed.emit(self.offset_ms)
        if media is None:
            self.player.close_media()
            self.problem.emit("No recording is attached to this session: attach one to play it.")
            return False
        opened = self.player.open(media.path)
        self.media_changed.emit()
        return opened

    def locate(self, new_path: str | Path) -> bool:
        """The user found a moved file: remember its place (and its siblings'), then open it."""
        if self.media is None:
            return False
        try:
            updated = locate_media(self.store, self.media.id, new_path)
        except ObserverError as exc:
            self.problem.emit(str(exc))
            return False
        return self.open_media(updated[0])

    def attach(self, session_id: int, path: str | Path) -> bool:
        """Attach a first recording to the session and open it."""
        media_id = attach_media(self.store, session_id, str(Path(path).resolve()))
        return self.open_media(get_media(self.store, media_id))

    def _remember_duration(self, duration_ms: int) -> None:
        if self.media is not None and duration_ms > 0 and self.media.duration_ms != duration_ms:
            set_media_duration(self.store, self.media.id, duration_ms)
            self.media = get_media(self.store, self.media.id)


class ReviewWindow(QMainWindow):
    """Code a recording or review a coding with it: player, transport, event list, timeline.

    A code key records an event for the group as a whole at the media position (enough to
    exercise media coding end to end; members and targets are chosen in the coding window).
    """

    def __init__(
        self,
        store: Store,
        coding_id: int,
        media_id: int | None = None,
        compare_coding_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        style.dress(self)
        self.store = store
        # The access log names the person at the keyboard, as every opening does.
        self.recorder = Recorder(store, coding_id, keyboard_initials())
        self.code_palette = self.recorder.palette
        info = self.recorder.info
        self.setWindowTitle(f"Tape review — {info.title}")

        self.player = MediaPlayer()
        self.player.setMinimumSize(320, 200)
        self.transport = TransportBar(self.player)
        self.controller = TapeReviewController(store, self.player, parent=self)
        self.strip = TimelineStrip()
        self.events_list = QListWidget()
        self.events_list.setObjectName("reviewEvents")
        self.events_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the coding
        self.events_list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        keys = ", ".join(f"{c.key} {c.label}" for c in self.code_palette.codes if c.key)
        self.keys_label = QLabel(f"Keys: {keys}")
        self.keys_label.setWordWrap(True)

        # The compared coding (e.g. the live coding under review) in a second lane.
        self.compare: list[Event] = []
        self.compare_palette = self.code_palette
        self.playhead_row = -1  # the list row of the last event at or before the playhead
        self._times: list[int] = []
        lanes = [f"{info.observer} (this coding)"]
        if compare_coding_id is not None:
            with store.engine.connect() as conn:
                self.compare = load_events(conn, compare_coding_id)
            other = coding_info(store, compare_coding_id)
            self.compare_palette = other.palette
            lanes.append(f"{other.observer} ({other.clock_mode})")
        self.strip.set_lanes(lanes)

        left = QWidget()
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.player, 1)
        box.addWidget(self.transport)
        right = QWidget()
        rbox = QVBoxLayout(right)
        rbox.setContentsMargins(0, 0, 0, 0)
        rbox.addWidget(QLabel("Events (click to go there; Ctrl+T moves the selected one here)"))
        rbox.addWidget(self.events_list, 1)
        rbox.addWidget(self.keys_label)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        central = QWidget()
        cbox = QVBoxLayout(central)
        cbox.addWidget(split, 1)
        cbox.addWidget(self.strip)
        self.setCentralWidget(central)
        for action in self.transport.actions_by_name.values():
            self.addAction(action)
        self._add_action("Undo", QKeySequence.StandardKey.Undo, self.undo)
        self._add_action("Redo", QKeySequence.StandardKey.Redo, self.redo)
        self._add_action("Move event here", "Ctrl+T", self.nudge_selected)
        self._add_action("Loop selection", "Ctrl+Shift+L", self.loop_selection)
        self._add_action("Set offset…", "Ctrl+Shift+O", self.ask_offset)

        self.controller.time_changed.connect(self._follow)
        self.controller.offset_changed.connect(self._offset_changed)
        self.controller.problem.connect(lambda text: self.statusBar().showMessage(text))
        self.player.locate_requested.connect(self.locate)
        self.player.loaded.connect(self._loaded)
        self.player.loop_changed.connect(self._show_loop)
        self.strip.seek_requested.connect(self.player.seek)
        self.strip.event_clicked.connect(self._strip_clicked)
        self.events_list.itemClicked.connect(self._list_clicked)
        self._unsubscribe = self.recorder.subscribe(self._changed)

        found = coding_media(store, coding_id)
        chosen = next((m for m in found if m.id == media_id), found[0] if found else None)
        self.controller.open_media(chosen)
        self._refresh()

    # --- keys --------------------------------------------------------------------------

    def _add_action(
        self, text: str, keys: str | QKeySequence.StandardKey, slot: Callable[[], None]
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        mods = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        if text and mods == Qt.KeyboardModifier.NoModifier and not event.isAutoRepeat():
            code = self.code_palette.by_key(text)
            if code is not None:
                self.record_code(code.id)
                return
        super().keyPressEvent(event)

    def record_code(self, code_id: str) -> Event | None:
        """What a code key does here: the group as actor, at the media position."""
        code = self.code_palette.code(code_id)
        if code is None:
            return None
        if code.target == "required":
            self.statusBar().showMessage(
                f"{code.label} needs a target: code it in the coding window."
            )
            return None
        if not self.player.ready:
            self.statusBar().showMessage("No playable recording: events are timed by the media.")
            return None
        try:
            event = self.controller.record(self.recorder, code_id)
        except ObserverError as exc:
            self.statusBar().showMessage(str(exc))
            return None
        self.statusBar().showMessage(f"{code.label} at {format_time(event.time_ms)}")
        return event

    def undo(self) -> None:
        label = self.recorder.undo_label
        if self.recorder.undo() is not None:
            self.statusBar().showMessage(f"Undone: {label}")

    def redo(self) -> None:
        label = self.recorder.redo_label
        if self.recorder.redo() is not None:
            self.statusBar().showMessage(f"Redone: {label}")

    def selected_ids(self) -> list[int]:
        return [int(i.data(Qt.ItemDataRole.UserRole)) for i in self.events_list.selectedItems()]

    def nudge_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 1:
            self.statusBar().showMessage("Select one event to move it to the playhead.")
            return
        try:
            event = self.controller.nudge(self.recorder, ids[0])
        except ObserverError as exc:
            self.statusBar().showMessage(str(exc))
            return
        self.statusBar().showMessage(f"Moved to {format_time(event.time_ms)}")

    def loop_selection(self) -> None:
        self.controller.loop_events([self.recorder.event(i) for i in self.selected_ids()])

    def ask_offset(self) -> None:
        ask_offset(self, self.controller, self.statusBar().showMessage)

    def choose_media_file(self) -> str:
        """Ask for a recording's file (replaced in tests)."""
        return choose_media_file(self)

    def locate(self) -> None:
        path = self.choose_media_file()
        if not path:
            return
        if self.controller.media is None:
            self.controller.attach(self.recorder.info.session_id, path)
        else:
            self.controller.locate(path)

    # --- views -------------------------------------------------------------------------

    def _changed(self, _changes: Changes) -> None:
        self._refresh()

    def _refresh(self) -> None:
        selected = set(self.selected_ids())
        self.events_list.blockSignals(True)
        self.events_list.clear()
        self.playhead_row = -1
        self._times = [e.time_ms for e in self.recorder.events]
        for e in self.recorder.events:
            item = QListWidgetItem(self._describe(e))
            item.setData(Qt.ItemDataRole.UserRole, e.id)
            self.events_list.addItem(item)
            item.setSelected(e.id in selected)
        self.events_list.blockSignals(False)
        self._draw_marks()
        self._follow(self.controller.current_time_ms())

    def _describe(self, e: Event) -> str:
        code = self.code_palette.code(e.code)
        label = code.label if code else e.code
        who = self.recorder.info.label(e.actor)
        to = ", ".join(self.recorder.info.label(t) for t in e.targets)
        span = f"–{format_time(e.end_ms)}" if e.end_ms is not None else ""
        return f"{format_time(e.time_ms)}{span}  {label}  {who}{' → ' + to if to else ''}"

    def _draw_marks(self) -> None:
        off = self.controller.offset_ms
        marks = [self._mark(e, 0, off, self.code_palette) for e in self.recorder.events]
        marks += [self._mark(e, 1, off, self.compare_palette) for e in self.compare]
        self.strip.set_marks(marks)

    def _mark(self, e: Event, lane: int, offset: int, palette: Palette) -> Mark:
        code = palette.code(e.code)
        end = None if e.end_ms is None else media_time(e.end_ms, offset)
        colour = code.colour if code else "#777777"
        state = code is not None and code.is_state
        return Mark(e.id, media_time(e.time_ms, offset), end, colour, lane, state)

    def _follow(self, session_ms: int) -> None:
        """The playhead on the strip, and the list's current row at the last event before it."""
        self.strip.set_playhead(self.controller.media_time(session_ms))
        row = bisect.bisect_right(self._times, session_ms) - 1
        if row == self.playhead_row:
            return
        for index, on in ((self.playhead_row, False), (row, True)):
            item = self.events_list.item(index) if index >= 0 else None
            if item is not None:
                font = item.font()
                font.setBold(on)
                item.setFont(font)
                item.setBackground(QColor("#fff1b8") if on else QBrush())
        self.playhead_row = row
        if row >= 0:
            self.events_list.scrollToItem(self.events_list.item(row))

    def _list_clicked(self, item: QListWidgetItem) -> None:
        event = self.recorder.event(int(item.data(Qt.ItemDataRole.UserRole)))
        self.strip.selected = event.id
        self.controller.seek_to_event(event)

    def _strip_clicked(self, lane: int, event_id: int) -> None:
        source = self.recorder.events if lane == 0 else self.compare
        event = next((e for e in source if e.id == event_id), None)
        if event is None:
            return
        if lane == 0:
            row = next(i for i, e in enumerate(self.recorder.events) if e.id == event_id)
            self.events_list.clearSelection()
            self.events_list.item(row).setSelected(True)
        self.controller.seek_to_event(event)

    def _loaded(self, duration_ms: int) -> None:
        self.strip.set_duration(duration_ms)
        self.statusBar().showMessage(
            f"{self.controller.media.name if self.controller.media else ''}: "
            f"{format_time(duration_ms)}, offset {format_time(self.controller.offset_ms)}"
        )

    def _offset_changed(self, offset_ms: int) -> None:
        self.transport.set_offset(offset_ms)
        self._draw_marks()
        if self.controller.media is not None:
            sign = "−" if offset_ms < 0 else "+"
            self.statusBar().showMessage(
                f"Lined up: session time = media time {sign} {format_time(abs(offset_ms))}"
            )

    def _show_loop(self) -> None:
        self.strip.loop = self.player.loop if self.player.loop_on else None
        self.strip.update()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.player.close_media()
        self._unsubscribe()
        self.recorder.close()
        super().closeEvent(event)


def choose_media_file(parent: QWidget | None, title: str = "Locate the recording") -> str:
    """A file dialog for recordings; "" when cancelled."""
    pattern = " ".join(f"*{s}" for s in MEDIA_SUFFIXES)
    path, _ = QFileDialog.getOpenFileName(
        parent, title, "", f"Recordings ({pattern});;All files (*)"
    )
    return path


def ask_offset(
    parent: QWidget, controller: TapeReviewController, say: Callable[[str], None]
) -> None:
    """Set offset…: "the frame shown is at this session time" lines the recording up."""
    from ui.dialogs.common import text_question

    here = format_time(controller.player.position_ms())
    question = text_question(
        parent,
        "Line up the recording",
        f"The frame shown ({here} in the recording) is at which time of the session?",
    )
    if question.exec() != QDialog.DialogCode.Accepted:
        return
    text = question.textValue()
    try:
        controller.attach_offset_by_marks(parse_time(text))
    except (ValueError, ObserverError) as exc:
        say(f"Not a time: {exc}")
