"""Process-illumination prompts: codebook patterns watched live, offered when beyond chance.

A :class:`PatternWatcher` is fed every event a coding gains, changes or loses (a
``Changes`` notice of the recorder) and keeps, for each pattern rule of the coding's
codebooks, which *given* events were followed by a matching *then* event within the
rule's window. Each change touches only the events within one window of it, so the
watcher adds little to recording an event (see ``benchmarks/bench_sequences.py``).

Chance, for a rule: the *then* events so far arrive at a rate ``n_then / now`` (``now``
is the start of the latest event); a given event at ``t`` is followed by at least one
of them within ``W`` by chance with probability ``1 - exp(-rate * min(W, now - t))``.
The expected count is the sum of these over the given events. A prompt is offered
once at least :data:`MIN_OCCURRENCES` given events were followed and the one-sided
Poisson probability of that many or more is below :data:`ALPHA`. This is judged for
each member's given events ("after Jane's disclosure…") and, when several members' acts
were followed, for the whole group. Details and reasoning: ``docs/sequences.md``.

Prompts describe what happened, with the members' pseudonyms, in the words of the
rule's ``observation``; they never diagnose. The person leading decides what to say.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from observer.analysis.prompt_words import (
    observation_sentence,
    poisson_tail,
)
from observer.domain.codebook import EventSpec, Palette, PatternRule
from observer.domain.events import Changes, Event
from observer.domain.participants import GROUP, LEADERS, Participant, distinct_labels

MIN_OCCURRENCES = 3
ALPHA = 0.05
RECENT = 30  # occurrences kept for the "as they occur" list
SWEEP_MS = 30_000  # keys whose count did not change are looked at again after this long
_LEADER_ROLES = ("leader", "co-leader", "leaders")


# --- matching events to a rule's event specs -----------------------------------------------


class Roles:
    """What role each participant key plays (member, leader, the group)."""

    def __init__(self, participants: Iterable[Participant]) -> None:
        self._role = {p.key: p.role for p in participants}
        self._role.setdefault(GROUP, "group")
        self._role.setdefault(LEADERS, "leaders")

    def plays(self, key: str, role: str) -> bool:
        found = self._role.get(key, "member")
        if role == "any":
            return True
        if role == "member":
            return found == "member"
        if role == "leader":
            return found in _LEADER_ROLES
        if role == "group":
            return key == GROUP or found == "group"
        return False


@dataclass(frozen=True)
class Matcher:
    """An event spec resolved against a palette: the code ids it means, and its roles."""

    codes: frozenset[str]
    actor: str = "any"
    target: str = "any"

    def matches(self, event: Event, roles: Roles) -> bool:
        """Does the event fit, leaving aside the roles relative to a given event?"""
        if event.code not in self.codes:
            return False
        if self.actor not in ("any", "same", "other") and not roles.plays(event.actor, self.actor):
            return False
        if self.target == "none":
            return not event.targets
        if self.target in ("any", "given-actor"):
            return True
        return any(roles.plays(t, self.target) for t in event.targets)

    def follows(self, event: Event, given: Event) -> bool:
        """The roles relative to the given event (same or other actor, addressed to it)."""
        if self.actor == "same" and event.actor != given.actor:
            return False
        if self.actor == "other" and event.actor == given.actor:
            return False
        return not (self.target == "given-actor" and given.actor not in event.targets)


def resolve_spec(spec: EventSpec, palette: Palette, own_codebook: str) -> Matcher | None:
    """The codes an event spec means in this palette; None when its codebook is not used."""
    ref = spec.code or spec.category or ""
    book_id, _, name = ref.rpartition("/")
    book = next((b for b in palette.codebooks if b.id == (book_id or own_codebook)), None)
    if book is None:
        return None
    if spec.code is not None:
        codes = frozenset(c.id for c in book.codes if c.id == name)
    else:
        codes = frozenset(c.id for c in book.codes if c.category == name)
    if not codes:
        return None
    return Matcher(codes, spec.actor, spec.target)


def applicable_rules(palette: Palette) -> list[tuple[PatternRule, Matcher, Matcher]]:
    """The palette's pattern rules whose codes are all in the coding, resolved."""
    out = []
    for book in palette.codebooks:
        for rule in book.patterns:
            given = resolve_spec(rule.given, palette, book.id)
            then = resolve_spec(rule.then, palette, book.id)
            if given is not None and then is not None:
                out.append((rule, given, then))
    return out


# --- prompts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    """One given event followed by a then event within the rule's window."""

    rule_id: str
    label: str
    given: Event
    then: Event
    given_name: str
    then_name: str

    @property
    def time_ms(self) -> int:
        return self.then.time_ms

    @property
    def gap_s(self) -> float:
        return (self.then.time_ms - self.given.time_ms) / 1000


