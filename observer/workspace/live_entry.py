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
from dataclasses import dataclass, field

from observer.domain.clock import format_time
from observer.domain.entry import ORDERS, Completed, Entry, Outcome, Step
from observer.domain.errors import ObserverError, StoreError
from observer.domain.events import Event
from observer.domain.participants import Participant
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
        if text in ("\r", "\n") and self.unsaved and self.entry.is_empty and not self._strip_open:
            return self.save_again()
        return self._carry(self.entry.key(text, now_ms))

    def choose_participant(self, key: str, now_ms: int) -> Done:
        return self._carry(self.entry.choose_participant(key, now_ms))

    def choose_code(self, code_id: str, now_ms: int) -> Done:
        return self._carry(self.entry.choose_code(code_id, now_ms))

    def choose_modifier(self, set_id: str, value_id: str) -> Done:
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
