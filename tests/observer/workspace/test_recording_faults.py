"""When the database does not take a write: a typed fault in words, and nothing that lies.

Each fault is raised as SQLite raises it: some for real (another connection holding the
write lock, a file that may not grow, a connection that may not write), the rest injected
at the driver (``tests/observer/injected.py``) where a real disk would fail.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observer.domain.errors import (
    DatabaseBusy,
    DiskError,
    DiskFull,
    ReadOnlyDatabase,
    StorageFault,
)
from observer.storage.event_rows import load_events
from observer.storage.store import RECORDING_BUSY_MS, Store, open_store
from observer.workspace.recording import Recorder
from tests.observer.helpers import small_coding
from tests.observer.injected import BUSY, FSYNC, FULL, IOERR, READONLY, inject


def on_disk(path: Path, coding_id: int) -> list[tuple[int, str, str]]:
    """The coding's events as a fresh connection reads them from the file."""
    conn = sqlite3.connect(path)
    try:
        return [(e.time_ms, e.code, e.actor) for e in load_events(conn, coding_id)]
    finally:
        conn.close()


def in_memory(recorder: Recorder) -> list[tuple[int, str, str]]:
    return [(e.time_ms, e.code, e.actor) for e in recorder.events]


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "observer.sqlite3"
    store = open_store(path)
    coding_id, keys = small_coding(store)
    faults = inject(monkeypatch)
    recorder = Recorder(store, coding_id)
    yield recorder, keys, faults, path
    faults.clear()
    recorder.close()
    store.close()


def test_a_busy_database_is_reported_at_once_and_nothing_is_kept(setup) -> None:
    recorder, k, _faults, path = setup
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    with pytest.raises(DatabaseBusy) as caught:
        recorder.record(1_000, "question", k["Jane"], [k["Sam"]])
    other.execute("ROLLBACK")
    other.close()
    assert str(caught.value).startswith("Not saved: another program is writing")
    assert "Try again in a moment." in str(caught.value)
    assert not caught.value.uncertain
    assert recorder.events == [] and not recorder.can_undo
    # Released: the same event saves on the next try.
    recorder.record(1_000, "question", k["Jane"], [k["Sam"]])
    assert on_disk(path, recorder.coding_id) == [(1_000, "question", k["Jane"])]


def test_the_recording_connection_waits_a_quarter_second_at_most(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int] = []
    real = store.connect

    def connect(busy_timeout_ms: int = 2000):
        asked.append(busy_timeout_ms)
        return real(busy_timeout_ms)

    coding_id, _ = small_coding(store)
    monkeypatch.setattr(store, "connect", connect)
    Recorder(store, coding_id).close()
    assert asked[-1] == RECORDING_BUSY_MS <= 250  # the connection it writes through


def test_a_full_disk_is_reported_and_memory_matches_the_file(setup) -> None:
    recorder, k, faults, path = setup
    recorder.close()

    def no_room(conn: sqlite3.Connection) -> None:
        # The file may not grow by a single page: as a disk with no space left.
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")

    faults.prepare = no_room
    recorder = Recorder(recorder.store, recorder.coding_id)
    with pytest.raises(DiskFull) as caught:
        for i in range(5_000):
            recorder.record(i * 10, "question", k["Jane"], [k["Sam"]], note="x" * 500)
    assert str(caught.value).startswith("Not saved: the disk is full. Free some space")
    assert recorder.events and in_memory(recorder) == on_disk(path, recorder.coding_id)
    recorder.undo()  # the history holds the saved events only: undo takes the last of them
    assert in_memory(recorder) == on_disk(path, recorder.coding_id)
    recorder.close()


@pytest.mark.parametrize(
    ("fault", "kind", "words"),
    [
        (BUSY, DatabaseBusy, "Not saved: another program is writing to the database"),
        (FULL, DiskFull, "Not saved: the disk is full."),
        (IOERR, DiskError, "Not saved: the disk could not be written (an input/output error)."),
        (READONLY, ReadOnlyDatabase, "Not saved: the database file cannot be written any more"),
    ],
)
def test_every_kind_of_write_failure_keeps_memory_and_history_true(
    setup, fault, kind, words
) -> None:
    recorder, k, faults, path = setup
    kept = recorder.record(500, "question", k["Jane"], [k["Sam"]])
    faults.fail(fault, at="write", times=1)
    with pytest.raises(kind) as caught:
        recorder.record(1_000, "question", k["Sam"], [k["Jane"]])
    assert str(caught.value).startswith(words)
    assert recorder.events == [kept] and recorder.undo_label.startswith("Record")
    faults.fail(fault, at="write", times=1)
    with pytest.raises(kind):
        recorder.undo()
    assert recorder.can_undo and recorder.events == [kept]  # still there to undo
    recorder.undo()
    assert recorder.events == [] and recorder.can_redo
    faults.fail(fault, at="write", times=1)
    with pytest.raises(kind):
        recorder.redo()
    assert recorder.can_redo and recorder.events == []
    assert on_disk(path, recorder.coding_id) == []


def test_a_clock_that_could_not_be_saved_is_put_back(setup) -> None:
    recorder, _k, faults, _path = setup
    faults.fail(FULL, at="write", times=1)
    with pytest.raises(DiskFull):
        recorder.start_clock()
    assert not recorder.clock.running and not recorder.saved_clock.was_running
    recorder.start_clock()
    assert recorder.clock.running