@dataclass(frozen=True)
class Prompt:
    """A pattern seen more often than chance, worded as an observation the leader could offer.

    ``id`` is the rule id for the pattern over the whole group, or ``rule-id@member-key``
    for the pattern after one member's acts ("after Jane's disclosure…").
    """

    id: str
    rule_id: str
    label: str
    sentence: str
    count: int
    expected: float
    p_value: float
    given_members: tuple[str, ...]
    then_members: tuple[str, ...]
    time_ms: int  # when the latest occurrence completed
    first_time_ms: int  # when the prompt was first offered
    about: str | None = None  # the given actor's key when the prompt is about one member
    pinned: bool = False
    dismissed: bool = False

    @property
    def strength(self) -> float:
        """How far beyond chance: -log10 of the Poisson probability (ranks the prompts)."""
        return -math.log10(max(self.p_value, 1e-300))

    @property
    def members(self) -> tuple[str, ...]:
        """Everyone named, given actors first."""
        return tuple(dict.fromkeys(self.given_members + self.then_members))


class NoteTaker(Protocol):
    def add_note(self, text: str, time_ms: int | None = None, kind: str = "note") -> int: ...


@dataclass
class _RuleState:
    rule: PatternRule
    given: Matcher
    then: Matcher
    window_ms: int
    givens: list[tuple[int, int]] = field(default_factory=list)  # (time, id), sorted
    thens: list[tuple[int, int]] = field(default_factory=list)
    hits: dict[int, int] = field(default_factory=dict)  # given id -> first then id
    by_actor: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # actor -> givens
    hit_count: Counter[str] = field(default_factory=Counter)  # actor -> followed givens
    # Offers by key: None for the whole group, an actor key for one member.
    offered: dict[str | None, int] = field(default_factory=dict)
    pinned: set[str | None] = field(default_factory=set)
    dismissed: set[str | None] = field(default_factory=set)
    dirty: set[str | None] = field(default_factory=set)  # keys whose count changed
    swept_at: int = -SWEEP_MS  # session time of the last look at every key

    def key_id(self, key: str | None) -> str:
        return self.rule.id if key is None else f"{self.rule.id}@{key}"

    def count(self, key: str | None) -> int:
        return len(self.hits) if key is None else self.hit_count[key]

    def givens_of(self, key: str | None) -> list[tuple[int, int]]:
        return self.givens if key is None else self.by_actor.get(key, [])


