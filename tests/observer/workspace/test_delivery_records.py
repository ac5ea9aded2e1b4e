"""Everything the coding window writes on a server coding goes through the outbox: notes,
phase marks and their corrections, a late arrival, the clock. A server that is down costs
nothing, and a kill -9 while they wait costs nothing either: they arrive exactly once.

Against a real throwaway PostgreSQL server (``tests/postgres_server.py``); skipped, saying
why, where there is none. Waits are on conditions, each with a deadline.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from observer.storage.store import Store, open_store
from observer.workspace.codings import new_coding
from observer.workspace.groups import MemberSpec, add_group, add_session, get_group
from observer.workspace.recording import Recorder
from tests.observer.workspace.test_delivery import states_of, wait_for
from tests.postgres_server import ThrowawayServer

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def url(server: ThrowawayServer, request: pytest.FixtureRequest) -> str:
    return server.new_database(f"r_{request.node.name[5:40].lower()}")


def late_coding(store: Store) -> tuple[int, int]:
    """Jane, Sam and Paul with Dr Lee, Paul marked absent; (coding id, Paul's member id)."""
    specs = [MemberSpec(n) for n in ("Jane", "Sam", "Paul")] + [MemberSpec("Dr Lee", role="leader")]
    group_id = add_group(store, "Tuesday group", members=specs)
    members = get_group(store, group_id).members
    present = [m.id for m in members if m.pseudonym != "Paul"]
    session_id = add_session(store, group_id, present=present)
    [paul] = [m.id for m in members if m.pseudonym == "Paul"]
    return new_coding(store, session_id, "RK", ["here-and-now", "bion"]), paul


def on_the_server(store: Store, coding_id: int) -> dict[str, Any]:
    """What the server holds of the coding, read on a connection of the test's own."""
    with store.engine.connect() as conn:
        notes = conn.exec_driver_sql(
            "SELECT uid, time_ms, text, kind FROM process_notes WHERE coding_id = %s "
            "ORDER BY time_ms, id",
            (coding_id,),
        ).all()
        audit = conn.exec_driver_sql(
            "SELECT action, who FROM note_audit WHERE coding_id = %s ORDER BY id", (coding_id,)
        ).all()
        arrived = conn.exec_driver_sql(
            "SELECT a.member_id, a.arrived_ms FROM attendance a JOIN codings c "
            "ON c.session_id = a.session_id WHERE c.id = %s AND a.arrived_ms IS NOT NULL",
            (coding_id,),
        ).all()
        running = conn.exec_driver_sql(
            "SELECT clock_running_since IS NOT NULL FROM codings WHERE id = %s", (coding_id,)
        ).scalar()
    return {
        "notes": [tuple(n) for n in notes],
        "audit": [tuple(a) for a in audit],
        "arrived": [tuple(a) for a in arrived],
        "running": running,
    }


def test_notes_marks_an_arrival_and_the_clock_wait_out_a_stopped_server(
    server: ThrowawayServer, url: str
) -> None:
    store = open_store(url)
    coding_id, paul = late_coding(store)
    recorder = Recorder(store, coding_id)
    seen, changed = states_of(recorder)
    assert recorder.delivery is not None and recorder.delivery.wait_until_delivered(30)
    server.stop("immediate")
    try:  # each returns at once, and shows at once: nothing waits on the network
        recorder.start_clock()
        note = recorder.add_note("Sam looks at the door", 1000)
        recorder.mark_phase("wrok", 2000)
        recorder.arrive(f"m{paul}", 3000)
        [phase] = [n.id for n in recorder.notes() if n.kind == "phase"]
        recorder.rename_phase(phase, "work")
        recorder.delete_note(note)
        recorder.undo()  # the note back as itself
        assert [n.text for n in recorder.notes()] == ["Sam looks at the door", "work"]
        wait_for(changed, lambda: bool(seen) and not seen[-1].reachable)
    finally:
        server.start()
    assert recorder.delivery.wait_until_delivered(60)
    held = on_the_server(store, coding_id)
    assert [(t, text, kind) for _, t, text, kind in held["notes"]] == [
        (1000, "Sam looks at the door", "note"),
        (2000, "work", "phase"),
    ]
    assert len({uid for uid, *_ in held["notes"]}) == 2  # each kept once
    assert held["audit"] == [("edit", "RK"), ("delete", "RK"), ("restore", "RK")]
    assert held["arrived"] == [(paul, 3000)]
    assert held["running"] is True
    recorder.close()
    reopened = Recorder(store, coding_id)  # the server's ids now, the same notes and marks
    assert [(n.time_ms, n.text) for n in reopened.notes()] == [
        (1000, "Sam looks at the door"),
        (2000, "work"),
    ]
    assert [m.name for m in reopened.info.phase_marks] == ["work"]
    assert reopened.clock.running is False and reopened.saved_clock.was_running
    reopened.close()
    store.close()


CHILD = """
import sys
from observer.storage.store import open_store
from observer.workspace.recording import Recorder

store = open_store(sys.argv[1])
recorder = Recorder(store, int(sys.argv[2]))
print("open", flush=True)
sys.stdin.readline()  # the server is stopped now
recorder.add_note("Sam looks at the door", 1000)
recorder.mark_phase("work", 2000)
recorder.arrive("m" + sys.argv[3], 3000)
recorder.start_clock()
print("written", flush=True)
sys.stdin.read()  # killed here, while they wait for the server
"""


def test_a_kill_while_they_wait_costs_nothing_they_arrive_at_the_next_start(
    server: ThrowawayServer, url: str
) -> None:
    from observer.storage import coding_lock

    store = open_store(url)
    coding_id, paul = late_coding(store)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(coding_id), str(paul)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline() == b"open\n"
        server.stop("immediate")
        try:
            child.stdin.write(b"go\n")
            child.stdin.flush()
            assert child.stdout.readline() == b"written\n"
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
        finally:
            server.start()
    finally:
        child.kill()
    assert on_the_server(store, coding_id)["notes"] == []  # nothing got through before
    with store.engine.begin() as conn:  # the killed program's lock, as time leaves it
        conn.exec_driver_sql(
            "UPDATE coding_locks SET heartbeat = heartbeat - make_interval(secs => %s)",
            (coding_lock.STALE_AFTER_S + 5,),
        )
    recorder = Recorder(store, coding_id, take_over=True)
    held = on_the_server(store, coding_id)
    assert [(t, text, kind) for _, t, text, kind in held["notes"]] == [
        (1000, "Sam looks at the door", "note"),
        (2000, "work", "phase"),
    ]
    assert held["arrived"] == [(paul, 3000)]
    assert held["running"] is True
    assert [m.name for m in recorder.info.phase_marks] == ["work"]
    assert [p.present for p in recorder.info.participants if p.key == f"m{paul}"] == [True]
    recorder.close()
    Recorder(store, coding_id).close()  # opened again: nothing is sent twice
    assert on_the_server(store, coding_id) == {**held, "running": True}
    store.close()
