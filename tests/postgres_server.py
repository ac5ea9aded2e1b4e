"""A throwaway PostgreSQL server for tests, in a temporary folder (PostgreSQL's own ``initdb``
and ``pg_ctl``), reached through a Unix socket in that folder, so parallel workers never clash.

Tests that need one use the ``postgres_server`` fixture (``tests/conftest.py``); it skips, saying
why, on a machine without the server programs or the driver.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

PORT = 55433


def as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the ``postgres`` user."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def server_tool(name: str) -> str | None:
    """A server program: on the PATH, or where Debian's postgresql package puts it."""
    found = shutil.which(name)
    if found is None:
        versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
        found = str(versions[-1]) if versions else None
    return found


class ThrowawayServer:
    """One server: ``url`` reaches its ``postgres`` database as the superuser ``observer``."""

    def __init__(self) -> None:
        pytest.importorskip("psycopg", reason="the server driver (psycopg) is not installed")
        initdb, pg_ctl = server_tool("initdb"), server_tool("pg_ctl")
        if initdb is None or pg_ctl is None:
            pytest.skip("PostgreSQL's initdb and pg_ctl are not on this machine")
        self._pg_ctl = pg_ctl
        owner = None
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("running as root and there is no postgres user to run the server as")
        self.folder = Path(tempfile.mkdtemp(prefix="gpo-pg-"))
        if owner is not None:
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self.data = self.folder / "data"
        subprocess.run(
            as_server_user([initdb, "-D", str(self.data), "-A", "trust", "-U", "observer"]),
            check=True,
            capture_output=True,
        )
        self.url = f"postgresql://observer@/postgres?host={self.folder}&port={PORT}"
        self.start()

    def start(self) -> None:
        options = f"-p {PORT} -k {self.folder} -c listen_addresses='' -c fsync=off"
        subprocess.run(
            as_server_user([self._pg_ctl, "-D", str(self.data), "-o", options,
                            "-l", str(self.folder / "log"), "-w", "start"]),
            check=True,
            capture_output=True,
        )  # fmt: skip

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server (``immediate`` is a crash as far as clients can tell)."""
        subprocess.run(
            as_server_user([self._pg_ctl, "-D", str(self.data), "-m", mode, "stop"]),
            capture_output=True,
        )

    def new_database(self, name: str) -> str:
        """A fresh, empty database on this server; its URL."""
        from sqlalchemy import create_engine

        admin = self.url.replace("postgresql://", "postgresql+psycopg://", 1)
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        engine.dispose()
        return self.url.replace("/postgres?", f"/{name}?", 1)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
