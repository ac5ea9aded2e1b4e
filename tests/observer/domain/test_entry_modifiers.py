"""Live entry with its modifier step: every key sequence ends in exactly the events it describes.

The window carries out each Outcome in a fixed order (modifiers to the waiting event,
discard it, record a new one); ``Desk`` below does the same on a plain list, so these
tests check the state machine alone, exhaustively, with Hypothesis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observer.domain.codebook import Palette, combine, shipped_codebook
from observer.domain.entry import (
    BACKSPACE,
    ENTER,
    ESCAPE,
    LATE_GRACE_MS,
    MODIFIER_TIMEOUT_MS,
    Entry,
    Outcome,
    Step,
)
from observer.domain.participants import Participant

PEOPLE = [
    Participant("m1", "Jane", "JA", seat=0),
    Participant("m2", "Sam", "SA", seat=1),
    Participant("m3", "Dr Rivera", "DR", role="leader", seat=2),
    Participant("m4", "Tariq", "TA", seat=3),
    Participant("m5", "Paul", "PA", seat=4),
    Participant("group", "Group", "G", role="group"),
    Participant("leaders", "Leaders", "L", role="leaders"),
]
KEYS = {"1": "m1", "2": "m2", "3": "m3", "4": "m4", "5": "m5", " ": "group", "-": "leaders"}
PALETTE: Palette = combine([shipped_codebook("here-and-now"), shipped_codebook("bion")])


@dataclass
class Desk:
    """What the coding window does with outcomes, on a list instead of a database."""

    events: list[dict[str, Any]] = field(default_factory=list)
    last: int | None = None
    timer: int | None = None

    def apply(self, out: Outcome) -> Outcome:
        if out.modifiers is not None:
            assert self.last is not None, "modifiers with no event recorded"
            self.events[self.last]["modifiers"] = dict(out.modifiers)
        if out.discard:
            assert self.last is not None, "discard with no event recorded"
            self.events.pop(self.last)
            self.last = None
        if out.record is not None:
            r = out.record
            self.events.append(
                {"time": r.time_ms, "code": r.code.id, "actor": r.actor,
                 "targets": r.targets, "modifiers": {}}
            )  # fmt: skip
            self.last = len(self.events) - 1
        if out.timer_ms is not None:
            self.timer = out.timer_ms or None
        return out


def typed(entry: Entry, desk: Desk, text: str, at: int = 0) -> Outcome:
    out = Outcome(False)
    for ch in text:
        out = desk.apply(entry.key(ch, at))
    return out


@pytest.fixture
def entry() -> Entry:
    return Entry(PEOPLE, PALETTE)


def test_the_event_is_recorded_when_its_code_key_goes_down(entry: Entry) -> None:
    desk = Desk()
    out = typed(entry, desk, "41c", at=357_000)  # Tariq confronts Jane
    assert out.record is not None and desk.timer == MODIFIER_TIMEOUT_MS
    assert desk.events == [
        {"time": 357_000, "code": "confrontation", "actor": "m4", "targets": ("m1",),
         "modifiers": {}}
    ]  # fmt: skip
    assert entry.step is Step.MODIFIERS and entry.waiting is not None
    typed(entry, desk, "n")  # negative; intensity still open
    typed(entry, desk, "h")
    assert desk.events[0]["modifiers"] == {"valence": "negative", "intensity": "high"}
    assert entry.step is Step.ACTOR and desk.timer is None


def test_escape_in_the_strip_discards_the_event_it_recorded(entry: Entry) -> None:
    desk = Desk()
    typed(entry, desk, "21f")
    out = typed(entry, desk, ESCAPE)
    assert out.discard and desk.events == [] and entry.step is Step.ACTOR


def test_a_late_value_key_goes_to_the_event_and_starts_nothing(entry: Entry) -> None:
    """Issue: `2 1 f`, the strip closes by itself, `p`, then `1 2 q` lost the question."""
    desk = Desk()
    typed(entry, desk, "21f")
    desk.apply(entry.timeout())  # six seconds pass
    assert desk.timer == LATE_GRACE_MS and entry.late is not None
    out = typed(entry, desk, "p")
    assert "Positive added" in out.message
    typed(entry, desk, "12q")
    assert [(e["code"], e["actor"], e["modifiers"]) for e in desk.events] == [
        ("feedback", "m2", {"valence": "positive"}),
        ("question", "m1", {}),
    ]


def test_after_the_grace_time_half_typed_initials_never_swallow_a_seat_key(entry: Entry) -> None:
    desk = Desk()
    typed(entry, desk, "21f")
    desk.apply(entry.timeout())
    desk.apply(entry.timeout())  # the grace time ends too
    out = typed(entry, desk, "p")  # now the start of Paul's initials…
    assert entry.typed_initials == "P" and out.handled
    out = typed(entry, desk, "1")  # …but the coder meant seat 1
    assert "dropped" in out.message and entry.actor == "m1"
    typed(entry, desk, "2q")
    assert [e["code"] for e in desk.events] == ["feedback", "question"]


def test_the_next_event_closes_the_strip_with_its_defaults(entry: Entry) -> None:
    desk = Desk()
    typed(entry, desk, "41c")
    typed(entry, desk, "n")  # intensity left to its default by going on
    typed(entry, desk, "12q")
    assert desk.events[0]["modifiers"] == {"valence": "negative", "intensity": "medium"}
    assert desk.events[1]["code"] == "question"


def test_a_click_in_the_strip_chooses_a_value(entry: Entry) -> None:
    desk = Desk()
    typed(entry, desk, "41c")
    desk.apply(entry.choose_modifier("intensity", "low"))  # any open set, in any order
    desk.apply(entry.choose_modifier("valence", "mixed"))
    assert desk.events[0]["modifiers"] == {"valence": "mixed", "intensity": "low"}
    assert not entry.choose_modifier("valence", "positive").handled  # nothing waiting now


# --- property: scripted sessions -------------------------------------------------------------

CODES = {  # key: (id, needs a target, takes a target)
    "f": ("feedback", True, True),
    "c": ("confrontation", True, True),
    "d": ("self-disclosure", False, True),
    "q": ("question", False, True),
    "w": ("withdrawal", False, False),
}


@st.composite
def scripted_event(draw: st.DrawFn) -> tuple[list[Any], dict[str, Any]]:
    """One intended event: the inputs that enter it, and the event they describe."""
    actor = draw(st.sampled_from(sorted(KEYS)))
    key = draw(st.sampled_from(sorted(CODES)))
    code_id, needs, takes = CODES[key]
    target: str | None = None
    if takes and (needs or draw(st.booleans())):
        target = draw(st.sampled_from(sorted(k for k in KEYS if k != actor)))
    inputs: list[Any] = [actor, target if target is not None else ENTER]
    if not takes:
        inputs = [actor, ENTER]
    inputs.append(key)
    code = PALETTE.code(code_id)
    assert code is not None
    sets = [s for s in (PALETTE.modifier_set(m, code) for m in code.modifiers) if s]
    chosen: dict[str, str] = {}
    timed_out = False
    for i, modifier_set in enumerate(sets):
        how = draw(st.sampled_from(["value", "enter", "timeout", "click"]))
        if how == "timeout":
            inputs.append("TIMEOUT")
            timed_out = True
            late = draw(st.sampled_from([None, *[s.id for s in sets[i:]]]))
            if late is not None:
                late_set = next(s for s in sets if s.id == late)
                value = draw(st.sampled_from([v for v in late_set.values if v.key]))
                # A late key goes to the first open set that has it (intensity 'm' vs mixed).
                owner = next(s for s in sets[i:] if any(v.key == value.key for v in s.values))
                inputs.append(value.key)
                chosen[owner.id] = next(v.id for v in owner.values if v.key == value.key)
            if draw(st.booleans()):
                inputs.append("TIMEOUT")  # the grace time ends
            break
        if how == "value":
            value = draw(st.sampled_from([v for v in modifier_set.values if v.key]))
            inputs.append(value.key)
            chosen[modifier_set.id] = value.id
        elif how == "click":
            value = draw(st.sampled_from(modifier_set.values))
            inputs.append(("CLICK", modifier_set.id, value.id))
            chosen[modifier_set.id] = value.id
        else:
            inputs.append(ENTER)
    del timed_out
    for modifier_set in sets:
        if modifier_set.id not in chosen and modifier_set.default:
            chosen[modifier_set.id] = modifier_set.default
    expected = {
        "code": code_id,
        "actor": KEYS[actor],
        "targets": (KEYS[target],) if target is not None else (),
        "modifiers": chosen,
    }
    return inputs, expected


NOISE = st.sampled_from([ESCAPE, "TIMEOUT", BACKSPACE])


def run(entry: Entry, desk: Desk, inputs: list[Any], at: int) -> None:
    for item in inputs:
        if item == "TIMEOUT":
            if desk.timer is not None:
                desk.apply(entry.timeout())
        elif isinstance(item, tuple):
            desk.apply(entry.choose_modifier(item[1], item[2]))
        else:
            desk.apply(entry.key(item, at))


@settings(max_examples=300, deadline=None)
@given(
    script=st.lists(st.tuples(scripted_event(), st.lists(NOISE, max_size=2)), max_size=12),
    order=st.just("actor-first"),
)
def test_a_scripted_session_records_exactly_the_events_it_describes(
    script: list[tuple[tuple[list[Any], dict[str, Any]], list[Any]]], order: str
) -> None:
    entry = Entry(PEOPLE, PALETTE, order)
    desk = Desk()
    expected = []
    for at, ((inputs, event), noise) in enumerate(script):
        run(entry, desk, inputs, at * 1000)
        expected.append({"time": at * 1000, **event})
        # Noise between events (Escape, a stray timer, Backspace) while nothing is
        # half-entered must never change what was recorded; Escape with a strip open
        # discards, so noise comes only once the strip is settled.
        desk.apply(entry.finish_modifiers())
        for item in noise:
            run(entry, desk, [item], at * 1000)
    assert desk.events == expected


ALPHABET = [*KEYS, *CODES, "p", "n", "m", "l", "h", "j", "s", "t", "a", "W", "F", "'",
            ENTER, ESCAPE, BACKSPACE, "TIMEOUT", "FINISH",
            ("CLICK", "valence", "positive"), ("CLICK", "intensity", "high")]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=60))
def test_any_key_soup_records_only_valid_events(inputs: list[Any]) -> None:
    entry = Entry(PEOPLE, PALETTE)
    desk = Desk()
    for i, item in enumerate(inputs):
        if item == "FINISH":
            desk.apply(entry.finish_modifiers())
        else:
            run(entry, desk, [item], i)
    keys = {p.key for p in PEOPLE}
    for event in desk.events:
        code = PALETTE.code(event["code"])
        assert code is not None and event["actor"] in keys
        assert event["actor"] not in event["targets"]
        assert set(event["targets"]) <= keys
        if code.target == "required":
            assert event["targets"]
        if code.target == "none":
            assert event["targets"] == ()
        for set_id, value_id in event["modifiers"].items():
            modifier_set = PALETTE.modifier_set(set_id, code)
            assert modifier_set is not None and modifier_set.value(value_id) is not None
