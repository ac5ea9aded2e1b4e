"""The strip across the top of the coding window: clock, Start/Pause, group mode, entry."""

from __future__ import annotations

import re

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from observer.domain.clock import format_time
from ui import style
from ui.coding_clock import ClockFace


class ModePill(QLabel):
    """The group's current basic-assumption mode, as a coloured pill."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Group mode")
        self._shown: tuple[str | None, str, int | None] | None = None
        self.show_mode(None, "", None)

    def show_mode(self, label: str | None, colour: str, since_ms: int | None) -> None:
        # Asked on every tick of the clock; a style sheet each time would be costly.
        if (label, colour, since_ms) == self._shown:
            return
        self._shown = (label, colour, since_ms)
        if label is None:
            text, bg, fg = "No group mode coded", "#e9edf1", style.MUTED
        else:
            since = (
                f"  · since {format_time(since_ms).split('.')[0]}" if since_ms is not None else ""
            )
            text, bg, fg = f"{label}{since}", colour, style.readable_on(colour).name()
        self.setText(text)
        self.setStyleSheet(
            f"QLabel {{ background: {bg}; color: {fg}; border-radius: 13px; padding: 4px 14px;"
            " font-weight: 600; }"
        )


class EntryLine(QWidget):
    """One line of rich text, the event being entered; changed on every key while coding.

    Unlike a QLabel, new text repaints this line only: it never asks the window to lay
    itself out again (that took a few milliseconds per key). Text too long is cut.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._shown = QTextDocument(self)
        self._shown.setDocumentMargin(0)
        option = QTextOption(Qt.AlignmentFlag.AlignLeft)
        option.setWrapMode(QTextOption.WrapMode.NoWrap)
        self._shown.setDefaultTextOption(option)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self._shown.setDefaultFont(self.font())
            self._shown.setHtml(text)
            self.setAccessibleDescription(re.sub(r"<[^>]+>", "", text))
            self.update()

    def sizeHint(self) -> QSize:
        return QSize(200, self.fontMetrics().height() + 4)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.fontMetrics().height() + 4)

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.translate(0, (self.height() - self._shown.size().height()) / 2)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette = self.palette()
        context.palette.setColor(QPalette.ColorRole.Text, self.palette().windowText().color())
        self._shown.documentLayout().draw(p, context)
        p.end()


class ElidedLabel(QLabel):
    """One line that ends in "…" where it has no room; the whole text in its tooltip.

    ``text()`` is the whole text; what is drawn (and asks for room) is the shortened one.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._whole = ""
        # It may be cut rather than widen the window (1280 px must fit).
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:
        self._whole = text
        self.setToolTip(text)
        self._fit()

    def text(self) -> str:
        return self._whole

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = max(self.width(), 1)
        shown = self.fontMetrics().elidedText(self._whole, Qt.TextElideMode.ElideRight, room)
        super().setText(shown)


class CodingHeader(QFrame):
    """Clock and its button on the left, the entry in the middle, the group mode on the right."""

    start_pause = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(14)
        self.clock = QLabel("00:00")
        self.clock.setObjectName("clock")
        self.clock.setFont(style.mono_font(22))
        self.clock.setMinimumWidth(110)
        self.clock.setAccessibleName("Session clock")
        self.button = QPushButton("Start  (F5)")
        self.button.setObjectName("primary")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setMinimumWidth(118)
        self.button.clicked.connect(self.start_pause.emit)
        self.clock_state = QLabel("not started")
        self.clock_state.setObjectName("muted")
        clock_box = QVBoxLayout()
        clock_box.setSpacing(0)
        clock_box.addWidget(self.clock)
        clock_box.addWidget(self.clock_state)
        layout.addLayout(clock_box)
        layout.addWidget(self.button)
        entry_box = QVBoxLayout()
        entry_box.setSpacing(1)
        self.title = ElidedLabel(title)
        self.title.setObjectName("muted")
        self.entry = EntryLine()
        self.entry.setAccessibleName("Event being entered")
        entry_box.addWidget(self.title)
        entry_box.addWidget(self.entry)
        layout.addSpacing(10)
        layout.addLayout(entry_box, 1)
        self.mode = ModePill()
        layout.addWidget(self.mode, 0, Qt.AlignmentFlag.AlignVCenter)

    def show_clock(self, face: ClockFace) -> None:
        """The clock's time to the tenth of a second, its state and its button's text."""
        text = format_time(face.time_ms)[:-2]
        # Called ten times a second: touch only what changed (a new text lays out again).
        for label, value in ((self.clock, text), (self.clock_state, face.state),
                             (self.button, face.button)):  # fmt: skip
            if label.text() != value:
                label.setText(value)
        if self.clock.toolTip() != face.tooltip:
            self.clock.setToolTip(face.tooltip)
