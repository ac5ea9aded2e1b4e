"""Where a coding's notes, arrivals and clock go: straight into the database, or an outbox.

The companion of ``workspace.event_writes`` for everything else the coding window writes:
process notes and phase marks (added, corrected, deleted, brought back by Undo), a member
who came in late, the clock. A coding in a file, or a server coding written directly, is
written through the coding's own connection; a server coding through its outbox, in the
same local transaction and order as its events, so the sender (``workspace.delivery``)
passes them on after the events they follow, and a note sent twice is kept once (by uid).

Every correction of a note (an edit, a deletion, a restoration) leaves a ``note_audit``
row: who, when, the note before and after.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from observer.domain.events import ProcessNoteView
from observer.domain.uids import new_uid
from observer.storage.coding_writer import CodingWriter
from observer.storage.outbox import Outbox
from observer.storage.store import run, stamp
from observer.workspace.event_writes import (
    audit_texts,
    carried_audit_texts,
    outbox_audit,
    parse_moment,
)

# What the outbox calls these changes (``workspace.delivery`` passes them on).
NOTE_INSERT, NOTE_UPDATE, NOTE_DELETE = "note_insert", "note_update", "note_delete"
ARRIVAL, CLOCK = "arrival", "clock"
RECORD_KINDS = (NOTE_INSERT, NOTE_UPDATE, NOTE_DELETE, ARRIVAL, CLOCK)

_INSERT = (
    "INSERT INTO process_notes (uid, coding_id, time_ms, text, kind, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id"
)
_RESTORE = (
    "INSERT INTO process_notes (id, uid, coding_id, time_ms, text, kind, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"
)
_UPDATE = "UPDATE process_notes SET time_ms = ?, text = ?, edited_at = ? WHERE id = ?"
_DELETE = "DELETE FROM process_notes WHERE id = ?"
_AUDIT = (
    'INSERT INTO note_audit (coding_id, note_uid, action, who, at, "before", "after") '
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_ARRIVE = "INSERT INTO attendance (session_id, member_id, arrived_ms) VALUES (?, ?, ?)"
_CLOCK = (
    "UPDATE codings SET clock_elapsed_ms = ?, clock_running_since = ?, clock_anchor = ? "
    "WHERE id = ?"
)


@dataclass(frozen=True)
class NoteOp:
    """One note change of an undo step; ``before`` is set for an edit."""

    kind: str  # "insert" | "delete" | "update"
    note: ProcessNoteView
    before: ProcessNoteView | None = None

    def inverse(self) -> NoteOp:
        if self.kind == "insert":
            return NoteOp("delete", self.note)
        if self.kind == "delete":
            return NoteOp("insert", self.note)
        assert self.before is not None
        return NoteOp("update", self.before, self.note)


@dataclass(frozen=True)
class ClockValues:
    """The clock as saved: elapsed, running since, the session's anchor (moments or None)."""

    elapsed_ms: int
    running_since: datetime | None
    anchor: datetime | None


class DirectRecords:
    """Notes, arrivals and the clock written through the coding's own connection."""

    def __init__(self, writer: CodingWriter, coding_id: int, who: str) -> None:
        self._writer = writer
        self.coding_id = coding_id
        self.who = who

    @property
    def _conn(self) -> Any:
        return self._writer.conn

    def write_note(self, op: NoteOp, uid: str, now: datetime) -> ProcessNoteView:
        """Write one note change (inside the step's transaction); the note as it stands."""
        note, at = op.note, stamp(self._conn, now)
        if op.kind == "insert" and not note.id:
            created = stamp(self._conn, note.created_at or now)
            values = (uid, self.coding_id, note.time_ms, note.text, note.kind, created)
            return replace(note, id=int(run(self._conn, _INSERT, values).fetchone()[0]))
        if op.kind == "insert":  # brought back (undo of a deletion): as itself
            created = stamp(self._conn, note.created_at or now)
            kept = (note.id, uid, self.coding_id, note.time_ms, note.text, note.kind, created)
            run(self._conn, _RESTORE, kept)
            self._audit("restore", uid, None, note, at)
        elif op.kind == "update":
            run(self._conn, _UPDATE, (note.time_ms, note.text, at, note.id))
            self._audit("edit", uid, op.before, note, at)
        else:
            run(self._conn, _DELETE, (note.id,))
            self._audit("delete", uid, note, None, at)
        return note

    def _audit(
        self, action: str, uid: str, before: ProcessNoteView | None,
        after: ProcessNoteView | None, at: Any,
    ) -> None:  # fmt: skip
        values = (self.coding_id, uid, action, self.who, at, *audit_texts(before, after))
        run(self._conn, _AUDIT, values)

    def arrive(self, session_id: int, member_id: int, time_ms: int) -> None:
        with self._writer.transaction():
            run(self._conn, _ARRIVE, (session_id, member_id, time_ms))

    def save_clock(self, clock: ClockValues) -> None:
        def values(conn: Any) -> tuple[Any, ...]:
            since, anchor = clock.running_since, clock.anchor
            return (
                clock.elapsed_ms,
                None if since is None else stamp(conn, since),
                None if anchor is None else stamp(conn, anchor),
            )

        def saved(conn: Any) -> bool:
            sql = (
                "SELECT clock_elapsed_ms, clock_running_since, clock_anchor FROM codings "
                "WHERE id = ?"
            )
            return tuple(run(conn, sql, (self.coding_id,)).fetchone()) == values(conn)

        # The connection is read inside the transaction: a failed one is replaced.
        with self._writer.durably(saved):
            run(self._conn, _CLOCK, (*values(self._conn), self.coding_id))


