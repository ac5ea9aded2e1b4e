"""``record`` on a clinic's server, as separate processes: nothing acknowledged is ever lost.

Each event is acknowledged once it is on this computer's disk (the coding's outbox) and
reaches the server in the background. Against a real throwaway PostgreSQL server that is
crashed (``pg_ctl -m immediate stop``) and restarted under the recorders, and a recorder
killed with SIGKILL. No fixed sleeps: every wait is on a condition, with a deadline.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from observer.storage.coding_info import coding_info
from observer.storage.store import open_store
from observer.workspace.codings import new_coding
from tests.observer.helpers import small_coding
from tests.postgres_server import ThrowawayServer

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow


def session_with_two_codings(url: str) -> tuple[int, int]:
    """One session of the Tuesday group, coded by RK and by MB."""
    store = open_store(url)
    first, _ = small_coding(store)
    second = new_coding(store, coding_info(store, first).session_id, "MB", ["here-and-now"])
    store.close()
    return first, second


def recorder_process(url: str, coding_id: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "observer", "--db", url, "record", str(coding_id)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=ROOT,
    )  # fmt: skip


def lines(first: int, count: int) -> list[str]:
    """Feedback from Jane to Sam, one every 100 ms of session time from event ``first``."""
    return [f"@{i / 10:.1f} Jane Sam f" for i in range(first, first + count)]


def type_in(child: subprocess.Popen[str], typed: list[str]) -> list[str]:
    """Type lines and read their acknowledgements (each printed once the event is durable)."""
    assert child.stdin is not None and child.stdout is not None
    acks = []
    for line in typed:
        child.stdin.write(line + "\n")
        child.stdin.flush()
        acks.append(child.stdout.readline())
        assert acks[-1].startswith("ok "), (acks[-1], child.stderr)
    return acks


def on_server(url: str, coding_id: int) -> list[tuple[int, str]]:
    """(time_ms, uid) of every event of the coding, read afresh from the server."""
    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT time_ms, uid FROM events WHERE coding_id = %s ORDER BY time_ms",
                (coding_id,),
            ).all()
    finally:
        store.close()
    return [(int(t), str(u)) for t, u in rows]


def times(count: int) -> list[int]:
    return [i * 100 for i in range(count)]


def test_two_observers_code_one_session_at_once(server: ThrowawayServer) -> None:
    url = server.new_database("two_observers")
    first, second = session_with_two_codings(url)
    children = [recorder_process(url, first), recorder_process(url, second)]
    # Both at once: all of each one's input written, then each one's whole output read.
    outputs = [c.communicate("".join(f"{x}\n" for x in lines(0, 1000)), 300) for c in children]
    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
        assert out.count("\nok ") + out.startswith("ok ") == 1000
    for coding_id in (first, second):
        kept = on_server(url, coding_id)
        assert [t for t, _ in kept] == times(1000)
        assert len({uid for _, uid in kept}) == 1000


def test_a_server_crashed_mid_coding_loses_and_doubles_nothing(server: ThrowawayServer) -> None:
    url = server.new_database("crashed")
    coding_id, _ = session_with_two_codings(url)
    child = recorder_process(url, coding_id)
    acked = type_in(child, lines(0, 300))
    server.stop("immediate")
    try:
        acked += type_in(child, lines(300, 300))  # acknowledged with the server down
    finally:
        server.start()
    acked += type_in(child, lines(600, 400))
    assert child.stdin is not None
    child.stdin.close()
    assert child.wait(timeout=120) == 0, child.stderr
    assert len(acked) == 1000
    kept = on_server(url, coding_id)
    assert [t for t, _ in kept] == times(1000)  # every acknowledged event, exactly once
    assert len({uid for _, uid in kept}) == 1000


def test_events_waiting_when_the_recorder_is_killed_arrive_at_the_next_start(
    server: ThrowawayServer,
) -> None:
    url = server.new_database("killed")
    coding_id, _ = session_with_two_codings(url)
    child = recorder_process(url, coding_id)
    type_in(child, lines(0, 50))
    server.stop("immediate")
    try:
        type_in(child, lines(50, 50))  # on this computer's disk only
        child.kill()
        child.wait(timeout=60)
    finally:
        server.start()
    # Typed while the server was down, and the recorder killed before it came back.
    assert all(t < 5000 for t, _ in on_server(url, coding_id))
    again = subprocess.run(
        [sys.executable, "-m", "observer", "--db", url, "record", str(coding_id)],
        input="", capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    kept = on_server(url, coding_id)
    assert [t for t, _ in kept] == times(100)
    assert len({uid for _, uid in kept}) == 100
