"""The rules every coded event keeps, whichever way it comes in.

Recording, editing and every import (CSV, TSV, XLSX, JSON, BORIS, and so the command
line) ask an event the same questions in the same order, and refuse it with the same
:class:`Refused`: the field and why, in the same words. In that order:

1. the code is in the coding's codebooks;
2. its time, and a state's end, lie within the session (``limits.session_time``); a
   point code has no end, and a state does not end before it starts;
3. the actor and every target are people of the session, the group or the leaders;
   nobody is their own target, and nobody is named twice;
4. a code that needs a target has one, and one that takes none has none;
5. modifiers are sets the code has, holding values of the set;
6. the note holds no control characters;
7. a state does not run twice at once for one actor, nor beside another state of its
   exclusive group (Bion's basic assumptions take turns).

A member marked absent who acts is kept: the record wins, as in the analyses; an import
says so in its report (:meth:`EventRules.absent_actor`). The rules are the user's in
``docs/live-coding.md`` and ``docs/formats.md``.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from observer.domain import limits
from observer.domain.codebook import Code, ExclusiveGroup, Palette
from observer.domain.errors import Refused
from observer.domain.events import Event
from observer.domain.participants import Roster
from observer.domain.wording import counted


class EventRules:
    """The rules of one coding: its codebooks (combined) and the people of its session."""

    def __init__(self, palette: Palette, roster: Roster) -> None:
        self.palette = palette
        self.roster = roster

    def code(self, code_id: str) -> Code:
        found = self.palette.code(code_id)
        if found is None:
            books = ", ".join(b.id for b in self.palette.codebooks)
            raise Refused("code", f"unknown code {code_id!r} (this coding's codebooks: {books})")
        return found

    def check(self, event: Event) -> Code:
        """Refuse an event that cannot be kept on its own (rules 1 to 6); returns its code.

        Quick enough to run on every key press: no look at the other events.
        """
        code = self.code(event.code)
        limits.session_time(event.time_ms, "time")
        if event.end_ms is not None:
            self.check_end(code, event.time_ms, event.end_ms)
        roster = self.roster
        if event.actor not in roster:
            raise roster.unknown(event.actor, "actor")
        seen: set[str] = set()
        for target in event.targets:
            if target not in roster:
                raise roster.unknown(target, "target")
            if target == event.actor:
                raise Refused("target", f"{roster.label(target)} cannot be their own target")
            if target in seen:
                raise Refused("target", f"{roster.label(target)} is named twice as a target")
            seen.add(target)
        if code.target == "required" and not event.targets:
            raise Refused("target", f"{code.label} needs a target: to whom was it addressed?")
        if code.target == "none" and event.targets:
            raise Refused("target", f"{code.label} takes no target")
        for set_id, value in event.modifiers.items():
            mset = self.palette.modifier_set(set_id, code) if set_id in code.modifiers else None
            if mset is None:
                raise Refused(f"modifier:{set_id}", f"{code.label} has no modifier set {set_id!r}")
            if not isinstance(value, str) or mset.value(value) is None:
                values = ", ".join(v.id for v in mset.values)
                raise Refused(
                    f"modifier:{set_id}", f"{value!r} is not a value of {mset.label} ({values})"
                )
        limits.note(event.note, "note")
        return code

    def check_end(self, code: Code, time_ms: int, end_ms: int) -> None:
        """Rule 2 for an end: a state's, within the session, not before the start."""
        if not code.is_state:
            raise Refused("end", f"{code.label} is a point code and has no end")
        check_span(time_ms, end_ms)

    def overlap(self, event: Event, others: Iterable[Event]) -> Refused | None:
        """Rule 7 against the coding's other events (the event itself left out by the caller).

        Only a state looks at the others, so recording a point event stays quick.
        """
        code = self.palette.code(event.code)
        if code is None or not code.is_state:
            return None
        group = self.palette.exclusive_group(code)
        rivals = set(group.codes) if group is not None else {code.id}
        start, end = event.time_ms, _end(event)
        first: Event | None = None
        for other in others:
            if other.actor != event.actor or other.code not in rivals:
                continue
            if not (other.time_ms < end and start < _end(other)):
                continue
            if first is None or (other.time_ms, _end(other)) < (first.time_ms, _end(first)):
                first = other
        return None if first is None else self._clash(event, code, group, first)

    def absent_actor(self, event: Event) -> str | None:
        """The pseudonym of an actor marked absent from the session (kept: the record wins)."""
        if self.roster.is_present(event.actor):
            return None
        return self.roster.label(event.actor)

    def check_all(self, events: Sequence[Event], where: Sequence[str]) -> list[str]:
        """Refuse, placed at ``where[i]``, the first event a coding could not hold.

        The events are taken in the order given, each against those before it, as if
        recorded one by one. Returns notices for the import's report (absent actors).
        """
        timeline = _Timeline(self)
        absent: dict[str, list[str]] = {}
        for event, at in zip(events, where, strict=True):
            try:
                self.check(event)
            except Refused as exc:
                raise exc.at(at) from None
            clash = timeline.add(event)
            if clash is not None:
                raise clash.at(at)
            name = self.absent_actor(event)
            if name is not None:
                absent.setdefault(name, []).append(at)
        return [
            f"{name} is marked absent from the session but acts in {counted(len(places), 'event')} "
            f"(first at {places[0]}); kept: the record wins"
            for name, places in absent.items()
        ]

    def _clash(
        self, event: Event, code: Code, group: ExclusiveGroup | None, other: Event
    ) -> Refused:
        who = self.roster.label(event.actor)
        start, end = limits.shown(other.time_ms), other.end_ms
        span = f"from {start} on" if end is None else f"from {start} to {limits.shown(end)}"
        if other.code == event.code:
            return Refused(
                "time",
                f"{code.label} already runs for {who} {span}; a state cannot run twice at once",
            )
        assert group is not None  # a rival of another code is one of its exclusive group
        other_code = self.palette.code(other.code)
        label = other_code.label if other_code is not None else other.code
        return Refused(
            "time",
            f"{code.label} would run beside {label} for {who} ({span}); "
            f"one {group.label} state at a time",
        )


