"""Delivery: a server coding's outbox sent on to the server, in the background.

A Recorder of a coding on a server writes each change into the coding's outbox
(``observer.storage.outbox``) and wakes the sender, a plain thread (no Qt) with its own
connections. The sender passes the waiting changes on in batches, in the order they were
made, one server transaction per batch that also confirms the coding's lock; a change
leaves the outbox only once the server has committed it. Every change names its event by
``uid`` (``INSERT … ON CONFLICT (uid) DO NOTHING``; updates and deletions by uid; audit
rows by their own uid), so a batch sent again after a lost answer is kept once.

The sender also keeps the coding's lock alive on the server (its heartbeat, every
``coding_lock.HEARTBEAT_S``), on its own connection: the coding window's heartbeat then
asks the sender what it found and never waits on the network itself.

When the server cannot be reached the sender tries again after 0.2 s, then twice as long
each time up to 5 s, and says so (:class:`DeliveryState`: "server unreachable · 12 events
waiting"); it catches up by itself when the server is back. What is still waiting when the
program ends, or is killed, is sent when the coding is next opened (:meth:`send_waiting`)
or the database is (:func:`send_left_behind`).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from observer.domain.errors import CodingInUse, CodingTakenOver, StorageFault
from observer.storage import coding_lock
from observer.storage.coding_writer import CodingWriter
from observer.storage.outbox import Change, Outbox, outbox_path, waiting_outboxes
from observer.storage.store import Store, run, run_many
from observer.workspace.event_writes import carried_audit_texts, parse_moment
from observer.workspace.note_writes import RECORD_KINDS, apply_record

BATCH = 500  # changes per server transaction
FIRST_RETRY_S = 0.2
LAST_RETRY_S = 5.0
CHECKPOINT_S = 5.0  # while the server is away, the outbox's WAL is checkpointed this often

_COLUMNS = "coding_id, time_ms, end_ms, code, actor, targets, modifiers, note, created_at"
_INSERT = (
    f"INSERT INTO events (uid, {_COLUMNS}, awaiting_modifiers) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO NOTHING"
)
_RESTORE = (
    f"INSERT INTO events (id, uid, {_COLUMNS}, awaiting_modifiers) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO NOTHING"
)
_UPDATE = (
    "UPDATE events SET time_ms = ?, end_ms = ?, code = ?, actor = ?, targets = ?, modifiers = ?, "
    "note = ?, edited_at = COALESCE(?, edited_at), awaiting_modifiers = ? WHERE uid = ?"
)
_DELETE = "DELETE FROM events WHERE uid = ?"
# The audit row names the event by its server id, found by uid (the change before it put
# the event there, or the one after it takes it away).
_AUDIT = (
    "INSERT INTO event_audit (uid, coding_id, event_id, action, who, at, before, after) "
    "VALUES (?, ?, COALESCE((SELECT id FROM events WHERE uid = ?), ?), ?, ?, ?, ?, ?) "
    "ON CONFLICT (uid) DO NOTHING"
)


@dataclass(frozen=True)
class DeliveryState:
    """How far the server has the coding: what the coding window's status line says."""

    waiting: int  # events with changes not yet on the server
    reachable: bool = True
    problem: str = ""  # why the last attempt failed, in words
    stopped: bool = False  # the coding was taken over: this sender sends no more
    others: int = 0  # other changes not yet on the server: notes, arrivals, the clock

    @property
    def text(self) -> str:
        if self.stopped:
            return f"not sending · {self._events()} waiting · {self.problem}"
        if self.waiting == 0 and self.others == 0:
            return "all delivered"
        if not self.reachable:
            return f"server unreachable · {self._events()} waiting"
        return f"sending · {self._events()} waiting"

    def _events(self) -> str:
        said = [f"{self.waiting} event{'' if self.waiting == 1 else 's'}"] if self.waiting else []
        if self.others:
            other = "other change" if self.waiting else "change"
            said.append(f"{self.others} {other}{'' if self.others == 1 else 's'}")
        return " and ".join(said)


Listener = Callable[[DeliveryState], None]


