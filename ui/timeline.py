"""The timeline: one track per person (plus leaders and group), a basic-assumption band on top.

Built for long codings: events are kept in time order and only the visible time range is
painted, found by bisection; state codes (few) are kept apart and drawn as bands. It
follows "now" during live coding until the observer scrolls away.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from observer.domain.basic_assumption import mode_codes
from observer.domain.clock import format_time
from observer.domain.codebook import Palette
from observer.domain.events import Changes, Event
from observer.domain.participants import GROUP, LEADERS, Participant
from observer.workspace.recording import Recorder
from ui import style

GUTTER = 112  # track labels
AXIS = 20  # time axis at the bottom
BAND = 20  # the basic-assumption band on top
MIN_SPAN_MS = 5_000
MAX_SPAN_MS = 24 * 3_600_000
TICKS_MS = (1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
            900_000, 1_800_000, 3_600_000, 7_200_000)  # fmt: skip


def _key(e: Event) -> tuple[int, int]:
    return e.sort_key


class Timeline(QWidget):
    """Custom-painted timeline over a recorder's events; emits ``event_clicked(id)``."""

    event_clicked = Signal(int)
    time_clicked = Signal(int)  # session ms of a click away from any mark (seeks a recording)
    view_changed = Signal()

    def __init__(
        self,
        recorder: Recorder,
        now_ms: Callable[[], int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.palette_: Palette = recorder.palette
        self._now = now_ms
        self._recorder = recorder
        self.tracks: list[Participant] = []
        self.reread_tracks()
        self._colour: dict[str, QColor] = {c.id: QColor(c.colour) for c in self.palette_.codes}
        self._state_codes = {c.id for c in self.palette_.codes if c.is_state}
        self._ba_codes = mode_codes(self.palette_.codes)
        self._points: list[Event] = []
        self._states: dict[int, Event] = {}
        self._points_by_id: dict[int, Event] = {}
        for e in recorder.events:
            self._add(e, append=True)
        self.selected: int | None = None
        self.follow_now = True
        self.span_ms = 5 * 60_000
        self.start_ms = 0
        self._follow()  # open where the clock stands, e.g. at the end of a coding resumed
        self.paint_count = 0
        self._backdrop_look: tuple[int, int, float] | None = None
        self._backdrop_pixmap: QPixmap | None = None
        self.setMinimumHeight(AXIS + BAND + 12 * len(self.tracks) + 8)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setAccessibleName("Timeline")
        recorder.subscribe(self._on_changes)

    def reread_tracks(self) -> None:
        """One track per person in seat order, then the leaders and the group; each named as
        the coding shows them apart (two members called Sam are "Sam (SK)" and "Sam (SM)")."""
        info = self._recorder.info
        people = sorted(
            (p for p in info.participants if p.role not in ("group", "leaders")),
            key=lambda p: p.seat,
        )
        collectives = [p for p in info.participants if p.key in (LEADERS, GROUP)]
        self.tracks = people + collectives
        self._track_of = {p.key: i for i, p in enumerate(self.tracks)}
        self._labels = info.labels
        self._backdrop_look = None  # the track labels are drawn again
        self.update()

    def track_names(self) -> list[tuple[str, bool]]:
        """Each track's name as drawn, and whether the person is shown present."""
        return [(self._labels.get(p.key, p.label), p.present) for p in self.tracks]

    def sizeHint(self) -> QSize:
        return QSize(900, AXIS + BAND + 16 * len(self.tracks) + 10)

    # --- data ----------------------------------------------------------------------------

    def _add(self, e: Event, append: bool = False) -> None:
        if e.code in self._state_codes:
            self._states[e.id] = e
            return
        self._points_by_id[e.id] = e
        if append:
            self._points.append(e)
        else:
            bisect.insort(self._points, e, key=_key)

    def _drop(self, event_id: int) -> None:
        if self._states.pop(event_id, None) is not None:
            return
        old = self._points_by_id.pop(event_id, None)
        if old is not None:
            del self._points[bisect.bisect_left(self._points, old.sort_key, key=_key)]

    def _on_changes(self, changes: Changes) -> None:
        for event_id in changes.removed:
            self._drop(event_id)
        for e in changes.changed:
            self._drop(e.id)
            self._add(e)
        for e in changes.added:
            self._add(e)
        if not (changes.added or changes.changed or changes.removed):
            # Not an event: who is present may have changed (a late arrival).
            self.reread_tracks()
        if changes.added or changes.changed or changes.removed:
            if self.follow_now:
                self._follow()
            self.update()

    @property
    def point_count(self) -> int:
        return len(self._points)

    # --- the visible range ---------------------------------------------------------------

    def visible_range(self) -> tuple[int, int]:
        return self.start_ms, self.start_ms + self.span_ms

    def duration_ms(self) -> int:
        last_point = self._points[-1].time_ms if self._points else 0
        last_state = max((e.end_ms or e.time_ms for e in self._states.values()), default=0)
        return max(last_point, last_state, self._now())

    def set_span(self, span_ms: int, anchor_ms: int | None = None) -> None:
        """Zoom to show ``span_ms``, keeping ``anchor_ms`` (default: the centre) in place."""
        span_ms = max(MIN_SPAN_MS, min(MAX_SPAN_MS, int(span_ms)))
        if anchor_ms is None:
            anchor_ms = self.start_ms + self.span_ms // 2
        frac = (anchor_ms - self.start_ms) / self.span_ms if self.span_ms else 0.5
        self.span_ms = span_ms
        self.start_ms = max(0, int(anchor_ms - frac * span_ms))
        if self.follow_now:
            self._follow()
        self.view_changed.emit()
        self.update()

    def zoom(self, factor: float) -> None:
        """factor > 1 zooms in (a shorter span)."""
        anchor = self._now() if self.follow_now else None
        self.set_span(int(self.span_ms / factor), anchor)

    def scroll_to(self, start_ms: int) -> None:
        self.follow_now = False
        self.start_ms = max(0, int(start_ms))
        self.view_changed.emit()
        self.update()

    def show_all(self) -> None:
        self.follow_now = False
        self.span_ms = max(MIN_SPAN_MS, min(MAX_SPAN_MS, int(self.duration_ms() * 1.02) + 1))
        self.start_ms = 0
        self.view_changed.emit()
        self.update()

    def set_follow_now(self, follow: bool) -> None:
        self.follow_now = follow
        if follow:
            self._follow()
        self.update()

    def tick(self) -> None:
        """Called by the window's clock timer while the clock runs."""
        if self.follow_now:
            self._follow()
        self.update()

    def _follow(self) -> None:
        now = self._now()
        # Keep "now" at four fifths of the width, so the latest marks are in view.
        self.start_ms = max(0, now - int(self.span_ms * 0.8))

    def reveal(self, time_ms: int) -> None:
        start, end = self.visible_range()
        if not start <= time_ms <= end:
            self.follow_now = False
            self.start_ms = max(0, time_ms - self.span_ms // 2)
            self.view_changed.emit()
        self.update()

    # --- geometry ------------------------------------------------------------------------

    def _plot(self) -> QRectF:
        return QRectF(GUTTER, BAND + 4, max(10, self.width() - GUTTER - 8),
                      max(10, self.height() - BAND - 4 - AXIS))  # fmt: skip

    def _track_height(self) -> float:
        return self._plot().height() / max(1, len(self.tracks))

    def x_of(self, time_ms: int) -> float:
        plot = self._plot()
        return plot.left() + (time_ms - self.start_ms) * plot.width() / self.span_ms

    def time_at(self, x: float) -> int:
        plot = self._plot()
        return int(self.start_ms + (x - plot.left()) * self.span_ms / plot.width())

    def track_y(self, key: str) -> float:
        """The vertical centre of someone's track."""
        plot = self._plot()
        return plot.top() + (self._track_of[key] + 0.5) * self._track_height()

    def mark_position(self, event_id: int) -> QPointF:
        e = self._points_by_id.get(event_id) or self._states[event_id]
        return QPointF(self.x_of(e.time_ms), self.track_y(e.actor))

    def visible_points(self) -> Sequence[Event]:
        start, end = self.visible_range()
        lo = bisect.bisect_left(self._points, (start, -1), key=_key)
        hi = bisect.bisect_right(self._points, (end, 1 << 62), key=_key)
        return self._points[lo:hi]

    def event_at(self, pos: QPointF) -> int | None:
        plot = self._plot()
        if pos.x() < plot.left() or not plot.top() <= pos.y() <= plot.bottom():
            return None
        track = int((pos.y() - plot.top()) / self._track_height())
        if not 0 <= track < len(self.tracks):
            return None
        key = self.tracks[track].key
        t = self.time_at(pos.x())
        slack = int(5 * self.span_ms / plot.width())
        lo = bisect.bisect_left(self._points, (t - slack, -1), key=_key)
        hi = bisect.bisect_right(self._points, (t + slack, 1 << 62), key=_key)
        near = [e for e in self._points[lo:hi] if e.actor == key]
        if near:
            return min(near, key=lambda e: abs(e.time_ms - t)).id
        for e in self._states.values():
            if e.actor == key and e.time_ms <= t <= (e.end_ms or self._now()):
                return e.id
        return None

    # --- input ---------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            found = self.event_at(event.position())
            if found is not None:
                self.set_selected(found)
                self.event_clicked.emit(found)
            elif event.position().x() >= self._plot().left():
                self.time_clicked.emit(max(0, self.time_at(event.position().x())))

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120 or event.angleDelta().x() / 120
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            anchor = self.time_at(event.position().x())
            self.follow_now = False
            self.set_span(int(self.span_ms / (1.25**steps)), anchor)
        else:
            self.scroll_to(self.start_ms - int(steps * self.span_ms / 8))
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.5)
        elif key == Qt.Key.Key_Minus:
            self.zoom(1 / 1.5)
        elif key == Qt.Key.Key_Left:
            self.scroll_to(self.start_ms - self.span_ms // 8)
        elif key == Qt.Key.Key_Right:
            self.scroll_to(self.start_ms + self.span_ms // 8)
        else:
            super().keyPressEvent(event)

    def set_selected(self, event_id: int | None) -> None:
        if event_id != self.selected:
            self.selected = event_id
            self.update()

    # --- painting ------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        self.paint_count += 1
        p = QPainter(self)
        plot = self._plot()
        th = self._track_height()
        p.drawPixmap(0, 0, self._backdrop(plot, th))
        small = QFont(self.font())
        small.setPointSizeF(8.5)
        p.setFont(small)
        p.save()
        p.setClipRect(QRectF(plot.left(), 0, plot.width() + 8, self.height()))
        self._paint_grid(p, plot)
        self._paint_states(p, plot, th)
        self._paint_points(p, plot, th)
        self._paint_now(p, plot)
        p.restore()
        p.end()

    def _backdrop(self, plot: QRectF, th: float) -> QPixmap:
        """Track stripes and labels: drawn once per size (the view repaints on every event)."""
        ratio = self.devicePixelRatioF()
        look = (self.width(), self.height(), ratio)
        if self._backdrop_look == look and self._backdrop_pixmap is not None:
            return self._backdrop_pixmap
        pixmap = QPixmap(QSize(self.width(), self.height()) * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(QColor(style.WINDOW))
        p = QPainter(pixmap)
        small = QFont(self.font())
        small.setPointSizeF(8.5)
        p.setFont(small)
        for i, person in enumerate(self.tracks):
            top = plot.top() + i * th
            if i % 2 == 0:
                p.fillRect(QRectF(0, top, self.width(), th), QColor("#f8f9fb"))
            colour = QColor(person.colour if person.present else style.ABSENT)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            p.drawEllipse(QPointF(12, top + th / 2), 4, 4)
            p.setPen(QColor(style.INK if person.present else style.FAINT))
            p.drawText(QRectF(22, top, GUTTER - 26, th),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                       p.fontMetrics().elidedText(self._labels.get(person.key, person.label),
                                                  Qt.TextElideMode.ElideRight,
                                                  GUTTER - 28))  # fmt: skip
        p.setPen(QColor(style.MUTED))
        p.drawText(QRectF(8, 2, GUTTER - 10, BAND),
                   Qt.AlignmentFlag.AlignVCenter, "Group mode")  # fmt: skip
        p.end()
        self._backdrop_look, self._backdrop_pixmap = look, pixmap
        return pixmap

    def _paint_grid(self, p: QPainter, plot: QRectF) -> None:
        per_px = self.span_ms / plot.width()
        step = next((t for t in TICKS_MS if t / per_px >= 80), TICKS_MS[-1])
        first = (self.start_ms // step) * step
        p.setPen(QPen(QColor("#eceff2"), 1))
        t = first
        end = self.start_ms + self.span_ms
        axis_y = plot.bottom() + 3
        while t <= end:
            x = self.x_of(t)
            if x >= plot.left():
                p.setPen(QPen(QColor("#eceff2"), 1))
                p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
                p.setPen(QColor(style.MUTED))
                label = format_time(t).split(".")[0]
                box = QRectF(max(x - 40, plot.left() - 4), axis_y, 80, AXIS - 4)
                if box.left() > x - 40:
                    box.moveLeft(x - 2)  # the first label starts at its tick, not before it
                p.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)
            t += step

    def _paint_states(self, p: QPainter, plot: QRectF, th: float) -> None:
        start, end = self.visible_range()
        now = self._now()
        for e in self._states.values():
            stop = e.end_ms if e.end_ms is not None else max(now, e.time_ms)
            if stop < start or e.time_ms > end:
                continue
            x0, x1 = self.x_of(e.time_ms), max(self.x_of(stop), self.x_of(e.time_ms) + 2)
            colour = QColor(self._colour.get(e.code, QColor(style.FAINT)))
            if e.code in self._ba_codes:
                band = QRectF(x0, 2, x1 - x0, BAND)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(colour)
                p.drawRect(band)
                code = self.palette_.code(e.code)
                label = code.label if code else e.code
                p.setPen(style.readable_on(colour.name()))
                # The label stays in view when the band starts left of it.
                left = max(x0, plot.left())
                shown = QRectF(left, 2, min(x1, plot.right()) - left, BAND)
                text = p.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight,
                                                  int(shown.width()) - 8)  # fmt: skip
                p.drawText(shown.adjusted(5, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, text)
            if e.actor in self._track_of:
                y = self.track_y(e.actor)
                tint = QColor(colour)
                tint.setAlpha(70 if e.code not in self._ba_codes else 28)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(tint)
                p.drawRect(QRectF(x0, y - th * 0.38, x1 - x0, th * 0.76))
                if e.id == self.selected:
                    p.setPen(QPen(QColor(style.SELECT), 2))
                    p.setBrush(Qt.BrushStyle.NoBrush)
                    p.drawRect(QRectF(x0, y - th * 0.38, x1 - x0, th * 0.76))

    def _paint_points(self, p: QPainter, plot: QRectF, th: float) -> None:
        visible = self.visible_points()
        half = max(2.0, min(5.0, th * 0.3))
        dense = len(visible) > plot.width()
        # The scale once, then one batch of rectangles per colour: a few calls per paint
        # rather than a few per mark, which keeps long codings smooth.
        left, top, scale = plot.left(), plot.top(), plot.width() / self.span_ms
        start = self.start_ms
        track_of = self._track_of
        batches: dict[str, list[QRectF]] = {}
        seen: set[tuple[int, int]] = set()
        selected: Event | None = None
        for e in visible:
            track = track_of.get(e.actor)
            if track is None:
                continue
            x = left + (e.time_ms - start) * scale
            if dense:
                # Many events per pixel when zoomed out: one mark per pixel and track.
                cell = (int(x), track)
                if cell in seen:
                    continue
                seen.add(cell)
            y = top + (track + 0.5) * th
            batches.setdefault(e.code, []).append(QRectF(x - 1.5, y - half, 3.0, 2 * half))
            if e.id == self.selected:
                selected = e
        p.setPen(Qt.PenStyle.NoPen)
        faint = QColor(style.FAINT)
        for code, rects in batches.items():
            p.setBrush(self._colour.get(code, faint))
            p.drawRects(rects)
        if selected is not None:
            x = self.x_of(selected.time_ms)
            y = self.track_y(selected.actor)
            p.setPen(QPen(QColor(style.SELECT), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(QPointF(x, y), half + 3, half + 3)

    def _paint_now(self, p: QPainter, plot: QRectF) -> None:
        x = self.x_of(self._now())
        if plot.left() <= x <= plot.right() + 4:
            p.setPen(QPen(QColor(style.ACCENT), 1.5))
            p.drawLine(QPointF(x, 0), QPointF(x, plot.bottom()))
