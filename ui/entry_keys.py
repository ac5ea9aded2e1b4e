"""The coding window's keys: each press and release turned into entry input, with its time.

What a key means is decided in the core (``observer.workspace.live_entry``); here a
``QKeyEvent`` becomes the text the entry reads, timed on the window's clock the moment it
arrives, and a release (or a key's auto-repeat) is passed on for the held-key speaking
turns (``observer.domain.held_turns``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence

if TYPE_CHECKING:
    from ui.coding_window import CodingWindow

SPECIAL = {
    Qt.Key.Key_Escape: "\x1b",
    Qt.Key.Key_Return: "\r",
    Qt.Key.Key_Enter: "\r",
    Qt.Key.Key_Backspace: "\b",
}


def entry_text(event: QKeyEvent) -> str:
    """What the entry reads for this key ('' for a key with a modifier, or none)."""
    mods = event.modifiers() & ~(
        Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
    )
    if mods != Qt.KeyboardModifier.NoModifier:
        return ""
    return SPECIAL.get(Qt.Key(event.key()), event.text())


class EntryKeys:
    """Forwards a coding window's key presses and releases to its live entry."""

    def __init__(self, window: CodingWindow) -> None:
        self.window = window

    def press(self, event: QKeyEvent) -> bool:
        """A key press while coding; True if it was an entry key. The time is taken first."""
        w = self.window
        now = w.now()
        if self._menu_shortcut(event):
            return True
        if w.menuBar().hasFocus() and event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            return False  # moving along the menu bar on purpose
        text = entry_text(event)
        if not text:
            return False
        live = w.live
        entry = live.entry
        idle = entry.is_empty and entry.waiting is None and entry.late is None
        if text in ("\x1b", "\b") and idle:
            return False  # nothing being entered: Escape and Backspace are the widgets' own
        if text in ("\r", "\n") and idle and not live.unsaved:
            return False  # Enter on the event list edits, as it always did
        return w.after(live.press(text, now, event.isAutoRepeat(), event.timestamp() or None))

    def release(self, event: QKeyEvent) -> bool:
        """A key coming up: the end of a held member's speaking turn, if it was one."""
        w = self.window
        now = w.now()
        text = entry_text(event)
        if not text or not w.live.held.holding(text):
            return False
        w.after(w.live.release(text, now, event.isAutoRepeat(), event.timestamp() or None))
        return True

    def _menu_shortcut(self, event: QKeyEvent) -> bool:
        """A menu shortcut that reached us as a plain key press (the shortcut map did not take
        it, as under test drivers): trigger the action, so keys behave the same everywhere."""
        pressed = QKeySequence(event.keyCombination())
        for action in self.window.findChildren(QAction):
            if action.isEnabled() and any(s == pressed for s in action.shortcuts()):
                action.trigger()
                return True
        return False
