"""The seating chart: people in a circle as they sit, the group in the middle.

A click on one person then another (or a drag from actor to target) picks who spoke to
whom; a click on the centre means "to the group as a whole". The chart only draws and
reports clicks; the entry state machine decides what they mean.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from observer.domain.events import Changes, Event
from observer.domain.participants import GROUP, Participant
from ui import style


@dataclass(frozen=True)
class Node:
    participant: Participant
    centre: QPointF
    radius: float
    seat_key: str = ""


class SeatingChart(QWidget):
    """Custom-painted circle of members and leaders around a group node."""

    participant_clicked = Signal(str)
    dragged = Signal(str, str)

    def __init__(self, participants: Sequence[Participant], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.people: list[Participant] = []
        self.group: Participant | None = None
        self.set_participants(participants)
        self.seat_keys: dict[str, str] = {}
        self.actor: str | None = None
        self.targets: tuple[str, ...] = ()
        self.running: dict[str, str] = {}  # participant key -> running state label
        self.last_event: tuple[str, tuple[str, ...]] | None = None  # its actor and targets
        self.last_event_id: int | None = None
        self._press: str | None = None
        self._drag_to: QPointF | None = None
        # Each person drawn once per look (chosen, running state, size): the chart is
        # repainted on every key while coding, and text and antialiased rings are slow.
        self._drawn: dict[tuple[object, ...], QPixmap] = {}
        self.setMinimumSize(300, 260)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)
        self.setAccessibleName("Seating chart")

    def sizeHint(self) -> QSize:
        return QSize(380, 330)

    # --- state from the window -----------------------------------------------------------

    def set_participants(self, participants: Sequence[Participant]) -> None:
        """Who sits where, and who is present (a member who came in late is drawn present)."""
        people = sorted((p for p in participants if p.role not in ("group", "leaders")),
                        key=lambda p: p.seat)  # fmt: skip
        if people != self.people:
            self.people = people
            self.update()
        self.group = next((p for p in participants if p.key == GROUP), None)

    def set_selection(self, actor: str | None, targets: Sequence[str]) -> None:
        if (actor, tuple(targets)) != (self.actor, self.targets):
            self.actor, self.targets = actor, tuple(targets)
            self.update()

    def set_running(self, running: dict[str, str]) -> None:
        if running != self.running:
            self.running = dict(running)
            self.update()

    def show_event(self, event: Event | None) -> None:
        """Draw the faint arrow of ``event`` (the last one recorded), or none."""
        self.last_event_id = None if event is None else event.id
        last = None if event is None else (event.actor, event.targets)
        if last != self.last_event:
            self.last_event = last
            self.update()

    def follow(self, changes: Changes, events: Sequence[Event]) -> None:
        """Keep the arrow on the last event still recorded, through undo, redo and edits.

        Ids are never reused, so the highest id still in the coding is the event recorded
        last; an undo that takes away the one drawn falls back to the one before, or none.
        """
        shown = self.last_event_id
        newest = max(changes.added, key=lambda e: e.id, default=None)
        if newest is not None and (shown is None or newest.id > shown):
            self.show_event(newest)
        elif shown is not None and shown in changes.removed:
            self.show_event(max(events, key=lambda e: e.id, default=None))
        elif shown is not None:
            for event in changes.changed:
                if event.id == shown:
                    self.show_event(event)

    # --- geometry ------------------------------------------------------------------------

    def nodes(self) -> list[Node]:
        """Where everyone sits, for painting and for hit-testing (and for tests)."""
        w, h = self.width(), self.height()
        centre = QPointF(w / 2, h / 2 - 4)
        n = max(1, len(self.people))
        radius = 22.0
        for _ in range(2):
            # An ellipse that fills the widget, with room for names below the circles.
            rx = max(40.0, w / 2 - radius - 38)
            ry = max(40.0, h / 2 - radius - 20)
            perimeter = math.pi * (3 * (rx + ry) - math.sqrt((3 * rx + ry) * (rx + 3 * ry)))
            radius = max(13.0, min(22.0, 0.3 * perimeter / n))
        out = []
        for i, person in enumerate(self.people):
            # Seat 1 at the top, then clockwise, as one looks down on the room.
            angle = -math.pi / 2 + 2 * math.pi * i / n
            at = QPointF(centre.x() + rx * math.cos(angle), centre.y() + ry * math.sin(angle))
            out.append(Node(person, at, radius, self.seat_keys.get(person.key, "")))
        if self.group is not None:
            out.append(Node(self.group, centre, radius * 1.35, "Space"))
        return out

    def node_at(self, pos: QPointF) -> str | None:
        for node in self.nodes():
            if math.dist((pos.x(), pos.y()), (node.centre.x(), node.centre.y())) <= node.radius + 6:
                return node.participant.key
        return None

    def centre_of(self, key: str) -> QPointF:
        for node in self.nodes():
            if node.participant.key == key:
                return node.centre
        raise KeyError(key)

    # --- mouse ---------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = self.node_at(event.position())
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is not None:
            self._drag_to = event.position()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        pressed, self._press, self._drag_to = self._press, None, None
        released = self.node_at(event.position())
        if pressed is not None and released is not None and released != pressed:
            self.dragged.emit(pressed, released)
        elif pressed is not None and released == pressed:
            self.participant_clicked.emit(pressed)
        self.update()

    # --- painting ------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor(style.WINDOW))
        nodes = {n.participant.key: n for n in self.nodes()}
        group = nodes.get(GROUP)
        if group is not None:
            # The table the group sits around.
            p.setPen(QPen(QColor("#e6eaee"), 1.2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            others = [n for k, n in nodes.items() if k != GROUP]
            if others:
                rx = max(abs(n.centre.x() - group.centre.x()) for n in others)
                ry = max(abs(n.centre.y() - group.centre.y()) for n in others)
                p.drawEllipse(group.centre, rx, ry)
        if self.last_event is not None:
            self._arrows(p, nodes, *self.last_event, QColor(0, 0, 0, 45), 1.5)
        if self.actor is not None:
            self._arrows(p, nodes, self.actor, self.targets, QColor(style.SELECT), 3.0)
        if self._press is not None and self._drag_to is not None and self._press in nodes:
            p.setPen(QPen(QColor(style.SELECT), 2.5, Qt.PenStyle.DashLine))
            p.drawLine(nodes[self._press].centre, self._drag_to)
        for node in nodes.values():
            self._cached_node(p, node)
        p.end()

    def _cached_node(self, p: QPainter, node: Node) -> None:
        person, c, r = node.participant, node.centre, node.radius
        ratio = self.devicePixelRatioF()
        chosen = person.key == self.actor or person.key in self.targets
        running = self.running.get(person.key, "")
        look = (person.key, person.present, chosen, running, node.seat_key, r, ratio)
        half = max(64.0, r + 10)
        box = QRectF(-half, -r - 10, 2 * half, 2 * r + 30)  # the circle, its badges and name
        pixmap = self._drawn.get(look)
        if pixmap is None:
            if len(self._drawn) > 200:
                self._drawn.clear()
            pixmap = QPixmap((box.size() * ratio).toSize())
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            q = QPainter(pixmap)
            q.setRenderHint(QPainter.RenderHint.Antialiasing)
            q.translate(-box.left() - c.x(), -box.top() - c.y())
            self._node(q, node)
            q.end()
            self._drawn[look] = pixmap
        p.drawPixmap(QPointF(c.x() + box.left(), c.y() + box.top()), pixmap)

    def _arrows(
        self,
        p: QPainter,
        nodes: dict[str, Node],
        actor: str,
        targets: Sequence[str],
        colour: QColor,
        width: float,
    ) -> None:
        if actor not in nodes:
            return
        start = nodes[actor]
        for target in targets:
            end = nodes.get(target)
            if end is None:
                continue
            a, b = start.centre, end.centre
            length = math.dist((a.x(), a.y()), (b.x(), b.y())) or 1.0
            ux, uy = (b.x() - a.x()) / length, (b.y() - a.y()) / length
            tail = QPointF(a.x() + ux * start.radius, a.y() + uy * start.radius)
            tip = QPointF(b.x() - ux * (end.radius + 3), b.y() - uy * (end.radius + 3))
            p.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawLine(tail, tip)
            head = QPainterPath(tip)
            size = 6 + width * 1.5
            for side in (1, -1):
                head.lineTo(
                    tip.x() - ux * size + side * uy * size * 0.55,
                    tip.y() - uy * size - side * ux * size * 0.55,
                )
                head.moveTo(tip)
            p.drawPath(head)

    def _node(self, p: QPainter, node: Node) -> None:
        person = node.participant
        c, r = node.centre, node.radius
        is_group = person.key == GROUP
        fill = QColor(style.ABSENT if not person.present else person.colour)
        if is_group:
            fill = QColor("#eef2f6")
        chosen = person.key == self.actor or person.key in self.targets
        ring = QPen(QColor(style.SELECT), 4) if chosen else QPen(QColor("#ffffff"), 2)
        p.setPen(ring)
        p.setBrush(fill)
        if person.is_leader:
            # Leaders sit in the circle too, drawn as rounded squares to stand apart.
            p.drawRoundedRect(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r), 8, 8)
        else:
            p.drawEllipse(c, r, r)
        if is_group and not chosen:
            p.setPen(QPen(QColor(style.LINE), 1.5))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(c, r, r)
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(max(7.5, r / 2.3))
        p.setFont(font)
        p.setPen(style.readable_on(fill.name()) if not is_group else QColor(style.INK))
        text = "Group" if is_group else person.initials or person.label[:2]
        p.drawText(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r), Qt.AlignmentFlag.AlignCenter, text)
        if is_group:
            small = QFont(self.font())
            small.setPointSizeF(7.5)
            p.setFont(small)
            p.setPen(QColor(style.MUTED))
            p.drawText(QRectF(c.x() - 40, c.y() + r + 2, 80, 14),
                       Qt.AlignmentFlag.AlignHCenter, "Space")  # fmt: skip
            return
        # Name below, the key that picks the person as a small badge.
        small = QFont(self.font())
        small.setPointSizeF(8.5)
        p.setFont(small)
        p.setPen(QColor(style.INK if person.present else style.FAINT))
        label = person.label if person.present else f"{person.label} (absent)"
        p.drawText(QRectF(c.x() - 60, c.y() + r + 1, 120, 15),
                   Qt.AlignmentFlag.AlignHCenter, label)  # fmt: skip
        if node.seat_key:
            badge = QRectF(c.x() - r - 4, c.y() - r - 4, 15, 15)
            p.setPen(QPen(QColor(style.LINE), 1))
            p.setBrush(QColor("#ffffff"))
            p.drawEllipse(badge)
            tiny = QFont(self.font())
            tiny.setPointSizeF(7)
            tiny.setBold(True)
            p.setFont(tiny)
            p.setPen(QColor(style.MUTED))
            p.drawText(badge, Qt.AlignmentFlag.AlignCenter, node.seat_key)
        state = self.running.get(person.key)
        if state:
            tag = QRectF(c.x() + r * 0.2, c.y() - r - 6, 14, 14)
            p.setPen(QPen(QColor("#ffffff"), 1.5))
            p.setBrush(QColor("#747474"))
            p.drawEllipse(tag)
            p.setPen(QColor("#ffffff"))
            p.drawText(tag, Qt.AlignmentFlag.AlignCenter, "…")
