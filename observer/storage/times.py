"""Stored times: always UTC in the database, time-zone aware in Python.

One rule for every datetime column and every plain-SQL stamp: what is written is the
moment in UTC, and what is read back carries ``tzinfo=UTC``. A naive datetime handed to
storage is taken to be UTC already (``utcnow()`` of earlier versions); a local wall time,
such as a session's start typed by a person, must be made aware first, with
``moment.astimezone()``. Views show stored times in the user's time zone with
``moment.astimezone()`` again.

SQLite keeps no time zone, so there a datetime is stored as SQLAlchemy's text form of the
UTC moment (``2026-10-01 16:00:00.000000``); a server keeps ``timestamp with time zone``.
"""

from __future__ import annotations

from datetime import UTC, datetime

# How SQLAlchemy writes a DateTime in SQLite; plain-SQL writers use the same form.
SQLITE_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def as_utc(moment: datetime) -> datetime:
    """The same moment, aware, in UTC (a naive value is taken to be UTC already)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def sqlite_text(moment: datetime) -> str:
    """The text SQLite stores for a moment."""
    return as_utc(moment).strftime(SQLITE_FORMAT)


def from_stored(value: str | datetime | None) -> datetime | None:
    """A stored moment back, aware in UTC (SQLite hands back text, a server a datetime)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return as_utc(value)
