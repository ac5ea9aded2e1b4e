"""The connection a Recorder writes one coding through: locked, typed, and truthful.

- It holds the coding's lock (``observer.storage.coding_lock``), or none when the coding
  was opened read-only; every transaction first confirms that the lock is still its own.
- It waits for another program's write for ``RECORDING_BUSY_MS`` at most, so the window
  never stops answering for seconds.
- Every fault comes out as a ``StorageFault`` (``observer.storage.faults``). After one, the
  next transaction starts on a new connection (a lost server leaves the old one broken).
- A commit whose outcome is unknown (an I/O error or a lost server at ``COMMIT``) is
  settled by :meth:`CodingWriter.durably` before anyone is told anything.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from observer.domain.errors import DatabaseBusy, ReadOnlyCoding, StorageFault
from observer.storage import coding_lock
from observer.storage.store import RECORDING_BUSY_MS, Store, run


class CodingWriter:
    """One open coding's connection: ``transaction()`` and ``durably()`` write through it.

    Opening takes the coding's lock, or raises ``CodingInUse``; ``read_only`` takes none and
    refuses every write with ``ReadOnlyCoding``; ``take_over`` takes the lock from a holder
    that is gone.
    """

    def __init__(
        self,
        store: Store,
        coding_id: int,
        who: str,
        read_only: bool = False,
        take_over: bool = False,
    ) -> None:
        self.store = store
        self.coding_id = coding_id
        self.read_only = read_only
        self.conn: Any = store.connect(RECORDING_BUSY_MS)
        self._reconnect = False
        self._lock: coding_lock.Holder | None = None
        if read_only:
            return
        try:
            self._lock = coding_lock.take(self.conn, coding_id, who, take_over)
        except BaseException:
            _quietly_close(self.conn)
            raise
        # Dropped without close(): this process no longer counts as holding the lock.
        weakref.finalize(self, coding_lock.forget, self._lock.token)

    @property
    def lock(self) -> coding_lock.Holder | None:
        """The lock this opening holds (None when opened read-only)."""
        return self._lock

    def holder(self) -> coding_lock.Holder | None:
        """Who holds the coding's lock now (for a read-only window: who is recording it)."""
        return coding_lock.holder_of(self.conn, self.coding_id)

    def refuse_if_read_only(self) -> None:
        """Raise ``ReadOnlyCoding``, naming who is recording it, if opened read-only."""
        if not self.read_only:
            return
        try:
            found = self.holder()
        except StorageFault:
            found = None
        by = ""
        if found is not None:
            where = "this computer" if found.this_host else f"host {found.host}"
            by = f" ({found.holder} is recording it on {where})"
        raise ReadOnlyCoding(reason=f"this coding is open read-only{by}")

    def heartbeat(self) -> None:
        """Refresh the lock's heartbeat; ``CodingTakenOver`` if it is no longer ours."""
        if self._lock is not None:
            with self.transaction():  # confirms the lock is still ours, then refreshes it
                coding_lock.beat(self.conn, self._lock)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One durable transaction (WAL, synchronous=FULL), committed or rolled back whole."""
        self.refuse_if_read_only()
        if self._reconnect:
            self._fresh_connection()
        try:
            # IMMEDIATE takes the write lock up front: a busy database fails before any write.
            run(self.conn, "BEGIN IMMEDIATE" if self.store.is_sqlite else "BEGIN")
            try:
                if self._lock is not None:
                    coding_lock.confirm(self.conn, self._lock)
                yield
            except BaseException:
                _quietly(self.conn, "ROLLBACK")
                raise
            try:
                run(self.conn, "COMMIT")
            except StorageFault:
                # A commit refused (busy) leaves the transaction open: end it. After one
                # that did happen, there is nothing left to roll back.
                _quietly(self.conn, "ROLLBACK")
                raise
        except StorageFault as fault:
            self._reconnect = not isinstance(fault, DatabaseBusy)
            raise

    @contextmanager
    def durably(self, saved: Callable[[Any], bool]) -> Iterator[None]:
        """A transaction whose outcome is settled when committing it failed uncertainly.

        ``saved(conn)`` tells, on a new connection, whether the write is there. If it is,
        the write is done and nothing is raised. If not, the transaction that looked also
        confirmed the lock; committing it wrote over whatever the failed commit had left at
        the end of the write-ahead log, so the write stays away even after a crash, and the
        fault says, certainly now, that it was not saved. On a server, confirming the lock
        waits for the lost connection's transaction to end first. When the database cannot
        be looked at, the fault stays uncertain and says so.
        """
        try:
            with self.transaction():
                yield
        except StorageFault as fault:
            if not fault.uncertain:
                raise
            try:
                self._fresh_connection()
                with self.transaction():
                    there = saved(self.conn)
            except StorageFault:
                raise fault from None
            if not there:
                raise fault.checked(
                    "The database was opened again and checked: it is not there."
                ) from None

    def close(self) -> None:
        """Give the lock back (if the database lets us) and close the connection."""
        lock, self._lock = self._lock, None
        try:
            if lock is not None:
                coding_lock.release(self.conn, lock)
        except StorageFault:
            pass  # left behind, it is taken back once this process has ended
        finally:
            _quietly_close(self.conn)

    def _fresh_connection(self) -> None:
        _quietly_close(self.conn)  # closing rolls back whatever the old one had open
        self.conn = self.store.connect(RECORDING_BUSY_MS)
        self._reconnect = False


def _quietly(conn: Any, sql: str) -> None:
    with suppress(Exception):  # the connection is broken: the fault that broke it is reported
        run(conn, sql)


def _quietly_close(conn: Any) -> None:
    with suppress(Exception):
        conn.close()
