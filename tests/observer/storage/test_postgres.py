"""A clinic's shared PostgreSQL server: the same store, recording and listing as on SQLite.

A throwaway server is started in a temporary folder (PostgreSQL's own ``initdb`` and
``pg_ctl``); the tests skip, saying why, on a machine without them or without the driver.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

PORT = 55433


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the ``postgres`` user."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _server_tool(name: str) -> str | None:
    """A server program: on the PATH, or where Debian's postgresql package puts it."""
    found = shutil.which(name)
    if found is None:
        versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
        found = str(versions[-1]) if versions else None
    return found


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    pytest.importorskip("psycopg", reason="the server driver (psycopg) is not installed")
    initdb, pg_ctl = (_server_tool(t) for t in ("initdb", "pg_ctl"))
    if initdb is None or pg_ctl is None:
        pytest.skip("PostgreSQL's initdb and pg_ctl are not on this machine")
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run the server as")
    folder = Path(tempfile.mkdtemp(prefix="gpo-pg-"))
    if os.geteuid() == 0:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    data = folder / "data"
    subprocess.run(_as_server_user([initdb, "-D", str(data), "-A", "trust", "-U", "observer"]),
                   check=True, capture_output=True)  # fmt: skip
    options = f"-p {PORT} -k {folder} -c listen_addresses='' -c fsync=off"
    subprocess.run(
        _as_server_user([pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"),
                         "-w", "start"]),
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield f"postgresql://observer@/postgres?host={folder}&port={PORT}"
    finally:
        subprocess.run(_as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def test_a_coding_is_recorded_and_reopened_on_the_server(server_url: str) -> None:
    from observer.storage.migrations import HEAD
    from observer.storage.overview import overview
    from observer.storage.store import open_store
    from observer.workspace.demo import create_demo
    from observer.workspace.recording import Recorder

    store = open_store(server_url)  # an empty server database: migrated to the newest schema
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD
    create_demo(store)
    recorder = Recorder(store, 1)
    before = len(recorder.events)
    jane = next(p.key for p in recorder.info.participants if p.label == "Jane")
    recorder.record(4_600_000, "self-disclosure", jane, ["group"], {"intensity": "high"})
    recorder.undo()
    recorder.redo()
    recorder.add_note("Jane spoke first tonight", 4_600_000)
    recorder.start_clock()
    recorder.pause_clock()
    recorder.close()
    store.close()

    again = open_store(server_url)
    reopened = Recorder(again, 1)
    assert len(reopened.events) == before + 1
    [kept] = [e for e in reopened.events if e.time_ms == 4_600_000]
    assert (kept.code, kept.actor, kept.targets) == ("self-disclosure", jane, ("group",))
    assert dict(kept.modifiers) == {"intensity": "high"}
    assert reopened.saved_clock is not None and reopened.saved_clock.running_since is None
    [group] = overview(again)
    assert [len(s.codings) for s in group.sessions] == [1, 1, 3, 1]
    assert group.sessions[0].codings[0].events == before + 1
    reopened.close()
    again.close()