class PatternWatcher:
    """Watches a coding's events for its codebooks' pattern rules (no Qt; used by the panel).

    Feed it with :meth:`load` once and :meth:`apply` for every ``Changes`` notice.
    ``participants`` name people in sentences (two who share a pseudonym told apart);
    events may use keys (``m3``) or names.
    """

    def __init__(
        self,
        palette: Palette,
        participants: Iterable[Participant],
        when: str = "tonight",
        min_occurrences: int = MIN_OCCURRENCES,
        alpha: float = ALPHA,
        live: bool = True,
    ) -> None:
        participants = list(participants)
        self.roles = Roles(participants)
        self._names = distinct_labels(participants)
        self._names[GROUP] = "the group"
        self._names[LEADERS] = "the leaders"
        self.when = when
        self.live = live
        self.min_occurrences = min_occurrences
        self.alpha = alpha
        self._rules = [
            _RuleState(rule, given, then, round(rule.within_s * 1000))
            for rule, given, then in applicable_rules(palette)
        ]
        self._events: dict[int, Event] = {}
        self._times: list[int] = []  # every event's start, sorted: "now" is the last one
        self._recent: deque[tuple[int, int, int]] = deque(maxlen=RECENT)  # (rule, given, then)
        self.version = 0  # bumps whenever prompts or occurrences may look different

    @property
    def rules(self) -> list[PatternRule]:
        return [s.rule for s in self._rules]

    def name(self, key: str) -> str:
        return self._names.get(key, key)

    # --- feeding -----------------------------------------------------------------------------

    def load(self, events: Iterable[Event]) -> None:
        """Start from the events a coding already holds."""
        for event in sorted(events, key=lambda e: (e.time_ms, e.id)):
            self._add(event)
        self._refresh_offers()

    def apply(self, changes: Changes) -> bool:
        """Take one change notice; True when prompts or occurrences changed."""
        before = self.version
        for event_id in changes.removed:
            self._remove(event_id)
        for event in changes.changed:
            self._remove(event.id)
            self._add(event)
        for event in changes.added:
            self._add(event)
        if changes.added or changes.changed or changes.removed:
            self._refresh_offers()
        return self.version != before

    def _add(self, event: Event) -> None:
        self._events[event.id] = event
        bisect.insort(self._times, event.time_ms)
        key = (event.time_ms, event.id)
        for index, state in enumerate(self._rules):
            if state.given.matches(event, self.roles):
                bisect.insort(state.givens, key)
                bisect.insort(state.by_actor.setdefault(event.actor, []), key)
                self._check(index, state, event)
            if state.then.matches(event, self.roles):
                bisect.insort(state.thens, key)
                for given in self._givens_before(state, event.time_ms):
                    self._check(index, state, given)

    def _remove(self, event_id: int) -> None:
        event = self._events.get(event_id)
        if event is None:
            return
        del self._times[bisect.bisect_left(self._times, event.time_ms)]
        key = (event.time_ms, event.id)
        for index, state in enumerate(self._rules):
            if state.given.matches(event, self.roles):
                del state.givens[bisect.bisect_left(state.givens, key)]
                own = state.by_actor[event.actor]
                del own[bisect.bisect_left(own, key)]
                if state.hits.pop(event.id, None) is not None:
                    state.hit_count[event.actor] -= 1
                    state.dirty.update((None, event.actor))
                    self.version += 1
            if state.then.matches(event, self.roles):
                del state.thens[bisect.bisect_left(state.thens, key)]
                for given in self._givens_before(state, event.time_ms):
                    self._check(index, state, given)
        del self._events[event_id]

    def _givens_before(self, state: _RuleState, time_ms: int) -> list[Event]:
        """Given events whose window (t, t + W] contains ``time_ms``."""
        lo = bisect.bisect_left(state.givens, (time_ms - state.window_ms, -1))
        hi = bisect.bisect_left(state.givens, (time_ms, -1))
        return [self._events[i] for _t, i in state.givens[lo:hi]]

    def _check(self, index: int, state: _RuleState, given: Event) -> None:
        """Find the first then event after a given one, within its window."""
        start = bisect.bisect_right(state.thens, (given.time_ms, math.inf))
        end = given.time_ms + state.window_ms
        found = None
        for t, then_id in state.thens[start:]:
            if t > end:
                break
            if then_id in self._events and state.then.follows(self._events[then_id], given):
                found = then_id
                break
        old = state.hits.get(given.id)
        if found == old:
            return
        state.dirty.update((None, given.actor))
        if found is None:
            del state.hits[given.id]
            state.hit_count[given.actor] -= 1
        else:
            if old is None:
                state.hit_count[given.actor] += 1
            state.hits[given.id] = found
            # A state's end (or undo and redo) finds the same pair again: listed once.
            if (index, given.id, found) not in self._recent:
                self._recent.append((index, given.id, found))
        self.version += 1

    # --- chance and prompts --------------------------------------------------------------------

    @property
    def now_ms(self) -> int:
        return self._times[-1] if self._times else 0

    def expected(self, state: _RuleState, key: str | None = None) -> float:
        """Expected number of given events (all, or one actor's) followed by chance so far."""
        now = self.now_ms
        givens = state.givens_of(key)
        if now <= 0 or not state.thens or not givens:
            return 0.0
        rate = len(state.thens) / now  # per millisecond
        full = bisect.bisect_right(givens, (now - state.window_ms, math.inf))
        total = full * -math.expm1(-rate * state.window_ms)
        for t, _id in givens[full:]:
            total += -math.expm1(-rate * max(0, now - t))
        return total

    def _chance(self, state: _RuleState, key: str | None) -> tuple[float, float]:
        """Expected count and the Poisson probability of the observed count or more."""
        expected = self.expected(state, key)
        return expected, poisson_tail(state.count(key), expected)

    def _may_offer(self, state: _RuleState, key: str | None) -> bool:
        if state.count(key) < self.min_occurrences:
            return False
        # The whole-group prompt adds something only when several members' acts are followed.
        return key is not None or sum(1 for c in state.hit_count.values() if c > 0) >= 2

    def _refresh_offers(self) -> None:
        for state in self._rules:
            for key in list(state.offered):
                if not self._may_offer(state, key):
                    # Undo or an edit took the pattern back below the minimum: withdraw it.
                    del state.offered[key]
                    self.version += 1
            # A count changing is what usually crosses the threshold, so those keys are
            # looked at on every change; chance also drifts as time passes, so all keys
            # are looked at again every SWEEP_MS (30 s) of session time.
            now = self.now_ms
            if abs(now - state.swept_at) >= SWEEP_MS:
                state.swept_at = now
                candidates: Iterable[str | None] = [None, *state.hit_count]
            else:
                candidates = state.dirty
            for key in candidates:
                if key in state.offered or not self._may_offer(state, key):
                    continue
                expected = self.expected(state, key)
                count = state.count(key)
                # Less than one standard deviation above chance is far from significant
                # (the tail is above 0.15): skip the exact tail.
                if count - expected < math.sqrt(expected):
                    continue
                if poisson_tail(count, expected) < self.alpha:
                    state.offered[key] = now
                    self.version += 1
            state.dirty.clear()

    def prompts(self, include_dismissed: bool = False) -> list[Prompt]:
        """Prompts offered so far, strongest first (dismissed ones only if asked)."""
        out = []
        for state in self._rules:
            for key in state.offered:
                if key in state.dismissed and not include_dismissed:
                    continue
                out.append(self._prompt(state, key))
        return sorted(out, key=lambda p: (-p.strength, -p.count, p.id))

    def _prompt(self, state: _RuleState, key: str | None) -> Prompt:
        expected, p = self._chance(state, key)
        pairs = [
            (g, self._events[t])
            for g, t in ((self._events[g], t) for g, t in state.hits.items())
            if key is None or g.actor == key
        ]
        pairs.sort(key=lambda pair: pair[1].time_ms)
        given_names = _by_frequency(self.name(g.actor) for g, _t in pairs)
        then_names = _by_frequency(self.name(t.actor) for _g, t in pairs)
        offered = state.offered[key]
        return Prompt(
            id=state.key_id(key),
            rule_id=state.rule.id,
            label=state.rule.label,
            sentence=observation_sentence(
                state.rule, len(pairs), expected, given_names, then_names, self.when, self.live
            ),
            count=len(pairs),
            expected=expected,
            p_value=p,
            given_members=tuple(given_names),
            then_members=tuple(then_names),
            time_ms=pairs[-1][1].time_ms if pairs else offered,
            first_time_ms=offered,
            about=key,
            pinned=key in state.pinned,
            dismissed=key in state.dismissed,
        )

    def occurrences(self, limit: int = RECENT) -> list[Occurrence]:
        """The latest occurrences of any rule, newest first (those still standing)."""
        out = []
        seen = set()
        for index, given_id, then_id in reversed(self._recent):
            state = self._rules[index]
            if state.hits.get(given_id) != then_id or (index, given_id) in seen:
                continue
            seen.add((index, given_id))
            given, then = self._events[given_id], self._events[then_id]
            out.append(
                Occurrence(
                    state.rule.id,
                    state.rule.label,
                    given,
                    then,
                    self.name(given.actor),
                    self.name(then.actor),
                )
            )
            if len(out) >= limit:
                break
        return out

    def counts(self) -> dict[str, tuple[int, float]]:
        """Per rule id: occurrences so far and the number expected by chance."""
        return {s.rule.id: (len(s.hits), self.expected(s)) for s in self._rules}

    # --- the user's decisions ------------------------------------------------------------------

    def _find(self, prompt_id: str) -> tuple[_RuleState, str | None]:
        rule_id, _, key = prompt_id.partition("@")
        for state in self._rules:
            if state.rule.id == rule_id:
                return state, key or None
        raise KeyError(prompt_id)

    def dismiss(self, prompt_id: str) -> None:
        """Hide a prompt (by its id) for the rest of this session."""
        state, key = self._find(prompt_id)
        state.dismissed.add(key)
        self.version += 1

    def pin(self, prompt_id: str, notes: NoteTaker) -> int:
        """Keep a prompt in the session notes (a process note of kind "prompt"); returns its id."""
        state, key = self._find(prompt_id)
        if key not in state.offered:
            raise KeyError(prompt_id)
        prompt = self._prompt(state, key)
        note_id = notes.add_note(prompt.sentence, prompt.time_ms, kind="prompt")
        state.pinned.add(key)
        self.version += 1
        return note_id


def _by_frequency(names: Iterable[str]) -> list[str]:
    """Distinct names, the most frequent first (ties in order of appearance)."""
    counts = Counter(names)
    order = {n: i for i, n in enumerate(counts)}
    return sorted(counts, key=lambda n: (-counts[n], order[n]))


def watcher_for(
    palette: Palette, participants: Iterable[Participant], events: Iterable[Event], **kw: object
) -> PatternWatcher:
    """A watcher loaded with a coding's events (for reports and tests)."""
    watcher = PatternWatcher(palette, participants, **kw)  # type: ignore[arg-type]
    watcher.load(events)
    return watcher


__all__ = [
    "ALPHA",
    "MIN_OCCURRENCES",
    "Matcher",
    "Occurrence",
    "PatternWatcher",
    "Prompt",
    "applicable_rules",
    "observation_sentence",
    "poisson_tail",
    "resolve_spec",
]
