"""What a coding records besides events and notes: late arrivals, the live clock.

Part of :class:`observer.workspace.recording.Recorder` (its base class): each write is
durable when the call returns (on the recorder's connection, or in a server coding's
outbox, after the events recorded before it), and announced after the commit, exactly as
an event is. Notes and phase marks: ``workspace.note_records``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from observer.domain import limits
from observer.domain.clock import ClockState, LiveClock, utcnow
from observer.domain.errors import NotFound, StorageFault
from observer.domain.event_rules import EventRules
from observer.domain.events import Changes
from observer.domain.participants import Participant, Roster, member_id_of
from observer.storage.coding_info import CodingInfo, coding_info
from observer.storage.store import Store
from observer.workspace.changes import ChangeSet, Kind, Notices
from observer.workspace.note_writes import ClockValues, DirectRecords, OutboxRecords


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
    _records: DirectRecords | OutboxRecords
    _listeners: list[Callable[[Changes], None]]

    def refuse_if_read_only(self) -> None:
        raise NotImplementedError

    def _announce(self, changes: Changes, notes: tuple[int, ...] = ()) -> None:
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
        self._records.arrive(self.info.session_id, member_id, time_ms)
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
        # The anchor is set once, when the clock first runs, and kept through pauses and
        # crashes: it says when the session began by this coding's clock.
        anchor = self.clock_anchor or state.anchor
        self._records.save_clock(ClockValues(state.elapsed_ms, state.running_since, anchor))
        self.saved_clock = state
        self.clock_anchor = anchor
