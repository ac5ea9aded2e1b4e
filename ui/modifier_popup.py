"""Modifiers asked for inline: a small, non-modal strip chosen by keys.

The event's time is taken when its last key went down and held here while the observer
picks modifiers; the event is recorded the moment they finish (or with the defaults as
soon as they type anything else, press Enter, or wait a few seconds). Nothing here blocks
the clock or the event loop, and Escape discards the event.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from observer.domain.clock import format_time
from observer.domain.codebook import ModifierSet, Palette
from ui import style
from ui.entry import Completed

AUTO_ACCEPT_MS = 6_000


class ModifierPopup(QFrame):
    """Asks for one modifier set after another; emits ``finished(completed, modifiers)``."""

    finished = Signal(object, dict)
    discarded = Signal(object)

    def __init__(self, palette: Palette, labels: Mapping[str, str], parent: QWidget) -> None:
        super().__init__(parent)
        self.codes = palette
        self.labels = labels
        self.pending: Completed | None = None
        self.chosen: dict[str, str] = {}
        self._sets: list[ModifierSet] = []
        self.setObjectName("modifierPopup")
        self.setStyleSheet(
            f"QFrame#modifierPopup {{ background: #fffdf6; border: 1px solid {style.SELECT};"
            " border-radius: 6px; }"
        )
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.text)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTO_ACCEPT_MS)
        self._timer.timeout.connect(self.accept_rest)
        self.hide()

    @property
    def active(self) -> bool:
        return self.pending is not None

    def ask(self, completed: Completed) -> bool:
        """Start asking for a completed event's modifiers; False if it has none to ask."""
        sets = [self.codes.modifier_set(s, completed.code) for s in completed.code.modifiers]
        self._sets = [s for s in sets if s is not None and s.values]
        if not self._sets:
            return False
        self.pending = completed
        self.chosen = {}
        self._show_current()
        self._timer.start()
        return True

    def key(self, text: str) -> bool:
        """A typed key: True if it chose a value (or Enter/Escape); False if it is not ours."""
        if self.pending is None:
            return False
        if text == "\x1b":
            self._finish(discard=True)
            return True
        if text in ("\r", "\n"):
            self._next()
            return True
        current = self._sets[0]
        value = next((v for v in current.values if v.key == text), None)
        if value is None:
            return False
        self.chosen[current.id] = value.id
        self._next()
        return True

    def choose(self, set_id: str, value_id: str) -> None:
        """Pick a value directly (tests, clicks)."""
        self.chosen[set_id] = value_id
        self._sets = [s for s in self._sets if s.id != set_id]
        if self._sets:
            self._show_current()
        else:
            self._finish()

    def accept_rest(self) -> None:
        """Record now, leaving the modifiers not yet chosen at their defaults."""
        if self.pending is not None:
            self._finish()

    def _next(self) -> None:
        self._sets.pop(0)
        if self._sets:
            self._timer.start()
            self._show_current()
        else:
            self._finish()

    def _finish(self, discard: bool = False) -> None:
        pending, chosen = self.pending, dict(self.chosen)
        self.pending = None
        self.chosen = {}
        self._sets = []
        self._timer.stop()
        self.hide()
        if pending is None:
            return
        if discard:
            self.discarded.emit(pending)
        else:
            self.finished.emit(pending, chosen)

    def _show_current(self) -> None:
        assert self.pending is not None
        p = self.pending
        current = self._sets[0]
        who = self.labels.get(p.actor, p.actor)
        if p.targets:
            who += " → " + ", ".join(self.labels.get(t, t) for t in p.targets)
        choices = "  ".join(
            f"<b style='color:{style.ACCENT}'>{v.key}</b> {v.label}"
            for v in current.values
            if v.key
        )
        default = f" · Enter: {current.default}" if current.default else " · Enter: leave open"
        self.text.setText(
            f"<span style='color:{style.MUTED}'>{format_time(p.time_ms).split('.')[0]}</span>"
            f"&nbsp; <b>{p.code.label}</b> &nbsp;{who} &nbsp;│&nbsp; "
            f"{current.label}: {choices}"
            f"<span style='color:{style.MUTED}'>{default} · Esc: discard</span>"
        )
        self.adjustSize()
        self.show()
        self.raise_()
