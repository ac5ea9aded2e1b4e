"""Nothing acknowledged is lost: a process killed with SIGKILL right after recording."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import select

from observer.storage.models import CodedEvent
from observer.storage.store import open_store
from tests.observer.helpers import small_coding

RECORDING_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from observer.storage.store import open_store
    from observer.workspace.recording import Recorder

    store = open_store(sys.argv[1])
    recorder = Recorder(store, int(sys.argv[2]))
    actors = sys.argv[3].split(",")
    i = 0
    while True:
        event = recorder.record(i * 250, "question", actors[i % 2], [actors[(i + 1) % 2]])
        # Acknowledge only after record() returned: this is what a view would show.
        print(event.id, flush=True)
        i += 1
    """
)


def test_events_survive_kill_minus_nine(tmp_path: Path) -> None:
    path = tmp_path / "live.sqlite3"
    store = open_store(path)
    coding_id, keys = small_coding(store)
    store.close()
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            RECORDING_SCRIPT,
            str(path),
            str(coding_id),
            f"{keys['Jane']},{keys['Sam']}",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert child.stdout is not None
    acknowledged = []
    for line in child.stdout:
        acknowledged.append(int(line))
        if len(acknowledged) == 300:
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    reopened = open_store(path)
    with reopened.reader() as s:
        ids = set(s.scalars(select(CodedEvent.id).where(CodedEvent.coding_id == coding_id)))
    reopened.close()
    assert set(acknowledged) <= ids
