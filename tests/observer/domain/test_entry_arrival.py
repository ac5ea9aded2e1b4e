"""A member marked absent is coded: the entry asks once whether they came in late."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observer.domain.codebook import combine, shipped_codebook
from observer.domain.entry import Entry, Outcome, Step
from observer.domain.participants import Participant

PEOPLE = [
    Participant("m1", "Jane", "JA", seat=0),
    Participant("m2", "Sam", "SA", seat=1),
    Participant("m3", "Paul", "PA", seat=2, present=False),
    Participant("m4", "Dr Rivera", "DR", role="leader", seat=3),
    Participant("group", "Group", "G", role="group"),
    Participant("leaders", "Leaders", "L", role="leaders"),
]
PALETTE = combine([shipped_codebook("here-and-now"), shipped_codebook("bion")])
QUESTION = "Paul is marked absent. Did Paul come in late? y: yes, from now · n: no"


@pytest.fixture
def entry() -> Entry:
    return Entry(PEOPLE, PALETTE)


def keys(entry: Entry, text: str, at: int = 0) -> list[Outcome]:
    return [entry.key(ch, at) for ch in text]


def test_coding_an_absent_member_asks_and_yes_records_the_arrival_then_the_event(
    entry: Entry,
) -> None:
    [asked] = keys(entry, "3", at=5_000)  # Paul, by seat
    assert (asked.handled, asked.message, asked.record) == (True, QUESTION, None)
    assert entry.step is Step.ARRIVAL and entry.question == QUESTION
    assert not entry.is_empty  # Escape goes to the question, not to the window
    yes = entry.key("y", 6_000)
    assert (yes.arrival, yes.arrival_ms, yes.record) == ("m3", 5_000, None)
    assert yes.message == "Paul came in late."
    assert (entry.actor, entry.step) == ("m3", Step.TARGET)
    [_, done] = keys(entry, "1s", at=7_000)
    assert done.record is not None and (done.record.actor, done.record.targets) == ("m3", ("m1",))
    assert done.arrival is None
    # Present from then on: coded again, nobody asks.
    [again, *_] = keys(entry, "3 q")
    assert again.message == "" and entry.is_empty


@pytest.mark.parametrize("answer", ["n", "N", "\x1b"])
def test_no_or_escape_records_nothing_and_asks_again_next_time(entry: Entry, answer: str) -> None:
    keys(entry, "13")  # Jane to Paul
    assert entry.step is Step.ARRIVAL
    no = entry.key(answer, 0)
    assert (no.arrival, no.record, no.message) == (
        None,
        None,
        "Nothing recorded: Paul is marked absent.",
    )
    assert entry.is_empty and entry.step is Step.ACTOR
    assert keys(entry, "3")[0].message == QUESTION


def test_other_keys_and_clicks_only_repeat_the_question(entry: Entry) -> None:
    keys(entry, "3")
    for out in (*keys(entry, "1f \r"), entry.choose_participant("m1", 0),
                entry.choose_code("question", 0)):  # fmt: skip
        assert (out.handled, out.message, out.record, out.arrival) == (True, QUESTION, None, None)
    assert entry.step is Step.ARRIVAL


def test_initials_and_clicks_ask_too_and_code_first_completes_at_the_target_key() -> None:
    entry = Entry(PEOPLE, PALETTE)
    keys(entry, "pa")
    assert entry.question == QUESTION
    entry.cancel()
    assert entry.choose_participant("m3", 0).message == QUESTION
    entry.cancel()
    code_first = Entry(PEOPLE, PALETTE, order="code-first")
    keys(code_first, "q1", at=1_000)
    assert code_first.key("3", 2_000).message == QUESTION
    yes = code_first.key("y", 9_000)
    assert yes.arrival == "m3" and yes.arrival_ms == 2_000
    assert yes.record is not None and (yes.record.time_ms, yes.record.targets) == (2_000, ("m3",))


def test_a_strip_closed_by_an_absent_members_key_keeps_its_defaults(entry: Entry) -> None:
    keys(entry, "12c")  # a confrontation: the strip opens
    out = entry.key("3", 0)
    assert out.modifiers == {"intensity": "medium"} and out.message == QUESTION
    assert entry.waiting is None and entry.step is Step.ARRIVAL


TYPED = st.lists(st.sampled_from(list("123 qfwcyn\x1b\r\bpa")), max_size=40)


@settings(max_examples=300, deadline=None)
@given(TYPED)
def test_paul_is_never_in_an_event_before_his_arrival(typed: list[str]) -> None:
    """Whatever is typed, an event names Paul only after (or with) the one arrival said yes."""
    entry = Entry(PEOPLE, PALETTE)
    arrived = False
    for ch in typed:
        out = entry.key(ch, 0)
        if out.arrival is not None:
            assert out.arrival == "m3" and not arrived  # asked once: yes happens once
            arrived = True
        if out.record is not None:
            named = (out.record.actor, *out.record.targets)
            assert arrived or "m3" not in named
