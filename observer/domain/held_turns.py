"""Live airtime: a member's key held while they speak is one speaking turn. No Qt.

The rule, as ``docs/live-coding.md`` gives it to the user:

- a member's seat key (or a foot pedal set to send it) pressed while nothing is being
  entered, and held for :data:`HOLD_MS` or longer, is a speaking turn of that member from
  the moment the key went down to the moment it came up;
- a shorter press is a tap and keeps its meaning (it chooses the actor);
- the repeats a held key sends (keyboard auto-repeat) are not presses: they are ignored,
  and so is a key coming up and going down again within :data:`REPEAT_GAP_MS` (the
  keyboard repeating, as X11 sends it): the turn ends where its key came up for longer;
- any other key or click while the key is held *before* the turn began makes the press
  a tap (the observer was entering an event); once the turn began, other keys work as
  usual and the turn runs until its key comes up (one hand holds, the other codes);
- the turn is stored when it begins, as a running speaking state (so a crash keeps it),
  and its end is stored once the key has stayed up; the two writes are one undo step.
- stopping (the window closed, the clock paused) ends a running turn at that moment; a
  turn found running when a coding is opened was left by a crash and is ended at the
  last known time (:func:`observer.domain.resume.stopped_at`).

Times are session times, as the coding's clock gives them: while the clock stands
still a key held for long is still a tap. How long a key was held is measured, where the
caller gives them (``at_ms``), on the key events' own clock, not by when the program got
round to them: a program busy for a moment (starting, saving) handles a quick tap's press
and release late, but their own times still say it was a tap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from observer.domain.codebook import Code, Palette, is_speaking

# Longer than a deliberate tap (about 100-250 ms), short enough to catch a one-word reply.
HOLD_MS = 400
# A key that comes up and goes down again within this is the keyboard repeating it (X11
# sends such pairs, not always marked as repeats): the turn goes on.
REPEAT_GAP_MS = 150


def speaking_code(palette: Palette) -> Code | None:
    """The code a held key records: the palette's first speaking state with no target."""
    found = (c for c in palette.codes if is_speaking(c.id, c.category, c.is_state))
    return next((c for c in found if c.target != "required"), None)


@dataclass(frozen=True)
class Turn:
    """A turn to store: begun (``end_ms`` None), ended, or both at once (a quick release)."""

    key: str  # the seat key held
    actor: str
    start_ms: int
    end_ms: int | None = None


@dataclass
class _Hold:
    actor: str
    since_ms: int
    begun: bool = False
    up_ms: int | None = None  # came up then: the end, unless it goes down again at once
    pressed_at: int | None = None  # the press on the key events' own clock


class HeldKeys:
    """Which seat keys are down, and when a hold becomes a turn and when it ends."""

    def __init__(self, seat_keys: Mapping[str, str]) -> None:
        self._seats = dict(seat_keys)
        self._down: dict[str, _Hold] = {}

    def holding(self, key: str) -> bool:
        return key in self._down

    @property
    def pending(self) -> bool:
        """Whether time passing may begin or end a turn (the window's timer then ticks)."""
        return any(not h.begun or h.up_ms is not None for h in self._down.values())

    def press(
        self, key: str, now_ms: int, *, idle: bool, repeat: bool = False, at_ms: int | None = None
    ) -> bool:
        """A key went down. True when it is the keyboard repeating a held key: ignore it.

        Call :meth:`tick` first, so a key that came up long enough ago has ended its turn.
        ``at_ms``: the press on the key events' own clock.
        """
        hold = self._down.get(key)
        if hold is not None:
            hold.up_ms = None  # up and down again at once: the keyboard repeating
            return True
        if repeat:
            return False
        self.interrupt()
        if idle and key in self._seats:
            self._down[key] = _Hold(self._seats[key], now_ms, pressed_at=at_ms)
        return False

    def interrupt(self) -> None:
        """Another input while keys are down: those not yet a turn were taps."""
        self._down = {k: h for k, h in self._down.items() if h.begun or h.up_ms is not None}

    def release(
        self, key: str, now_ms: int, *, repeat: bool = False, at_ms: int | None = None
    ) -> bool:
        """A key came up; True if it was a held seat key (its turn ends at the next tick).

        ``at_ms``: the release on the key events' own clock (as for :meth:`press`).
        """
        hold = self._down.get(key)
        if repeat or hold is None:
            return hold is not None
        held_ms = _held_for(hold, now_ms, at_ms)
        if not hold.begun and held_ms < HOLD_MS:
            del self._down[key]  # a tap: it chose the actor, nothing more
            return True
        hold.up_ms = min(now_ms, hold.since_ms + held_ms)
        return True

    def tick(self, now_ms: int, at_ms: int | None = None) -> list[Turn]:
        """The turns that began, and those that ended, by now (to store in this order).

        ``at_ms``: now on the key events' own clock, when a key event brings the tick; a
        timer's tick has none, and its caller must not tick late (after the program was
        busy), when a release may still wait to be handled.
        """
        out = []
        for key, hold in list(self._down.items()):
            if hold.up_ms is not None and now_ms - hold.up_ms > REPEAT_GAP_MS:
                del self._down[key]
                out.append(Turn(key, hold.actor, hold.since_ms, hold.up_ms))
            elif (
                not hold.begun and hold.up_ms is None and _held_for(hold, now_ms, at_ms) >= HOLD_MS
            ):
                hold.begun = True
                out.append(Turn(key, hold.actor, hold.since_ms))
        return out

    def stop(self, now_ms: int) -> list[Turn]:
        """Stopping: every turn ends now (or where its key came up); taps are forgotten."""
        ended = [
            Turn(k, h.actor, h.since_ms, h.up_ms if h.up_ms is not None else now_ms)
            for k, h in self._down.items()
            if h.begun or h.up_ms is not None
        ]
        self._down.clear()
        return [t for t in ended if t.end_ms is not None and t.end_ms >= t.start_ms]

    def forget(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._down.pop(key, None)


def _held_for(hold: _Hold, now_ms: int, at_ms: int | None) -> int:
    """How long the key has been down: on the key events' clock when both ends have it."""
    if at_ms is not None and hold.pressed_at is not None:
        return at_ms - hold.pressed_at
    return now_ms - hold.since_ms
