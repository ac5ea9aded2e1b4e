"""Where a Recorder's event rows go: straight into the database, or into a server's outbox.

A coding in a local file is written directly, one durable transaction per step, as
always. A coding on a server is written into its outbox (``observer.storage.outbox``):
the step is as durable when the call returns, and the sender (``workspace.delivery``)
passes it on. Both take the same calls, so the rules of recording live once, in
``workspace.recording``.

An event recorded into an outbox has no server id yet: the Recorder knows it by a
provisional, negative id (minus its outbox sequence number) for as long as it is open,
and the server by its ``uid``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from observer.domain.clock import utcnow
from observer.domain.events import Event, ProcessNoteView
from observer.domain.uids import new_uid
from observer.storage.coding_writer import CodingWriter
from observer.storage.outbox import Outbox
from observer.storage.store import run, stamp

_INSERT = (
    "INSERT INTO events (coding_id, time_ms, end_ms, code, actor, targets, modifiers, note, "
    "created_at, awaiting_modifiers, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)
_RESTORE = (
    "INSERT INTO events (id, coding_id, time_ms, end_ms, code, actor, targets, modifiers, note, "
    "created_at, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)
_UPDATE = (
    "UPDATE events SET time_ms = ?, end_ms = ?, code = ?, actor = ?, targets = ?, modifiers = ?, "
    "note = ?, edited_at = COALESCE(?, edited_at), awaiting_modifiers = ? WHERE id = ?"
)
_DELETE = "DELETE FROM events WHERE id = ?"
_AUDIT = (
    "INSERT INTO event_audit (coding_id, event_id, action, who, at, before, after) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


class _Texts:
    """Targets and modifiers as stored: the same few texts again and again, made once."""

    def __init__(self) -> None:
        self._encoded: dict[Any, str] = {}

    def of(self, event: Event) -> tuple[str, str]:
        targets = self._encoded.get(event.targets)
        if targets is None:
            targets = self._encoded[event.targets] = json.dumps(list(event.targets))
        key = ("modifiers", *sorted(event.modifiers.items()))
        modifiers = self._encoded.get(key)
        if modifiers is None:
            modifiers = self._encoded[key] = json.dumps(dict(event.modifiers))
        return targets, modifiers


def audit_texts(
    before: Event | ProcessNoteView | None, after: Event | ProcessNoteView | None
) -> tuple[str | None, str | None]:
    """An audit row's before and after (an event's or a note's fields), as stored."""
    return (
        None if before is None else json.dumps(before.fields()),
        None if after is None else json.dumps(after.fields()),
    )


def carried_audit_texts(audit: dict[str, Any]) -> tuple[str | None, str | None]:
    """The before and after of an audit row an outbox carried, as the server stores them."""
    before, after = audit["before"], audit["after"]
    return (
        None if before is None else json.dumps(before),
        None if after is None else json.dumps(after),
    )


def outbox_audit(
    action: str,
    who: str,
    at: str,
    before: Event | ProcessNoteView | None,
    after: Event | ProcessNoteView | None,
) -> dict[str, Any]:
    """An audit row as an outbox change carries it: with its own uid, kept once on the
    server however often it is sent."""
    return {
        "uid": new_uid(),
        "action": action,
        "who": who,
        "at": at,
        "before": None if before is None else before.fields(),
        "after": None if after is None else after.fields(),
    }


