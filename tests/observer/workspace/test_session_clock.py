"""One session clock: a live coding keeps the wall time of its session time 0 (its anchor)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from observer.cli.main import main
from observer.storage.coding_info import coding_info
from observer.storage.store import open_store
from observer.workspace.codings import new_coding
from observer.workspace.comparison import compare_codings
from observer.workspace.recording import Recorder
from tests.observer.helpers import old_coding, old_database, small_coding

NINE = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def wall(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The wall clock the live clock reads, set by the test."""
    now = [NINE]
    monkeypatch.setattr("observer.domain.clock.utcnow", lambda: now[0])
    return now


def test_a_coding_has_no_anchor_until_its_clock_first_starts(store) -> None:
    coding_id, _ = small_coding(store)
    assert coding_info(store, coding_id).clock_anchor is None


def test_the_anchor_is_when_the_clock_first_started(store, wall: list[datetime]) -> None:
    coding_id, _ = small_coding(store)
    recorder = Recorder(store, coding_id)
    recorder.start_clock()
    recorder.close()
    assert coding_info(store, coding_id).clock_anchor == NINE


def test_pauses_and_a_crash_leave_the_anchor_as_it_was(store, wall: list[datetime]) -> None:
    coding_id, _ = small_coding(store)
    recorder = Recorder(store, coding_id)
    recorder.start_clock()
    wall[0] = NINE + timedelta(minutes=10)
    recorder.pause_clock()
    wall[0] = NINE + timedelta(minutes=12)
    recorder.start_clock()
    recorder.close()
    again = Recorder(store, coding_id)  # reopened as after a crash, and continued
    wall[0] = NINE + timedelta(minutes=30)
    again.continue_clock()
    again.resume_clock_at(5_000)
    again.close()
    assert coding_info(store, coding_id).clock_anchor == NINE


def test_a_clock_first_started_later_in_the_session_is_anchored_at_time_zero(
    store, wall: list[datetime]
) -> None:
    """Resumed at 90 s before it ever ran: session time 0 was 90 s before that start."""
    coding_id, _ = small_coding(store)
    recorder = Recorder(store, coding_id)
    recorder.resume_clock_at(90_000)
    recorder.close()
    assert coding_info(store, coding_id).clock_anchor == NINE - timedelta(seconds=90)


def test_a_database_from_before_gains_anchors_none_set(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old_database(path, "0007").dispose()
    with sqlite3.connect(path) as conn:
        old_coding(conn)
    conn.close()
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT id, clock_anchor FROM codings").fetchall() == [(1, None)]
    conn.close()


# --- lining up by the anchors -------------------------------------------------------------

# What both co-therapists saw, by wall time after nine: (seconds, code, actor, target).
SEEN = [
    (12, "feedback", "Jane", "Sam"),
    (31, "support", "Sam", "Jane"),
    (47, "question", "Priya", "Tom"),
    (64, "feedback", "Tom", "Priya"),
    (80, "advice", "Jane", "Tom"),
    (99, "support", "Priya", "Sam"),
]


def live_coding(
    store,
    session_id: int,
    keys: dict[str, str],
    initials: str,
    started: datetime,
    wall,
    clock_off: timedelta = timedelta(0),
) -> int:
    """A live coding whose clock was started at ``started``, of everything in SEEN, on a
    laptop whose wall clock is ``clock_off`` fast."""
    coding_id = new_coding(store, session_id, initials, ["here-and-now", "bion"])
    wall[0] = started + clock_off
    recorder = Recorder(store, coding_id)
    recorder.start_clock()
    for seconds, code, actor, target in SEEN:
        at = NINE + timedelta(seconds=seconds)
        recorder.record(round((at - started).total_seconds() * 1000), code, keys[actor],
                        [keys[target]])  # fmt: skip
    recorder.close()
    return coding_id


@pytest.fixture
def five_seconds_apart(store, wall: list[datetime]) -> tuple[int, int]:
    """Two co-therapists' live codings of one session, the second started 5 s later."""
    first, keys = small_coding(store)
    session_id = coding_info(store, first).session_id
    a = live_coding(store, session_id, keys, "AB", NINE, wall)
    b = live_coding(store, session_id, keys, "CD", NINE + timedelta(seconds=5), wall)
    return a, b


def test_two_live_codings_started_5_s_apart_agree_fully(store, five_seconds_apart) -> None:
    a, b = five_seconds_apart
    result = compare_codings(store, [a, b], 2.0, 1.0).result
    assert result is not None
    assert result["event_kappa"] == 1.0
    assert result["offset"]["method"] == "anchors" and result["offset"]["ms"] == 5_000
    assert result["offset"]["matched"] == len(SEEN)
    assert result["notes"][0] == (
        f"Coding {b} lined up with coding {a} by their clocks' anchors: its session began "
        f"5 s after coding {a}'s by wall time."
    )
    assert result["notes"][1].startswith("The events agree with the anchors")


def test_a_laptop_clock_a_minute_fast_is_found_from_the_events(store, wall: list[datetime]) -> None:
    """Anchors 65 s apart, events 5 s: offered by default, applied with auto."""
    first, keys = small_coding(store)
    session_id = coding_info(store, first).session_id
    a = live_coding(store, session_id, keys, "AB", NINE, wall)
    b = live_coding(
        store, session_id, keys, "CD", NINE + timedelta(seconds=5), wall, timedelta(minutes=1)
    )
    by_anchors = compare_codings(store, [a, b], 2.0, 1.0).result
    assert by_anchors is not None
    assert by_anchors["offset"]["method"] == "anchors" and by_anchors["offset"]["ms"] == 65_000
    assert by_anchors["offset"]["estimate"]["ms"] == 5_000
    assert by_anchors["notes"][1].startswith(f"The events suggest shifting coding {b} by +5 s")
    by_events = compare_codings(store, [a, b], 2.0, 1.0, align_by="auto").result
    assert by_events is not None
    found = {"ms": 5_000, "method": "events", "matched": 6}
    assert by_events["offset"] == found | {"estimate": found}
    assert by_events["event_kappa"] == 1.0


def test_without_the_anchors_the_same_codings_disagree(store, five_seconds_apart) -> None:
    a, b = five_seconds_apart
    result = compare_codings(store, [a, b], 2.0, 1.0, align_by="none").result
    assert result is not None
    assert result["offset"]["method"] == "none"
    assert result["matched"] == 0


def test_the_command_lines_codings_up_by_their_anchors(
    store, five_seconds_apart, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = five_seconds_apart
    db = str(store.location)
    assert main(["--db", db, "agreement", str(a), str(b), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["event_kappa"] == 1.0 and result["offset"]["method"] == "anchors"
    assert main(["--db", db, "agreement", str(a), str(b)]) == 0
    assert "+5.000 s added to coding" in capsys.readouterr().out
    assert main(["--db", db, "agreement", str(a), str(b), "--align", "none", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["matched"] == 0
