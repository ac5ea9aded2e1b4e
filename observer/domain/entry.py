"""Entering an event live: who, to whom, what, then its modifiers — one state machine, no Qt.

The coding window feeds it key presses, clicks and the firing of its one timer, and carries
out what each :class:`Outcome` says. Keys mean different things in different steps, so
member keys and code keys never clash: in a *who* step (actor or target) digits, Space,
``-`` and initials pick people; in the *code* step letters are code keys; in the
*modifiers* step the strip's value keys choose a value.

An event is stored the moment its code is chosen (``Outcome.record``): its modifiers are a
change to that stored event, so a crash while the strip is open keeps the event. The strip
closes by itself after :data:`MODIFIER_TIMEOUT_MS`; for :data:`LATE_GRACE_MS` after that a
value key of the sets still open is applied to that event (never the start of another
event). The rules, in the words the app shows, are in ``docs/live-coding.md``.

A member marked absent who is coded is asked about once, before the entry goes on
(:class:`Step.ARRIVAL`): ``y`` means they came in late, from the moment they were coded
(``Outcome.arrival``, stored before the event); ``n`` or Escape records nothing.

Two orders are offered: ``actor-first`` (actor → target → code, the default) and
``code-first`` (code → actor → target).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum

from observer.domain.codebook import Code, ModifierSet, Palette
from observer.domain.participants import GROUP, LEADERS, Participant

ORDERS = ("actor-first", "code-first")
SEAT_KEYS = "1234567890"
GROUP_KEY = " "
LEADERS_KEY = "-"
INITIALS_KEY = "'"
ENTER = "\r"
ESCAPE = "\x1b"
BACKSPACE = "\b"
# Long enough to read the strip and choose; short enough that an unattended strip does not
# hold the next event's keys for long.
MODIFIER_TIMEOUT_MS = 6_000
# After the strip closed by itself, a value key meant for it is still taken as meant.
LATE_GRACE_MS = 4_000


def seat_keys(participants: Sequence[Participant]) -> dict[str, str]:
    """The digit that picks each person, 1 to 9 then 0, in seat order: digit → key."""
    people = sorted((p for p in participants if p.role not in ("group", "leaders")),
                    key=lambda p: p.seat)  # fmt: skip
    return dict(zip(SEAT_KEYS, (p.key for p in people), strict=False))


class Step(Enum):
    ACTOR = "actor"
    TARGET = "target"
    CODE = "code"
    MODIFIERS = "modifiers"
    ARRIVAL = "arrival"  # a member marked absent was coded: did they come in late?


YES = ("y", "Y")
NO = ("n", "N")


@dataclass(frozen=True)
class Completed:
    """An event the observer has finished entering; ``time_ms`` is when its code key went down."""

    time_ms: int
    code: Code
    actor: str
    targets: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    """What one input did, for the window to carry out in this order.

    ``modifiers``: set these on the event that was waiting for them (the one last
    recorded). ``discard``: remove that event. ``record``: store this new event now.
    ``timer_ms``: start the entry's timer for so many ms (0 stops it; ``None`` leaves it).
    ``arrival``: a member marked absent came in late at this session time (``arrival_ms``);
    store that before ``record``.
    """

    handled: bool
    message: str = ""
    record: Completed | None = None
    modifiers: Mapping[str, str] | None = None
    discard: bool = False
    timer_ms: int | None = None
    arrival: str | None = None
    arrival_ms: int = 0

    @property
    def completed(self) -> Completed | None:
        return self.record


@dataclass
class _Draft:
    actor: str | None = None
    targets: list[str] = field(default_factory=list)
    code: Code | None = None


@dataclass(frozen=True)
class _Question:
    """A member marked absent was just coded: the choice waits for the answer."""

    person: Participant
    time_ms: int  # when their key went down: they are present from then on


@dataclass
class _Strip:
    """The modifier sets of the event just recorded: those still open, and those chosen."""

    event: Completed
    open: list[ModifierSet]
    chosen: dict[str, str] = field(default_factory=dict)
    late: bool = False  # closed by the timer; value keys still apply within the grace time


class Entry:
    """Collects actor, target, code and modifiers from keys, clicks and its timer."""

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
        self.by_seat_key = seat_keys(participants)
        self._initials = {p.initials.upper(): p.key for p in people if p.initials}
        self._draft = _Draft()
        self._typed = ""  # initials typed so far
        self._initials_mode = False
        self._strip: _Strip | None = None
        self._absent = {p.key: p for p in people if not p.present}
        self._question: _Question | None = None

    # --- state ---------------------------------------------------------------------------

    @property
    def step(self) -> Step:
        if self._question is not None:
            return Step.ARRIVAL
        if self._strip is not None and not self._strip.late:
            return Step.MODIFIERS
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
        return (
            d.actor is None
            and d.code is None
            and not d.targets
            and not self._typed
            and self._question is None
        )

    @property
    def question(self) -> str:
        """What the entry asks now ('' when it asks nothing): did an absent member come?"""
        if self._question is None:
            return ""
        name = self._question.person.label
        return f"{name} is marked absent. Did {name} come in late? y: yes, from now · n: no"

    @property
    def waiting(self) -> Completed | None:
        """The recorded event whose modifiers the strip asks for (None when it is closed)."""
        return self._strip.event if self._strip is not None and not self._strip.late else None

    @property
    def late(self) -> Completed | None:
        """The event whose strip closed by itself and still takes a late value key."""
        return self._strip.event if self._strip is not None and self._strip.late else None

    @property
    def open_sets(self) -> tuple[ModifierSet, ...]:
        """The modifier sets still to choose, the current one first."""
        return tuple(self._strip.open) if self._strip is not None else ()

    @property
    def chosen(self) -> Mapping[str, str]:
        return dict(self._strip.chosen) if self._strip is not None else {}

    def seat_key_of(self, participant_key: str) -> str:
        """The digit that picks this person ('' if none)."""
        return next((k for k, v in self.by_seat_key.items() if v == participant_key), "")

    def cancel(self) -> Outcome:
        """Escape: discard the event waiting for modifiers, else the half-entered event."""
        if self._question is not None:
            return self._answer(False)
        if self.waiting is not None:
            self._strip = None
            return Outcome(True, "Discarded.", discard=True, timer_ms=0)
        self._clear_draft()
        if self._strip is not None:  # late: Escape ends the grace, the event stays as it is
            self._strip = None
            return Outcome(True, timer_ms=0)
        return Outcome(True)

    def still_absent(self, key: str) -> None:
        """The arrival could not be stored: ask again the next time they are coded."""
        person = next((p for p in self.participants if p.key == key), None)
        if person is not None:
            self._absent[key] = person

    def set_order(self, order: str) -> Outcome:
        if order not in ORDERS:
            raise ValueError(f"unknown entry order {order!r}")
        done = self.finish_modifiers()
        self.order = order
        self._clear_draft()
        return done

    # --- input ---------------------------------------------------------------------------

    def key(self, text: str, now_ms: int) -> Outcome:
        """One typed character (``QKeyEvent.text()``): Enter '\\r', Backspace '\\b', Esc '\\x1b'."""
        if not text:
            return Outcome(False)
        if text == ESCAPE:
            return self.cancel()
        if self._question is not None:
            if text in YES or text in NO:
                return self._answer(text in YES)
            return Outcome(True, self.question)  # asked once: nothing else until answered
        if self._strip is not None:
            taken = self._modifier_key(text)
            if taken is not None:
                return taken
            # Not a value key: the strip closes with its defaults and the key starts the
            # next event, as the coder meant.
            done = self.finish_modifiers()
            return _then(done, self._draft_key(text, now_ms))
        return self._draft_key(text, now_ms)

    def choose_participant(self, key: str, now_ms: int) -> Outcome:
        """A person (or the group) picked by key or by a click on the seating chart."""
        if self._question is not None:
            return Outcome(True, self.question)
        done = self.finish_modifiers()
        return _then(done, self._choose_participant(key, now_ms))

    def choose_code(self, code_id: str, now_ms: int) -> Outcome:
        """A code picked by key or by a click in the palette."""
        if self._question is not None:
            return Outcome(True, self.question)
        done = self.finish_modifiers()
        return _then(done, self._choose_code(code_id, now_ms))

    def choose_modifier(self, set_id: str, value_id: str) -> Outcome:
        """A value clicked in the strip (or, late, a value of a set still open)."""
        strip = self._strip
        if strip is None:
            return Outcome(False, "No event is waiting for modifiers.")
        chosen = next((s for s in strip.open if s.id == set_id), None)
        if chosen is None or chosen.value(value_id) is None:
            return Outcome(False, f"No modifier {value_id!r} in {set_id!r} for this event.")
        return self._choose(chosen, value_id)

    def timeout(self) -> Outcome:
        """The entry's timer fired: close the strip with its defaults, or end the grace time."""
        strip = self._strip
        if strip is None:
            return Outcome(False)
        if strip.late:
            self._strip = None
            return Outcome(True, timer_ms=0)
        values = self._with_defaults(strip)
        strip.late = True
        return Outcome(True, modifiers=values, timer_ms=LATE_GRACE_MS)

    def finish_modifiers(self) -> Outcome:
        """Close the strip now, the sets not chosen at their defaults (or left open)."""
        strip = self._strip
        if strip is None:
            return Outcome(False)
        self._strip = None
        if strip.late:
            return Outcome(False, timer_ms=0)
        return Outcome(True, modifiers=self._with_defaults(strip), timer_ms=0)

    # --- internals -----------------------------------------------------------------------

    def _clear_draft(self) -> None:
        self._draft = _Draft()
        self._typed = ""
        self._initials_mode = False
        self._question = None

    def _answer(self, came: bool) -> Outcome:
        """y: present from when they were coded, and the entry goes on; n or Escape: nothing."""
        asked = self._question
        assert asked is not None
        self._question = None
        name = asked.person.label
        if not came:
            self._clear_draft()
            return Outcome(True, f"Nothing recorded: {name} is marked absent.")
        del self._absent[asked.person.key]
        arrived = Outcome(True, f"{name} came in late.")
        go_on = self._choose_participant(asked.person.key, asked.time_ms)
        return replace(_then(arrived, go_on), arrival=asked.person.key, arrival_ms=asked.time_ms)

    def _modifier_key(self, text: str) -> Outcome | None:
        """A key while the strip is open or late: the outcome, or None if it is not the strip's."""
        strip = self._strip
        assert strip is not None
        if strip.late:
            for modifier_set in strip.open:
                value = next((v for v in modifier_set.values if v.key == text), None)
                if value is not None:
                    return self._choose(modifier_set, value.id)
            return None
        if text in (ENTER, "\n"):
            strip.open.pop(0)
            return self._after_choice()
        if text == BACKSPACE:
            return Outcome(True, "Choose a value, Enter to leave it, or Escape to discard.")
        current = strip.open[0]
        value = next((v for v in current.values if v.key == text), None)
        return None if value is None else self._choose(current, value.id)

    def _choose(self, modifier_set: ModifierSet, value_id: str) -> Outcome:
        strip = self._strip
        assert strip is not None
        strip.chosen[modifier_set.id] = value_id
        strip.open.remove(modifier_set)
        if strip.late:
            value = modifier_set.value(value_id)
            label = value.label if value is not None else value_id
            if not strip.open:
                self._strip = None
            return Outcome(
                True,
                f"{label} added to the {strip.event.code.label.lower()} (after the strip closed).",
                modifiers=self._with_defaults(strip),
                timer_ms=None if strip.open else 0,
            )
        return self._after_choice()

    def _after_choice(self) -> Outcome:
        strip = self._strip
        assert strip is not None
        if strip.open:
            return Outcome(True, timer_ms=MODIFIER_TIMEOUT_MS)
        self._strip = None
        return Outcome(True, modifiers=self._with_defaults(strip), timer_ms=0)

    def _with_defaults(self, strip: _Strip) -> dict[str, str]:
        values = dict(strip.chosen)
        for modifier_set in self._sets_of(strip.event.code):
            if modifier_set.id not in values and modifier_set.default:
                values[modifier_set.id] = modifier_set.default
        return values

    def _sets_of(self, code: Code) -> list[ModifierSet]:
        sets = (self.palette.modifier_set(s, code) for s in code.modifiers)
        return [s for s in sets if s is not None and s.values]

    def _draft_key(self, text: str, now_ms: int) -> Outcome:
        if text == BACKSPACE:
            return self._back()
        step = self.step
        if text in (ENTER, "\n"):
            if step is Step.TARGET:
                return self._skip_target(now_ms)
            return Outcome(False)
        if step is Step.CODE:
            code = self.palette.by_key(text)
            if code is None:
                return Outcome(text.isprintable() and not text.isspace(),
                               message=f"No code on key {text!r}.")  # fmt: skip
            return self._choose_code(code.id, now_ms)
        # A who step: actor or target.
        if text == INITIALS_KEY and step is Step.TARGET:
            self._initials_mode = True
            self._typed = ""
            return Outcome(True, message="Initials of the target…")
        who = self._who_key(text)
        if who is not None and (self._typed or self._initials_mode):
            # Half-typed initials never swallow a seat key: they are dropped, and said so.
            typed = self._typed
            self._typed = ""
            self._initials_mode = False
            outcome = self._choose_participant(who, now_ms)
            note = f"Initials {typed!r} dropped." if typed else ""
            return _then(Outcome(True, note), outcome)
        if who is not None:
            return self._choose_participant(who, now_ms)
        # In actor-first order a code key right after the actor means "no target".
        quiet = not self._typed and not self._initials_mode
        if quiet and step is Step.TARGET and self.order == "actor-first":
            code = self.palette.by_key(text)
            if code is not None:
                return self._choose_code(code.id, now_ms)
        if text.isalpha():
            return self._initial(text, now_ms)
        return Outcome(text.isprintable(), message=f"Nothing on key {text!r} here.")

    def _choose_participant(self, key: str, now_ms: int) -> Outcome:
        self._typed = ""
        self._initials_mode = False
        absent = self._absent.get(key)
        # Asked as they are chosen (in code-first order a person is not taken before the code).
        if absent is not None and not (self.step is Step.CODE and self.order == "code-first"):
            self._question = _Question(absent, now_ms)
            return Outcome(True, self.question)
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

    def _choose_code(self, code_id: str, now_ms: int) -> Outcome:
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
        if code.target == "required" and not [t for t in d.targets if t]:
            return Outcome(True, message=f"{code.label} needs a target: to whom?")
        d.code = code
        return self._complete(now_ms)

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
            return self._choose_participant(self._initials[typed], now_ms)
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
        self._clear_draft()
        sets = self._sets_of(done.code)
        if not sets:
            return Outcome(True, record=done)
        self._strip = _Strip(done, list(sets))
        return Outcome(True, record=done, timer_ms=MODIFIER_TIMEOUT_MS)


def _then(first: Outcome, second: Outcome) -> Outcome:
    """Two outcomes of one input, in order: the first may only close a strip."""
    if not (first.handled or first.modifiers is not None or first.timer_ms is not None):
        return second
    assert first.record is None and not first.discard
    if second.modifiers is not None or second.discard:
        # Only one event can be waiting; the first outcome closed it before this one.
        raise AssertionError("an input cannot close two strips")
    message = " ".join(m for m in (first.message, second.message) if m)
    timer = second.timer_ms if second.timer_ms is not None else first.timer_ms
    return Outcome(
        second.handled or first.handled,
        message,
        record=second.record,
        modifiers=first.modifiers,
        timer_ms=timer,
    )
