"""The live pattern watcher: occurrences, chance, the threshold, the words, the decisions."""

from __future__ import annotations

import math
import random

import pytest

from observer.analysis.prompt_words import observation_sentence, poisson_tail, times_phrase
from observer.analysis.prompts import PatternWatcher, applicable_rules
from observer.domain.codebook import combine, shipped_codebook
from observer.domain.events import Changes, Event
from observer.domain.participants import Participant

PALETTE = combine([shipped_codebook("here-and-now"), shipped_codebook("bion")])
PEOPLE = (
    Participant("m1", "Jane"),
    Participant("m2", "Sam"),
    Participant("m3", "Priya"),
    Participant("m4", "Tom"),
    Participant("m5", "Dr Lee", role="leader"),
    Participant("group", "Group", role="group"),
    Participant("leaders", "Leaders", role="leaders"),
)
RULE = "disclosure-then-subject-change"
JANE = f"{RULE}@m1"  # the pattern after Jane's acts


class Script:
    """Feeds events to a watcher one by one, as the recorder would announce them."""

    def __init__(self) -> None:
        self.watcher = PatternWatcher(PALETTE, PEOPLE)
        self.next_id = 1

    def add(self, seconds: float, code: str, actor: str, targets: tuple[str, ...] = ()) -> Event:
        event = Event(self.next_id, round(seconds * 1000), code, actor, targets)
        self.next_id += 1
        self.watcher.apply(Changes("Record", added=(event,)))
        return event

    def filler(self, start: float, end: float) -> None:
        """Ordinary feedback between members every 30 s: the session's background."""
        t = start
        while t < end:
            self.add(t, "feedback", "m3", ("m4",))
            t += 30

    def ids(self) -> list[str]:
        return [p.rule_id for p in self.watcher.prompts()]


def test_poisson_tail_against_the_sum() -> None:
    for mean in (0.1, 0.8, 3.0, 12.5, 60.0):
        for count in (0, 1, 2, 3, 5, 10, 40, 80):
            direct = 1 - sum(math.exp(-mean) * mean**k / math.factorial(k) for k in range(count))
            assert poisson_tail(count, mean) == pytest.approx(max(direct, 0), abs=1e-9)
    assert poisson_tail(3, 0.0) == 0.0
    assert 0 < poisson_tail(400, 50.0) < 1e-100


def test_rules_need_their_codebooks() -> None:
    alone = combine([shipped_codebook("here-and-now")])
    ids = {r.id for r, _g, _t in applicable_rules(alone)}
    assert RULE in ids
    assert "leader-confrontation-then-fight-flight" not in ids
    assert "leader-confrontation-then-fight-flight" in {
        r.id for r, _g, _t in applicable_rules(PALETTE)
    }


def test_prompt_appears_at_the_third_occurrence_and_not_before() -> None:
    s = Script()
    for round_ in range(3):
        base = round_ * 300
        s.filler(base, base + 60)
        s.add(base + 60, "self-disclosure", "m1", ("group",))
        assert RULE not in s.ids()
        s.add(base + 70, "subject-change", ["m2", "m4", "m2"][round_])
        if round_ < 2:
            assert RULE not in s.ids()
    # The event that crossed the threshold: the third subject change.
    prompts = s.watcher.prompts()
    assert [p.rule_id for p in prompts] == [RULE]
    prompt = prompts[0]
    assert (prompt.id, prompt.about) == (JANE, "m1")
    assert prompt.count == 3
    assert prompt.given_members == ("Jane",)
    assert prompt.then_members == ("Sam", "Tom")
    assert prompt.first_time_ms == 670_000
    assert prompt.sentence.startswith("Third time tonight: after Jane shared something personal")
    assert "Sam and Tom changed the subject within 30 seconds" in prompt.sentence
    assert "by chance" in prompt.sentence


def test_expected_count_follows_the_documented_model() -> None:
    s = Script()
    s.add(0, "feedback", "m3", ("m4",))
    s.add(100, "self-disclosure", "m1")
    s.add(200, "subject-change", "m2")
    s.add(290, "self-disclosure", "m1")
    s.add(300, "subject-change", "m2")
    # now = 300 s; 2 subject changes so far: rate = 2/300 per s.
    # The first disclosure had a full 30 s window, the second only 10 s so far.
    rate = 2 / 300
    expected = (1 - math.exp(-rate * 30)) + (1 - math.exp(-rate * 10))
    count, got = s.watcher.counts()[RULE]
    assert count == 1  # the first subject change came 100 s after: too late
    assert got == pytest.approx(expected)


def test_own_subject_change_does_not_count_and_order_of_arrival_does_not_matter() -> None:
    ordered = Script()
    shuffled = Script()
    events: list[tuple[float, str, str, tuple[str, ...]]] = []
    for k in range(6):
        base = k * 200
        events.append((base, "self-disclosure", "m1", ()))
        # Jane changing her own subject is not "another member" changing it.
        events.append((base + 5, "subject-change", "m1" if k % 2 else "m3", ()))
        events.append((base + 100, "feedback", "m2", ("m4",)))
    for e in events:
        ordered.add(*e)
    rng = random.Random(3)
    for e in rng.sample(events, len(events)):  # a tape coded out of order
        shuffled.add(*e)
    assert ordered.watcher.counts()[RULE][0] == 3
    for rule, (count, expected) in ordered.watcher.counts().items():
        assert shuffled.watcher.counts()[rule] == (count, pytest.approx(expected))


