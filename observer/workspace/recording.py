"""Recording a coding: events in, durable at once, with undo and change notices.

Every change is one database transaction that commits before the call returns, and
only then is it announced: first to the coding's own views (``subscribe``: the events
themselves, to update in place), then as one change-set on the database's notice board
(``observer.workspace.changes``). So whatever a view shows is already on disk: a crash, a
kill or a power cut loses nothing that was on screen.

Undo and redo replay inverse operations on the database (never snapshots of the
whole list), and every deletion, restoration and edit is written to the audit trail.

When the database does not take a write, the call raises a ``StorageFault`` that says why
in words ("Not saved: the disk is full. …"), and nothing in memory (the events, the undo
and redo history, the clock) claims otherwise. When the fault came while committing, so
the write may have been saved after all, the Recorder opens the database again and looks:
a write that is there is kept as saved; one that is not is made certain to stay away
before the coder is told so. One Recorder at a time may write a coding
(``observer.storage.coding_lock``); another may open it read-only.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from observer.domain.clock import ClockState, LiveClock, utcnow
from observer.domain.codebook import Code, Palette
from observer.domain.errors import InputError, NotFound
from observer.domain.event_rules import EventRules
from observer.domain.events import Changes, Event, ProcessNoteView
from observer.domain.participants import Roster
from observer.domain.uids import new_uid
from observer.storage.access_log import log_access_on
from observer.storage.coding_info import CodingInfo, coding_info
from observer.storage.coding_lock import Holder
from observer.storage.coding_writer import CodingWriter
from observer.storage.event_rows import event_uids, load_events, stored_event
from observer.storage.store import Store, parse_stamp, run
from observer.workspace.audit import audit_trail, event_history
from observer.workspace.changes import Notices, notices_of, recorded
from observer.workspace.delivery import Delivery
from observer.workspace.event_writes import DirectRows, OutboxRows
from observer.workspace.note_records import NoteRecords
from observer.workspace.note_writes import DirectRecords, NoteOp, OutboxRecords
from observer.workspace.session_records import SessionRecords
from observer.workspace.undo_steps import RowOp, Step

__all__ = ["EDITABLE", "Recorder", "audit_trail", "event_history"]

EDITABLE = ("time_ms", "end_ms", "code", "actor", "targets", "modifiers", "note")


Listener = Callable[[Changes], None]


class Recorder(NoteRecords, SessionRecords):
    """The recording desk of one open coding: record, edit, delete, undo, clock, notes.

    Opening takes the coding's lock, or raises ``CodingInUse`` (who has it open, where,
    since when). ``read_only=True`` opens it without the lock: every change is refused
    with ``ReadOnlyCoding``; ``why`` says why, when it is not someone else recording it.
    ``take_over=True`` takes the lock from a holder that is gone.
    ``who``: the person at the keyboard, named by the audit trail (default: the coding's
    observer) and by the access log (default: this computer's user name).

    On a server, event changes are committed to this computer's outbox and delivered in
    the background (``delivery``: its state, for the window to show); ``outbox=False``
    writes them to the server directly, each on the server when the call returns.
    """

    def __init__(
        self,
        store: Store,
        coding_id: int,
        who: str | None = None,
        *,
        read_only: bool = False,
        take_over: bool = False,
        outbox: bool = True,
        why: str = "",
    ) -> None:
        self.store = store
        self.coding_id = coding_id
        self.info: CodingInfo = coding_info(store, coding_id)
        self.palette: Palette = self.info.palette
        self.who = who or self.info.observer
        self.rules = EventRules(self.palette, Roster(self.info.participants))
        # One connection kept open: recording an event is then a single insert and commit.
        self._writer = CodingWriter(store, coding_id, self.who, read_only, take_over)
        self.read_only = read_only
        self.why_read_only = why if read_only else ""
        # On a server, changes go to this computer's outbox first and on in the background.
        self.delivery: Delivery | None = None
        self._rows: DirectRows | OutboxRows = DirectRows(self._writer, coding_id, self.who)
        self._records: DirectRecords | OutboxRecords = DirectRecords(
            self._writer, coding_id, self.who
        )
        self._uids: dict[int, str] = {}
        try:
            if outbox and not store.is_sqlite and not read_only:
                self.delivery = Delivery(store, coding_id, self._writer.lock)
                # Left by a crash: on the server before reading (and read again if any).
                left_behind = self.delivery.send_waiting()
                self._rows = OutboxRows(self.delivery.outbox, coding_id, self.who,
                                        self.delivery.wake)  # fmt: skip
                self._uids = event_uids(self._conn, coding_id)
                self._records = OutboxRecords(self.delivery.outbox, coding_id, self.who,
                                              self.delivery.wake)  # fmt: skip
                if left_behind:  # arrivals and the clock as the outbox left them
                    self.info = coding_info(store, coding_id)
            self._events = load_events(self._conn, coding_id)
            self._load_notes()
        except BaseException:
            self.close()
            raise
        self._by_id = {e.id: e for e in self._events}
        # The state events alone: the event rules look only at these, so a state records fast.
        self._state_codes = {c.id for c in self.palette.codes if c.is_state}
        self._states = {e.id: e for e in self._events if e.code in self._state_codes}
        self._undo: list[Step] = []
        self._redo: list[Step] = []
        self._awaiting: set[int] = {
            int(row[0])
            for row in run(
                self._conn,
                "SELECT id FROM events WHERE coding_id = ? AND awaiting_modifiers",
                (coding_id,),
            )
        }
        self._listeners: list[Listener] = []
        self.notices: Notices = notices_of(store)
        elapsed, since, anchor = run(
            self._conn,
            "SELECT clock_elapsed_ms, clock_running_since, clock_anchor FROM codings WHERE id = ?",
            (coding_id,),
        ).fetchone()
        self.saved_clock = ClockState(int(elapsed or 0), parse_stamp(since))
        self.clock_anchor = parse_stamp(anchor)
        self.clock = LiveClock(int(elapsed or 0))
        # Who opened it is logged; why it could not be (if so) is for the window to say.
        opened = "open read-only" if read_only else "open"
        self.unlogged: str | None = log_access_on(self._conn, coding_id, opened, who)
        if self.delivery is not None:
            self.delivery.start()

    # --- the lock ------------------------------------------------------------------------

    def heartbeat(self) -> None:
        """Show that this coding is still open here (the window calls it every
        ``coding_lock.HEARTBEAT_S`` seconds); raises ``CodingTakenOver`` if it was taken.

        On a server the sender beats, on its own connection and thread: asked here, it
        says whether it found the coding taken over, and the window never waits on the
        network.
        """
        if self.delivery is not None:
            self.delivery.raise_if_taken_over()
            return
        self._writer.heartbeat()

    def holder(self) -> Holder | None:
        """Who holds this coding's lock now (for a read-only window: who is recording it)."""
        return self._writer.holder()

    def refuse_if_read_only(self) -> None:
        """Raise ``ReadOnlyCoding`` (naming who is recording it) when opened read-only."""
        self._writer.refuse_if_read_only()

    @property
    def _conn(self) -> Any:
        return self._writer.conn

    # --- reading -------------------------------------------------------------------------

    @property
    def events(self) -> Sequence[Event]:
        """All events in time order (do not modify; it is the recorder's own list)."""
        return self._events

    def event(self, event_id: int) -> Event:
        try:
            return self._by_id[event_id]
        except KeyError:
            raise NotFound(f"No event {event_id} in this coding.") from None

    def running_states(self) -> list[Event]:
        """State codes started and not yet stopped."""
        return [
            e
            for e in self._events
            if e.end_ms is None and (c := self.palette.code(e.code)) is not None and c.is_state
        ]

    def current_state(self, exclusive_group: str, actor: str | None = None) -> Event | None:
        """The running state of an exclusive group (e.g. the group's basic-assumption mode)."""
        for e in reversed(self._events):
            code = self.palette.code(e.code)
            if (
                e.end_ms is None
                and code is not None
                and code.exclusive_group == exclusive_group
                and (actor is None or e.actor == actor)
            ):
                return e
        return None

    def follow(self) -> Changes | None:
        """Read the events as stored now (a read-only window following someone's recording)
        and announce what differs; None when nothing does."""
        now = load_events(self._conn, self.coding_id)
        fresh = {e.id: e for e in now}
        added = tuple(e for e in now if e.id not in self._by_id)
        changed = tuple(e for e in now if e.id in self._by_id and self._by_id[e.id] != e)
        removed = tuple(i for i in self._by_id if i not in fresh)
        if not (added or changed or removed):
            return None
        self._events, self._by_id = now, fresh
        self._states = {e.id: e for e in now if e.code in self._state_codes}
        changes = Changes("Recorded elsewhere", added, changed, removed)
        self._announce(changes)
        return changes

    # --- notices -------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` after every committed change; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _announce(self, changes: Changes, notes: tuple[int, ...] = ()) -> None:
        """Once per committed step: the coding's views, then the database's listeners."""
        for listener in list(self._listeners):
            listener(changes)
        self.notices.announce(recorded(self.coding_id, changes, notes))

    def _perform_notes(self, label: str, ops: tuple[NoteOp, ...]) -> Changes:
        """A note change as one undo step, on the one stack with the events."""
        return self._perform(Step(label, (), ops))

    # --- recording -----------------------------------------------------------------------

    def record(
        self,
        time_ms: int,
        code: str,
        actor: str,
        targets: Sequence[str] = (),
        modifiers: Mapping[str, str] | None = None,
        note: str = "",
        end_ms: int | None = None,
        awaiting_modifiers: bool = False,
    ) -> Event:
        """Record an act, or start/stop a state code; durable when this returns.

        ``awaiting_modifiers``: live entry stores the event at its code key and its modifiers
        follow (:meth:`settle_modifiers`); until then no defaults are filled in and the row
        is marked, so a coding reopened after a crash can say which events lack them.

        A state code that is already running for this actor is stopped at ``time_ms``;
        starting one of an exclusive group stops the group's running state first, and one
        started before a later state of its group ends where that one begins.
        """
        event = Event(0, time_ms, code, actor, tuple(targets), dict(modifiers or {}), note, end_ms)
        spec = self._validate(event)
        if spec.is_state and end_ms is None:
            running = self._running(code, actor)
            if running is not None:
                return self.stop_state(running.id, time_ms)
        ops: list[RowOp] = []
        stopped: dict[int, Event] = {}
        if spec.is_state and end_ms is None and spec.exclusive_group:
            for other in self._running_in_group(spec, actor):
                if other.time_ms > time_ms:
                    continue
                stopped[other.id] = replace(other, end_ms=time_ms)
                ops.append(RowOp("update", stopped[other.id], other, audited=False))
            # Coded back in time (from a recording): it lasts until the group's next state.
            later = self._next_in_group(spec, actor, time_ms)
            if later is not None:
                event = replace(event, end_ms=later)
        self._check_overlap(event, stopped)
        if not awaiting_modifiers:
            event = replace(event, modifiers=self._with_defaults(spec, event.modifiers))
        ops.append(RowOp("insert", event, audited=False, awaiting=awaiting_modifiers))
        verb = "Start" if spec.is_state and end_ms is None else "Record"
        changes = self._perform(Step(f"{verb} {spec.label}", tuple(ops)))
        return changes.added[-1]

    def stop_state(self, event_id: int, time_ms: int, *, joining: bool = False) -> Event:
        """End a running state at ``time_ms``; ``joining``: as one undo step with its start,
        when the last step started it (a held key's speaking turn)."""
        event = self.event(event_id)
        code = self.rules.code(event.code)
        self.rules.check_end(code, event.time_ms, time_ms)
        ended = replace(event, end_ms=time_ms)
        step = Step(f"Stop {code.label}", (RowOp("update", ended, event, audited=False),))
        if not (joining and self._recorded_last(event_id)):
            return self._perform(step).changed[-1]
        changes = self._apply(step)
        ops = tuple(replace(o, event=ended) if o.event.id == event_id else o
                    for o in self._undo.pop().ops)  # fmt: skip
        self._undo.append(Step(f"Record {code.label}", ops))
        self._redo.clear()
        self._announce(changes)
        return changes.changed[-1]

    def edit(self, event_id: int, **changes: Any) -> Event:
        """Change fields of an event (time, code, actor, targets, modifiers, note, end)."""
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise InputError(f"Cannot edit {', '.join(sorted(unknown))}.")
        before = self.event(event_id)
        if "targets" in changes:
            changes["targets"] = tuple(changes["targets"])
        after = replace(before, **changes)
        spec = self._validate(after)
        self._check_overlap(after, leaving=event_id)
        if "code" in changes:
            after = replace(after, modifiers=self._with_defaults(spec, after.modifiers))
        if after == before:
            return before
        what = ", ".join(k.replace("_ms", "") for k in changes)
        # Choosing modifiers in the list settles an event whose strip a crash interrupted.
        settles = "modifiers" in changes
        step = Step(f"Edit {what}", (RowOp("update", after, before, settles=settles),))
        return self._perform(step).changed[-1]

    def delete(self, event_ids: Iterable[int]) -> None:
        events = [self.event(i) for i in event_ids]
        if not events:
            return
        label = "Delete event" if len(events) == 1 else f"Delete {len(events)} events"
        self._perform(Step(label, tuple(RowOp("delete", e) for e in events)))

    # --- live entry: modifiers after the event ------------------------------------------

    def awaiting_modifiers(self) -> list[Event]:
        """Events stored at their code key whose modifiers were never chosen (a crash)."""
        return [self._by_id[i] for i in sorted(self._awaiting) if i in self._by_id]

    def settle_modifiers(self, event_id: int, modifiers: Mapping[str, str]) -> Event:
        """Give an event its modifiers (the strip's choices; the code's defaults fill the rest).

        Part of recording it: when the event's recording is the last step, this joins that
        step, so one undo removes the event with its modifiers.
        """
        before = self.event(event_id)
        spec = self._validate(replace(before, modifiers=dict(modifiers)))
        after = replace(before, modifiers=self._with_defaults(spec, modifiers))
        op = RowOp("update", after, before, audited=False, settles=True)
        joins = self._recorded_last(event_id)
        changes = self._apply(Step("Set modifiers", (op,)))
        if joins:
            last = self._undo[-1]
            self._undo[-1] = Step(last.label, (*last.ops, op))
        else:
            self._undo.append(Step(f"Set modifiers of {spec.label}", (op,)))
            self._redo.clear()
        self._announce(changes)
        return changes.changed[-1]

    def discard(self, event_id: int) -> None:
        """Escape while choosing modifiers: take back the event just recorded."""
        if self._recorded_last(event_id):
            self.undo()
            self._redo.clear()  # discarded on purpose: nothing to redo
            return
        self.delete([event_id])

    def _recorded_last(self, event_id: int) -> bool:
        """Whether the last undoable step recorded this event."""
        last = self._undo[-1] if self._undo else None
        return last is not None and any(o.kind == "insert" and o.event.id == event_id
                                        for o in last.ops)  # fmt: skip

    # --- undo ----------------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str:
        return self._undo[-1].label if self._undo else ""

    @property
    def redo_label(self) -> str:
        return self._redo[-1].label if self._redo else ""

    def undo(self) -> Changes | None:
        if not self._undo:
            return None
        step = self._undo[-1]
        changes = self._apply(step.inverse())  # a failed undo stays to be undone
        self._undo.pop()
        self._redo.append(step)
        self._announce(changes)
        return changes

    def redo(self) -> Changes | None:
        if not self._redo:
            return None
        step = self._redo[-1]
        changes = self._apply(step)
        self._redo.pop()
        self._undo.append(step)
        self._announce(changes)
        return changes

    def close(self, deliver_s: float = 2.0) -> None:
        """Give the coding's lock back and close the connection.

        On a server, the sender first gets ``deliver_s`` seconds to send what waits; what it
        could not send stays in the outbox and is sent when the coding is next opened.
        """
        if self.delivery is not None:
            self.delivery.close(deliver_s)
        self._writer.close()

    # --- internals -----------------------------------------------------------------------

    def _validate(self, event: Event) -> Code:
        """The one set of event rules (``observer.domain.event_rules``), as every import uses."""
        return self.rules.check(event)

    def _check_overlap(
        self, event: Event, stopped: Mapping[int, Event] | None = None, leaving: int = 0
    ) -> None:
        """A state must not run beside itself or its exclusive group (after ``stopped`` stop)."""
        stopped = stopped or {}
        others = (stopped.get(e.id, e) for e in self._states.values() if e.id != leaving)
        clash = self.rules.overlap(event, others)
        if clash is not None:
            raise clash

    def _with_defaults(self, code: Code, modifiers: Mapping[str, str]) -> dict[str, str]:
        out = {k: v for k, v in modifiers.items() if k in code.modifiers}
        for set_id in code.modifiers:
            mset = self.palette.modifier_set(set_id, code)
            if set_id not in out and mset is not None and mset.default:
                out[set_id] = mset.default
        return out

    def _running(self, code: str, actor: str) -> Event | None:
        for e in reversed(self._events):
            if e.end_ms is None and e.code == code and e.actor == actor:
                return e
        return None

    def _running_in_group(self, code: Code, actor: str) -> list[Event]:
        group = set(self.palette.exclusive_group(code).codes)  # type: ignore[union-attr]
        return [
            e
            for e in self._events
            if e.end_ms is None and e.actor == actor and e.code in group and e.code != code.id
        ]

    def _next_in_group(self, code: Code, actor: str, time_ms: int) -> int | None:
        group = set(self.palette.exclusive_group(code).codes)  # type: ignore[union-attr]
        later = (e.time_ms for e in self._states.values() if e.actor == actor and e.code in group)
        return min((t for t in later if t > time_ms), default=None)

    def _perform(self, step: Step) -> Changes:
        changes = self._apply(step)
        # Remember what was inserted by id, so undo deletes (and redo restores) that very row.
        ids = iter(e.id for e in changes.added)
        ops = tuple(
            replace(op, event=replace(op.event, id=next(ids))) if op.kind == "insert" else op
            for op in step.ops
        )
        # A new note is remembered as written too (its id), for the same reason.
        notes = tuple(replace(op, note=n) if op.kind == "insert" else op
                      for op, n in zip(step.notes, changes.notes, strict=False))  # fmt: skip
        self._undo.append(Step(step.label, ops, notes))
        self._redo.clear()
        added = tuple(n.id for op, n in zip(step.notes, changes.notes, strict=False)
                      if op.kind == "insert" and not op.note.id)  # fmt: skip
        self._announce(changes, notes=added)
        return changes

    def _apply(self, step: Step) -> Changes:
        """Write a step in one transaction, then mirror it in memory. Nothing half-done."""
        rows = self._rows
        now = rows.now()
        added: list[Event] = []
        changed: list[Event] = []
        removed: list[int] = []
        waiting: list[int] = []
        uids: dict[int, str] = {}
        notes: list[ProcessNoteView] = []

        def saved(conn: Any) -> bool:
            # One transaction: all of it is there, or none. The rows it left say which.
            now_there = [stored_event(conn, e.id) for e in added]
            now_there += [stored_event(conn, e.id) for e in changed]
            gone = all(stored_event(conn, i) is None for i in removed)
            return (now_there == [*added, *changed] and gone
                    and self._notes_saved(conn, step.notes, notes))  # fmt: skip

        with rows.durably(saved):
            for op in step.ops:
                e = op.event
                if op.kind == "insert":
                    # An event that was on record before (undo, redo) comes back as itself.
                    if e.id:
                        uid = self._uid(e.id)
                        given = rows.restore(e, uid, now)
                    else:
                        uid = new_uid()
                        given = rows.insert(e, uid, op.awaiting, now)
                    added.append(replace(e, id=given))
                    uids[given] = uid
                    if op.awaiting:
                        waiting.append(given)
                elif op.kind == "delete":
                    rows.delete(e, self._uid(e.id), now)
                    removed.append(e.id)
                else:
                    assert op.before is not None
                    awaiting = not op.settles and e.id in self._awaiting
                    uid = self._uids.get(e.id, "")  # by id in a file, by uid in an outbox
                    rows.update(e, op.before, uid, op.audited, awaiting, now)
                    changed.append(e)
            notes.extend(self._write_notes(step.notes, utcnow()))
        kept_notes, notes_removed = self._mirror_notes(step.notes, notes)
        self._uids.update(uids)
        self._awaiting.update(waiting)
        self._awaiting.difference_update(
            [*removed, *(op.event.id for op in step.ops if op.settles)]
        )
        # Mirrored in memory in the order written: a step may add an event and then give it
        # its modifiers (redo of live entry), or change one and then remove it (its undo).
        # The notice names each event once, as it stands after the step.
        final: dict[int, Event] = {}
        ids = iter(e.id for e in added)
        for op in step.ops:
            if op.kind == "delete":
                self._forget(op.event.id)
                final.pop(op.event.id, None)
                continue
            event = op.event if op.kind == "update" else replace(op.event, id=next(ids))
            if op.kind == "update":
                self._forget(event.id)
            self._remember(event)
            final[event.id] = event
        new = {e.id for e in added}
        return Changes(
            step.label,
            tuple(final[e.id] for e in added if e.id in final),
            tuple(e for i, e in final.items() if i not in new),
            tuple(i for i in removed if i not in new),
            kept_notes,
            notes_removed,
        )

    def uid_of(self, event_id: int) -> str:
        """An event's global id (``uid``): the same here, in an outbox and on a server."""
        self.event(event_id)  # NotFound for an event not in this coding
        return self._uid(event_id)

    def _uid(self, event_id: int) -> str:
        """An event's global id (kept, so an event undone and redone stays itself)."""
        uid = self._uids.get(event_id)
        if uid is None:
            uid = self._uids[event_id] = self._rows.uid_of(event_id)
        return uid

    def _remember(self, event: Event) -> None:
        index = bisect.bisect_right(self._events, event.sort_key, key=_sort_key)
        self._events.insert(index, event)
        self._by_id[event.id] = event
        if event.code in self._state_codes:
            self._states[event.id] = event

    def _forget(self, event_id: int) -> None:
        old = self._by_id.pop(event_id)
        self._states.pop(event_id, None)
        del self._events[bisect.bisect_left(self._events, old.sort_key, key=_sort_key)]


def _sort_key(event: Event) -> tuple[int, int]:
    return event.sort_key
