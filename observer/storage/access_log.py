"""The access log: who opened, exported or reported which coding, and when.

Clinical records must say who looked at them. Every opening of a coding (for recording
or read-only), every export (which format, de-identified or not) and every report is
written here, and only here, as one row of ``coding_access``. "Who" is the person at the
keyboard, not the coding's observer: the initials given for the action (the app's "your
initials", the command line's ``--as``), else the name they are logged in under on this
computer (:func:`at_the_keyboard`).

Logging never costs the person their work: when the row cannot be written (a full
disk, a locked or read-only database), the functions here say why instead of raising,
and the opening, the export or the report goes ahead. Plain SQL on a DB-API connection,
like the recorder: opening a coding loads no ORM. Rules: ``docs/privacy.md``.
"""

from __future__ import annotations

import getpass
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from observer.domain.clock import utcnow
from observer.storage.store import Store, parse_stamp, run, stamp

ACCESS_ACTIONS = ("open", "open read-only", "export", "report")


@dataclass(frozen=True)
class Access:
    """One entry of a coding's access log."""

    at: datetime
    who: str
    action: str
    detail: str


def at_the_keyboard(who: str | None) -> str:
    """Who is logged: the initials given, else this computer's user name."""
    if who and who.strip():
        return who.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name to be found (a bare container)
        return "?"


def sharing_detail(deidentify: bool, dates: str = "drop") -> str:
    """How a report is told in the log: de-identified (its dates shifted) or not."""
    if not deidentify:
        return "identifiable"
    return "de-identified, dates shifted" if dates == "shift" else "de-identified"


def export_detail(fmt: str, deidentify: bool, dates: str = "drop") -> str:
    """How an export is told in the log: its format, and whether it was de-identified."""
    return f"{fmt}, {sharing_detail(deidentify, dates)}"


def log_access(
    store: Store, coding_id: int, action: str, who: str | None = None, detail: str = ""
) -> str | None:
    """Write one entry; returns None, or why it could not be written (never raises)."""
    try:
        conn = store.connect()
    except Exception as exc:  # the log must never stop the action it records
        return _unlogged(exc)
    try:
        return log_access_on(conn, coding_id, action, who, detail)
    finally:
        with suppress(Exception):
            conn.close()


def log_access_on(
    conn: Any, coding_id: int, action: str, who: str | None = None, detail: str = ""
) -> str | None:
    """:func:`log_access` on a connection already open (a recorder's), outside a transaction."""
    if action not in ACCESS_ACTIONS:
        raise ValueError(f"Unknown access {action!r}; one of: {', '.join(ACCESS_ACTIONS)}")
    who = at_the_keyboard(who)
    try:
        run(conn, "BEGIN")
        try:
            run(
                conn,
                "INSERT INTO coding_access (coding_id, at, who, action, detail) "
                "VALUES (?, ?, ?, ?, ?)",
                (coding_id, stamp(conn, utcnow()), who[:20], action, detail[:200]),
            )
        except BaseException:
            with suppress(Exception):
                run(conn, "ROLLBACK")
            raise
        run(conn, "COMMIT")
    except Exception as exc:  # the log must never stop the action it records
        return _unlogged(exc)
    return None


def _unlogged(exc: Exception) -> str:
    return f"The access log could not be written: {exc}"


def access_log(store: Store, coding_id: int) -> list[Access]:
    """A coding's access log, oldest first."""
    conn = store.connect()
    try:
        rows = run(
            conn,
            "SELECT at, who, action, detail FROM coding_access WHERE coding_id = ? ORDER BY at, id",
            (coding_id,),
        ).fetchall()
    finally:
        conn.close()
    return [Access(_moment(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]


def _moment(value: Any) -> datetime:
    moment = parse_stamp(value)
    assert moment is not None  # the column is NOT NULL
    return moment
