"""``record_event``: durable recording into a coding that already holds 100,000 events."""

from __future__ import annotations

import random
import time
from typing import Any

from benchmarks._timing import scratch_dir, summary

EXISTING = 100_000
RECORDED = 3_000


def seeded_coding(existing: int = EXISTING, target: str | None = None) -> tuple[Any, int]:
    """A store with the demo codebooks and one coding of ``existing`` events (in a scratch
    file, or in the database at ``target``)."""
    from observer.domain.events import Event
    from observer.domain.participants import member_key
    from observer.storage.event_rows import insert_events
    from observer.storage.store import open_store
    from observer.workspace.codings import new_coding
    from observer.workspace.groups import MemberSpec, add_group, add_session, get_group

    store = open_store(target or scratch_dir() / "bench.sqlite3")
    specs = [MemberSpec(f"Member {i}") for i in range(8)] + [MemberSpec("Lead", role="leader")]
    group_id = add_group(store, "Benchmark group", members=specs)
    keys = [member_key(m.id) for m in get_group(store, group_id).members]
    session_id = add_session(store, group_id)
    coding_id = new_coding(store, session_id, "BM", ["here-and-now", "bion"])
    rng = random.Random(1)
    codes = ["feedback", "support", "question", "advice", "confrontation"]
    events = []
    for i in range(existing):
        actor = rng.choice(keys)
        target = rng.choice([k for k in keys if k != actor])
        events.append(Event(0, i * 500, rng.choice(codes), actor, (target,)))
    insert_events(store, coding_id, events)
    return store, coding_id


def record_event() -> dict[str, Any]:
    from observer.workspace.recording import Recorder

    store, coding_id = seeded_coding()
    recorder = Recorder(store, coding_id)
    keys = [p.key for p in recorder.info.participants if p.key.startswith("m")]
    start = EXISTING * 500
    samples = []
    for i in range(RECORDED):
        began = time.perf_counter()
        recorder.record(start + i * 100, "feedback", keys[i % 8], (keys[(i + 1) % 8],))
        samples.append((time.perf_counter() - began) * 1000)
    recorder.close()
    return summary(samples, events_before=EXISTING, durable="WAL, synchronous=FULL")


BENCHMARKS = {"record_event": record_event}
