"""Small layout helpers shared by the windows."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSplitter, QSplitterHandle, QWidget

from ui import style


class _Handle(QSplitterHandle):
    """A plain line between panes, drawn directly (no style sheet needed)."""

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(style.LINE))
        p.end()


class _Splitter(QSplitter):
    def createHandle(self) -> QSplitterHandle:
        return _Handle(self.orientation(), self)


def splitter(
    orientation: Qt.Orientation,
    widgets: Sequence[QWidget],
    stretch: Sequence[int],
    sizes: Sequence[int],
) -> QSplitter:
    """A splitter of ``widgets`` that share space by ``stretch`` and start at ``sizes``.

    No pane can be collapsed to nothing by a careless drag.
    """
    split = _Splitter(orientation)
    for index, (widget, factor) in enumerate(zip(widgets, stretch, strict=True)):
        split.addWidget(widget)
        split.setStretchFactor(index, factor)
    split.setSizes(list(sizes))
    split.setChildrenCollapsible(False)
    return split
