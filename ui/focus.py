"""Keys belong to the event being entered: a click on a side panel's control keeps them there.

A co-therapist who dismisses a prompt or picks a chart with the mouse and goes straight on
typing "3 Space d" must get an event, not a pressed button (Space) or a list that jumped to
the letter "d". Such controls take the keyboard by Tab only; text fields keep their clicks.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

# Widgets that take typed text, by Qt class name: asking Qt (``inherits``) spares importing
# these classes, whose enums PySide builds on import (milliseconds at start-up).
TEXT_INPUTS = ("QLineEdit", "QTextEdit", "QPlainTextEdit", "QAbstractSpinBox")


def takes_text(widget: QObject) -> bool:
    """True for a widget that is typed into (a line, a text, a spin box, an editable combo)."""
    if any(widget.inherits(name) for name in TEXT_INPUTS):
        return True
    return bool(widget.inherits("QComboBox") and widget.property("editable"))


def leave_keys_to_entry(panel: QWidget) -> None:
    """Let ``panel`` and its controls take the keyboard by Tab, never by a click."""
    for widget in (panel, *panel.findChildren(QWidget)):
        if widget.focusPolicy() & Qt.FocusPolicy.ClickFocus and not takes_text(widget):
            widget.setFocusPolicy(Qt.FocusPolicy.TabFocus)
