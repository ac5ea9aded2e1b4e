"""The clock note of a comparison: how two codings were lined up in time, and an offer.

Shows the core's notes (``observer.analysis.clock_offset.line_up``: anchors used, a coding
without one, the shift the events suggest) and, when a shift is offered but not applied,
a button to apply it. The decision is the person's: nothing moves until they press it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from observer.analysis.clock_offset import ClockOffset
from ui import style

# What the notes tell a person of the app to do to apply an offered shift.
TO_APPLY = "press 'Use this shift'"


class ClockNote(QWidget):
    """The notes on one line-up, with 'Use this shift' when one is offered."""

    accepted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clockNote")
        self.text = QLabel()
        self.text.setWordWrap(True)
        style.set_ink(self.text, style.MUTED)
        self.use_shift = QPushButton("Use this shift")
        self.use_shift.clicked.connect(self.accepted)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.text, 1)
        row.addWidget(self.use_shift)
        self.hide()

    def show_note(self, notes: Sequence[str], offered: ClockOffset | None) -> None:
        """The clock's notes; the button only while a shift is offered and not applied."""
        self.text.setText("Clock: " + " ".join(notes) if notes else "")
        if offered is not None:
            seconds = f"{abs(offered.ms) / 1000:g} s"
            self.use_shift.setText(f"Use this shift ({'+' if offered.ms >= 0 else '−'}{seconds})")
        self.use_shift.setVisible(offered is not None)
        self.setVisible(bool(notes))
