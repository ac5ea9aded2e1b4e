"""The one validation of values and events, over many inputs (Hypothesis)."""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observer.domain import limits
from observer.domain.codebook import combine, shipped_codebook
from observer.domain.errors import Refused
from observer.domain.event_rules import EventRules
from observer.domain.events import Event
from observer.domain.participants import GROUP, LEADERS, Participant, Roster

PEOPLE = [
    Participant("m1", "Jane", "JA"),
    Participant("m2", "Sam", "SA"),
    Participant("m3", "Tom", "TO", present=False),
    Participant(GROUP, "Group", role="group"),
    Participant(LEADERS, "Leaders", role="leaders"),
]
RULES = EventRules(
    combine([shipped_codebook("here-and-now"), shipped_codebook("bion")]), Roster(PEOPLE)
)
KEYS = ["m1", "m2", "m3", GROUP, LEADERS, "m9"]


# --- times, numbers and text -----------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30) | st.from_regex(r"-?[0-9e.+]{1,12}(:[0-9e.]{1,6}){0,3}"))
def test_any_text_is_a_time_in_the_session_or_refused_in_words(text: str) -> None:
    try:
        ms = limits.session_time(limits.time_from_text(text, "time"), "time")
    except Refused as exc:
        assert exc.field == "time" and exc.message
    else:
        assert isinstance(ms, int) and 0 <= ms <= limits.MAX_SESSION_MS


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers() | st.booleans() | st.text())
def test_any_value_is_whole_milliseconds_or_refused(value: Any) -> None:
    try:
        ms = limits.milliseconds(value, "time_ms", per_unit=1000)
    except Refused as exc:
        assert exc.field == "time_ms"
        assert isinstance(value, bool | str) or not math.isfinite(value * 1000)
    else:
        assert isinstance(ms, int) and not isinstance(value, bool)


def storable(text: str) -> None:
    """Text that an Excel cell and an XML file (ELAN) both hold: no error, well-formed."""
    from openpyxl import Workbook

    sheet = Workbook().active
    assert sheet is not None
    sheet["A1"] = text
    element = ET.Element("ANNOTATION_VALUE")
    element.text = text
    out = io.BytesIO()
    ET.ElementTree(element).write(out, encoding="utf-8")
    ET.fromstring(out.getvalue())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_names_and_notes_that_pass_can_be_written_anywhere(text: str) -> None:
    for check in (lambda t: limits.name(t, "pseudonym", 100), lambda t: limits.note(t)):
        try:
            kept = check(text)
        except Refused as exc:
            assert (
                "control character" in exc.message
                or "line break" in exc.message
                or ("tab" in exc.message or "empty" in exc.message)
            )
        else:
            storable(kept)


@pytest.mark.parametrize(
    ("text", "kept"), [("  Jane ", "Jane"), ("Zoë", "Zoë"), ("Dr Lee", "Dr Lee"), ("李", "李")]
)
def test_a_name_is_kept_trimmed(text: str, kept: str) -> None:
    assert limits.name(text, "pseudonym", 100) == kept


@pytest.mark.parametrize("text", ["", "  ", "a\nb", "a\tb", "a\x00", "a\x7f", "\ud800", "x" * 101])
def test_a_name_is_refused(text: str) -> None:
    with pytest.raises(Refused):
        limits.name(text, "pseudonym", 100)


# --- the event rules -------------------------------------------------------------------------

codes = st.sampled_from(["question", "feedback", "withdrawal", "work", "fight-flight", "x"])
events = st.builds(
    Event,
    id=st.just(0),
    time_ms=st.integers(-10, limits.MAX_SESSION_MS + 10) | st.integers(),
    code=codes,
    actor=st.sampled_from(KEYS),
    targets=st.lists(st.sampled_from(KEYS), max_size=3).map(tuple),
    modifiers=st.dictionaries(
        st.sampled_from(["valence", "intensity"]),
        st.sampled_from(["positive", "high", "nope"]),
        max_size=2,
    ),
    note=st.text(max_size=5),
    end_ms=st.none() | st.integers(-10, limits.MAX_SESSION_MS + 10),
)


@settings(max_examples=500, deadline=None)
@given(events)
def test_an_event_kept_keeps_every_rule(event: Event) -> None:
    try:
        code = RULES.check(event)
    except Refused as exc:
        assert exc.field in ("code", "time", "end", "actor", "target", "note") or (
            exc.field.startswith("modifier:")
        )
        return
    assert 0 <= event.time_ms <= limits.MAX_SESSION_MS
    assert event.end_ms is None or (code.is_state and event.time_ms <= event.end_ms)
    assert event.actor in RULES.roster and event.actor not in event.targets
    assert len(set(event.targets)) == len(event.targets)
    assert code.target != "required" or event.targets
    assert code.target != "none" or not event.targets


spans = st.lists(
    st.tuples(
        st.sampled_from(["withdrawal", "work", "fight-flight", "question"]),
        st.sampled_from(["m1", GROUP]),
        st.integers(0, 50),
        st.none() | st.integers(0, 20),
    ),
    max_size=25,
)


@settings(max_examples=500, deadline=None)
@given(spans)
def test_a_whole_file_is_judged_as_if_recorded_one_event_after_another(
    rows: list[tuple[str, str, int, int | None]],
) -> None:
    """The import's fast check of states agrees with the recorder's, event by event."""
    kept: list[Event] = []
    expected: tuple[int, str] | None = None
    file = []
    for i, (code, actor, start, length) in enumerate(rows):
        end = None if length is None or code == "question" else start + length
        targets = ("m2",) if code == "question" else ()
        event = Event(i + 1, start, code, actor, targets, {}, "", end)
        file.append(event)
        if expected is None:
            clash = RULES.overlap(event, kept)
            if clash is not None:
                expected = (i, clash.message)
            kept.append(event)
    try:
        RULES.check_all(file, [str(i) for i in range(len(file))])
    except Refused as exc:
        assert expected == (int(exc.where), exc.message)
    else:
        assert expected is None


def test_a_name_is_found_by_pseudonym_then_initials_then_key() -> None:
    roster = Roster(
        [
            Participant("m1", "Al", "AB"),
            Participant("m2", "Bea", "AL"),  # her initials are Al's pseudonym: Al wins
            Participant(GROUP, "Group", role="group"),
        ]
    )
    assert [roster.find(n) for n in ("al", " AB ", "bea", "m2", "GROUP", "leaders", "x")] == [
        "m1",
        "m1",
        "m2",
        "m2",
        GROUP,
        LEADERS,
        None,
    ]
    with pytest.raises(Refused, match=r"'x' is not a member .*\(known: Al, Bea, group, leaders\)"):
        roster.key_of("x", "actor")


def test_two_members_called_sam_are_found_as_shown_and_never_guessed() -> None:
    """A database made before pseudonyms had to be unique: exports write "Sam (SK)"."""
    roster = Roster(
        [
            Participant("m1", "Sam", "SK"),
            Participant("m2", "Sam", "SM"),
            Participant("m3", "Dr Lee", "DL", role="leader"),
        ]
    )
    assert [roster.find(n) for n in ("Sam (SK)", "sam (sm)", "SM", "dr lee")] == [
        "m1",
        "m2",
        "m2",
        "m3",
    ]
    with pytest.raises(Refused, match=r"^'Sam' could be 'Sam \(SK\)' or 'Sam \(SM\)'"):
        roster.find("Sam")
    with pytest.raises(Refused) as refused:
        roster.key_of("sam", "actor")
    assert refused.value.field == "actor"