def check_span(time_ms: int, end_ms: int | None) -> None:
    """Rule 2 on its own, for files read without a coding (an events CSV for an analysis)."""
    limits.session_time(time_ms, "time")
    if end_ms is None:
        return
    limits.session_time(end_ms, "end")
    if end_ms < time_ms:
        raise Refused(
            "end",
            f"the event ends ({limits.shown(end_ms)}) before it starts ({limits.shown(time_ms)})",
        )


def _end(event: Event) -> float:
    return math.inf if event.end_ms is None else event.end_ms


@dataclass
class _Lane:
    """One actor's states that exclude each other, apart and in time order."""

    spans: list[tuple[int, float]] = field(default_factory=list)
    ends: list[float] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


class _Timeline:
    """Rule 7 over a whole file in O(n log n): each state against the lane it belongs to."""

    def __init__(self, rules: EventRules) -> None:
        self.rules = rules
        self.lanes: dict[tuple[str, str], _Lane] = {}

    def add(self, event: Event) -> Refused | None:
        code = self.rules.palette.code(event.code)
        if code is None or not code.is_state:
            return None
        group = self.rules.palette.exclusive_group(code)
        lane = self.lanes.setdefault(
            (event.actor, f"group:{group.id}" if group is not None else f"code:{code.id}"), _Lane()
        )
        start, end = event.time_ms, _end(event)
        # The lane's states are apart, so sorted by (start, end) their ends rise too: the
        # earliest that ends after this one starts is the first it could run beside.
        i = bisect.bisect_right(lane.ends, start)
        if i < len(lane.spans) and lane.spans[i][0] < end:
            return self.rules._clash(event, code, group, lane.events[i])
        at = bisect.bisect_right(lane.spans, (start, end))
        lane.spans.insert(at, (start, end))
        lane.ends.insert(at, end)
        lane.events.insert(at, event)
        return None
