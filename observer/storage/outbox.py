"""The outbox: a server coding's changes, kept on this computer until the server has them.

When a coding lives on a server, recording it must not wait on the network, and a dropped
network or a restarted server must cost nothing. So each change (an event recorded, given
its modifiers, edited, deleted, restored) is committed first to a small SQLite file in the
user's data folder, exactly as durably as a local database (WAL, ``synchronous=FULL``,
readable by its owner only), and a sender (``observer.workspace.delivery``) passes the
changes on in the order they were made. Each change names its event by the event's global
id (``uid``), so a change sent twice is kept once, and a change leaves the outbox only
after the server has committed it.

One outbox per server database and coding. The file outlives the program: a change left
in it by a crash or a kill is sent the next time the coding is opened.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from observer.domain.wording import counted
from observer.storage.private_file import PRIVATE_FOLDER, create_private
from observer.storage.store import APP_NAME, RECORDING_BUSY_MS, Store, run, sqlite_pragmas

# An event's changes; then a note's or phase mark's, a late arrival, the clock.
KINDS = ("insert", "update", "delete", "note_insert", "note_update", "note_delete", "arrival",
         "clock")  # fmt: skip

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS changes ("
    "seq INTEGER PRIMARY KEY AUTOINCREMENT, uid TEXT NOT NULL, kind TEXT NOT NULL, "
    "payload TEXT NOT NULL)"
)


@dataclass(frozen=True)
class Change:
    """One change waiting for the server: ``payload`` holds the event's columns (and audit)."""

    seq: int
    uid: str
    kind: str
    payload: dict[str, Any]


def outbox_folder() -> Path:
    """Where outboxes live: the user's data folder (``platformdirs``), private."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "outbox"


def outbox_path(location: str, coding_id: int) -> Path:
    """The outbox of one coding of the server database at ``location`` (its redacted URL)."""
    return outbox_folder() / f"{_digest(location)}-coding{coding_id}.sqlite3"


def _digest(location: str) -> str:
    import hashlib  # not loaded by opening a coding in a file

    return hashlib.sha256(location.encode("utf-8")).hexdigest()[:16]


def waiting_outboxes(location: str) -> list[tuple[int, Path]]:
    """(coding id, outbox) of every outbox of this server database on this computer."""
    found = []
    for path in sorted(outbox_folder().glob(f"{_digest(location)}-coding*.sqlite3")):
        number = path.stem.rpartition("coding")[2]
        if number.isdigit():
            found.append((int(number), path))
    return found


def not_on_server(store: Store, coding_ids: Sequence[int]) -> dict[int, str]:
    """Codings on a server with changes made on this computer that have not reached it
    (what the server gives an export or a report lacks them), each with how many."""
    if store.is_sqlite:
        return {}
    found = {i: waiting_here(store.location, i) for i in coding_ids}
    return {
        i: f"{counted(n, 'change')} made on this computer, not on the server yet"
        for i, n in found.items()
        if n
    }


def waiting_here(location: str, coding_id: int) -> int:
    """How many things of a server coding wait in this computer's outbox, not yet on the
    server (what a reading of the server leaves out); 0 when it has no outbox here."""
    path = outbox_path(location, coding_id)
    if not path.exists():
        return 0
    box = Outbox(path)
    try:
        return box.waiting()
    finally:
        box.close()


class Outbox:
    """An open outbox file; one connection, usable from the thread that opened it.

    The recorder's connection (``sender=False``) commits each change durably and never
    checkpoints, so a key press pays for its own flush and nothing more. The sender's
    connection (``sender=True``) forgets delivered changes without waiting for the disk
    (after a crash a forgotten change may come back and be sent again: the server keeps it
    once, and changes replayed in order leave the coding as it was) and does the WAL's
    checkpoints, on the sender's thread.
    """

    def __init__(self, path: Path, sender: bool = False) -> None:
        self.path = path
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
            with suppress(FileExistsError):
                create_private(path)
        self.conn = sqlite3.connect(
            path, isolation_level=None, timeout=RECORDING_BUSY_MS / 1000, check_same_thread=False
        )
        sqlite_pragmas(self.conn, None, RECORDING_BUSY_MS)
        if sender:
            run(self.conn, "PRAGMA synchronous=NORMAL")
        else:
            run(self.conn, "PRAGMA wal_autocheckpoint=0")
        run(self.conn, _SCHEMA)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One durable local transaction, committed or rolled back whole."""
        run(self.conn, "BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            with suppress(Exception):
                run(self.conn, "ROLLBACK")
            raise
        try:
            run(self.conn, "COMMIT")
        except BaseException:
            with suppress(Exception):
                run(self.conn, "ROLLBACK")
            raise

    def put(self, uid: str, kind: str, payload: dict[str, Any]) -> int:
        """Add a change (inside :meth:`transaction`); its sequence number."""
        assert kind in KINDS
        row = run(
            self.conn,
            "INSERT INTO changes (uid, kind, payload) VALUES (?, ?, ?) RETURNING seq",
            (uid, kind, json.dumps(payload)),
        ).fetchone()
        return int(row[0])

    def waiting(self) -> int:
        """How many things have changes waiting (an event recorded and then edited: one)."""
        return int(run(self.conn, "SELECT COUNT(DISTINCT uid) FROM changes").fetchone()[0])

    def waiting_by_kind(self) -> tuple[int, int]:
        """Events with changes waiting, and other changes waiting (notes, arrivals, the
        clock): what the status line names."""
        events, others = run(
            self.conn,
            "SELECT COUNT(DISTINCT CASE WHEN kind IN ('insert', 'update', 'delete') THEN uid END),"
            " COUNT(CASE WHEN kind NOT IN ('insert', 'update', 'delete') THEN 1 END) "
            "FROM changes",
        ).fetchone()
        return int(events), int(others)

    def first(self, limit: int) -> list[Change]:
        """The oldest waiting changes, in the order they were made."""
        rows = run(
            self.conn, "SELECT seq, uid, kind, payload FROM changes ORDER BY seq LIMIT ?", (limit,)
        )
        return [Change(int(s), str(u), str(k), json.loads(p)) for s, u, k, p in rows]

    def delivered(self, up_to: int) -> None:
        """The server has committed every change up to ``up_to``: they leave the outbox
        (durably only on the sender's connection's terms, see the class)."""
        with self.transaction():
            run(self.conn, "DELETE FROM changes WHERE seq <= ?", (up_to,))

    def checkpoint(self) -> None:
        """Copy the WAL into the file where no reader needs it (never waits for one)."""
        run(self.conn, "PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        with suppress(Exception):
            self.conn.close()
