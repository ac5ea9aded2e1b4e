"""The transport bar: play, shuttle, steps, rate, loop, and the time in media and session terms.

Letters, digits, Space, ``-`` and ``'`` belong to the codebook (codes) and to the seating
chart (members), so the transport keeps to keys that no codebook can take:

=====================  ==================================================
Ctrl+Space             play / pause (Space chooses the group in the coding window)
Ctrl+L / Ctrl+K        shuttle: play, faster (2×, 4×) / pause
Ctrl+J                 slower; from 1× or paused: backwards (faster again)
Left / Right           back / forwards 5 seconds
Shift+Left / Right     back / forwards one frame (pauses)
Ctrl+Down / Ctrl+Up    slower / faster playback rate (0.25×–4×)
Ctrl+[ / Ctrl+]        loop from here / loop to here
Ctrl+\\                 loop off
=====================  ==================================================
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from observer.domain.clock import format_time, session_time
from ui.media.player import RATES, MediaPlayer

SHORTCUTS: dict[str, tuple[str, str]] = {
    # name: (key sequence, what it does — shown in tooltips and docs)
    "play": ("Ctrl+Space", "Play / pause"),
    "shuttle_forward": ("Ctrl+L", "Play; again: faster"),
    "shuttle_stop": ("Ctrl+K", "Pause"),
    "shuttle_back": ("Ctrl+J", "Slower; then backwards"),
    "back": ("Left", "Back 5 s"),
    "forward": ("Right", "Forwards 5 s"),
    "frame_back": ("Shift+Left", "Back one frame"),
    "frame_forward": ("Shift+Right", "Forwards one frame"),
    "slower": ("Ctrl+Down", "Slower rate"),
    "faster": ("Ctrl+Up", "Faster rate"),
    "loop_start": ("Ctrl+[", "Loop from here"),
    "loop_end": ("Ctrl+]", "Loop to here"),
    "loop_off": ("Ctrl+\\", "Loop off"),
}

_BUTTONS = (
    ("back", "−5 s"),
    ("frame_back", "◀|"),
    ("shuttle_back", "◀◀"),
    ("play", "Play"),  # an icon, see _show_playing
    ("shuttle_forward", "▶▶"),
    ("frame_forward", "|▶"),
    ("forward", "+5 s"),
    ("loop_start", "[A"),
    ("loop_end", "B]"),
    ("loop_off", "⟲ off"),
)


class TransportBar(QWidget):
    """Buttons, rate and time display for a ``MediaPlayer``; its actions carry the shortcuts.

    The actions work anywhere in the window the bar is in; ``actions_by_name`` lets a
    larger window (the coding window) show them in its menus.
    """

    def __init__(self, player: MediaPlayer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player = player
        self.offset_ms = 0
        self.actions_by_name: dict[str, QAction] = {}
        handlers: dict[str, Callable[[], None]] = {
            "play": player.toggle_play,
            "shuttle_forward": player.shuttle_forward,
            "shuttle_stop": player.shuttle_stop,
            "shuttle_back": player.shuttle_back,
            "back": lambda: player.step_seconds(-1),
            "forward": lambda: player.step_seconds(1),
            "frame_back": lambda: player.step_frames(-1),
            "frame_forward": lambda: player.step_frames(1),
            "slower": lambda: self._nudge_rate(-1),
            "faster": lambda: self._nudge_rate(1),
            "loop_start": player.mark_loop_start,
            "loop_end": player.mark_loop_end,
            "loop_off": player.clear_loop,
        }
        for name, (keys, text) in SHORTCUTS.items():
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setToolTip(f"{text} ({keys})")
            action.triggered.connect(handlers[name])
            self.addAction(action)
            self.actions_by_name[name] = action

        rows = QVBoxLayout(self)
        rows.setContentsMargins(4, 2, 4, 2)
        rows.setSpacing(2)
        layout = QHBoxLayout()
        second = QHBoxLayout()
        rows.addLayout(layout)
        rows.addLayout(second)
        self.buttons: dict[str, QToolButton] = {}
        for name, label in _BUTTONS:
            button = QToolButton()
            button.setText(label)
            button.setToolTip(self.actions_by_name[name].toolTip())
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the coding
            button.clicked.connect(self.actions_by_name[name].trigger)
            # The loop's buttons go beside the rate: one row of all ten made the player's
            # column so wide that the event list beside it lost its Code column at 1280 px.
            (second if name.startswith("loop") else layout).addWidget(button)
            self.buttons[name] = button

        self.rate_box = QComboBox()
        self.rate_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for rate in RATES:
            self.rate_box.addItem(f"{rate:g}×", rate)
        self.rate_box.setCurrentIndex(RATES.index(1.0))
        self.rate_box.setToolTip("Playback rate (Ctrl+Up / Ctrl+Down)")
        self.rate_box.currentIndexChanged.connect(
            lambda i: player.set_rate(float(self.rate_box.itemData(i)))
        )
        layout.addStretch(1)

        self.time_label = QLabel()
        self.time_label.setObjectName("mediaTime")
        self.time_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Narrow beside the seating chart: the label wraps (session time below media time)
        # rather than widen the column.
        self.time_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.time_label.setWordWrap(True)
        second.insertWidget(0, self.rate_box)
        second.insertSpacing(1, 6)
        second.addStretch(1)
        self.hold_box = QCheckBox("Pause for modifiers")
        self.hold_box.setToolTip("Pause playback while a modifier (valence, intensity…) is chosen")
        self.hold_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hold_box.toggled.connect(lambda on: setattr(player, "pause_while_choosing", on))
        third = QHBoxLayout()
        rows.addLayout(third)
        third.addWidget(self.hold_box)
        third.addStretch(1)
        rows.addWidget(self.time_label)

        player.position_changed.connect(self._show_time)
        player.loaded.connect(lambda _d: self._show_time(player.position_ms()))
        player.playing_changed.connect(self._show_playing)
        self._show_playing(False)
        player.rate_changed.connect(self._show_rate)
        player.loop_changed.connect(lambda: self._show_time(player.position_ms()))
        self._show_time(0)

    def set_offset(self, offset_ms: int) -> None:
        """Show session time beside media time (session = media + offset)."""
        self.offset_ms = offset_ms
        self._show_time(self.player.position_ms())

    def _nudge_rate(self, steps: int) -> None:
        index = min(len(RATES) - 1, max(0, self.rate_box.currentIndex() + steps))
        self.rate_box.setCurrentIndex(index)

    def _show_rate(self, rate: float) -> None:
        nearest = min(range(len(RATES)), key=lambda i: abs(RATES[i] - rate))
        if self.rate_box.currentIndex() != nearest:
            self.rate_box.blockSignals(True)
            self.rate_box.setCurrentIndex(nearest)
            self.rate_box.blockSignals(False)

    def _show_playing(self, playing: bool) -> None:
        # Drawn by the style, not a font glyph: few fonts have a pause sign (U+23F8), and a
        # missing one shows as an empty box.
        button = self.buttons["play"]
        pixmap = (
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        )
        button.setIcon(button.style().standardIcon(pixmap))
        button.setText("Pause" if playing else "Play")  # read out, not shown (icon only)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)

    def _show_time(self, media_ms: int) -> None:
        p = self.player
        speed = p.speed
        shuttle = "" if speed in (0, p.rate) else f"  {speed:+g}×"
        loop = ""
        if p.loop_on and p.loop:
            loop = f"  ⟲ {format_time(p.loop[0])}–{format_time(p.loop[1])}"
        self.time_label.setText(
            f"media {format_time(media_ms)} / {format_time(p.duration_ms())}\n"
            f"session {format_time(session_time(media_ms, self.offset_ms))}{shuttle}{loop}"
        )
