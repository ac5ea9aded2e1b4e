"""Nothing acknowledged is lost: a process killed with SIGKILL right after recording."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from observer.storage.cipher import Passphrase
from observer.storage.models import CodedEvent
from observer.storage.store import open_store
from tests.observer.helpers import small_coding

RECORDING_SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from observer.storage.cipher import Passphrase
    from observer.storage.store import open_store
    from observer.workspace.recording import Recorder

    secret = os.environ.get("GROUP_OBSERVER_PASSPHRASE")
    store = open_store(sys.argv[1], Passphrase(secret) if secret else None)
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


@pytest.mark.parametrize("secret", [None, "an encrypted database"], ids=["plain", "encrypted"])
def test_events_survive_kill_minus_nine(tmp_path: Path, secret: str | None) -> None:
    path = tmp_path / "live.sqlite3"
    passphrase = Passphrase(secret) if secret else None
    store = open_store(path, passphrase)
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
        env={**os.environ, "GROUP_OBSERVER_PASSPHRASE": secret or ""},
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

    reopened = open_store(path, passphrase)
    assert reopened.encrypted == (secret is not None)
    with reopened.reader() as s:
        ids = set(s.scalars(select(CodedEvent.id).where(CodedEvent.coding_id == coding_id)))
    reopened.close()
    assert set(acknowledged) <= ids
