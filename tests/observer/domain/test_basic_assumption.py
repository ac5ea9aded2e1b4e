"""One rule for the group's basic-assumption mode: which codes are modes, which runs when."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from observer.analysis import basic_assumptions
from observer.domain.basic_assumption import (
    BASIC_ASSUMPTION,
    BION_MODES,
    mode_at,
    mode_codes,
    running_mode,
)
from observer.domain.codebook import Palette, shipped_codebook
from observer.domain.coding_data import CodeInfo, CodingData
from observer.domain.events import Event


def test_the_modes_are_the_bion_codebooks_exclusive_group() -> None:
    bion = shipped_codebook("bion")
    assert mode_codes(bion.codes) == frozenset(BION_MODES)
    assert {c.exclusive_group for c in bion.codes if c.id in BION_MODES} == {BASIC_ASSUMPTION}
    assert mode_codes(shipped_codebook("here-and-now").codes) == frozenset()
    # Without a codebook (an events CSV) Bion's modes are known by id, nothing else is.
    assert mode_codes((), {"work", "pairing", "feedback"}) == {"work", "pairing"}


def test_a_code_of_a_codebook_is_a_mode_only_in_the_exclusive_group() -> None:
    codes = {"work": CodeInfo("work", "Work", kind="state")}  # another codebook's "work"
    data = CodingData("c", (Event(1, 0, "work", "group"),), (), codes, palette=None)
    assert data.is_mode("work")  # no codebook at all: Bion's ids
    described = CodingData("c", data.events, (), codes, palette=Palette(()))
    assert not described.is_mode("work")


# A course of modes as live coding records it: each mode starts where the one before ends;
# the last may still be running (end None) or have been stopped.
courses = st.tuples(
    st.lists(
        st.tuples(st.integers(1, 60_000), st.sampled_from(BION_MODES)), min_size=1, max_size=12
    ),
    st.one_of(st.none(), st.integers(1, 60_000)),
)


def _events(steps: list[tuple[int, str]], stop_after: int | None) -> list[Event]:
    events, t = [], 0
    for i, (gap, code) in enumerate(steps):
        events.append(Event(i + 1, t, code, "group"))
        t += gap
    closed = [
        Event(e.id, e.time_ms, e.code, "group", end_ms=nxt.time_ms)
        for e, nxt in itertools.pairwise(events)
    ]
    last = events[-1]
    end = None if stop_after is None else last.time_ms + stop_after
    return [*closed, Event(last.id, last.time_ms, last.code, "group", end_ms=end)]


@given(courses, st.lists(st.integers(-1_000, 800_000), min_size=1, max_size=20))
def test_mode_at_is_the_mode_whose_stretch_holds_the_moment(
    course: tuple[list[tuple[int, str]], int | None], moments: list[int]
) -> None:
    events = _events(*course)
    for t in moments:
        holding = [e for e in events if e.time_ms <= t and (e.end_ms is None or t < e.end_ms)]
        assert len(holding) <= 1  # one mode at a time
        assert mode_at(events, t) == (holding[0] if holding else None)
    last = events[-1]
    assert running_mode([e for e in events if e.end_ms is None]) == (
        last if last.end_ms is None else None
    )


@given(courses, st.lists(st.integers(0, 800_000), min_size=1, max_size=20))
def test_the_profile_asks_the_same_rule(
    course: tuple[list[tuple[int, str]], int | None], moments: list[int]
) -> None:
    events = _events(*course)
    data = CodingData("c", tuple(events), ())
    profile = basic_assumptions.profile(data)
    for t in moments:
        if t < data.duration_ms:  # a running mode ends with the coding
            found = mode_at(events, t)
            assert profile.mode_at(t) == (found.code if found is not None else None)


def test_where_an_edit_left_two_modes_overlapping_the_later_start_wins() -> None:
    events = [
        Event(1, 0, "work", "group", end_ms=50_000),
        Event(2, 30_000, "dependency", "group", end_ms=40_000),
    ]
    assert [getattr(mode_at(events, t), "code", None) for t in (10_000, 35_000, 45_000)] == [
        "work",
        "dependency",
        "work",
    ]
    assert mode_at(events, 50_000) is None and mode_at(events, -1) is None
