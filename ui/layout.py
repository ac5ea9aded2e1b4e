"""Small layout helpers shared by the windows."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import QMenu, QSplitter, QSplitterHandle, QWidget

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


def menu_action(
    menu: QMenu,
    text: str,
    shortcut: QKeySequence.StandardKey | str | None,
    slot: Callable[[], object],
    parent: QObject | None = None,
) -> QAction:
    """An entry of ``menu`` that calls ``slot``; its shortcut works anywhere in the window."""
    action = QAction(text, parent or menu)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _=False: slot())
    menu.addAction(action)
    return action


def offer(reason: str | None, does: str, *controls: QAction | QWidget) -> None:
    """Enable ``controls`` (a button and its menu item) when there is no ``reason`` not to;
    their tooltip and status text say what they do, or why they cannot be used now."""
    tip = reason or does
    for control in controls:
        control.setEnabled(reason is None)
        control.setToolTip(tip)
        control.setStatusTip(tip)
