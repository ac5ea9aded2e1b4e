"""After a click on a side panel, the next code keys still record an event."""

from __future__ import annotations

from typing import Any

from conftest import stored_events
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget


def type_keys(qtbot: Any, window: Any, text: str) -> None:
    """Keys as a person types them: to whichever widget has the keyboard now."""
    for ch in text:
        target = QApplication.focusWidget() or window
        if ch == " ":
            qtbot.keyClick(target, Qt.Key.Key_Space)
        else:
            qtbot.keyClick(target, ch)


def dock(qtbot: Any, window: Any, name: str) -> QDockWidget:
    """The side panel ``name`` brought to the front, with the clock started (F5)."""
    qtbot.keyClick(window.chart, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.findChild(QDockWidget, name) is not None, timeout=10_000)
    found = window.findChild(QDockWidget, name)
    assert found is not None

    def in_front() -> bool:  # as a click on its tab does, once the window has laid out its docks
        found.raise_()
        return not found.visibleRegion().isEmpty()

    qtbot.waitUntil(in_front)
    return found


def test_clicking_the_prompts_list_leaves_the_keys_to_the_entry(
    window: Any, qtbot: Any, fresh_coding: int
) -> None:
    prompts = dock(qtbot, window, "promptsDock").widget()
    listing = prompts.occurrences
    qtbot.waitExposed(listing)
    qtbot.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is not listing
    type_keys(qtbot, window, "12s")  # Jane → Sam, support
    events = stored_events(window.recorder.store, fresh_coding)
    assert [(e.code, e.actor, e.targets) for e in events] == [("support", "m1", ("m2",))]
    assert listing.focusPolicy() == Qt.FocusPolicy.TabFocus  # still reachable by Tab


def test_clicking_the_charts_figures_leaves_the_keys_to_the_entry(
    window: Any, qtbot: Any, fresh_coding: int
) -> None:
    dock(qtbot, window, "chartsDock")
    qtbot.waitUntil(lambda: getattr(window, "charts", None) is not None, timeout=30_000)
    qtbot.waitUntil(lambda: getattr(window, "charts", None) is not None, timeout=30_000)
    figures: QWidget = window.charts.metrics_table  # a person's figures beside the network
    qtbot.waitExposed(figures)
    qtbot.mouseClick(figures.viewport(), Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is not figures
    type_keys(qtbot, window, "3 q")  # Priya to the group, a question
    events = stored_events(window.recorder.store, fresh_coding)
    assert [(e.code, e.actor, e.targets) for e in events] == [("question", "m3", ("group",))]
