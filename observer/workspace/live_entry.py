"""Live entry carried out on a recorder: the events the keys describe, stored as they are typed.

The state machine (``observer.domain.entry``) says what each key, click or timer means;
this desk does it on the coding's :class:`Recorder`, in the order the outcome gives: the
modifiers of the event waiting for them, then a discard, then a new event. The window only
forwards input and shows what :class:`Done` says, so every rule of live entry is here or
in the domain, and tests run it without a window.

A save that fails (the disk, the file, a lock) never loses what was typed: the event is
kept as *unsaved*, shown as such, and saved again when the coder asks (Enter).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from observer.domain.clock import format_time
from observer.domain.entry import ORDERS, Completed, Entry, Outcome, Step
from observer.domain.errors import ObserverError, StoreError
from observer.domain.events import Event
from observer.domain.held_turns import HeldKeys, Turn, speaking_code
from observer.domain.participants import Participant
from observer.domain.resume import stopped_at
from observer.workspace.recording import Recorder

__all__ = ["ORDERS", "Done", "LiveEntry", "Step", "Unsaved"]


@dataclass(frozen=True)
class Unsaved:
    """An event the coder entered that the database did not take; saved again on request."""

    event: Completed
    modifiers: Mapping[str, str]
    reason: str


@dataclass(frozen=True)
class Done:
    """What one input did: for the window's status line, chart and strip."""

    handled: bool
    message: str = ""
    recorded: Event | None = None
    settled: Event | None = None
    discarded: Event | None = None
    timer_ms: int | None = None
    failed: bool = False
    unsaved: tuple[Unsaved, ...] = field(default_factory=tuple)
    arrived: Participant | None = None  # a member marked absent who came in late


