"""A minimal painted timeline for the review window: event marks in lanes and the playhead.

Times here are media times (the recording's own clock); the window shifts each coding's
session times by the recording's offset before handing events over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

LANE_H = 22
AXIS_H = 18
MARGIN = 8
HIT_PX = 5


@dataclass(frozen=True)
class Mark:
    """One event as drawn: media times, a colour, and the lane (one per coding)."""

    event_id: int
    start_ms: int
    end_ms: int | None
    colour: str
    lane: int
    state: bool = False


class TimelineStrip(QWidget):
    """Click an event to go to it, or anywhere else to go to that moment."""

    seek_requested = Signal(int)  # media ms
    event_clicked = Signal(int, int)  # lane, event id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.duration_ms = 0
        self.playhead_ms = 0
        self.loop: tuple[int, int] | None = None
        self.lanes: list[str] = ["Coding"]
        self.marks: list[Mark] = []
        self.selected: int | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(False)

    def sizeHint(self) -> QSize:
        return QSize(600, self._height())

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self._height())

    def _height(self) -> int:
        return AXIS_H + LANE_H * max(1, len(self.lanes)) + 2 * MARGIN

    def set_lanes(self, names: Sequence[str]) -> None:
        self.lanes = list(names) or ["Coding"]
        self.setFixedHeight(self._height())
        self.update()

    def set_marks(self, marks: Sequence[Mark]) -> None:
        self.marks = list(marks)
        self.update()

    def set_duration(self, ms: int) -> None:
        self.duration_ms = max(0, ms)
        self.update()

    def set_playhead(self, ms: int) -> None:
        if ms != self.playhead_ms:
            self.playhead_ms = ms
            self.update()

    # --- geometry ----------------------------------------------------------------------

    def _label_w(self) -> int:
        return max(self.fontMetrics().horizontalAdvance(n) for n in self.lanes) + 10

    def _span(self) -> int:
        # The recording sets the scale; without one, the events do.
        if self.duration_ms > 0:
            return self.duration_ms
        return max(max((m.end_ms or m.start_ms for m in self.marks), default=0), 1000)

    def _visible(self, m: Mark) -> bool:
        """Inside the recording (a state counts if any of it is)."""
        span = self._span()
        end = m.end_ms if m.end_ms is not None else (span if m.state else m.start_ms)
        return end >= 0 and m.start_ms <= span

    def x_of(self, ms: int) -> float:
        left = MARGIN + self._label_w()
        width = max(1, self.width() - left - MARGIN)
        return left + width * min(max(ms, 0), self._span()) / self._span()

    def ms_at(self, x: float) -> int:
        left = MARGIN + self._label_w()
        width = max(1, self.width() - left - MARGIN)
        return round(min(max(0.0, (x - left) / width), 1.0) * self._span())

    def _lane_top(self, lane: int) -> int:
        return MARGIN + AXIS_H + lane * LANE_H

    # --- drawing -----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        p.fillRect(self.rect(), pal.base())
        span = self._span()
        left = MARGIN + self._label_w()
        right = self.width() - MARGIN
        text = pal.text().color()
        grid = QColor(text)
        grid.setAlpha(50)

        # Axis: a tick every nice interval, labelled.
        step = _tick_step(span, max(1, right - left))
        p.setPen(text)
        t = 0
        while t <= span:
            x = self.x_of(t)
            p.setPen(grid)
            p.drawLine(QPointF(x, MARGIN + AXIS_H - 4), QPointF(x, self.height() - MARGIN))
            p.setPen(text)
            label = _tick_label(t, step)
            w = self.fontMetrics().horizontalAdvance(label) + 4
            lx = min(max(x - w / 2, left - 4), self.width() - w)
            p.drawText(QRectF(lx, MARGIN, w, AXIS_H - 4), Qt.AlignmentFlag.AlignCenter, label)
            t += step

        if self.loop is not None:
            a, b = self.loop
            shade = QColor("#f2c14e")
            shade.setAlpha(70)
            p.fillRect(
                QRectF(
                    self.x_of(a),
                    MARGIN + AXIS_H,
                    self.x_of(b) - self.x_of(a),
                    LANE_H * len(self.lanes),
                ),
                shade,
            )

        for lane, name in enumerate(self.lanes):
            top = self._lane_top(lane)
            p.setPen(text)
            p.drawText(
                QRectF(MARGIN, top, left - MARGIN - 4, LANE_H),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                name,
            )
            p.setPen(grid)
            p.drawLine(QPointF(left, top + LANE_H), QPointF(right, top + LANE_H))

        for m in self.marks:
            if not self._visible(m):
                continue
            top = self._lane_top(m.lane) + 3
            colour = QColor(m.colour)
            x = self.x_of(m.start_ms)
            if m.state:
                # A running state (no end yet) is drawn paler, to the end of the recording.
                end = m.end_ms if m.end_ms is not None else span
                fill = QColor(colour)
                fill.setAlpha(110 if m.end_ms is not None else 45)
                p.fillRect(QRectF(x, top + 4, self.x_of(end) - x, LANE_H - 14), fill)
            if 0 <= m.start_ms <= span:
                p.setPen(QPen(colour, 3 if m.event_id == self.selected else 2))
                p.drawLine(QPointF(x, top), QPointF(x, top + LANE_H - 6))

        x = self.x_of(self.playhead_ms)
        p.setPen(QPen(QColor("#d62728"), 2))
        p.drawLine(QPointF(x, MARGIN + AXIS_H - 6), QPointF(x, self.height() - MARGIN))
        p.setBrush(QColor("#d62728"))
        p.drawPolygon(
            [
                QPointF(x - 5, MARGIN + AXIS_H - 8),
                QPointF(x + 5, MARGIN + AXIS_H - 8),
                QPointF(x, MARGIN + AXIS_H - 2),
            ]
        )
        p.end()

    # --- clicking ----------------------------------------------------------------------

    def mark_at(self, x: float, y: float) -> Mark | None:
        """The event drawn under a point (nearest start within a few pixels), if any."""
        lane = int((y - MARGIN - AXIS_H) // LANE_H)
        best: tuple[float, Mark] | None = None
        for m in self.marks:
            if m.lane != lane or not 0 <= m.start_ms <= self._span():
                continue
            d = abs(self.x_of(m.start_ms) - x)
            if d <= HIT_PX and (best is None or d < best[0]):
                best = (d, m)
        return best[1] if best else None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        pos = event.position()
        hit = self.mark_at(pos.x(), pos.y())
        if hit is not None:
            self.selected = hit.event_id
            self.event_clicked.emit(hit.lane, hit.event_id)
        else:
            self.seek_requested.emit(self.ms_at(pos.x()))
        self.update()


def _tick_label(ms: int, step: int) -> str:
    """m:ss on whole-second ticks, m:ss.s (or .ss) below a second."""
    minutes, rest = divmod(ms, 60_000)
    if step >= 1000:
        return f"{minutes}:{rest // 1000:02d}"
    digits = 1 if step % 100 == 0 else 2
    return f"{minutes}:{rest / 1000:0{3 + digits}.{digits}f}"


def _tick_step(span_ms: int, width_px: int) -> int:
    """A round interval giving ticks at least ~70 px apart."""
    for step in (100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000,
                 300_000, 600_000, 900_000, 1_800_000, 3_600_000):  # fmt: skip
        if width_px * step / span_ms >= 70:
            return step
    return 3_600_000
