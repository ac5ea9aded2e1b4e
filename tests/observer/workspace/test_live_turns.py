"""Live airtime on a real coding: a held member's key is a speaking turn on disk, measured
by ``airtime`` as a transcript's turns are."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from observer.analysis.airtime import airtime
from observer.domain.held_turns import HOLD_MS, REPEAT_GAP_MS
from observer.storage.read_coding import from_coding
from observer.storage.store import open_store
from observer.workspace.live_entry import LiveEntry
from observer.workspace.recording import Recorder
from tests.observer.helpers import small_coding


def turns_on_disk(path: Path, coding_id: int) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT time_ms, end_ms, code, actor FROM events WHERE coding_id = ? ORDER BY id",
            (coding_id,),
        ).fetchall()


@pytest.fixture
def coding(tmp_path: Path) -> tuple[Path, int, dict[str, str]]:
    path = tmp_path / "live.sqlite3"
    store = open_store(path)
    coding_id, keys = small_coding(store, ("here-and-now", "bion", "airtime"))
    store.close()
    return path, coding_id, keys


def test_a_held_key_stores_the_turn_as_it_begins_and_its_end_on_release(coding: Any) -> None:
    path, coding_id, keys = coding
    desk = LiveEntry(Recorder(open_store(path), coding_id))
    desk.press("1", 10_000)
    assert desk.entry.actor == keys["Jane"]  # at first a tap: Jane chosen
    desk.tick(10_000 + HOLD_MS)
    # Begun: on disk at once (a crash keeps it), and the entry is free again.
    assert turns_on_disk(path, coding_id) == [(10_000, None, "speaking", keys["Jane"])]
    assert desk.entry.is_empty
    desk.release("1", 11_000)  # the keyboard repeating, as X11 sends it
    desk.press("1", 11_030, repeat=True)
    desk.release("1", 14_500)
    assert turns_on_disk(path, coding_id) == [(10_000, None, "speaking", keys["Jane"])]
    done = desk.tick(14_500 + REPEAT_GAP_MS + 1)
    assert "Jane spoke for 4.5 s" in done.message
    assert turns_on_disk(path, coding_id) == [(10_000, 14_500, "speaking", keys["Jane"])]
    # One undo takes the whole turn back.
    desk.recorder.undo()
    assert turns_on_disk(path, coding_id) == []


def test_a_tap_still_chooses_the_actor_and_records_no_turn(coding: Any) -> None:
    path, coding_id, keys = coding
    desk = LiveEntry(Recorder(open_store(path), coding_id))
    desk.press("2", 0)
    desk.release("2", 120)
    desk.press("q", 300)  # Sam asks a question
    [(_t, _end, code, actor)] = turns_on_disk(path, coding_id)
    assert (code, actor) == ("question", keys["Sam"])


def test_turns_kept_live_are_measured_as_airtime(coding: Any) -> None:
    path, coding_id, keys = coding
    desk = LiveEntry(Recorder(open_store(path), coding_id))
    for key, start, end in [("1", 0, 4_000), ("2", 4_500, 6_000), ("1", 6_000, 7_000)]:
        desk.press(key, start)
        desk.release(key, end)  # no tick while held: stored whole once it stayed up
    desk.stop_turns(8_000)
    desk.recorder.close()
    store = open_store(path)
    measured = airtime(from_coding(store, coding_id))
    jane, sam = (next(s for s in measured.speakers if s.key == keys[n]) for n in ("Jane", "Sam"))
    assert (jane.seconds, jane.turns, sam.seconds, sam.turns) == (5.0, 2, 1.5, 1)


def test_stopping_ends_a_running_turn_now(coding: Any) -> None:
    path, coding_id, keys = coding
    desk = LiveEntry(Recorder(open_store(path), coding_id))
    desk.press("3", 1_000)
    desk.tick(2_000)
    desk.stop_turns(3_000)
    assert turns_on_disk(path, coding_id) == [(1_000, 3_000, "speaking", keys["Priya"])]
    desk.release("3", 4_000)  # the key coming up later does nothing
    assert desk.tick(5_000).recorded is None
    assert turns_on_disk(path, coding_id) == [(1_000, 3_000, "speaking", keys["Priya"])]


def test_a_turn_left_running_by_a_crash_ends_at_the_last_known_time(coding: Any) -> None:
    path, coding_id, keys = coding
    desk = LiveEntry(Recorder(open_store(path), coding_id))
    desk.press("1", 1_000)
    desk.tick(1_500)
    typed = [desk.press(ch, 9_000) for ch in "23q"]  # Sam asks Priya, Jane still speaking
    assert typed[-1].recorded is not None
    desk.recorder.close()  # the app is gone with the key still down
    reopened = LiveEntry(Recorder(open_store(path), coding_id, take_over=True))
    done = reopened.end_turns_left_running()
    assert "Jane" in done.message and "ends at 00:09" in done.message
    assert turns_on_disk(path, coding_id)[0] == (1_000, 9_000, "speaking", keys["Jane"])
    assert reopened.end_turns_left_running().message == ""  # nothing left to end


def test_without_a_speaking_code_holding_a_key_is_a_tap(tmp_path: Path) -> None:
    path = tmp_path / "plain.sqlite3"
    store = open_store(path)
    coding_id, keys = small_coding(store)
    desk = LiveEntry(Recorder(store, coding_id))
    desk.press("1", 0)
    desk.tick(5_000)
    desk.release("1", 5_000)
    assert desk.tick(6_000).recorded is None
    assert desk.entry.actor == keys["Jane"]
