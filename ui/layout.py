"""Small layout helpers shared by the windows."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QWidget


def splitter(
    orientation: Qt.Orientation,
    widgets: Sequence[QWidget],
    stretch: Sequence[int],
    sizes: Sequence[int],
) -> QSplitter:
    """A splitter of ``widgets`` that share space by ``stretch`` and start at ``sizes``.

    No pane can be collapsed to nothing by a careless drag.
    """
    split = QSplitter(orientation)
    for index, (widget, factor) in enumerate(zip(widgets, stretch, strict=True)):
        split.addWidget(widget)
        split.setStretchFactor(index, factor)
    split.setSizes(list(sizes))
    split.setChildrenCollapsible(False)
    return split
