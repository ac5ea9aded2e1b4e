"""What a coding records besides events: late arrivals, the live clock, process notes.

Part of :class:`observer.workspace.recording.Recorder` (its base class): each write is one
durable transaction on the recorder's connection, announced after the commit, exactly as
an event is.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime
from typing import Any

from observer.domain import limits
from observer.domain.clock import ClockState, LiveClock, utcnow
from observer.domain.errors import InputError, NotFound, StorageFault
from observer.domain.event_rules import EventRules
from observer.domain.events import Changes, ProcessNoteView
from observer.domain.participants import Participant, Roster, member_id_of
from observer.domain.phases import PHASE_NOTE, PhaseMark, checked_name
from observer.storage.coding_info import CodingInfo, coding_info
from observer.storage.store import Store, run, stamp
from observer.workspace.changes import ChangeSet, Kind, Notices


class SessionRecords:
    """Arrivals, the clock and notes of one open coding (the recorder provides the rest)."""

    store: Store
    coding_id: int
    info: CodingInfo
    rules: EventRules
    clock: LiveClock
    saved_clock: ClockState
    clock_anchor: datetime | None
    notices: Notices
    read_only: bool
    _listeners: list[Callable[[Changes], None]]

    @property
    def _conn(self) -> Any:
        raise NotImplementedError

    def refuse_if_read_only(self) -> None:
        raise NotImplementedError

    def _announce(self, changes: Changes, notes: tuple[int, ...] = ()) -> None:
        raise NotImplementedError

    def _durably(self, saved: Callable[[Any], bool]) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def reread_info(self) -> CodingInfo:
        """The coding's title, session and people as stored now.

        Read again after a correction made elsewhere (the coding renamed or moved, a
        member renamed): events keep pointing at members, so only names change.
        """
        self.info = coding_info(self.store, self.coding_id)
        self.rules = EventRules(self.info.palette, Roster(self.info.participants))
        return self.info

    # --- attendance ----------------------------------------------------------------------

    def arrive(self, key: str, time_ms: int) -> Participant:
        """A member marked absent came in late: present from ``time_ms`` on; durable at once.

        Written to the session's attendance (``arrived_ms``), so the report and the charts
        count them as present, and announced as a change of the session.
        """
        person = self.info.participant(key)
        member_id = member_id_of(key)
        if person is None or member_id is None:
            raise NotFound(f"No member {key!r} in this coding.")
        if person.present:
            return person
        limits.session_time(time_ms, "time")
        with self._transaction():
            run(
                self._conn,
                "INSERT INTO attendance (session_id, member_id, arrived_ms) VALUES (?, ?, ?)",
                (self.info.session_id, member_id, time_ms),
            )
        arrived = replace(person, present=True)
        people = tuple(arrived if p.key == key else p for p in self.info.participants)
        self.info = replace(self.info, participants=people)
        label = f"{person.label} came in late"
        changes = Changes(label)
        for listener in list(self._listeners):
            listener(changes)
        self.notices.announce(
            ChangeSet(
                label,
                changed={Kind.SESSION: (self.info.session_id,)},
                coding_id=self.coding_id,
                events=changes,
            )
        )
        return arrived

    # --- clock ---------------------------------------------------------------------------

    def start_clock(self) -> None:
        self._clock_change(self.clock.start)

    def pause_clock(self) -> None:
        self._clock_change(self.clock.pause)

    def continue_clock(self) -> int:
        """After a crash, as if the clock had never stopped; returns the session time now.

        The time comes from the saved anchor (elapsed at the last start, and when), read at
        this moment, and the anchor is not rewritten: a second crash cannot add drift.
        """
        self.clock.set_elapsed(self.saved_clock.elapsed_if_continued(utcnow()))
        self.clock.start()
        return self.clock.elapsed_ms()

    def resume_clock_at(self, elapsed_ms: int, running: bool = True) -> None:
        """After a crash: continue from a chosen time."""

        def resume() -> None:
            self.clock.set_elapsed(elapsed_ms)
            if running:
                self.clock.start()

        self._clock_change(resume)

    def _clock_change(self, change: Callable[[], None]) -> None:
        """Change the clock and save it; a clock that could not be saved is put back."""
        before = copy.copy(self.clock)
        change()
        if self.read_only:
            return  # a read-only window's clock is its viewer's own: nothing to save
        try:
            self._save_clock()
        except StorageFault:
            self.clock = before
            raise

    def _save_clock(self) -> None:
        state = self.clock.state()
        since = None if state.running_since is None else stamp(self._conn, state.running_since)
        # The anchor is set once, when the clock first runs, and kept through pauses and
        # crashes: it says when the session began by this coding's clock.
        anchor = self.clock_anchor or state.anchor
        kept = None if anchor is None else stamp(self._conn, anchor)
        values = (state.elapsed_ms, since, kept)

        def saved(conn: Any) -> bool:
            sql = (
                "SELECT clock_elapsed_ms, clock_running_since, clock_anchor FROM codings "
                "WHERE id = ?"
            )
            return tuple(run(conn, sql, (self.coding_id,)).fetchone()) == values

        with self._durably(saved):
            run(
                self._conn,
                "UPDATE codings SET clock_elapsed_ms = ?, clock_running_since = ?, "
                "clock_anchor = ? WHERE id = ?",
                (*values, self.coding_id),
            )
        self.saved_clock = state
        self.clock_anchor = anchor

    # --- process notes -------------------------------------------------------------------

    def add_note(self, text: str, time_ms: int | None = None, kind: str = "note") -> int:
        """A timestamped process note (or a pinned prompt) for supervision; durable at once."""
        note_id = self._write_note(text, time_ms, kind)
        self._announce(Changes("Add note"), notes=(note_id,))
        return note_id

    def _write_note(self, text: str, time_ms: int | None, kind: str) -> int:
        if not text.strip():
            raise InputError("The note is empty.")
        limits.note(text, "note")
        if time_ms is not None:
            limits.session_time(time_ms, "time")
        written: list[int] = []

        def saved(conn: Any) -> bool:
            sql = "SELECT 1 FROM process_notes WHERE id = ?"
            return bool(written) and run(conn, sql, (written[0],)).fetchone() is not None

        with self._durably(saved):
            row = run(
                self._conn,
                "INSERT INTO process_notes (coding_id, time_ms, text, kind, created_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (self.coding_id, time_ms, text.strip(), kind, stamp(self._conn, utcnow())),
            ).fetchone()
            written.append(int(row[0]))
        return written[0]

    def mark_phase(self, name: str, time_ms: int) -> PhaseMark:
        """A phase of the session begins now (until the next mark); durable at once.

        Stored as a process note of kind "phase" (the one write path of notes), then kept
        in the coding's facts, so the charts' phase chooser offers it at once.
        """
        self.refuse_if_read_only()
        mark = PhaseMark(time_ms, checked_name(name))
        note_id = self._write_note(mark.name, time_ms, PHASE_NOTE)
        marks = sorted((*self.info.phase_marks, mark), key=lambda m: m.time_ms)
        self.info = replace(self.info, phase_marks=tuple(marks))
        self._announce(Changes(f"Mark phase {mark.name}"), notes=(note_id,))
        return mark

    def notes(self) -> list[ProcessNoteView]:
        rows = run(
            self._conn,
            "SELECT id, time_ms, text, kind FROM process_notes WHERE coding_id = ? "
            "ORDER BY time_ms, id",
            (self.coding_id,),
        )
        return [ProcessNoteView(*row) for row in rows]
