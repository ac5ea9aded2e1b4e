"""One writer per coding: a second opener is told who has it, and may read or take over."""

from __future__ import annotations

import gc
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from observer.domain.clock import utcnow
from observer.domain.errors import CodingInUse, CodingTakenOver, ReadOnlyCoding
from observer.storage import coding_lock
from observer.storage.store import Store, open_store
from observer.storage.times import sqlite_text
from observer.workspace.recording import Recorder
from tests.observer.helpers import small_coding

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def coding(store: Store) -> tuple[int, dict[str, str]]:
    return small_coding(store)


def age_heartbeat(store: Store, coding_id: int, seconds: int) -> None:
    """As if the holder had been silent for ``seconds`` (asleep, cut off, gone)."""
    assert store.path is not None
    conn = sqlite3.connect(store.path)
    with conn:
        conn.execute(
            "UPDATE coding_locks SET heartbeat = ? WHERE coding_id = ?",
            (sqlite_text(utcnow() - timedelta(seconds=seconds)), coding_id),
        )
    conn.close()


def test_a_second_opener_is_told_who_has_the_coding_where_and_since_when(store, coding) -> None:
    coding_id, _ = coding
    first = Recorder(store, coding_id)
    with pytest.raises(CodingInUse) as caught:
        Recorder(store, coding_id)
    refusal = caught.value
    assert (refusal.coding_id, refusal.holder, refusal.pid) == (coding_id, "RK", os.getpid())
    assert refusal.this_host and refusal.host == coding_lock.host_name()
    since = refusal.since.astimezone().strftime("%H:%M")
    assert str(refusal) == (
        f"Coding {coding_id} is open on this computer by RK since {since}. "
        "It can be opened read-only."
    )
    assert not refusal.can_take_over
    first.close()


def test_read_only_shows_the_events_and_refuses_every_change(store, coding) -> None:
    coding_id, k = coding
    first = Recorder(store, coding_id)
    event = first.record(1_000, "question", k["Jane"], [k["Sam"]])
    viewer = Recorder(store, coding_id, read_only=True)
    assert viewer.read_only and viewer.events == [event]
    expected = "Not saved: this coding is open read-only (RK is recording it on this computer)"
    for change in (
        lambda: viewer.record(2_000, "question", k["Sam"], [k["Jane"]]),
        lambda: viewer.edit(event.id, time_ms=3_000),
        lambda: viewer.delete([event.id]),
        lambda: viewer.add_note("a note"),
        viewer.refuse_if_read_only,
    ):
        with pytest.raises(ReadOnlyCoding) as caught:
            change()
        assert str(caught.value).startswith(expected)
    viewer.start_clock()  # the viewer's own clock runs; nothing of it is saved
    assert viewer.clock.running
    viewer.close()
    assert first.events == [event]
    first.record(2_000, "question", k["Sam"], [k["Jane"]])  # the writer keeps writing
    first.close()


def test_taking_over_a_holder_that_is_still_there_is_refused(store, coding) -> None:
    coding_id, _ = coding
    first = Recorder(store, coding_id)
    with pytest.raises(CodingInUse):
        Recorder(store, coding_id, take_over=True)
    first.close()


def test_a_silent_holder_may_be_taken_over_and_its_writes_stop(store, coding) -> None:
    coding_id, k = coding
    first = Recorder(store, coding_id)
    kept = first.record(1_000, "question", k["Jane"], [k["Sam"]])
    age_heartbeat(store, coding_id, coding_lock.STALE_AFTER_S + 5)
    with pytest.raises(CodingInUse) as caught:
        Recorder(store, coding_id)
    assert caught.value.can_take_over
    assert str(caught.value).endswith("That app seems to be gone: it may be taken over.")
    second = Recorder(store, coding_id, "MB", take_over=True)
    # The first window, back from sleep: every write is refused and nothing is kept.
    with pytest.raises(CodingTakenOver, match=r"^Not saved: MB took this coding over on this"):
        first.record(2_000, "question", k["Sam"], [k["Jane"]])
    with pytest.raises(CodingTakenOver):
        first.heartbeat()
    assert first.events == [kept]
    second.record(3_000, "question", k["Sam"], [k["Jane"]])
    first.close()  # closing does not give away the new holder's lock
    with pytest.raises(CodingInUse, match="by MB"):
        Recorder(store, coding_id)
    second.close()


def test_the_heartbeat_keeps_a_holder_from_going_stale(store, coding) -> None:
    coding_id, _ = coding
    first = Recorder(store, coding_id)
    age_heartbeat(store, coding_id, coding_lock.STALE_AFTER_S + 5)
    first.heartbeat()
    with pytest.raises(CodingInUse) as caught:
        Recorder(store, coding_id)
    assert not caught.value.can_take_over
    first.close()


def test_closing_gives_the_coding_back(store, coding) -> None:
    coding_id, _ = coding
    Recorder(store, coding_id).close()
    Recorder(store, coding_id).close()


def test_a_recorder_dropped_without_closing_holds_nothing(store, coding) -> None:
    coding_id, _ = coding
    Recorder(store, coding_id)  # never closed, and gone
    gc.collect()
    Recorder(store, coding_id).close()


def test_a_lock_left_by_a_killed_app_is_taken_back_without_asking(tmp_path: Path) -> None:
    path = tmp_path / "observer.sqlite3"
    store = open_store(path)
    coding_id, _ = small_coding(store)
    script = textwrap.dedent(
        """
        import sys, time
        from observer.storage.store import open_store
        from observer.workspace.recording import Recorder
        Recorder(open_store(sys.argv[1]), int(sys.argv[2]))
        print("OPEN", flush=True)
        time.sleep(60)
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(path), str(coding_id)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert child.stdout is not None and child.stdout.readline().strip() == "OPEN"
    with pytest.raises(CodingInUse, match="open on this computer by RK"):
        Recorder(store, coding_id)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    Recorder(store, coding_id).close()  # the app that held it has ended
    store.close()


def test_two_writers_never_make_overlapping_exclusive_states(store, coding) -> None:
    coding_id, _ = coding
    first = Recorder(store, coding_id)
    first.record(0, "dependency", "group")
    with pytest.raises(CodingInUse):
        Recorder(store, coding_id).record(0, "fight-flight", "group")
    first.record(5_000, "pairing", "group")
    states = [(e.code, e.time_ms, e.end_ms) for e in first.events]
    assert states == [("dependency", 0, 5_000), ("pairing", 5_000, None)]
    first.close()