def test_undo_and_edits_update_the_count_and_withdraw_a_prompt() -> None:
    s = Script()
    changes = []
    for k in range(3):
        s.filler(k * 300, k * 300 + 60)
        s.add(k * 300 + 60, "self-disclosure", "m1")
        changes.append(s.add(k * 300 + 75, "subject-change", "m2"))
    assert RULE in s.ids()
    # Moving the last subject change out of the window (an edit) takes it below three.
    moved = Event(changes[-1].id, 900_000, "subject-change", "m2")
    s.watcher.apply(Changes("Edit time", changed=(moved,)))
    assert s.watcher.counts()[RULE][0] == 2
    assert RULE not in s.ids()
    s.watcher.apply(Changes("Undo", changed=(changes[-1],)))
    assert RULE in s.ids()
    s.watcher.apply(Changes("Delete", removed=(changes[0].id,)))
    assert s.watcher.counts()[RULE][0] == 2
    assert RULE not in s.ids()


def test_no_prompt_when_the_pattern_is_just_frequent() -> None:
    # Subject changes every 10 s: following a disclosure within 30 s is what chance gives.
    s = Script()
    for k in range(60):
        s.add(k * 10, "subject-change", ["m2", "m3", "m4"][k % 3])
        if k % 6 == 0:
            s.add(k * 10 + 1, "self-disclosure", "m1")
    count, expected = s.watcher.counts()[RULE]
    assert count >= 9
    assert expected > count * 0.8
    assert RULE not in s.ids()


class Notes:
    def __init__(self) -> None:
        self.added: list[tuple[str, int | None, str]] = []

    def add_note(self, text: str, time_ms: int | None = None, kind: str = "note") -> int:
        self.added.append((text, time_ms, kind))
        return len(self.added)


def test_dismiss_hides_and_pin_writes_a_prompt_note() -> None:
    s = Script()
    for k in range(3):
        s.filler(k * 300, k * 300 + 60)
        s.add(k * 300 + 60, "self-disclosure", "m1")
        s.add(k * 300 + 70, "subject-change", "m2")
    notes = Notes()
    s.watcher.pin(JANE, notes)
    (text, time_ms, kind) = notes.added[0]
    assert kind == "prompt" and time_ms == 670_000 and "Jane" in text
    assert s.watcher.prompts()[0].pinned
    s.watcher.dismiss(JANE)
    assert s.watcher.prompts() == []
    assert [p.id for p in s.watcher.prompts(include_dismissed=True)] == [JANE]


def test_occurrences_are_listed_newest_first() -> None:
    s = Script()
    s.add(10, "self-disclosure", "m1")
    s.add(20, "subject-change", "m2")
    s.add(30, "question", "m5", ("m3",))
    s.add(35, "withdrawal", "m3")
    found = s.watcher.occurrences()
    assert [(o.rule_id, o.given_name, o.then_name) for o in found] == [
        ("leader-question-then-silence", "Dr Lee", "Priya"),
        (RULE, "Jane", "Sam"),
    ]
    assert found[1].gap_s == 10


def test_sentences_are_plain() -> None:
    rule = next(r for r, _g, _t in applicable_rules(PALETTE) if r.id == RULE)
    text = observation_sentence(rule, 3, 1.1, ["Jane"], ["Tom"])
    assert text.startswith(
        "Third time tonight: after Jane shared something personal, Tom changed the subject "
        "within 30 seconds (expected about once by chance)."
    )
    many = observation_sentence(rule, 14, 2.2, ["Jane"], ["Tom", "Sam", "Priya", "Ben"], live=False)
    assert many.startswith("14 times tonight: after Jane")
    assert "Tom, Sam, Priya and others" in many
    assert times_phrase(0.3) == "less than once"
    assert times_phrase(2.4) == "about twice"
    assert times_phrase(6.6) == "about 7 times"


def test_one_member_and_the_whole_group_are_separate_prompts() -> None:
    s = Script()
    for k in range(5):
        base = k * 300
        s.filler(base, base + 60)
        discloser = "m1" if k < 3 else "m3"  # Jane three times, then Priya twice
        s.add(base + 60, "self-disclosure", discloser)
        s.add(base + 70, "subject-change", "m2" if discloser != "m2" else "m4")
    prompts = {p.id: p for p in s.watcher.prompts()}
    assert set(prompts) == {JANE, RULE}  # Priya's two are not enough on their own
    assert prompts[JANE].given_members == ("Jane",)
    assert prompts[RULE].given_members == ("Jane", "Priya")
    assert prompts[RULE].count == 5 and prompts[JANE].count == 3
    assert "after Jane and Priya shared something personal" in prompts[RULE].sentence
    # Dismissing one leaves the other.
    s.watcher.dismiss(RULE)
    assert [p.id for p in s.watcher.prompts()] == [JANE]


def test_a_state_that_ends_is_one_occurrence_not_two() -> None:
    """A withdrawal is announced when it starts and again when it ends: one pattern, once."""
    s = Script()
    s.add(30, "question", "m5", ("m3",))
    silence = s.add(35, "withdrawal", "m3")
    assert len(s.watcher.occurrences()) == 1
    ended = Event(silence.id, silence.time_ms, "withdrawal", "m3", end_ms=50_000)
    s.watcher.apply(Changes("Stop Withdrawal", changed=(ended,)))
    found = s.watcher.occurrences()
    assert [(o.rule_id, o.given_name, o.then_name) for o in found] == [
        ("leader-question-then-silence", "Dr Lee", "Priya")
    ]
    # Undone and redone, it is still one occurrence.
    s.watcher.apply(Changes("Undo", removed=(silence.id,)))
    assert s.watcher.occurrences() == []
    s.watcher.apply(Changes("Redo", added=(ended,)))
    assert len(s.watcher.occurrences()) == 1
