"""The group's basic-assumption mode (Bion): which codes are modes, which mode runs when.

The modes are the state codes of the exclusive group ``basic-assumption``: starting one
ends the one before, so at any moment the group is in at most one mode. The recorder's
window, the media coding's playhead, the analyses, the charts and the sequence analysis
all ask these functions, so they always agree on which mode ran at a moment.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

BASIC_ASSUMPTION = "basic-assumption"  # the exclusive group of the Bion codebook
# The Bion codebook's modes, recognised by id where there is no codebook (an events CSV).
BION_MODES = ("work", "dependency", "fight-flight", "pairing", "oneness", "me-ness")


class DescribedCode(Protocol):
    """A code as a codebook describes it (a codebook ``Code`` or an analysis ``CodeInfo``)."""

    @property
    def id(self) -> str: ...

    @property
    def exclusive_group(self) -> str | None: ...


class Span(Protocol):
    """Something that starts and may end: a coded event, or a segment of a profile."""

    @property
    def time_ms(self) -> int: ...

    @property
    def end_ms(self) -> int | None: ...


S = TypeVar("S", bound=Span)


def is_mode_code(code: DescribedCode) -> bool:
    """Whether a code described by a codebook is one of the group's modes."""
    return code.exclusive_group == BASIC_ASSUMPTION


def mode_codes(codes: Iterable[DescribedCode], undescribed: Iterable[str] = ()) -> frozenset[str]:
    """The ids of the modes among a codebook's codes.

    ``undescribed``: code ids known only by name (an events CSV has no codebook); of
    those, Bion's modes count as modes.
    """
    described = {c.id for c in codes if is_mode_code(c)}
    return frozenset(described | {c for c in undescribed if c in BION_MODES})


def mode_at(modes: Sequence[S], time_ms: int) -> S | None:
    """The mode running at ``time_ms``, of mode events (or segments) in time order.

    The latest to start at or before ``time_ms`` and not yet ended: a mode ends at its
    ``end_ms`` (exclusive); one still running (no end) has not ended. Where two overlap,
    as an edit can leave them, the later start wins, as it would have live.
    """
    # Bisect to the last start at or before ``time_ms``: the window asks on every tick.
    for i in range(bisect.bisect_right(modes, time_ms, key=_start) - 1, -1, -1):
        span = modes[i]
        if span.end_ms is None or time_ms < span.end_ms:
            return span
    return None


def _start(span: Span) -> int:
    return span.time_ms


def running_mode(modes: Sequence[S]) -> S | None:
    """The mode running after the last of ``modes`` started (the window's "now")."""
    return mode_at(modes, modes[-1].time_ms) if modes else None