class DirectRows:
    """Rows written through the coding's own connection (a file, or a server directly)."""

    def __init__(self, writer: CodingWriter, coding_id: int, who: str) -> None:
        self._writer = writer
        self.coding_id = coding_id
        self.who = who
        self._texts = _Texts()

    def durably(self, saved: Callable[[Any], bool]) -> AbstractContextManager[None]:
        return self._writer.durably(saved)

    def uid_of(self, event_id: int) -> str:
        row = run(self._writer.conn, "SELECT uid FROM events WHERE id = ?", (event_id,)).fetchone()
        return str(row[0]) if row is not None else new_uid()

    def now(self) -> Any:
        return stamp(self._writer.conn, utcnow())

    def insert(self, event: Event, uid: str, awaiting: bool, now: Any) -> int:
        values = (event.time_ms, event.end_ms, event.code, event.actor, *self._texts.of(event))
        row = run(self._writer.conn, _INSERT,
                  (self.coding_id, *values, event.note, now, awaiting, uid))  # fmt: skip
        return int(row.fetchone()[0])

    def restore(self, event: Event, uid: str, now: Any) -> int:
        values = (event.time_ms, event.end_ms, event.code, event.actor, *self._texts.of(event))
        row = run(self._writer.conn, _RESTORE,
                  (event.id, self.coding_id, *values, event.note, now, uid))  # fmt: skip
        self._audit("restore", event.id, None, event, now)
        return int(row.fetchone()[0])

    def update(
        self, event: Event, before: Event, uid: str, audited: bool, awaiting: bool, now: Any
    ) -> None:
        values = (event.time_ms, event.end_ms, event.code, event.actor, *self._texts.of(event))
        edited = now if audited else None
        run(self._writer.conn, _UPDATE, (*values, event.note, edited, awaiting, event.id))
        if audited:
            self._audit("edit", event.id, before, event, now)

    def delete(self, event: Event, uid: str, now: Any) -> None:
        run(self._writer.conn, _DELETE, (event.id,))
        self._audit("delete", event.id, event, None, now)

    def _audit(
        self, action: str, event_id: int, before: Event | None, after: Event | None, at: Any
    ) -> None:
        texts = audit_texts(before, after)
        run(self._writer.conn, _AUDIT, (self.coding_id, event_id, action, self.who, at, *texts))


class OutboxRows:
    """Rows queued in the coding's outbox, for the sender to deliver to the server."""

    def __init__(self, outbox: Outbox, coding_id: int, who: str, wake: Callable[[], None]) -> None:
        self.outbox = outbox
        self.coding_id = coding_id
        self.who = who
        self._wake = wake  # the sender: there is something to send
        # The audit row of each deletion, by event uid: a provisional event brought back
        # takes the server id it had (found through that row), as a file's event does.
        self._deleted_by: dict[str, str] = {}

    def durably(self, saved: Callable[[Any], bool]) -> AbstractContextManager[None]:
        # A local file: a commit that fails is certainly not saved (SQLite's own WAL rules).
        return _Woken(self.outbox.transaction(), self._wake)

    def uid_of(self, event_id: int) -> str:
        raise KeyError(event_id)  # the Recorder knows every uid of an outbox coding

    def now(self) -> Any:
        return utcnow().isoformat()

    def insert(self, event: Event, uid: str, awaiting: bool, now: Any) -> int:
        payload = self._columns(event) | {"created_at": now, "awaiting": awaiting}
        return -self.outbox.put(uid, "insert", payload)

    def restore(self, event: Event, uid: str, now: Any) -> int:
        # A server event keeps its id; one recorded here keeps its provisional one.
        payload = self._columns(event) | {
            "created_at": now,
            "awaiting": False,
            "event_id": event.id if event.id > 0 else None,
            "deleted_by": self._deleted_by.get(uid),
            "audit": self._audit("restore", None, event, now),
        }
        self.outbox.put(uid, "insert", payload)
        return event.id

    def update(
        self, event: Event, before: Event, uid: str, audited: bool, awaiting: bool, now: Any
    ) -> None:
        payload = self._columns(event) | {
            "edited_at": now if audited else None,
            "awaiting": awaiting,
            "audit": self._audit("edit", before, event, now) if audited else None,
        }
        self.outbox.put(uid, "update", payload)

    def delete(self, event: Event, uid: str, now: Any) -> None:
        audit = self._audit("delete", event, None, now)
        self._deleted_by[uid] = audit["uid"]
        payload = {"coding_id": self.coding_id, "event_id": event.id, "audit": audit}
        self.outbox.put(uid, "delete", payload)

    def _columns(self, event: Event) -> dict[str, Any]:
        return {"coding_id": self.coding_id, **event.fields()}

    def _audit(
        self, action: str, before: Event | None, after: Event | None, at: str
    ) -> dict[str, Any]:
        return outbox_audit(action, self.who, at, before, after)


class _Woken(AbstractContextManager[None]):
    """A transaction that wakes the sender once it has committed."""

    def __init__(self, inner: AbstractContextManager[None], wake: Callable[[], None]) -> None:
        self._inner = inner
        self._wake = wake

    def __enter__(self) -> None:
        self._inner.__enter__()

    def __exit__(self, *exc: Any) -> bool | None:
        result = self._inner.__exit__(*exc)
        if exc[0] is None:
            self._wake()
        return result


def parse_moment(text: str | None) -> datetime | None:
    """A moment an outbox wrote (ISO text) back as an aware datetime."""
    return None if text is None else datetime.fromisoformat(text)
