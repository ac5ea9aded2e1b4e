"""The clock a coding window codes by: live session time, or the recording on screen.

The coding window asks its ``CodingClock`` for the time of every key press
(``now_ms``), shows its ``face`` in the header, lets F5 ``toggle`` it and clicks on the
timeline or the event list ``go_to`` a moment; it never asks which kind of clock it has.
The live clock is here. The media coding (``ui.media_coding``) is a clock plus a panel,
the player and its transport, that the window docks through ``CodingViews``: the few
public parts of a window a clock may use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

from observer.domain.clock import format_time
from observer.domain.errors import ObserverError
from observer.domain.events import Event
from observer.domain.resume import ResumeChoice, ResumeOffer, resume_offer
from observer.workspace.recording import Recorder
from ui import style

if TYPE_CHECKING:
    from ui.event_table import EventTable


@dataclass(frozen=True)
class ClockFace:
    """What the header shows of a clock: the time, the line beneath, the button."""

    time_ms: int
    state: str
    button: str
    tooltip: str = ""


class CodingViews(Protocol):
    """What a coding window lends the clock docked in it; all of it public."""

    @property
    def table(self) -> EventTable: ...

    def selected_events(self) -> list[Event]:
        """The events selected in the list (or on the timeline)."""
        ...

    def place_beside_chart(self, panel: QWidget) -> None:
        """Show a panel left of the seating chart and palette."""
        ...

    def show_notice(self, notice: QWidget) -> None:
        """Show a bar under the header (it hides itself when done)."""
        ...

    def add_menu(self, title: str) -> QMenu:
        """A menu of the clock's own in the window's menu bar."""
        ...

    def choose_participant(self, key: str) -> None:
        """As if the person were clicked on the seating chart (the next event's actor)."""
        ...


class CodingClock(QObject):
    """Session time for a coding window; subclasses say where it comes from."""

    changed = Signal()  # the face changed: started, paused, a recording opened or lost
    moved = Signal(int)  # session time jumped or moves on (a seek, frames played)
    message = Signal(str, int)  # for the status bar, and for how many ms

    toggle_text = "&Start / pause clock"  # F5 in the Coding menu

    def now_ms(self) -> int:
        """Session time now: what a key pressed at this instant is stored with."""
        raise NotImplementedError

    @property
    def running(self) -> bool:
        raise NotImplementedError

    def face(self) -> ClockFace:
        raise NotImplementedError

    def greeting(self) -> str:
        """The status bar's first line when the window opens."""
        return ""

    def toggle(self) -> None:
        """F5 and the header's button."""
        raise NotImplementedError

    def refusal(self) -> str | None:
        """Why an event cannot be recorded now (None: it can)."""
        return None

    def go_to(self, session_ms: int) -> None:
        """Show a moment of the session, where the clock can (a recording can, live time not)."""

    def go_to_event(self, event: Event) -> None:
        """Show an event's moment, where the clock can."""

    def hold(self) -> None:
        """A modifier is being chosen: time may wait (``release`` when done)."""

    def release(self) -> None:
        """The modifier was chosen (or the event discarded)."""

    def dock(self, views: CodingViews) -> None:
        """Put the clock's own panels and menus into the window."""

    def close(self) -> None:
        """The window closes."""


class ResumeBar(QFrame):
    """Shown after a crash when the clock had been running: how to go on."""

    chosen = Signal(object)  # the ResumeChoice

    def __init__(self, offer: ResumeOffer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resumeBar")
        self.offer = offer
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 6, 14, 6)
        message = QLabel(offer.message)
        message.setWordWrap(True)  # the bar fits the window, never widens it
        layout.addWidget(message, 1)
        self.buttons: list[QPushButton] = []
        for choice in offer.choices:
            button = QPushButton(choice.label)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, c=choice: self.chosen.emit(c))
            layout.addWidget(button)
            self.buttons.append(button)
        # "Continue" shows the time it would continue at, which runs on while it is read.
        self._ticker = QTimer(self)
        self._ticker.timeout.connect(self._show_running_time)
        self._ticker.start(500)
        self._show_running_time()

    def _show_running_time(self) -> None:
        for button, choice in zip(self.buttons, self.offer.choices, strict=True):
            if choice.continues:
                at = format_time(choice.elapsed_at(self.offer.saved)).split(".")[0]
                button.setText(f"Continue at {at} (as if it never stopped)")


class LiveCodingClock(CodingClock):
    """Elapsed session time with pauses, kept by the recorder (saved at each start and pause).

    The recorder's ``clock`` is read afresh each time: a test may give it a clock of its own.
    """

    def __init__(self, recorder: Recorder, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.recorder = recorder
        clock = recorder.clock
        self._started = clock.running or clock.elapsed_ms() > 0
        self._resume_bar: ResumeBar | None = None

    def now_ms(self) -> int:
        return self.recorder.clock.now_ms()

    @property
    def running(self) -> bool:
        return self.recorder.clock.running

    def face(self) -> ClockFace:
        running, started = self.running, self._started
        state = "running" if running else ("paused" if started else "not started")
        button = "Pause" if running else ("Resume" if started else "Start")
        return ClockFace(self.now_ms(), state, f"{button}  (F5)")

    def greeting(self) -> str:
        return "Clock running." if self.running else "Ready. F5 starts the clock."

    def toggle(self) -> None:
        if self.running:
            self.recorder.pause_clock()
            self.message.emit("Clock paused.", 3000)
        else:
            self.recorder.start_clock()
            self._started = True
            self.message.emit("Clock running.", 3000)
            self._close_resume_bar()
        self.changed.emit()

    def dock(self, views: CodingViews) -> None:
        """After a crash with the clock running: offer how to go on, under the header."""
        events = self.recorder.events
        offer = resume_offer(self.recorder.saved_clock, events[-1].time_ms if events else None)
        if offer is None:
            return
        self._resume_bar = ResumeBar(offer)
        style.dress(self._resume_bar)
        self._resume_bar.chosen.connect(self.resume)
        views.show_notice(self._resume_bar)

    def resume(self, choice: ResumeChoice) -> None:
        """The coder's answer to the offer, taken at the moment of the click."""
        try:
            self._resume(choice)
        except ObserverError as exc:  # not saved: the offer stays, the reason is said
            self.message.emit(str(exc), 8000)

    def _resume(self, choice: ResumeChoice) -> None:
        if choice.continues:
            at = format_time(self.recorder.continue_clock()).split(".")[0]
            self.message.emit(f"The clock ran on while the app was closed: now {at}.", 8000)
        else:
            self.recorder.resume_clock_at(choice.elapsed_ms, choice.running)
        self._started = True
        self._close_resume_bar()
        self.changed.emit()

    def _close_resume_bar(self) -> None:
        if self._resume_bar is not None:
            self._resume_bar.hide()
            self._resume_bar.deleteLater()
            self._resume_bar = None

    def close(self) -> None:
        if self.running:
            # A deliberate close pauses the clock; only a crash leaves it "running".
            self.recorder.pause_clock()


def clock_for(recorder: Recorder, media_id: int | None, parent: QObject) -> CodingClock:
    """The recording's clock for a media coding or a review with a recording; else live time."""
    if media_id is None and recorder.info.clock_mode != "media":
        return LiveCodingClock(recorder, parent)
    from ui.media_coding import MediaCoding  # Qt Multimedia only when needed

    return MediaCoding(recorder, media_id, parent)
