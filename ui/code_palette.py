"""The code palette: the coding's codes grouped by codebook and category, each with its key.

Buttons never take keyboard focus, so typing keeps going to the entry; a click is the
same as pressing the code's key. A tooltip gives the code's definition.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from observer.domain.codebook import Code, Palette
from ui import style

TEXT_LEFT = 19  # past the colour swatch


class CodeButton(QPushButton):
    """A flat button: colour swatch, label, shortcut key on the right."""

    def __init__(self, code: Code, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = code
        self.running = False
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumHeight(24)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        label = code.label
        self.setAccessibleName(f"{label}, key {code.key}" if code.key else label)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)  # repaint on mouse over
        self.setText(label)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and not self.toolTip():
            self.setToolTip(_tooltip(self.code))  # written when first wanted, not at start
        return super().event(event)

    def set_running(self, running: bool) -> None:
        if running != self.running:
            self.running = running
            self.update()

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance(self.text()) + TEXT_LEFT + 30, 24)

    def minimumSizeHint(self) -> QSize:
        return QSize(TEXT_LEFT + 40, 24)  # long labels are cut rather than widen the panel

    def paintEvent(self, _event: QPaintEvent) -> None:
        # Drawn whole here, not by a style sheet: a sheet per button (there are 20 or more)
        # cost the coding window's start several milliseconds.
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(self.code.colour)
        r = self.rect()
        if self.isDown():
            fill = QColor("#e3eaf1")
        elif self.underMouse():
            fill = QColor("#f0f4f8")
        else:
            fill = QColor(style.WINDOW)
        p.setPen(QColor(style.LINE))
        p.setBrush(fill)
        p.drawRoundedRect(QRectF(r).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        if self.running:
            p.setPen(Qt.PenStyle.NoPen)
            tint = QColor(colour)
            tint.setAlpha(40)
            p.setBrush(tint)
            p.drawRoundedRect(r.adjusted(1, 1, -1, -1), 4, 4)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        if self.code.is_state:
            p.drawRoundedRect(6, r.height() // 2 - 5, 8, 10, 2, 2)
        else:
            p.drawEllipse(6, r.height() // 2 - 4, 8, 8)
        key_width = 0
        if self.code.key:
            font = style.mono_font(9)
            font.setBold(True)
            p.setFont(font)
            p.setPen(QColor(style.MUTED))
            p.drawText(r.adjusted(0, 0, -7, 0),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       self.code.key)  # fmt: skip
            key_width = QFontMetrics(font).horizontalAdvance(self.code.key) + 10
        p.setFont(self.font())
        p.setPen(QColor(style.INK))
        room = r.adjusted(TEXT_LEFT, 0, -7 - key_width, 0)
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, room.width())
        p.drawText(room, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        p.end()


def _tooltip(code: Code) -> str:
    import html

    parts = [f"<b>{html.escape(code.label)}</b>"]
    facts = [code.kind]
    if code.key:
        facts.append(f"key <b>{html.escape(code.key)}</b>")
    facts.append({"required": "needs a target", "optional": "target optional",
                  "none": "no target"}[code.target])  # fmt: skip
    parts.append(f"<span style='color:{style.MUTED}'>{' · '.join(facts)}</span>")
    if code.definition:
        parts.append(html.escape(code.definition))
    if code.example:
        parts.append(f"<i>{html.escape(code.example)}</i>")
    return "<p style='white-space:pre-wrap; max-width:380px'>" + "<br><br>".join(parts) + "</p>"


class CodePalette(QScrollArea):
    """Every code of the coding, grouped; emits ``code_clicked(code_id)``."""

    code_clicked = Signal(str)

    def __init__(self, palette: Palette, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("paletteBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.setSpacing(3)
        self.buttons: dict[str, CodeButton] = {}
        heading_font = QFont(self.font())
        heading_font.setPointSizeF(8)
        heading_font.setWeight(QFont.Weight.DemiBold)
        heading_font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 0.5)
        for book in palette.codebooks:
            categories: dict[str, list[Code]] = {}
            for code in book.codes:
                categories.setdefault(code.category, []).append(code)
            for category, codes in categories.items():
                title = book.categories.get(category, category) or book.name
                heading = QLabel(title.upper() if title else book.name.upper())
                heading.setObjectName("sectionTitle")
                heading.setFont(heading_font)
                heading.setContentsMargins(3, 5, 0, 0)
                style.set_ink(heading, style.MUTED)
                layout.addWidget(heading)
                grid = QGridLayout()
                grid.setSpacing(3)
                for i, code in enumerate(codes):
                    button = CodeButton(code)
                    button.clicked.connect(lambda _=False, c=code.id: self.code_clicked.emit(c))
                    self.buttons[code.id] = button
                    grid.addWidget(button, i // 2, i % 2)
                layout.addLayout(grid)
        layout.addStretch(1)
        self.setWidget(body)

    def set_running(self, code_ids: set[str]) -> None:
        for code_id, button in self.buttons.items():
            button.set_running(code_id in code_ids)
