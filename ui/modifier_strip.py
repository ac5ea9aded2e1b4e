"""The modifier strip: what the event just recorded may still be qualified by, keys or clicks.

A view only. The event is already stored when the strip shows; the entry state machine
(``observer.domain.entry``) decides what a key means and when the strip closes, and the
window shows it here. Each value of the current set is a button, so a mouse user chooses
by clicking; the buttons never take the keyboard from coding.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from observer.domain.clock import format_time
from observer.domain.codebook import ModifierSet
from observer.domain.entry import LATE_GRACE_MS, MODIFIER_TIMEOUT_MS, Entry
from ui import style


class ModifierStrip(QFrame):
    """Shows the open modifier sets of the waiting event; ``chosen(set, value)`` on a click."""

    chosen = Signal(str, str)

    def __init__(self, label: Callable[[str], str], parent: QWidget) -> None:
        super().__init__(parent)
        self.label_of = label
        self.setObjectName("modifierStrip")
        self.setStyleSheet(
            f"QFrame#modifierStrip {{ background: #fffdf6; border: 1px solid {style.SELECT};"
            " border-radius: 6px; }"
        )
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        # The values first, always at the strip's left edge: the eye (and the mouse) find
        # them in the same place for every event; what they qualify follows.
        self.values = QHBoxLayout()
        self.values.setSpacing(4)
        layout.addLayout(self.values)
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.text)
        self.hint = QLabel()
        self.hint.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.hint)
        self.buttons: dict[str, QPushButton] = {}  # "set/value" -> its button
        self.hide()

    @property
    def active(self) -> bool:
        return self.isVisible()

    def show_for(self, entry: Entry) -> bool:
        """Show the entry's waiting (or late) event and its open sets; False when none."""
        event = entry.waiting or entry.late
        sets = entry.open_sets
        if event is None or not sets:
            self.hide()
            return False
        who = self.label_of(event.actor)
        if event.targets:
            who += " → " + ", ".join(self.label_of(t) for t in event.targets)
        current = sets[0]
        later = [s.label for s in sets[1:]]
        if entry.late:
            hint = f"closed · a value key within {LATE_GRACE_MS // 1000} s still counts"
        else:
            enter = f"Enter: {current.default}" if current.default else "Enter: leave open"
            hint = f"{enter} · Esc: discard · closes in {MODIFIER_TIMEOUT_MS // 1000} s"
        if later:
            hint = f"then {', '.join(later)} · {hint}"
        self.text.setText(
            f"&nbsp;{current.label.lower()} of "
            f"<span style='color:{style.MUTED}'>{format_time(event.time_ms).split('.')[0]}</span>"
            f"&nbsp; <b>{event.code.label}</b> &nbsp;{who} &nbsp;│"
        )
        self._show_values(current)
        self.hint.setText(f"<span style='color:{style.MUTED}'>{hint}</span>")
        self.adjustSize()
        self.show()
        self.raise_()
        return True

    def _show_values(self, modifier_set: ModifierSet) -> None:
        while self.values.count():
            item = self.values.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.buttons = {}
        for value in modifier_set.values:
            button = QPushButton(f"{value.key}  {value.label}" if value.key else value.label)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setFlat(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(
                lambda _=False, s=modifier_set.id, v=value.id: self.chosen.emit(s, v)
            )
            self.values.addWidget(button)
            self.buttons[f"{modifier_set.id}/{value.id}"] = button
