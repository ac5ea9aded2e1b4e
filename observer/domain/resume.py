"""After a crash or a kill: what to offer when a coding is reopened with its clock running.

The saved clock says how much time had elapsed at its last start and when (wall clock)
that was: together an anchor, the wall-clock moment of session time zero. From it and the
last event the observer chooses: go on as if the clock had never stopped (the group went
on meanwhile), pick up at the last event, or leave the clock paused.

"Go on" is worked out when it is chosen, not when it is offered: the seconds spent reading
the offer are session time too. The anchor stays as saved until then, so a second crash
before the choice offers the same, and after it the clock runs on from the same anchor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from observer.domain.clock import ClockState, format_time


@dataclass(frozen=True)
class ResumeChoice:
    label: str
    elapsed_ms: int
    running: bool
    continues: bool = False  # "as if it never stopped": the time is taken when chosen

    def elapsed_at(self, saved: ClockState, now: datetime | None = None) -> int:
        """The session time this choice sets the clock to, at the moment it is chosen."""
        return saved.elapsed_if_continued(now) if self.continues else self.elapsed_ms


@dataclass(frozen=True)
class ResumeOffer:
    """The question to ask, and the answers, when a coding was left with its clock running."""

    message: str
    choices: tuple[ResumeChoice, ...]
    saved: ClockState


def resume_offer(
    saved: ClockState, last_event_ms: int | None, now: datetime | None = None
) -> ResumeOffer | None:
    """None when the clock was paused (nothing to ask); otherwise the offer to show."""
    if not saved.was_running:
        return None
    continued = saved.elapsed_if_continued(now)
    last = stopped_at(saved, last_event_ms)
    choices = [
        ResumeChoice("Continue (as if it never stopped)", continued, True, continues=True),
        ResumeChoice(f"Resume at {_short(last)} (the last event)", last, True),
        ResumeChoice("Leave paused", last, False),
    ]
    message = (
        "The app closed while the clock was running. "
        f"The last event was coded at {_short(last_event_ms or 0)}."
    )
    return ResumeOffer(message, tuple(choices), saved)


def stopped_at(saved: ClockState, last_event_ms: int | None) -> int:
    """The session time at which a coding left running was last known to be: its clock's
    time at the last start, or its last event if later (the start screen shows it)."""
    return max(saved.elapsed_ms, last_event_ms or 0)


def _short(ms: int) -> str:
    return format_time(ms).split(".")[0]
