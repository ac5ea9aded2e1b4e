"""The keyboard entry state machine, without Qt: who, to whom, what."""

from __future__ import annotations

import pytest

from observer.domain.codebook import combine, shipped_codebook
from observer.domain.entry import Entry, Step
from observer.domain.participants import Participant

PEOPLE = [
    Participant("m1", "Jane", "JA", seat=0),
    Participant("m2", "Sam", "SA", seat=1),
    Participant("m3", "Dr Rivera", "DR", role="leader", seat=2),
    Participant("m4", "Dr Kim", "DK", role="co-leader", seat=3),
    Participant("group", "Group", "G", role="group"),
    Participant("leaders", "Leaders", "L", role="leaders"),
]


@pytest.fixture
def entry() -> Entry:
    palette = combine([shipped_codebook("here-and-now"), shipped_codebook("bion")])
    return Entry(PEOPLE, palette)


def keys(entry: Entry, text: str, at: int = 0):
    out = None
    for ch in text:
        out = entry.key(ch, at)
    return out


def test_digits_pick_actor_and_target_then_code_records(entry: Entry) -> None:
    assert entry.step is Step.ACTOR
    keys(entry, "12")
    assert (entry.actor, entry.targets, entry.step) == ("m1", ("m2",), Step.CODE)
    done = entry.key("f", 1234).completed
    assert done is not None
    assert (done.code.id, done.actor, done.targets, done.time_ms) == (
        "feedback",
        "m1",
        ("m2",),
        1234,
    )
    assert entry.is_empty


def test_space_means_the_group_and_dash_the_leaders(entry: Entry) -> None:
    done = keys(entry, "1 q").completed
    assert done.targets == ("group",)
    done = keys(entry, "-1s").completed
    assert (done.actor, done.targets) == ("leaders", ("m1",))


def test_code_without_target_records_at_once_after_the_actor(entry: Entry) -> None:
    done = keys(entry, "2w").completed  # Sam withdraws: a state, no target
    assert (done.code.id, done.actor, done.targets) == ("withdrawal", "m2", ())
    done = keys(entry, " W").completed  # the group goes into work mode
    assert (done.code.id, done.actor) == ("work", "group")


def test_code_that_needs_a_target_waits_for_one(entry: Entry) -> None:
    out = keys(entry, "1f")
    assert out.completed is None and "needs a target" in out.message
    assert entry.step is Step.TARGET


def test_initials_pick_people_case_insensitively(entry: Entry) -> None:
    keys(entry, "dr")
    assert entry.actor == "m3"
    keys(entry, "'ja")
    assert entry.targets == ("m1",)
    assert keys(entry, "c").completed.code.id == "confrontation"


def test_escape_like_cancel_and_backspace(entry: Entry) -> None:
    keys(entry, "12")
    entry.key("\b", 0)
    assert entry.step is Step.TARGET and entry.actor == "m1"
    entry.cancel()
    assert entry.is_empty and entry.step is Step.ACTOR


def test_enter_skips_the_target(entry: Entry) -> None:
    keys(entry, "1\r")
    assert entry.step is Step.CODE
    done = entry.key("d", 5).completed
    assert done.targets == () and done.code.id == "self-disclosure"


def test_code_first_order(entry: Entry) -> None:
    entry.set_order("code-first")
    assert entry.step is Step.CODE
    keys(entry, "f1")
    assert entry.step is Step.TARGET
    done = entry.key("2", 7).completed
    assert (done.code.id, done.actor, done.targets, done.time_ms) == ("feedback", "m1", ("m2",), 7)
    done = keys(entry, "W ").completed  # a state with no target records after the actor
    assert (done.code.id, done.actor) == ("work", "group")


def test_no_one_is_their_own_target(entry: Entry) -> None:
    out = keys(entry, "11")
    assert "own target" in out.message and entry.targets == ()
