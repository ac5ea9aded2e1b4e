"""The one place where a database driver's error becomes a fault a person can read.

SQLite and the PostgreSQL driver report a full disk, a lock held too long, an I/O error,
a file made read-only or a lost server in their own terms. Every path to the database
comes through here: plain connections through ``observer.storage.store.run`` and
``Store.connect``, SQLAlchemy sessions through an engine hook (:func:`watch`). What comes
out is a subclass of ``observer.domain.errors.StorageFault`` ("Not saved: the disk is
full. …"), marked ``uncertain`` when it came while committing and the change may have
been saved all the same. An error that is not a fault of the storage (a mistake in SQL,
a constraint) is left as it is: that is a bug, and must look like one.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from observer.domain.errors import (
    ConnectionLost,
    DatabaseBusy,
    DatabaseDamaged,
    DiskError,
    DiskFull,
    OutsideYourShare,
    ReadOnlyDatabase,
    StorageFault,
)
from observer.storage.cipher import is_file_error

# SQLite's primary result codes (https://www.sqlite.org/rescode.html).
_SQLITE: dict[int, type[StorageFault]] = {
    sqlite3.SQLITE_BUSY: DatabaseBusy,
    sqlite3.SQLITE_LOCKED: DatabaseBusy,
    sqlite3.SQLITE_FULL: DiskFull,
    sqlite3.SQLITE_IOERR: DiskError,
    sqlite3.SQLITE_READONLY: ReadOnlyDatabase,
    sqlite3.SQLITE_CORRUPT: DatabaseDamaged,
    sqlite3.SQLITE_NOTADB: DatabaseDamaged,
    sqlite3.SQLITE_CANTOPEN: DiskError,
}
# The same, by the words SQLite uses, for an error that carries no code.
_SQLITE_WORDS: tuple[tuple[str, type[StorageFault]], ...] = (
    ("database is locked", DatabaseBusy),
    ("database table is locked", DatabaseBusy),
    ("database or disk is full", DiskFull),
    ("disk i/o error", DiskError),
    ("readonly database", ReadOnlyDatabase),
    ("read-only", ReadOnlyDatabase),
    ("malformed", DatabaseDamaged),
    ("file is not a database", DatabaseDamaged),
    ("unable to open database file", DiskError),
)
_CANNOT_OPEN = "the database file cannot be reached (moved, deleted, or its drive is gone)"
# PostgreSQL's SQLSTATE codes, by the start that classifies them.
_SERVER: tuple[tuple[str, type[StorageFault]], ...] = (
    ("08", ConnectionLost),  # connection exceptions
    ("57P", ConnectionLost),  # the server shut down, crashed, or is starting
    ("53100", DiskFull),
    ("58030", DiskError),
    ("55P03", DatabaseBusy),  # lock not available (lock_timeout)
    ("57014", DatabaseBusy),  # cancelled: statement_timeout
    ("40001", DatabaseBusy),  # serialisation failure
    ("40P01", DatabaseBusy),  # deadlock
    ("25006", ReadOnlyDatabase),  # the server is read-only (a standby)
    ("42501", OutsideYourShare),  # row-level security or a privilege: not this role's
    ("XX001", DatabaseDamaged),
    ("XX002", DatabaseDamaged),
)
_READING = ("SELECT", "PRAGMA", "WITH", "EXPLAIN")


def as_fault(
    error: BaseException, statement: str | None = None, *, committing: bool = False
) -> StorageFault | None:
    """The fault ``error`` is, worded for a person; None when it is not a storage fault.

    ``statement`` tells reading from writing; ``committing`` says the error came while
    committing, when the change may have been saved regardless (``uncertain``).
    """
    if isinstance(error, StorageFault):
        return error
    error = getattr(error, "orig", None) or error  # SQLAlchemy wraps the driver's error
    saving = committing or not (statement or "").lstrip().upper().startswith(_READING)
    if is_file_error(error):
        kind, reason = _sqlite_kind(error)
        if kind is None:
            return None
        # A busy database refuses before anything is written, even at COMMIT.
        uncertain = committing and kind is not DatabaseBusy
    elif type(error).__module__.partition(".")[0] == "psycopg":
        kind, reason = _server_kind(error)
        if kind is None:
            return None
        # The server answered with an error: it rolled back. Only silence is uncertain.
        uncertain = committing and kind is ConnectionLost
    else:
        return None
    return kind(str(error).strip(), saving=saving, uncertain=uncertain, reason=reason)


def _sqlite_kind(error: BaseException) -> tuple[type[StorageFault] | None, str]:
    code = getattr(error, "sqlite_errorcode", None)
    kind = _SQLITE.get(code & 0xFF) if isinstance(code, int) else None
    text = str(error).lower()
    if kind is None:
        kind = next((k for words, k in _SQLITE_WORDS if words in text), None)
    cannot_open = code == sqlite3.SQLITE_CANTOPEN or "unable to open" in text
    return kind, _CANNOT_OPEN if cannot_open else ""


def _server_kind(error: BaseException) -> tuple[type[StorageFault] | None, str]:
    state = getattr(error, "sqlstate", None) or ""
    if state == "53300":
        return ConnectionLost, "the database server accepts no more connections"
    if state:
        return next((k for start, k in _SERVER if state.startswith(start)), None), ""
    # No SQLSTATE: the driver's own error about its connection (closed, broken, timed out).
    name = type(error).__name__
    return (ConnectionLost, "") if name in ("OperationalError", "InterfaceError") else (None, "")


def watch(engine: Any) -> None:
    """Make every error of ``engine``'s connections that is a storage fault a ``StorageFault``."""
    from sqlalchemy import event

    event.listen(engine, "begin", _began)
    event.listen(engine, "commit", _committing)
    event.listen(engine, "handle_error", _on_error)


_COMMITTING = "observer.committing"


def _began(conn: Any) -> None:
    conn.info[_COMMITTING] = False


def _committing(conn: Any) -> None:
    conn.info[_COMMITTING] = True


def _on_error(context: Any) -> None:
    if context.is_pre_ping:
        return  # a pooled connection the server dropped: the pool replaces it, unseen
    committing = False
    if context.statement is None and context.connection is not None:
        try:
            committing = bool(context.connection.info.get(_COMMITTING))
        except Exception:  # an invalidated connection has no info left to read
            committing = True
    fault = as_fault(context.original_exception, context.statement, committing=committing)
    if fault is not None:
        raise fault from context.original_exception
