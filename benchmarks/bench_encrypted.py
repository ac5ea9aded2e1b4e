"""An encrypted database: ``record_event`` into it (p99 beside the plain figure of
``bench_recording``) and opening the demo, encrypted, to the start screen."""

from __future__ import annotations

import os
import time
from typing import Any

from benchmarks._timing import scratch_dir, summary

PASSPHRASE = "a benchmark passphrase"
RECORDED = 3_000
OPENINGS = 10


def record_event_encrypted() -> dict[str, Any]:
    from observer.storage.cipher import Passphrase
    from observer.storage.store import open_store
    from observer.workspace.codings import new_coding
    from observer.workspace.groups import MemberSpec, add_group, add_session
    from observer.workspace.recording import Recorder

    store = open_store(scratch_dir() / "encrypted.sqlite3", Passphrase(PASSPHRASE))
    specs = [MemberSpec(f"Member {i}") for i in range(8)] + [MemberSpec("Lead", role="leader")]
    session_id = add_session(store, add_group(store, "Benchmark group", members=specs))
    recorder = Recorder(store, new_coding(store, session_id, "BM", ["here-and-now", "bion"]))
    keys = [p.key for p in recorder.info.participants if p.key.startswith("m")]
    samples = []
    for i in range(RECORDED):
        began = time.perf_counter()
        recorder.record(i * 100, "feedback", keys[i % 8], (keys[(i + 1) % 8],))
        samples.append((time.perf_counter() - began) * 1000)
    recorder.close()
    store.close()
    return summary(samples, durable="SQLCipher, WAL, synchronous=FULL")


def open_demo_encrypted() -> dict[str, Any]:
    """Process start to the start screen listing the demo, encrypted, its passphrase given."""
    from benchmarks import bench_live
    from observer.storage.cipher import Passphrase
    from observer.storage.encryption import encrypt

    db = bench_live._demo_database()
    encrypt(db, Passphrase(PASSPHRASE))
    os.environ["GROUP_OBSERVER_PASSPHRASE"] = PASSPHRASE
    try:
        figures = bench_live._startup_on(db, None, "group-observer: process start to the "
                                         "start screen of the encrypted demo")  # fmt: skip
    finally:
        del os.environ["GROUP_OBSERVER_PASSPHRASE"]
    return figures


BENCHMARKS = {
    "record_event_encrypted": record_event_encrypted,
    "open_demo_encrypted": open_demo_encrypted,
}
