"""Holding a member's key while they speak: when a press is a tap and when it is a turn."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from observer.domain.codebook import combine, shipped_codebook
from observer.domain.held_turns import HOLD_MS, REPEAT_GAP_MS, HeldKeys, Turn, speaking_code

SEATS = {"1": "m1", "2": "m2"}
LATER = REPEAT_GAP_MS + 1


def test_a_short_press_is_a_tap_and_records_no_turn() -> None:
    keys = HeldKeys(SEATS)
    keys.press("1", 1_000, idle=True)
    assert keys.tick(1_000 + HOLD_MS - 1) == []
    assert keys.release("1", 1_000 + HOLD_MS - 1)
    assert keys.tick(5_000) == [] and not keys.holding("1")


def test_a_tap_handled_late_is_still_a_tap_by_the_keys_own_times() -> None:
    # The program was busy (starting, saving): it handled the press at 1 s and the release
    # at 2.5 s of session time, but the key events say the key was down for 15 ms.
    keys = HeldKeys(SEATS)
    keys.press("1", 1_000, idle=True, at_ms=90_000)
    assert keys.tick(2_500, at_ms=90_015) == []
    assert keys.release("1", 2_500, at_ms=90_015)
    assert keys.tick(5_000) == [] and not keys.holding("1")
    # The next press of the same key is a press again, not taken for the keyboard repeating.
    assert not keys.press("1", 5_000, idle=True, at_ms=93_000)


def test_a_hold_measured_by_the_keys_own_times_ends_where_the_key_came_up() -> None:
    keys = HeldKeys(SEATS)
    keys.press("2", 1_000, idle=True, at_ms=50_000)
    keys.release("2", 9_000, at_ms=50_000 + 2 * HOLD_MS)  # handled late
    assert keys.tick(9_000 + LATER) == [Turn("2", "m2", 1_000, 1_000 + 2 * HOLD_MS)]


def test_a_hold_begins_a_turn_at_the_press_and_ends_it_where_the_key_came_up() -> None:
    keys = HeldKeys(SEATS)
    keys.press("1", 1_000, idle=True)
    assert keys.tick(1_000 + HOLD_MS) == [Turn("1", "m1", 1_000)]
    assert keys.tick(2_000) == []  # begun once
    keys.release("1", 5_250)
    assert keys.tick(5_250 + REPEAT_GAP_MS) == []  # it may yet go down again
    assert keys.tick(5_250 + LATER) == [Turn("1", "m1", 1_000, 5_250)]


def test_a_hold_let_up_before_any_tick_is_still_a_whole_turn() -> None:
    keys = HeldKeys(SEATS)
    keys.press("2", 0, idle=True)
    keys.release("2", HOLD_MS)
    assert keys.tick(HOLD_MS + LATER) == [Turn("2", "m2", 0, HOLD_MS)]


def test_auto_repeat_of_a_held_key_is_ignored_and_does_not_end_the_turn() -> None:
    keys = HeldKeys(SEATS)
    keys.press("1", 0, idle=True)
    for t in range(500, 3_000, 33):  # what a keyboard sends while a key stays down,
        keys.release("1", t, repeat=(t // 33) % 2 == 0)  # marked as repeats or not
        keys.tick(t + 10)
        assert keys.press("1", t + 20, idle=False, repeat=True) is True
    assert keys.tick(3_000) == []
    keys.release("1", 3_000)
    assert keys.tick(3_000 + LATER) == [Turn("1", "m1", 0, 3_000)]


def test_another_key_before_the_turn_began_makes_the_press_a_tap() -> None:
    keys = HeldKeys(SEATS)
    keys.press("1", 0, idle=True)
    keys.press("q", 100, idle=False)  # a code key: the observer is entering an event
    assert keys.tick(1_000) == []
    keys.release("1", 1_000)
    assert keys.tick(2_000) == []


def test_once_begun_a_turn_runs_while_other_keys_are_used() -> None:
    keys = HeldKeys(SEATS)
    keys.press("1", 0, idle=True)
    keys.tick(HOLD_MS)
    keys.press("2", 600, idle=True)
    keys.release("2", 700)
    keys.press("q", 800, idle=False)
    keys.release("1", 2_000)
    assert keys.tick(2_000 + LATER) == [Turn("1", "m1", 0, 2_000)]


def test_a_key_pressed_while_an_event_is_entered_is_never_a_turn() -> None:
    keys = HeldKeys(SEATS)
    keys.press("2", 0, idle=False)  # choosing a target
    assert keys.tick(5_000) == []
    assert not keys.release("2", 5_000)


def test_stopping_ends_running_turns_and_forgets_keys_not_yet_a_turn() -> None:
    keys = HeldKeys(SEATS)
    keys.press("1", 0, idle=True)
    keys.tick(HOLD_MS)
    keys.press("2", 900, idle=True)
    assert keys.stop(1_000) == [Turn("1", "m1", 0, 1_000)]
    assert not keys.release("1", 1_200) and keys.tick(5_000) == []


@given(st.lists(st.tuples(st.sampled_from(["1", "2", "q"]), st.booleans(),
                          st.integers(0, 900)), max_size=40))  # fmt: skip
def test_every_turn_ends_after_it_begins_and_lasts_at_least_the_hold(
    script: list[tuple[str, bool, int]],
) -> None:
    keys = HeldKeys(SEATS)
    now = 0
    ended: list[Turn] = []
    for key, down, step in script:
        now += step
        ended += [t for t in keys.tick(now) if t.end_ms is not None]
        if down:
            keys.press(key, now, idle=True)
        else:
            keys.release(key, now)
    ended += keys.stop(now + 1)
    for turn in ended:
        assert turn.end_ms is not None and turn.end_ms - turn.start_ms >= HOLD_MS
    for key in SEATS:  # one key's turns never overlap
        own = sorted((t.start_ms, t.end_ms or 0) for t in ended if t.key == key)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(own))


def test_the_airtime_codebook_gives_the_speaking_code_and_a_process_codebook_none() -> None:
    code = speaking_code(combine([shipped_codebook("bion"), shipped_codebook("airtime")]))
    assert code is not None and code.id == "speaking"
    assert speaking_code(combine([shipped_codebook("here-and-now")])) is None
