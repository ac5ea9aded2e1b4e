"""``soak_kill``: a recorder killed with SIGKILL 200 times at random moments loses nothing.

A child process opens the database and a coding (taking its lock), then records, starts
and stops states and deletes events as fast as it can, printing each change only after
the call that made it returned (what a window would show; a deletion is also announced
before it begins, as it may be done when the kill comes before it is acknowledged).
The parent kills it with
SIGKILL at a random moment (now and then while it is still opening), opens the database
the way the app does, and checks every acknowledged change: an event acknowledged as
recorded must be there, one acknowledged as deleted must not. The next child then opens
the same coding, whose lock the killed one left behind.

Figures: kills, acknowledged changes, ``lost`` (acknowledged events missing, or deleted
ones back: must be 0), ``unopenable`` (kills after which the database did not open: must
be 0), and the time to open and check the database after a kill.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

from benchmarks._timing import scratch_dir, summary

KILLS = 200
ROOT = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent(
    """
    import random, sys
    from observer.storage.store import open_store
    from observer.workspace.recording import Recorder

    store = open_store(sys.argv[1])
    recorder = Recorder(store, int(sys.argv[2]))
    rng = random.Random(int(sys.argv[3]))
    members = [p.key for p in recorder.info.participants if p.key.startswith("m")]
    modes = ["work", "dependency", "fight-flight", "pairing"]
    out = sys.stdout
    print("READY", flush=True)
    t = recorder.events[-1].time_ms + 100 if recorder.events else 0
    while True:
        t += rng.randint(1, 400)
        roll = rng.random()
        if roll < 0.1 and recorder.events:
            gone = rng.choice(recorder.events[-50:]).id
            # Said first: killed before it is acknowledged, it may be gone or not.
            print(f"DELETING {gone}", flush=True)
            recorder.delete([gone])
            out.write(f"DEL {gone}\\n")
        elif roll < 0.2:
            event = recorder.record(t, rng.choice(modes), "group")
            out.write(f"ADD {event.id}\\n")
        else:
            actor, target = rng.sample(members, 2)
            event = recorder.record(t, "question", actor, [target])
            out.write(f"ADD {event.id}\\n")
        out.flush()  # acknowledged: the call returned, so it is on disk
    """
)


def new_database(folder: Path) -> tuple[Path, int]:
    from observer.storage.store import open_store
    from observer.workspace.codings import new_coding
    from observer.workspace.groups import MemberSpec, add_group, add_session

    path = folder / "soak.sqlite3"
    store = open_store(path)
    specs = [MemberSpec(f"Member {i}") for i in range(6)] + [MemberSpec("Lead", role="leader")]
    group_id = add_group(store, "Soak group", members=specs)
    coding_id = new_coding(store, add_session(store, group_id), "SK", ["here-and-now", "bion"])
    store.close()
    return path, coding_id


def stored_ids(path: Path, coding_id: int) -> set[int] | None:
    """The coding's event ids, read after opening as the app does; None if it will not open."""
    from observer.domain.errors import ObserverError
    from observer.storage.store import open_store, run

    try:
        store = open_store(path)
    except ObserverError as exc:
        print(f"soak_kill: the database did not open: {exc}", file=sys.stderr)
        return None
    try:
        conn = store.connect()
        try:
            rows = run(conn, "SELECT id FROM events WHERE coding_id = ?", (coding_id,))
            return {int(r[0]) for r in rows}
        finally:
            conn.close()
    finally:
        store.close()


def soak(kills: int = KILLS, seed: int = 15, folder: Path | None = None) -> dict[str, Any]:
    """Kill a recording child ``kills`` times; what was acknowledged and what survived."""
    rng = random.Random(seed)
    path, coding_id = new_database(folder or scratch_dir())
    present: set[int] = set()  # acknowledged as recorded and not as deleted
    deleted: set[int] = set()
    acknowledged = lost = unopenable = while_opening = 0
    reopen_ms: list[float] = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    began = time.perf_counter()
    for n in range(kills):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), str(coding_id), str(seed * 100_003 + n)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env,
        )  # fmt: skip
        assert child.stdout is not None
        early = rng.random() < 0.1
        first: list[str] = []
        if early:  # now and then while it is still opening the database
            time.sleep(rng.uniform(0.0, 0.6))
        else:
            ready = child.stdout.readline().strip()
            if ready != "READY":
                raise RuntimeError(f"the recorder did not start: {child.stderr.read()[-2000:]}")
            # Its first change said, however loaded the machine: each such kill then comes
            # while it records, not before it has begun.
            first = ["READY", child.stdout.readline().strip()]
            time.sleep(rng.uniform(0.0, 0.3))
        child.send_signal(signal.SIGKILL)
        rest, errors = child.communicate(timeout=60)
        if child.returncode != -signal.SIGKILL:
            raise RuntimeError(f"the recorder ended by itself: {errors[-2000:]}")
        lines = first + rest.splitlines()
        while_opening += early and "READY" not in lines
        deleting: set[int] = set()  # deletions begun and not acknowledged: either is right
        for line in lines:
            kind, _, value = line.partition(" ")
            if kind == "DELETING":
                deleting.add(int(value))
            elif kind == "ADD":
                present.add(int(value))
                deleted.discard(int(value))
                acknowledged += 1
            elif kind == "DEL":
                deleting.discard(int(value))
                present.discard(int(value))
                deleted.add(int(value))
                acknowledged += 1
        started = time.perf_counter()
        ids = stored_ids(path, coding_id)
        reopen_ms.append((time.perf_counter() - started) * 1000)
        if ids is None:
            unopenable += 1
            break
        lost += len(present - ids - deleting) + len(deleted & ids)
        present -= deleting - ids
        deleted |= deleting - ids
    figures = summary(
        reopen_ms,
        kills=len(reopen_ms),
        acknowledged=acknowledged,
        lost=lost,
        unopenable=unopenable,
        killed_while_opening=while_opening,
        events_at_end=len(present),
        seconds=round(time.perf_counter() - began, 1),
    )
    figures["what"] = "reopen and check after SIGKILL (median_ms, p99_ms)"
    return figures


def soak_kill() -> dict[str, Any]:
    return soak(KILLS)


BENCHMARKS = {"soak_kill": soak_kill}