def test_a_note_that_could_not_be_saved_raises(setup) -> None:
    recorder, _k, faults, _path = setup
    faults.fail(IOERR, at="write", times=1)
    with pytest.raises(DiskError):
        recorder.add_note("Jane looked away", 1_000)
    assert recorder.notes() == []


# --- a commit whose outcome is not known --------------------------------------------------


def test_a_commit_that_failed_before_writing_is_checked_and_reported_not_saved(
    setup, tmp_path: Path
) -> None:
    recorder, k, faults, path = setup
    faults.fail(FSYNC, at="commit", times=1)
    with pytest.raises(DiskError) as caught:
        recorder.record(1_000, "question", k["Jane"], [k["Sam"]])
    assert not caught.value.uncertain
    assert str(caught.value).endswith("The database was opened again and checked: it is not there.")
    assert recorder.events == [] and not recorder.can_undo
    # What the coder was told stays true after a restart.
    recorder.close()
    again = Recorder(open_store(path), recorder.coding_id, read_only=True)
    assert again.events == []


def test_a_commit_that_failed_after_writing_counts_as_saved(setup) -> None:
    recorder, k, faults, path = setup
    heard = []
    recorder.subscribe(heard.append)
    faults.fail(FSYNC, at="after-commit", times=1)
    event = recorder.record(1_000, "question", k["Jane"], [k["Sam"]])
    assert recorder.events == [event] and recorder.can_undo
    assert [c.added for c in heard] == [(event,)]
    assert on_disk(path, recorder.coding_id) == [(1_000, "question", k["Jane"])]
    recorder.undo()  # undo deletes that very row
    assert on_disk(path, recorder.coding_id) == []


def test_an_edit_and_a_delete_are_settled_the_same_way(setup) -> None:
    recorder, k, faults, path = setup
    event = recorder.record(1_000, "question", k["Jane"], [k["Sam"]])
    faults.fail(FSYNC, at="after-commit", times=1)
    moved = recorder.edit(event.id, time_ms=2_000)
    assert recorder.events == [moved]
    faults.fail(FSYNC, at="commit", times=1)
    with pytest.raises(DiskError, match="checked: it is not there"):
        recorder.delete([event.id])
    assert recorder.events == [moved]
    assert on_disk(path, recorder.coding_id) == [(2_000, "question", k["Jane"])]


def test_when_the_database_cannot_be_checked_the_fault_says_perhaps(setup) -> None:
    recorder, k, faults, path = setup
    faults.fail(FSYNC, at="commit", times=1)
    real_connect = recorder.store.connect

    def unreachable(*_args, **_kwargs):
        raise DiskError(saving=False)

    recorder.store.connect = unreachable  # type: ignore[method-assign]
    with pytest.raises(DiskError) as caught:
        recorder.record(1_000, "question", k["Jane"], [k["Sam"]])
    recorder.store.connect = real_connect  # type: ignore[method-assign]
    assert caught.value.uncertain
    assert str(caught.value).startswith(
        "Perhaps not saved: the disk could not be written (an input/output error) at the "
        "moment of saving"
    )
    assert recorder.events == [] and not recorder.can_undo
    # Reachable again: the next write goes through on a new connection.
    recorder.record(2_000, "question", k["Jane"], [k["Sam"]])
    assert on_disk(path, recorder.coding_id) == [(2_000, "question", k["Jane"])]


# --- any sequence of operations and faults ---------------------------------------------------

OPERATIONS = st.sampled_from(["record", "edit", "delete", "undo", "redo", "clock"])
FAULTS = st.sampled_from([None, BUSY, FULL, IOERR, READONLY])
WHEN = st.sampled_from(["write", "commit", "after-commit"])


# SQLite reports a busy database before it commits, never after.
STEPS = st.tuples(OPERATIONS, FAULTS, WHEN).filter(lambda s: s[1:] != (BUSY, "after-commit"))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(STEPS, min_size=1, max_size=12))
def test_memory_always_matches_the_file_whatever_fails(setup, steps) -> None:
    recorder, k, faults, path = setup
    actors = [k["Jane"], k["Sam"], k["Priya"]]
    for n, (operation, fault, when) in enumerate(steps):
        faults.clear()
        if fault is not None:
            faults.fail(fault, at=when, times=1)
        try:
            _do(recorder, operation, n, actors)
        except StorageFault as caught:
            assert not caught.uncertain  # reopening always succeeds here: always settled
        faults.clear()
        assert in_memory(recorder) == on_disk(path, recorder.coding_id)
    # Reset for the next example: the fixture's coding is shared.
    recorder.delete([e.id for e in recorder.events])


def _do(recorder: Recorder, operation: str, n: int, actors: list[str]) -> None:
    events = recorder.events
    if operation == "record" or (operation in ("edit", "delete") and not events):
        actor = actors[n % 3]
        recorder.record(100_000 + n * 10, "question", actor, [actors[(n + 1) % 3]])
    elif operation == "edit":
        recorder.edit(events[-1].id, time_ms=events[-1].time_ms + 1)
    elif operation == "delete":
        recorder.delete([events[0].id])
    elif operation == "undo":
        recorder.undo()
    elif operation == "redo":
        recorder.redo()
    elif recorder.clock.running:
        recorder.pause_clock()
    else:
        recorder.start_clock()