class LiveEntry:
    """Keys, clicks and the timer in; events on the recorder out."""

    def __init__(
        self,
        recorder: Recorder,
        order: str = "actor-first",
        refusal: Callable[[], str | None] = lambda: None,
    ) -> None:
        """``refusal``: why no event can be stored now (a media coding with no recording)."""
        self.recorder = recorder
        self.refusal = refusal
        self.entry = Entry(recorder.info.participants, recorder.palette, order)
        self.waiting: Event | None = None  # stored; its modifiers are being chosen (or late)
        self.unsaved: list[Unsaved] = []
        # Held seat keys make speaking turns only where the codebook has a speaking state.
        self.speaking = speaking_code(recorder.palette)
        self.held = HeldKeys(self.entry.by_seat_key if self.speaking is not None else {})
        self._turns: dict[str, Event] = {}  # seat key → its turn, stored and running

    def label(self, key: str) -> str:
        return self.recorder.info.label(key)

    def describe(self, event: Event | Completed) -> str:
        """'02:46 Leni → Jonas question', as the status line says it."""
        code_id = event.code.id if isinstance(event, Completed) else event.code
        code = self.recorder.palette.code(code_id)
        name = code.label if code is not None else code_id
        who = self.label(event.actor)
        if event.targets:
            who += " → " + ", ".join(self.label(t) for t in event.targets)
        return f"{format_time(event.time_ms).split('.')[0]} {who} {name.lower()}"

    # --- input ---------------------------------------------------------------------------

    def key(self, text: str, now_ms: int) -> Done:
        self.held.interrupt()
        return self._key(text, now_ms)

    def _key(self, text: str, now_ms: int) -> Done:
        if text in ("\r", "\n") and self.unsaved and self.entry.is_empty and not self._strip_open:
            return self.save_again()
        return self._carry(self.entry.key(text, now_ms))

    def press(self, text: str, now_ms: int, repeat: bool = False, at_ms: int | None = None) -> Done:
        """A key went down (``repeat``: the keyboard's auto-repeat): a tap, or a turn begun.

        ``at_ms``: the key event's own time (``observer.domain.held_turns``)."""
        settled = self._all([self._store_turn(t) for t in self.held.tick(now_ms, at_ms)])
        e = self.entry
        idle = e.is_empty and e.waiting is None and not e.question
        if self.held.press(text, now_ms, idle=idle, repeat=repeat, at_ms=at_ms):
            return Done(True)  # a held key repeating: nothing more
        done = self._key(text, now_ms)
        return done if done.message else replace(done, message=settled.message)

    def release(
        self, text: str, now_ms: int, repeat: bool = False, at_ms: int | None = None
    ) -> Done:
        """A key came up: a held member's key ends their turn once it stays up (tick)."""
        taken = self.held.release(text, now_ms, repeat=repeat, at_ms=at_ms)
        e = self.entry
        if self.held.holding(text) and e.actor == e.by_seat_key.get(text) and not e.targets:
            e.cancel()  # held this long it is a turn, not the choice of an actor
        return Done(taken)

    def tick(self, now_ms: int) -> Done:
        """Time passed (the window's timer): turns that began or ended by now, stored."""
        return self._all([self._store_turn(t) for t in self.held.tick(now_ms)])

    def stop_turns(self, now_ms: int) -> Done:
        """The clock paused or the window closes: running turns end now."""
        return self._all([self._store_turn(t) for t in self.held.stop(now_ms)])

    @staticmethod
    def _all(done: list[Done]) -> Done:
        if not done:
            return Done(False)
        said = " ".join(d.message for d in done if d.message)
        return replace(done[-1], message=said, failed=any(d.failed for d in done))

    def end_turns_left_running(self) -> Done:
        """Opening a coding: a speaking turn still running was left by a crash (no key
        stays down across one): it ends at the last known time, and the user is told."""
        if self.speaking is None or self.recorder.read_only:
            return Done(False)
        left = [e for e in self.recorder.running_states() if e.code == self.speaking.id]
        if not left:
            return Done(False)
        others = [e.end_ms or e.time_ms for e in self.recorder.events if e not in left]
        last_known = stopped_at(self.recorder.saved_clock, max(others, default=None))
        try:
            for e in left:
                self.recorder.stop_state(e.id, max(last_known, e.time_ms))
        except ObserverError as exc:
            return Done(True, str(exc), failed=True)
        who = ", ".join(self.label(e.actor) for e in left)
        at = format_time(last_known).split(".")[0]
        return Done(True, f"The speaking turn of {who}, open when the app stopped, ends at {at}.")

    def _store_turn(self, turn: Turn) -> Done:
        assert self.speaking is not None
        code = self.speaking.id
        running = self._turns.pop(turn.key, None)
        try:
            if running is not None:  # begun earlier: its end, joined to its start
                assert turn.end_ms is not None
                ended = self.recorder.stop_state(running.id, turn.end_ms, joining=True)
                return Done(True, self._spoke(turn), settled=ended)
            if self.entry.actor == turn.actor and not self.entry.targets:
                self.entry.cancel()  # the tap's choice of actor was the turn's beginning
            if (refused := self.refusal()) is not None:
                self.held.forget([turn.key])
                return Done(True, refused, failed=True)
            if any(e.code == code and e.actor == turn.actor
                   for e in self.recorder.running_states()):  # fmt: skip
                self.held.forget([turn.key])
                return Done(True, f"{self.label(turn.actor)} is already speaking.", failed=True)
            event = self.recorder.record(turn.start_ms, code, turn.actor, end_ms=turn.end_ms)
        except ObserverError as exc:
            self.held.forget([turn.key])
            return Done(True, str(exc), failed=True)
        if turn.end_ms is None:
            self._turns[turn.key] = event
            return Done(True, f"{self.label(turn.actor)} speaking…", recorded=event)
        return Done(True, self._spoke(turn), recorded=event)

    def _spoke(self, turn: Turn) -> str:
        seconds = ((turn.end_ms or turn.start_ms) - turn.start_ms) / 1000
        return f"{self.label(turn.actor)} spoke for {seconds:.1f} s."

    def choose_participant(self, key: str, now_ms: int) -> Done:
        self.held.interrupt()
        return self._carry(self.entry.choose_participant(key, now_ms))

    def choose_code(self, code_id: str, now_ms: int) -> Done:
        self.held.interrupt()
        return self._carry(self.entry.choose_code(code_id, now_ms))

    def choose_modifier(self, set_id: str, value_id: str) -> Done:
        self.held.interrupt()
        return self._carry(self.entry.choose_modifier(set_id, value_id))

    def timeout(self) -> Done:
        return self._carry(self.entry.timeout())

    def cancel(self) -> Done:
        return self._carry(self.entry.cancel())

    def finish(self) -> Done:
        """Close the strip now (closing the window, a menu command): defaults for the rest."""
        return self._carry(self.entry.finish_modifiers())

    def set_order(self, order: str) -> Done:
        return self._carry(self.entry.set_order(order))

    def save_again(self) -> Done:
        """Try the unsaved events again, in the order they were entered."""
        pending, self.unsaved = self.unsaved, []
        saved: Event | None = None
        for item in pending:
            try:
                saved = self._store(item.event, item.modifiers)
            except StoreError as exc:
                self.unsaved.append(Unsaved(item.event, item.modifiers, str(exc)))
            except ObserverError:
                continue  # refused now (the coding changed meanwhile): said by the rules
        if self.unsaved:
            return Done(True, self._unsaved_message(), failed=True, unsaved=tuple(self.unsaved))
        message = f"Saved {self.describe(saved)}." if saved is not None else ""
        return Done(True, message, recorded=saved)

    # --- carrying out ----------------------------------------------------------------------

    @property
    def _strip_open(self) -> bool:
        return self.entry.waiting is not None

    def _carry(self, out: Outcome) -> Done:
        messages = [out.message] if out.message else []
        settled = discarded = recorded = None
        failed = False
        if out.modifiers is not None and self.waiting is not None:
            try:
                settled = self.recorder.settle_modifiers(self.waiting.id, out.modifiers)
            except ObserverError as exc:
                messages.append(str(exc))
                failed = True
        if out.discard and self.waiting is not None:
            discarded = self.waiting
            try:
                self.recorder.discard(self.waiting.id)
                messages = [f"Discarded {self.describe(discarded)} · Ctrl+Z brings it back."]
            except ObserverError as exc:
                messages.append(str(exc))
                failed = True
            self.waiting = None
        arrived = None
        if out.arrival is not None:
            try:
                arrived = self.recorder.arrive(out.arrival, out.arrival_ms)
            except ObserverError as exc:
                # Not on record as present: the event naming them is not stored either.
                self.entry.cancel()
                self.entry.still_absent(out.arrival)
                return Done(True, f"{exc} Nothing recorded.", settled=settled, failed=True,
                            unsaved=tuple(self.unsaved))  # fmt: skip
            at = format_time(out.arrival_ms).split(".")[0]
            messages = [f"{arrived.label} came in late, at {at}."]
        refused = self.refusal() if out.record is not None else None
        if refused is not None:
            self.entry.finish_modifiers()
            messages.append(refused)
            failed = True
        elif out.record is not None:
            try:
                recorded = self._store(out.record, None, awaiting=self._strip_open)
            except StoreError as exc:
                self.entry.finish_modifiers()  # not stored: the strip has nothing to qualify
                self.unsaved.append(Unsaved(out.record, {}, str(exc)))
                messages.append(self._unsaved_message())
                failed = True
            except ObserverError as exc:
                self.entry.finish_modifiers()
                messages.append(str(exc))
                failed = True
            else:
                self.waiting = recorded if self._strip_open else None
                if not messages or arrived is not None:
                    messages.append(f"{self.describe(recorded)}")
        if self.entry.waiting is None and self.entry.late is None and out.record is None:
            self.waiting = None
        return Done(
            out.handled or failed,
            " ".join(messages),
            recorded=recorded,
            settled=settled,
            discarded=discarded,
            timer_ms=out.timer_ms,
            failed=failed,
            unsaved=tuple(self.unsaved),
            arrived=arrived,
        )

    def _store(
        self, event: Completed, modifiers: Mapping[str, str] | None, awaiting: bool = False
    ) -> Event:
        return self.recorder.record(
            event.time_ms,
            event.code.id,
            event.actor,
            event.targets,
            modifiers,
            awaiting_modifiers=awaiting,
        )

    def _unsaved_message(self) -> str:
        first = self.unsaved[0]
        more = f" and {len(self.unsaved) - 1} more" if len(self.unsaved) > 1 else ""
        return f"{first.reason} Press Enter to save {self.describe(first.event)}{more} again."