class OutboxRecords:
    """Notes, arrivals and the clock queued in a server coding's outbox."""

    def __init__(self, outbox: Outbox, coding_id: int, who: str, wake: Callable[[], None]) -> None:
        self.outbox = outbox
        self.coding_id = coding_id
        self.who = who
        self._wake = wake

    def write_note(self, op: NoteOp, uid: str, now: datetime) -> ProcessNoteView:
        """Queue one note change (inside the step's outbox transaction); the note after it.

        A new note is known by a provisional, negative id (minus its outbox sequence
        number) until the coding is next opened, as an event recorded here is.
        """
        note, at = op.note, now.isoformat()
        base: dict[str, Any] = {
            "coding_id": self.coding_id,
            "time_ms": note.time_ms,
            "text": note.text,
        }
        if op.kind == "insert":
            created = (note.created_at or now).isoformat()
            payload = base | {
                "kind": note.kind,
                "created_at": created,
                "note_id": note.id if note.id > 0 else None,
                "audit": self._audit("restore", None, note, at) if note.id else None,
            }
            seq = self.outbox.put(uid, NOTE_INSERT, payload)
            return note if note.id else replace(note, id=-seq)
        if op.kind == "update":
            payload = base | {"edited_at": at, "audit": self._audit("edit", op.before, note, at)}
            self.outbox.put(uid, NOTE_UPDATE, payload)
        else:
            payload = base | {"audit": self._audit("delete", note, None, at)}
            self.outbox.put(uid, NOTE_DELETE, payload)
        return note

    def _audit(
        self, action: str, before: ProcessNoteView | None, after: ProcessNoteView | None, at: str
    ) -> dict[str, Any]:
        return outbox_audit(action, self.who, at, before, after)

    def arrive(self, session_id: int, member_id: int, time_ms: int) -> None:
        payload = {"session_id": session_id, "member_id": member_id, "arrived_ms": time_ms}
        with self.outbox.transaction():
            self.outbox.put(new_uid(), ARRIVAL, payload)
        self._wake()

    def save_clock(self, clock: ClockValues) -> None:
        payload = {
            "coding_id": self.coding_id,
            "elapsed_ms": clock.elapsed_ms,
            "running_since": _iso(clock.running_since),
            "anchor": _iso(clock.anchor),
        }
        with self.outbox.transaction():
            self.outbox.put(new_uid(), CLOCK, payload)
        self._wake()


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def note_there(conn: Any, note: ProcessNoteView) -> bool:
    """Whether ``note`` is stored as it stands (an uncertain commit looked at again)."""
    row = run(conn, "SELECT time_ms, text FROM process_notes WHERE id = ?", (note.id,)).fetchone()
    return row is not None and (row[0], row[1]) == (note.time_ms, note.text)


# --- on the server: what the sender does with each of these changes -------------------------

_SERVER_INSERT = (
    "INSERT INTO process_notes (uid, coding_id, time_ms, text, kind, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO NOTHING"
)
_SERVER_RESTORE = (
    "INSERT INTO process_notes (id, uid, coding_id, time_ms, text, kind, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO NOTHING"
)
_SERVER_UPDATE = "UPDATE process_notes SET time_ms = ?, text = ?, edited_at = ? WHERE uid = ?"
_SERVER_DELETE = "DELETE FROM process_notes WHERE uid = ?"
_SERVER_AUDIT = (
    'INSERT INTO note_audit (uid, coding_id, note_uid, action, who, at, "before", "after") '
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO NOTHING"
)
_SERVER_ARRIVE = f"{_ARRIVE} ON CONFLICT (session_id, member_id) DO NOTHING"


def apply_record(conn: Any, uid: str, kind: str, p: dict[str, Any]) -> None:
    """Write one queued note, arrival or clock change to the server (caller's transaction).

    Each is kept once however often it is sent: notes and audit rows by uid, an arrival
    by its member and session, the clock by being set (not added to).
    """
    if kind == ARRIVAL:
        run(conn, _SERVER_ARRIVE, (p["session_id"], p["member_id"], p["arrived_ms"]))
    elif kind == CLOCK:
        values = (p["elapsed_ms"], parse_moment(p["running_since"]), parse_moment(p["anchor"]))
        run(conn, _CLOCK, (*values, p["coding_id"]))
    elif kind == NOTE_INSERT:
        row = (
            uid,
            p["coding_id"],
            p["time_ms"],
            p["text"],
            p["kind"],
            parse_moment(p["created_at"]),
        )
        if p.get("note_id"):
            run(conn, _SERVER_RESTORE, (p["note_id"], *row))
        else:
            run(conn, _SERVER_INSERT, row)
    elif kind == NOTE_UPDATE:
        run(conn, _SERVER_UPDATE, (p["time_ms"], p["text"], parse_moment(p["edited_at"]), uid))
    else:
        assert kind == NOTE_DELETE
        run(conn, _SERVER_DELETE, (uid,))
    audit = p.get("audit")
    if audit is not None:
        run(conn, _SERVER_AUDIT, (
            audit["uid"], p["coding_id"], uid, audit["action"], audit["who"],
            parse_moment(audit["at"]), *carried_audit_texts(audit),
        ))  # fmt: skip
