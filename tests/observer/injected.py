"""Faults injected where SQLite would raise them: the disk, a lock, the file.

``inject(monkeypatch)`` makes every SQLite connection opened afterwards (plain ones and
SQLAlchemy's) consult a :class:`Faults` plan before and after each statement and commit,
and raise the driver's own ``sqlite3.OperationalError`` with SQLite's result code, as a
real full disk or I/O error would. Everything else runs for real.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

# SQLite's words and extended result codes for the faults the app must report.
BUSY = ("database is locked", sqlite3.SQLITE_BUSY)
FULL = ("database or disk is full", sqlite3.SQLITE_FULL)
IOERR = ("disk I/O error", sqlite3.SQLITE_IOERR_WRITE)
FSYNC = ("disk I/O error", sqlite3.SQLITE_IOERR_FSYNC)
READONLY = ("attempt to write a readonly database", sqlite3.SQLITE_READONLY)
CANTOPEN = ("unable to open database file", sqlite3.SQLITE_CANTOPEN)
WRITES = ("INSERT", "UPDATE", "DELETE", "BEGIN IMMEDIATE", "CREATE", "DROP", "ALTER", "REPLACE")


def driver_error(fault: tuple[str, int]) -> sqlite3.OperationalError:
    words, code = fault
    error = sqlite3.OperationalError(words)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    return error


@dataclass
class Faults:
    """What fails, when: ``fail(fault, at=…)`` arms it; ``times`` it fails (None: always).

    ``at``: ``"write"`` (a statement that writes), ``"read"`` (a
    SELECT), ``"any"``
    (every statement), ``"commit"`` (COMMIT, failing before it runs), ``"after-commit"``
    (COMMIT runs, then the error is raised, as an fsync error reported late), or
    ``"connect"`` (opening a connection).
    """

    fault: tuple[str, int] | None = None
    at: str = "write"
    times: int | None = None
    seen: list[str] = field(default_factory=list)
    # Run on every new connection: a real limit (``PRAGMA max_page_count``) to meet.
    prepare: Callable[[sqlite3.Connection], None] | None = None

    def fail(self, fault: tuple[str, int], at: str = "write", times: int | None = None) -> None:
        self.fault, self.at, self.times = fault, at, times

    def clear(self) -> None:
        self.fault = None

    def _due(self, when: str, sql: str) -> bool:
        if self.fault is None:
            return False
        text = sql.lstrip().upper()
        if self.at == "any":
            hit = when in ("before", "connect")
        elif self.at == "read":
            hit = when == "before" and text.startswith("SELECT")
        elif self.at == "write":
            hit = when == "before" and text.startswith(WRITES)
        elif self.at == "commit":
            hit = when == "before" and text == "COMMIT"
        elif self.at == "after-commit":
            hit = when == "after" and text == "COMMIT"
        else:
            hit = when == "connect"
        if not hit:
            return False
        if self.times is not None:
            self.times -= 1
            if self.times < 0:
                self.fault = None
                return False
        return True

    def check(self, when: str, sql: str) -> None:
        self.seen.append(f"{when} {sql.split()[0] if sql.split() else sql}")
        if self._due(when, sql):
            assert self.fault is not None
            raise driver_error(self.fault)


def inject(monkeypatch: pytest.MonkeyPatch | None = None) -> Faults:
    """Route every SQLite connection opened from now on through a fault plan.

    Without ``monkeypatch`` (in a child process) it stays in place until the process ends.
    """
    plan = Faults()
    real_connect = sqlite3.connect

    class Cursor(sqlite3.Cursor):
        def execute(self, sql: str, parameters: Any = ()) -> Any:  # type: ignore[override]
            plan.check("before", sql)
            result = super().execute(sql, parameters)
            plan.check("after", sql)
            return result

        def executemany(self, sql: str, seq: Any) -> Any:  # type: ignore[override]
            plan.check("before", sql)
            return super().executemany(sql, seq)

    class Connection(sqlite3.Connection):
        def cursor(self, factory: Callable[..., Any] | None = None) -> Any:  # type: ignore[override]
            return super().cursor(Cursor)

        def commit(self) -> None:
            plan.check("before", "COMMIT")
            super().commit()
            plan.check("after", "COMMIT")

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        plan.check("connect", "connect")
        kwargs["factory"] = Connection
        conn = real_connect(*args, **kwargs)
        if plan.prepare is not None:
            plan.prepare(conn)
        return conn

    put = setattr if monkeypatch is None else monkeypatch.setattr
    put(sqlite3, "connect", connect)
    put(sqlite3.dbapi2, "connect", connect)  # where SQLAlchemy finds it
    return plan
