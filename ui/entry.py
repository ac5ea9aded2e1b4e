"""Keyboard-first event entry: who, to whom, what — a plain state machine, no Qt.

The coding window feeds it key presses (and clicks on the seating chart or the palette)
and acts on what it returns. Keys mean different things in different steps, so member
keys and code keys never clash: in a *who* step (actor or target) digits, Space, ``-``
and initials pick people; in the *code* step letters are code keys. The full scheme is
documented in ``docs/live-coding.md``.

Two orders are offered: ``actor-first`` (actor → target → code, the default) and
``code-first`` (code → actor → target).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from observer.domain.codebook import Code, Palette
from observer.domain.participants import GROUP, LEADERS, Participant

ORDERS = ("actor-first", "code-first")
SEAT_KEYS = "1234567890"
GROUP_KEY = " "
LEADERS_KEY = "-"
INITIALS_KEY = "'"


class Step(Enum):
    ACTOR = "actor"
    TARGET = "target"
    CODE = "code"


@dataclass(frozen=True)
class Completed:
    """An event the observer has finished entering; ``time_ms`` is when its last key went down."""

    time_ms: int
    code: Code
    actor: str
    targets: tuple[str, ...]


@dataclass
class Outcome:
    """What a key did: ``completed`` is set when an event is ready to record."""

    handled: bool
    completed: Completed | None = None
    message: str = ""


@dataclass
class _Draft:
    actor: str | None = None
    targets: list[str] = field(default_factory=list)
    code: Code | None = None


class Entry:
    """Collects actor, target and code from keys and clicks; knows nothing of the clock."""

    def __init__(
        self, participants: Sequence[Participant], palette: Palette, order: str = "actor-first"
    ) -> None:
        if order not in ORDERS:
            raise ValueError(f"unknown entry order {order!r}")
        self.order = order
        self.palette = palette
        self.participants = list(participants)
        people = sorted((p for p in participants if p.role not in ("group", "leaders")),
                        key=lambda p: p.seat)  # fmt: skip
        self.by_seat_key = dict(zip(SEAT_KEYS, (p.key for p in people), strict=False))
        self._initials = {p.initials.upper(): p.key for p in people if p.initials}
        self._draft = _Draft()
        self._typed = ""  # initials typed so far
        self._initials_mode = False

    # --- state ---------------------------------------------------------------------------

    @property
    def step(self) -> Step:
        d = self._draft
        if self.order == "actor-first":
            if d.actor is None:
                return Step.ACTOR
            return Step.TARGET if not d.targets else Step.CODE
        if d.code is None:
            return Step.CODE
        return Step.ACTOR if d.actor is None else Step.TARGET

    @property
    def actor(self) -> str | None:
        return self._draft.actor

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(self._draft.targets)

    @property
    def code(self) -> Code | None:
        return self._draft.code

    @property
    def typed_initials(self) -> str:
        return self._typed

    @property
    def is_empty(self) -> bool:
        d = self._draft
        return d.actor is None and d.code is None and not d.targets and not self._typed

    def seat_key_of(self, participant_key: str) -> str:
        """The digit that picks this person ('' if none)."""
        return next((k for k, v in self.by_seat_key.items() if v == participant_key), "")

    def cancel(self) -> None:
        self._draft = _Draft()
        self._typed = ""
        self._initials_mode = False

    def set_order(self, order: str) -> None:
        if order not in ORDERS:
            raise ValueError(f"unknown entry order {order!r}")
        self.order = order
        self.cancel()

    # --- input ---------------------------------------------------------------------------

    def key(self, text: str, now_ms: int) -> Outcome:
        """One typed character (``QKeyEvent.text()``), Enter as '\\r', Backspace as '\\b'."""
        if not text:
            return Outcome(False)
        if text == "\b":
            return self._back()
        step = self.step
        if text in ("\r", "\n"):
            if step is Step.TARGET:
                return self._skip_target(now_ms)
            return Outcome(False)
        if step is Step.CODE:
            code = self.palette.by_key(text)
            if code is None:
                return Outcome(text.isprintable() and not text.isspace(),
                               message=f"No code on key {text!r}.")  # fmt: skip
            return self.choose_code(code.id, now_ms)
        # A who step: actor or target.
        if text == INITIALS_KEY and step is Step.TARGET:
            self._initials_mode = True
            self._typed = ""
            return Outcome(True, message="Initials of the target…")
        if not self._typed and not self._initials_mode:
            who = self._who_key(text)
            if who is not None:
                return self.choose_participant(who, now_ms)
            # In actor-first order a code key right after the actor means "no target".
            if step is Step.TARGET and self.order == "actor-first":
                code = self.palette.by_key(text)
                if code is not None:
                    return self.choose_code(code.id, now_ms)
        if text.isalpha():
            return self._initial(text, now_ms)
        return Outcome(False)

    def choose_participant(self, key: str, now_ms: int) -> Outcome:
        """A person (or the group) picked by key or by a click on the seating chart."""
        self._typed = ""
        self._initials_mode = False
        d = self._draft
        step = self.step
        if step is Step.CODE:
            # Someone clicked while a code was expected: start over with this actor.
            if self.order == "actor-first":
                self._draft = _Draft(actor=key)
                return Outcome(True)
            return Outcome(True, message="Choose a code first.")
        if step is Step.ACTOR:
            d.actor = key
            if self.order == "code-first" and d.code is not None and d.code.target == "none":
                return self._complete(now_ms)
            return Outcome(True)
        if key == d.actor:
            return Outcome(True, message="Someone cannot be their own target.")
        d.targets = [key]
        if self.order == "code-first":
            return self._complete(now_ms)
        return Outcome(True)

    def choose_code(self, code_id: str, now_ms: int) -> Outcome:
        """A code picked by key or by a click in the palette."""
        code = self.palette.code(code_id)
        if code is None:
            return Outcome(False, message=f"Unknown code {code_id!r}.")
        self._typed = ""
        self._initials_mode = False
        d = self._draft
        if self.order == "code-first":
            if d.actor is None:
                d.code = code
                return Outcome(True)
            # Actor already chosen (code-first, target step): a new code starts over.
            self._draft = _Draft(code=code)
            return Outcome(True)
        if d.actor is None:
            return Outcome(True, message="Choose who acted first (a digit or initials).")
        if code.target == "required" and not d.targets:
            return Outcome(True, message=f"{code.label} needs a target: to whom?")
        d.code = code
        return self._complete(now_ms)

    # --- internals -----------------------------------------------------------------------

    def _who_key(self, text: str) -> str | None:
        if text in self.by_seat_key:
            return self.by_seat_key[text]
        if text == GROUP_KEY:
            return GROUP
        if text == LEADERS_KEY:
            return LEADERS
        return None

    def _initial(self, letter: str, now_ms: int) -> Outcome:
        typed = (self._typed + letter).upper()
        matches = [i for i in self._initials if i.startswith(typed)]
        if not matches:
            self._typed = ""
            self._initials_mode = False
            return Outcome(True, message=f"No one has initials starting {typed!r}.")
        if typed in self._initials and len(matches) == 1:
            return self.choose_participant(self._initials[typed], now_ms)
        self._typed = typed
        return Outcome(True)

    def _skip_target(self, now_ms: int) -> Outcome:
        d = self._draft
        if self.order == "code-first":
            assert d.code is not None
            if d.code.target == "required":
                return Outcome(True, message=f"{d.code.label} needs a target: to whom?")
            return self._complete(now_ms)
        # Actor-first: no target; the code step follows (a placeholder marks the skip).
        d.targets = [""]
        return Outcome(True)

    def _back(self) -> Outcome:
        d = self._draft
        if self._typed:
            self._typed = self._typed[:-1]
        elif self.order == "actor-first":
            if d.targets:
                d.targets = []
            elif d.actor is not None:
                d.actor = None
            else:
                return Outcome(False)
        elif d.targets:
            d.targets = []
        elif d.actor is not None:
            d.actor = None
        elif d.code is not None:
            d.code = None
        else:
            return Outcome(False)
        return Outcome(True)

    def _complete(self, now_ms: int) -> Outcome:
        d = self._draft
        assert d.actor is not None and d.code is not None
        targets = tuple(t for t in d.targets if t)
        if d.code.target == "none":
            targets = ()
        done = Completed(now_ms, d.code, d.actor, targets)
        self.cancel()
        return Outcome(True, completed=done)