class Delivery:
    """One server coding's outbox and its sender. ``outbox`` is written by the Recorder."""

    def __init__(self, store: Store, coding_id: int, lock: coding_lock.Holder | None) -> None:
        self.store = store
        self.coding_id = coding_id
        self._lock = lock
        path = outbox_path(store.location, coding_id)
        self.outbox = Outbox(path)
        self._box = Outbox(path, sender=True)  # the sender's own connection to it
        self._server: Any = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._changed = threading.Condition()
        self._listeners: list[Listener] = []
        self._thread: threading.Thread | None = None
        self._beaten = time.monotonic()  # the lock was taken (or confirmed) just now
        self._taken_over: CodingTakenOver | None = None
        self._checkpointed = time.monotonic()
        self.state = self._now_waiting()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` (on the sender's thread) whenever the state changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def wake(self) -> None:
        """A change was committed to the outbox: send it."""
        self._wake.set()

    def send_waiting(self) -> bool:
        """Send everything waiting now, on this thread (opening: what a crash left behind);
        whether anything was.

        Raises the ``StorageFault`` that stopped it; what was sent stays sent.
        """
        sent = False
        while self._send_batch():
            sent = True
        self._report(DeliveryState(0))
        return sent

    def raise_if_taken_over(self) -> None:
        """``CodingTakenOver`` once the sender found the lock someone else's (no network)."""
        if self._taken_over is not None:
            raise self._taken_over

    def start(self) -> None:
        """Start the sender thread."""
        self._thread = threading.Thread(target=self._run, name="outbox-sender", daemon=True)
        self._thread.start()

    def wait_until_delivered(self, timeout_s: float) -> bool:
        """Wait (at most ``timeout_s``) until nothing waits; whether that happened.

        Asks the outbox itself (the sender's last word may predate the latest change).
        """
        deadline = time.monotonic() + timeout_s
        while self.outbox.waiting():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.wake()
            with self._changed:
                self._changed.wait(min(left, 0.5))
        return True

    def close(self, wait_s: float = 0.0) -> None:
        """Give the sender ``wait_s`` to send what waits, then stop it. Nothing is lost:
        what was not sent stays in the outbox for next time."""
        if wait_s > 0 and self._thread is not None:
            self.wait_until_delivered(wait_s)
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
        if self._thread is None or not self._thread.is_alive():
            self._close_connections()
        self.outbox.close()

    # --- the sender ---------------------------------------------------------------------

    def _run(self) -> None:
        delay = FIRST_RETRY_S
        try:
            while not self._stop.is_set():
                self._wake.clear()
                try:
                    while self._send_batch() and not self._stop.is_set():
                        self._report(self._now_waiting())
                    if self._beat_in_s() <= 0:
                        self._beat()
                except CodingTakenOver as exc:
                    self._taken_over = exc
                    self._report(self._now_waiting(False, exc.reason, True))
                    return
                except Exception as exc:  # the server, or a change it refused: try again later
                    self._drop_server()
                    self._report(self._now_waiting(False, _words(exc)))
                    self._back_off(delay)
                    delay = min(delay * 2, LAST_RETRY_S)
                    continue
                delay = FIRST_RETRY_S
                self._report(self._now_waiting())
                self._wake.wait(self._beat_in_s() if self._lock is not None else None)
        finally:
            if self._stop.is_set():
                self._close_connections()

    def _beat_in_s(self) -> float:
        """Seconds until the lock's next heartbeat is due (never, without a lock)."""
        if self._lock is None:
            return float("inf")
        return self._beaten + coding_lock.HEARTBEAT_S - time.monotonic()

    def _beat(self) -> None:
        """The lock's heartbeat: confirmed ours, then refreshed, in one server transaction."""
        with self._server_transaction():
            pass

    @contextmanager
    def _server_transaction(self) -> Iterator[Any]:
        """One server transaction that first confirms the lock (and beats it when due)."""
        if self._server is None:
            self._server = self.store.connect()
        conn = self._server
        beating = self._beat_in_s() <= 0
        run(conn, "BEGIN")
        try:
            if self._lock is not None:
                coding_lock.confirm(conn, self._lock)
                if beating:
                    coding_lock.beat(conn, self._lock)
            yield conn
            run(conn, "COMMIT")
        except BaseException:
            with suppress(Exception):
                run(conn, "ROLLBACK")
            raise
        if beating:
            self._beaten = time.monotonic()

    def _now_waiting(
        self, reachable: bool = True, problem: str = "", stopped: bool = False
    ) -> DeliveryState:
        events, others = self._box.waiting_by_kind()
        return DeliveryState(events, reachable, problem, stopped, others)

    def _back_off(self, delay: float) -> None:
        """Wait before trying again; changes committed meanwhile are counted, not sent."""
        deadline = time.monotonic() + delay
        while not self._stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if self._wake.wait(left):
                self._wake.clear()
                if time.monotonic() - self._checkpointed > CHECKPOINT_S:
                    # Nothing is delivered, so nothing else keeps the outbox's WAL short.
                    self._box.checkpoint()
                    self._checkpointed = time.monotonic()
                self._report(self._now_waiting(False, self.state.problem))

    def _send_batch(self) -> bool:
        """One batch to the server, committed, then out of the outbox; False when none."""
        changes = self._box.first(BATCH)
        if not changes:
            return False
        with self._server_transaction() as conn:
            apply_changes(conn, changes)
        self._box.delivered(changes[-1].seq)
        return True

    def _report(self, state: DeliveryState) -> None:
        with self._changed:
            changed = state != self.state
            self.state = state
            self._changed.notify_all()
        if changed:
            for listener in list(self._listeners):
                listener(state)

    def _drop_server(self) -> None:
        conn, self._server = self._server, None
        if conn is not None:
            with suppress(Exception):
                # Thrown away, not handed back: resetting a lost connection only logs errors.
                conn.invalidate() if hasattr(conn, "invalidate") else conn.close()

    def _close_connections(self) -> None:
        self._drop_server()
        self._box.close()


def apply_changes(conn: Any, changes: list[Change]) -> None:
    """Write ``changes`` to the server in order, inside the caller's transaction.

    Runs of plain new events go in one pipelined statement; each is kept once by its uid.
    """
    plain: list[tuple[Any, ...]] = []
    for change in changes:
        p = change.payload
        if change.kind == "insert" and p.get("audit") is None and p.get("event_id") is None:
            plain.append((change.uid, *_columns(p), bool(p["awaiting"])))
            continue
        run_many(conn, _INSERT, plain)
        plain = []
        if change.kind in RECORD_KINDS:  # a note, a phase mark, an arrival, the clock
            apply_record(conn, change.uid, change.kind, p)
        elif change.kind == "insert":
            row = (change.uid, *_columns(p), bool(p["awaiting"]))
            given = p.get("event_id") or _id_before_deletion(conn, p.get("deleted_by"))
            if given is None:
                run(conn, _INSERT, row)
            else:
                run(conn, _RESTORE, (given, *row))
            _audit(conn, change)
        elif change.kind == "update":
            fields = _columns(p)[1:8]
            edited = parse_moment(p.get("edited_at"))
            run(conn, _UPDATE, (*fields, edited, bool(p["awaiting"]), change.uid))
            _audit(conn, change)
        else:
            _audit(conn, change)
            run(conn, _DELETE, (change.uid,))
    run_many(conn, _INSERT, plain)


def _id_before_deletion(conn: Any, audit_uid: str | None) -> int | None:
    """The server id an event had when the audit row ``audit_uid`` recorded its deletion."""
    if audit_uid is None:
        return None
    row = run(conn, "SELECT event_id FROM event_audit WHERE uid = ?", (audit_uid,)).fetchone()
    return int(row[0]) if row is not None and row[0] else None


def _columns(p: dict[str, Any]) -> tuple[Any, ...]:
    return (
        p["coding_id"], p["time_ms"], p["end_ms"], p["code"], p["actor"],
        json.dumps(p["targets"]), json.dumps(p["modifiers"]), p["note"],
        parse_moment(p.get("created_at")),
    )  # fmt: skip


def _audit(conn: Any, change: Change) -> None:
    audit = change.payload.get("audit")
    if audit is None:
        return
    known = change.payload.get("event_id") or 0
    run(conn, _AUDIT, (
        audit["uid"], change.payload["coding_id"], change.uid,
        known if known > 0 else 0, audit["action"], audit["who"], parse_moment(audit["at"]),
        *carried_audit_texts(audit),
    ))  # fmt: skip


def _words(exc: Exception) -> str:
    if isinstance(exc, StorageFault):
        return exc.reason
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def send_left_behind(store: Store, who: str) -> int:
    """Send what outboxes of this server database hold from earlier runs (a crash, a kill).

    A coding someone has open is left to them (their own sender sends it), and one the
    server cannot take now is left for next time. Returns how many events were sent.
    """
    if store.is_sqlite:
        return 0
    sent = 0
    for coding_id, path in waiting_outboxes(store.location):
        box = Outbox(path)
        try:
            waiting = box.waiting()
        finally:
            box.close()
        if not waiting:
            continue
        try:
            writer = CodingWriter(store, coding_id, who)
        except (CodingInUse, StorageFault):
            continue
        delivery = Delivery(store, coding_id, writer.lock)
        try:
            delivery.send_waiting()
            sent += waiting
        except StorageFault:
            continue
        finally:
            delivery.close()
            writer.close()
    return sent
