"""The prompt panel: patterns as they occur, and observations the leader could offer.

A side panel for a live or tape coding. It listens to the recorder's change notices,
feeds them to a :class:`observer.analysis.prompts.PatternWatcher` and shows (1) the observations
whose pattern now occurs more often than chance, strongest first, each with Dismiss and
Pin to notes, and (2) the latest occurrences of every pattern. Everything is reachable
with Tab and Space/Enter.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from observer.analysis.prompt_words import times_phrase
from observer.analysis.prompts import Occurrence, PatternWatcher, Prompt
from observer.domain.events import Changes
from observer.workspace.recording import Recorder
from ui.focus import leave_keys_to_entry

EAGER_EVENTS = 5_000  # codings up to this long are read at once
CAVEAT = "Observations, not diagnoses: offer them in your own words, or not at all."


class PromptCard(QFrame):
    """One observation with its evidence and the two decisions the user can make."""

    dismissed = Signal(str)
    pinned = Signal(str)

    def __init__(self, prompt: Prompt, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prompt_id = prompt.id
        self.setObjectName(f"prompt-{prompt.id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "PromptCard { background: #fbf8ef; border: 1px solid #c9b98a; border-radius: 4px; }"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        who = prompt.given_members[0] if prompt.about and prompt.given_members else "the group"
        title = QLabel(f"<b>{html.escape(prompt.label)}</b> · {html.escape(who)}")
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setWordWrap(True)  # a long pattern name wraps rather than widen the card
        self.sentence = QLabel(prompt.sentence)
        self.sentence.setWordWrap(True)
        self.sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sentence.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        evidence = QLabel(
            f"{prompt.count} times so far, {times_phrase(prompt.expected)} expected by chance"
            f" · latest at {_clock(prompt.time_ms)}"
        )
        evidence.setStyleSheet("color: #555555;")
        evidence.setWordWrap(True)
        buttons = QHBoxLayout()
        self.dismiss_button = QPushButton("&Dismiss")
        self.dismiss_button.setToolTip("Hide this observation for the rest of the session")
        self.pin_button = QPushButton("Pin to &notes" if not prompt.pinned else "Pinned")
        self.pin_button.setToolTip("Keep this observation in the session's process notes")
        self.pin_button.setEnabled(not prompt.pinned)
        self.dismiss_button.clicked.connect(lambda: self.dismissed.emit(self.prompt_id))
        self.pin_button.clicked.connect(lambda: self.pinned.emit(self.prompt_id))
        buttons.addStretch(1)
        buttons.addWidget(self.dismiss_button)
        buttons.addWidget(self.pin_button)
        layout.addWidget(title)
        layout.addWidget(self.sentence)
        layout.addWidget(evidence)
        layout.addLayout(buttons)
        leave_keys_to_entry(self)  # cards come and go while the observer codes


class PromptPanel(QWidget):
    """Side panel of prompts for one open coding (give it the coding's recorder)."""

    def __init__(self, recorder: Recorder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("prompt-panel")
        self.recorder = recorder
        when = "tonight" if recorder.info.clock_mode == "live" else "in this session"
        self.watcher = PatternWatcher(recorder.palette, recorder.info.participants, when=when)
        # Reading a long coding's patterns takes a while (about 1.5 s for 100,000 events):
        # a long one is read when the panel is first on screen, not while the coding opens.
        self._loaded = False
        if len(recorder.events) <= EAGER_EVENTS:
            self._load()
        self._shown: tuple[tuple[str, str, bool], ...] = ()
        self._occurrence_keys: list[tuple[str, int, int]] = []
        self._list_pending = False
        self.cards: dict[str, PromptCard] = {}

        layout = QVBoxLayout(self)
        heading = QLabel("<b>Process illumination</b>")
        heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(heading)
        self.empty = QLabel("No pattern beyond chance yet.")
        self.empty.setStyleSheet("color: #666666;")
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)

        self._cards_box = QWidget()
        self._cards_layout = QVBoxLayout(self._cards_box)
        self._cards_layout.setContentsMargins(0, 0, 0, 0)
        self._cards_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._cards_box)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(scroll, 3)

        label = QLabel("Patterns as they occur")
        label.setStyleSheet("font-weight: bold;")
        layout.addWidget(label)
        self.occurrences = QListWidget()
        self.occurrences.setObjectName("pattern-occurrences")
        self.occurrences.setAccessibleName("Patterns as they occur")
        self.occurrences.setUniformItemSizes(True)  # cheap updates while recording
        self.occurrences.setTextElideMode(Qt.TextElideMode.ElideRight)
        label.setBuddy(self.occurrences)
        layout.addWidget(self.occurrences, 2)
        caveat = QLabel(CAVEAT)
        caveat.setWordWrap(True)
        caveat.setStyleSheet("color: #666666; font-size: 11px;")
        layout.addWidget(caveat)

        self._unsubscribe = recorder.subscribe(self._on_changes)
        self.destroyed.connect(lambda *_: self._unsubscribe())
        self._version = -1
        self.refresh()

    # --- reacting to the recorder -------------------------------------------------------------

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            self.watcher.load(self.recorder.events)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._loaded:
            QTimer.singleShot(0, self, self.refresh)  # on screen at last: read the coding
        super().paintEvent(event)

    def _on_changes(self, changes: Changes) -> None:
        # Prompts update at once; the occurrence list on the next turn of the event loop,
        # so that recording an event is not held up by list drawing. Before the coding is
        # read there is nothing to update: reading it later includes this change.
        if self._loaded and self.watcher.apply(changes):
            self.refresh(occurrences=False)
            if not self._list_pending:
                self._list_pending = True
                QTimer.singleShot(0, self._show_occurrences)

    def detach(self) -> None:
        """Stop listening to the recorder (the coding is being closed)."""
        self._unsubscribe()

    def prompts(self) -> list[Prompt]:
        """The observations on show, strongest first."""
        self._load()
        return self.watcher.prompts()

    def refresh(self, occurrences: bool = True) -> None:
        """Show the watcher's current prompts (and, unless told not to, its occurrences)."""
        if not self._loaded:
            if not self.isVisible() or self.visibleRegion().isEmpty():
                return  # not on screen yet (a tab behind another dock)
            self._load()
            occurrences = True
        if occurrences:
            self._show_occurrences()
        if self.watcher.version == self._version:
            return
        self._version = self.watcher.version
        prompts = self.watcher.prompts()
        shown = tuple((p.id, p.sentence, p.pinned) for p in prompts)
        if shown != self._shown:
            self._rebuild_cards(prompts)
            self._shown = shown
        self.empty.setVisible(not prompts)

    def _show_occurrences(self) -> None:
        self._list_pending = False
        found = self.watcher.occurrences()
        keys = [(o.rule_id, o.given.id, o.then.id) for o in found]
        old = self._occurrence_keys
        if keys == old:
            return
        if keys[1:] == old[: len(keys) - 1] and keys:
            # The usual case while recording: one new occurrence on top.
            self.occurrences.insertItem(0, self._occurrence_item(found[0]))
            while self.occurrences.count() > len(keys):
                self.occurrences.takeItem(self.occurrences.count() - 1)
        else:
            self.occurrences.clear()
            for o in found:
                self.occurrences.addItem(self._occurrence_item(o))
        self._occurrence_keys = keys

    def _occurrence_item(self, o: Occurrence) -> QListWidgetItem:
        given = self.recorder.palette.code(o.given.code)
        then = self.recorder.palette.code(o.then.code)
        text = (
            f"{_clock(o.time_ms)}  {o.given_name}: {_short(given.label if given else '')}"
            f" → {o.then_name}: {_short(then.label if then else '')} ({o.gap_s:.0f} s later)"
        )
        item = QListWidgetItem(text)
        item.setToolTip(o.label)
        return item

    def _rebuild_cards(self, prompts: list[Prompt]) -> None:
        focused = self.focusWidget()
        keep_focus = focused is not None and self._cards_box.isAncestorOf(focused)
        for card in self.cards.values():
            self._cards_layout.removeWidget(card)
            card.hide()
            card.deleteLater()
        self.cards = {}
        for index, prompt in enumerate(prompts):
            card = PromptCard(prompt, self._cards_box)
            card.dismissed.connect(self.dismiss)
            card.pinned.connect(self.pin)
            self._cards_layout.insertWidget(index, card)
            self.cards[prompt.id] = card
        if keep_focus:
            # The button pressed is gone: keep the keyboard in the panel.
            target = next(iter(self.cards.values()), None)
            (target.dismiss_button if target else self.occurrences).setFocus()

    # --- the user's decisions -----------------------------------------------------------------

    def dismiss(self, prompt_id: str) -> None:
        self.watcher.dismiss(prompt_id)
        self.refresh()

    def pin(self, prompt_id: str) -> None:
        # add_note announces a change; the watcher ignores it (no events changed).
        self.watcher.pin(prompt_id, self.recorder)
        self.refresh()


def _short(label: str) -> str:
    return label.split(" (")[0].lower()


def _clock(ms: int) -> str:
    """Session time without milliseconds: 11:12 or 1:02:03."""
    seconds = ms // 1000
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
