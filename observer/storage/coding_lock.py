"""One writer per coding: the lock a Recorder holds while a coding is open for recording.

Two windows, two computers on a server, or the app and a script writing one coding at
once made overlapping "exclusive" states. So a Recorder takes the coding's row in
``coding_locks`` when it opens (who, which computer, which process, since when), refreshes
its ``heartbeat`` while open, checks in every write transaction that the row is still its
own, and deletes it on close. The same table serves SQLite and PostgreSQL: the check is an
``UPDATE`` of the row, so on a server two writers also queue on its row lock.

A second opener is refused with ``CodingInUse`` and may open the coding read-only. It may
take the coding over only when the holder is gone: its heartbeat is older than
``STALE_AFTER_S``, or it ran on this computer and its process has ended. A lock left by a
process of this computer that has ended (a crash, a kill) is taken back without asking:
nobody is there to ask. Rules: ``docs/storage.md`` ("One writer per coding").
"""

from __future__ import annotations

import os
import socket
import uuid
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from observer.domain.clock import utcnow
from observer.domain.errors import CodingInUse, CodingTakenOver
from observer.storage.cipher import is_file_connection
from observer.storage.store import parse_stamp, run, stamp

# The coding window refreshes its lock this often (``Recorder.heartbeat``)…
HEARTBEAT_S = 30
# …so a lock not refreshed for four beats belongs to an app that is gone: its computer
# asleep, switched off, or cut off from the server.
STALE_AFTER_S = 120
# The locks this process holds now: a lock of this process that is not among them was
# left by a Recorder that was dropped without being closed.
_LIVE: set[str] = set()


@dataclass(frozen=True)
class Holder:
    """Who holds a coding's lock, where, and how recently it showed it is still there."""

    coding_id: int
    token: str
    holder: str
    host: str
    pid: int
    since: datetime
    heartbeat: datetime

    @property
    def this_host(self) -> bool:
        return self.host == host_name()

    def gone(self, now: datetime | None = None) -> bool:
        """Whether the holder is certainly gone, or silent for longer than a stale lock."""
        return self.ended() or (now or utcnow()) - self.heartbeat > timedelta(seconds=STALE_AFTER_S)

    def ended(self) -> bool:
        """Whether it ran on this computer and has ended (its process, or its Recorder)."""
        if not self.this_host:
            return False
        if self.pid == os.getpid():
            return self.token not in _LIVE
        return not _process_alive(self.pid)

    def in_use(self, now: datetime | None = None) -> CodingInUse:
        return CodingInUse(
            self.coding_id, self.holder, self.host, self.pid, self.since, self.heartbeat,
            can_take_over=self.gone(now), this_host=self.this_host,
        )  # fmt: skip


def lock_clock(conn: Any) -> datetime:
    """Now, by the clock every heartbeat is written and judged by: on a server the server's
    own, so that a laptop whose clock is minutes off neither looks gone while it records
    nor sees everyone else's lock as stale; for a file, this computer's."""
    if is_file_connection(conn):
        return utcnow()
    found = parse_stamp(run(conn, "SELECT CURRENT_TIMESTAMP").fetchone()[0])
    assert found is not None
    return found


def host_name() -> str:
    return socket.gethostname() or "this computer"


def _process_alive(pid: int) -> bool:
    if os.name == "nt":  # pragma: no cover - no signal 0 there: trust the heartbeat alone
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


_COLUMNS = "coding_id, token, holder, host, pid, since, heartbeat"


def take(conn: Any, coding_id: int, holder: str, take_over: bool = False) -> Holder:
    """Take the lock of a coding for this process, or raise ``CodingInUse``.

    ``take_over``: take it from a holder that is gone (a stale heartbeat); a holder that
    has certainly ended is replaced without being asked for.
    """
    moment = lock_clock(conn)
    now = stamp(conn, moment)
    token = uuid.uuid4().hex
    mine = (coding_id, token, holder, host_name(), os.getpid(), now, now)
    run(conn, "BEGIN IMMEDIATE" if is_file_connection(conn) else "BEGIN")
    try:
        inserted = run(
            conn,
            f"INSERT INTO coding_locks ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (coding_id) DO NOTHING",
            mine,
        ).rowcount
        if inserted != 1:
            lock = "" if is_file_connection(conn) else " FOR UPDATE"
            found = _holder(run(conn, f"SELECT {_COLUMNS} FROM coding_locks "
                                f"WHERE coding_id = ?{lock}", (coding_id,)).fetchone())  # fmt: skip
            if not (found.ended() or (take_over and found.gone(moment))):
                raise found.in_use(moment)
            run(
                conn,
                "UPDATE coding_locks SET token = ?, holder = ?, host = ?, pid = ?, since = ?, "
                "heartbeat = ? WHERE coding_id = ?",
                (*mine[1:], coding_id),
            )
    except BaseException:
        _quietly(conn, "ROLLBACK")
        raise
    run(conn, "COMMIT")
    _LIVE.add(token)
    return _holder(mine)


def holder_of(conn: Any, coding_id: int) -> Holder | None:
    """Who holds a coding's lock now, if anyone."""
    row = run(
        conn, f"SELECT {_COLUMNS} FROM coding_locks WHERE coding_id = ?", (coding_id,)
    ).fetchone()
    return None if row is None else _holder(row)


def confirm(conn: Any, lock: Holder) -> None:
    """Inside a write transaction: the lock is still ``lock``'s.

    Raises ``CodingTakenOver`` when someone took the coding over meanwhile. A read, not a
    write: the transaction already holds the database's write lock, so no one can take
    the coding over before it commits, and recording an event stays one page written
    (the heartbeat is kept by :func:`heartbeat`, every half minute).
    """
    found = run(
        conn,
        "SELECT 1 FROM coding_locks WHERE coding_id = ? AND token = ?",
        (lock.coding_id, lock.token),
    ).fetchone()
    if found is None:
        now = holder_of(conn, lock.coding_id)
        _LIVE.discard(lock.token)
        if now is None:
            raise CodingTakenOver(reason="this coding's lock was removed by another program")
        where = "this computer" if now.this_host else f"host {now.host}"
        at = now.since.astimezone().strftime("%H:%M")
        raise CodingTakenOver(reason=f"{now.holder} took this coding over on {where} at {at}")


def beat(conn: Any, lock: Holder) -> None:
    """Inside a write transaction that confirmed the lock: its heartbeat is now."""
    run(
        conn,
        "UPDATE coding_locks SET heartbeat = ? WHERE coding_id = ? AND token = ?",
        (stamp(conn, lock_clock(conn)), lock.coding_id, lock.token),
    )


def release(conn: Any, lock: Holder) -> None:
    """Give the lock back (nothing happens when it is no longer ours)."""
    _LIVE.discard(lock.token)
    run(conn, "DELETE FROM coding_locks WHERE coding_id = ? AND token = ?",
        (lock.coding_id, lock.token))  # fmt: skip


def forget(token: str) -> None:
    """This process no longer holds ``token`` (its Recorder was dropped without closing)."""
    _LIVE.discard(token)


def _holder(row: Any) -> Holder:
    since, beat = parse_stamp(row[5]), parse_stamp(row[6])
    assert since is not None and beat is not None
    return Holder(int(row[0]), str(row[1]), str(row[2]), str(row[3]), int(row[4]), since, beat)


def _quietly(conn: Any, sql: str) -> None:
    with suppress(Exception):  # the connection is broken already; the error that matters is raised
        run(conn, sql)
