"""How far apart two codings' clocks are: by their anchors, or estimated from their events.

Each live coding keeps its clock's *anchor*, the wall time of its session time 0
(``CodingInfo.clock_anchor``). Two codings of one session started a few seconds apart
line up by the difference of their anchors. Where an anchor is missing (an imported or
media coding) or the laptops' clocks disagree, the offset is estimated from the events:
the shift of B that pairs the most same-code events. The time differences of all
same-code pairs within :data:`SEARCH_MS` are counted in a histogram (a cross-correlation
of the codes' event counts, ``BIN_MS`` wide), smoothed over the tolerance; its peak is
refined to the median of the differences near it, and the existing alignment
(:func:`observer.analysis.alignment.align`) counts the pairs matched at that shift.

An offset is *added to B's times* to line B up with A: positive when B's clock started
later (its times read less for the same moment). See ``docs/agreement.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

import numpy as np

from observer.analysis.alignment import align_indices, time_sorted
from observer.domain.coding_data import CodingData
from observer.domain.errors import InputError
from observer.domain.events import Event

Method = Literal["anchors", "events", "none"]
AlignBy = Literal["anchors", "auto", "none"]
ALIGN_CHOICES: tuple[AlignBy, ...] = ("anchors", "auto", "none")
SEARCH_MS = 120_000  # clocks further apart than two minutes are not looked for
BIN_MS = 100  # the finest histogram bin; a wider tolerance takes a quarter of it
MIN_MATCHED = 3  # fewer pairs than this prove no shift
# Some shift among the hundreds tried always pairs a few more events by chance: one is
# offered only when it pairs clearly more than the clocks as they are.
CLEARLY_MORE = 1.25


@dataclass(frozen=True)
class ClockOffset:
    """A shift of B's times (ms), how it was found, and the same-code pairs it matches."""

    ms: int
    method: Method
    matched: int

    def to_dict(self) -> dict[str, Any]:
        return {"ms": self.ms, "method": self.method, "matched": self.matched}


def anchor_offset(a_anchor: datetime | None, b_anchor: datetime | None) -> int | None:
    """B's anchor minus A's, in ms: the shift that lines B up with A by wall time."""
    if a_anchor is None or b_anchor is None:
        return None
    return round((b_anchor - a_anchor).total_seconds() * 1000)


def anchor_of(data: CodingData) -> datetime | None:
    return data.info.clock_anchor if data.info is not None else None


def anchors_between(a: CodingData, b: CodingData) -> int | None:
    """The anchors' offset of two codings of one session (of two sessions they say nothing)."""
    if a.session_id is None or a.session_id != b.session_id:
        return None
    return anchor_offset(anchor_of(a), anchor_of(b))


def shifted(events: Sequence[Event], ms: int) -> tuple[Event, ...]:
    """The events moved by ``ms`` (their ends with them)."""
    if ms == 0:
        return tuple(events)
    return tuple(
        replace(e, time_ms=e.time_ms + ms, end_ms=None if e.end_ms is None else e.end_ms + ms)
        for e in events
    )


def matched_pairs(a: Sequence[Event], b: Sequence[Event], shift_ms: int, tolerance_ms: int) -> int:
    """Pairs with the same code that the alignment makes once B is moved by ``shift_ms``."""
    return _Timeline.of(a).matched(_Timeline.of(b), shift_ms, tolerance_ms)


@dataclass(frozen=True)
class _Timeline:
    """A coding's start times and codes in time order, made once for several alignments."""

    times: list[int]
    codes: list[str]

    @classmethod
    def of(cls, events: Sequence[Event]) -> _Timeline:
        ordered = time_sorted(events)
        return cls([e.time_ms for e in ordered], [e.code for e in ordered])

    def matched(self, b: _Timeline, shift_ms: int, tolerance_ms: int) -> int:
        """As ``matched_pairs``: the alignment itself, on plain times (no events moved)."""
        b_times = [t + shift_ms for t in b.times]
        pairs = align_indices(self.times, self.codes, b_times, b.codes, tolerance_ms)
        return sum(
            1 for i, j in pairs if i is not None and j is not None and self.codes[i] == b.codes[j]
        )


def estimate_offset(
    a: Sequence[Event], b: Sequence[Event], tolerance_ms: int, search_ms: int = SEARCH_MS
) -> ClockOffset | None:
    """The shift of B (within ±``search_ms``) that pairs the most same-code events.

    None when no two events of one code are within ``search_ms`` of each other.
    """
    return _estimate(_Timeline.of(a), _Timeline.of(b), tolerance_ms, search_ms)


def _estimate(
    a: _Timeline, b: _Timeline, tolerance_ms: int, search_ms: int = SEARCH_MS
) -> ClockOffset | None:
    if tolerance_ms < 0:
        raise InputError("The tolerance cannot be negative.")
    a_times, b_times = _times_by_code(a), _times_by_code(b)
    codes = sorted(a_times.keys() & b_times.keys())
    if not codes:
        return None
    width = max(BIN_MS, tolerance_ms // 4)
    counts = _difference_histogram(
        [a_times[c] for c in codes], [b_times[c] for c in codes], search_ms, width
    )
    reach = search_ms // width
    half = max(1, round(tolerance_ms / width)) + 1
    # A triangle over ±tolerance: for B an exact copy of A the smoothed histogram peaks at
    # the true shift (the autocorrelation of the smoothed counts is largest at zero).
    kernel = (half - np.abs(np.arange(-half + 1, half))).astype(float)
    score = np.convolve(counts, kernel, mode="same")
    if score.max() <= 0:
        return None
    best = np.flatnonzero(score == score.max())
    lag = int(best[np.argmin(np.abs(best - reach))] - reach) * width  # B − A, ms
    near = max(tolerance_ms // 2, width)
    diffs = _differences_near([a_times[c] for c in codes], [b_times[c] for c in codes], lag, near)
    shift = -(round(float(np.median(diffs))) if diffs.size else lag)
    # Checked with the alignment itself: how many pairs it makes at that shift.
    return ClockOffset(shift, "events", a.matched(b, shift, tolerance_ms))


def _times_by_code(timeline: _Timeline) -> dict[str, np.ndarray]:
    """Each code's start times, in order (the timeline's order)."""
    out: dict[str, list[int]] = {}
    for time_ms, code in zip(timeline.times, timeline.codes, strict=True):
        out.setdefault(code, []).append(time_ms)
    return {code: np.asarray(times, dtype=np.int64) for code, times in out.items()}


def _difference_histogram(
    a: Sequence[np.ndarray], b: Sequence[np.ndarray], search_ms: int, width: int
) -> np.ndarray:
    """Counts of same-code time differences (B − A) in bins of ``width``, −search … +search.

    The cross-correlation of each code's binned event counts, summed over codes: as
    quick for 100,000 events as for 100.
    """
    start = min(int(t.min()) for t in (*a, *b))
    end = max(int(t.max()) for t in (*a, *b))
    bins = (end - start) // width + 1
    reach = search_ms // width
    size = 1 << int(bins + reach + 1).bit_length()  # no wrap-around within ±reach
    total = np.zeros(size // 2 + 1, dtype=complex)
    for a_times, b_times in zip(a, b, strict=True):
        a_counts = np.bincount((a_times - start) // width, minlength=bins)
        b_counts = np.bincount((b_times - start) // width, minlength=bins)
        total += np.conj(np.fft.rfft(a_counts, size)) * np.fft.rfft(b_counts, size)
    lags = np.fft.irfft(total, size)
    counts = np.concatenate([lags[size - reach :], lags[: reach + 1]])
    found: np.ndarray = np.clip(np.rint(counts), 0, None)
    return found


def _differences_near(
    a: Sequence[np.ndarray], b: Sequence[np.ndarray], lag_ms: int, near_ms: int
) -> np.ndarray:
    """Every same-code difference B − A within ``near_ms`` of ``lag_ms``, exactly."""
    found: list[np.ndarray] = []
    for a_times, b_times in zip(a, b, strict=True):
        lo = np.searchsorted(b_times, a_times + lag_ms - near_ms, side="left")
        hi = np.searchsorted(b_times, a_times + lag_ms + near_ms, side="right")
        counts = hi - lo
        n = int(counts.sum())
        if not n:
            continue
        firsts = np.cumsum(counts) - counts
        b_index = np.repeat(lo, counts) + np.arange(n) - np.repeat(firsts, counts)
        a_index = np.repeat(np.arange(len(a_times)), counts)
        found.append(b_times[b_index] - a_times[a_index])
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


# --- lining up the codings of an agreement ------------------------------------------------


@dataclass(frozen=True)
class LineUp:
    """Each coding's shift (ms, to add to its times) against the first, and what was seen.

    ``offsets[j]``: coding j against the first (``offsets[0]`` is the first against
    itself); ``estimates[j]``: the events' estimate for coding j, when one was made;
    ``offered[j]``: that estimate when the notes offer it without applying it.
    """

    offsets: tuple[ClockOffset, ...]
    estimates: tuple[ClockOffset | None, ...]
    notes: tuple[str, ...]
    offered: tuple[ClockOffset | None, ...] = ()

    @property
    def shifts(self) -> tuple[int, ...]:
        return tuple(o.ms for o in self.offsets)


def line_up(
    datas: Sequence[CodingData],
    tolerance_ms: int,
    align_by: AlignBy = "anchors",
    names: Sequence[str] | None = None,
    to_apply: str = "tick 'Align by events' (or pass --align auto)",
) -> LineUp:
    """How to line each coding up with the first, and why, in words.

    ``anchors`` (the default): by the clocks' anchors where both codings have one, else
    as stored; the events' estimate is made and offered (in the notes) when it pairs more
    events, never applied. ``auto``: the estimate is applied when it pairs more events
    than the anchors do. ``none``: as stored, nothing estimated. ``to_apply`` tells the
    reader of an offered shift how to apply it.
    """
    if align_by not in ALIGN_CHOICES:
        raise InputError(f"Unknown alignment {align_by!r}; use anchors, auto or none.")
    shown = list(names) if names is not None else [d.name for d in datas]
    first = datas[0]
    offsets = [ClockOffset(0, "none", len(first.events))]
    estimates: list[ClockOffset | None] = [None]
    offered: list[ClockOffset | None] = [None]
    notes: list[str] = []
    missing = [shown[i] for i, d in enumerate(datas) if anchor_of(d) is None]
    if align_by != "none" and missing and len(missing) < len(datas):
        notes.append(
            f"{_listed(missing)} {'has' if len(missing) == 1 else 'have'} no clock anchor "
            f"(coded from a recording, imported, or recorded before anchors were kept): "
            f"not lined up by wall time."
        )
    a = _Timeline.of(first.events)
    for j in range(1, len(datas)):
        b = _Timeline.of(datas[j].events)
        by_anchors = anchors_between(first, datas[j])
        if align_by == "none" or by_anchors is None:
            current = ClockOffset(0, "none", a.matched(b, 0, tolerance_ms))
        else:
            current = ClockOffset(by_anchors, "anchors", a.matched(b, by_anchors, tolerance_ms))
            notes.append(
                f"{shown[j]} lined up with {shown[0]} by their clocks' anchors: its session "
                f"began {_seconds(by_anchors)} {_later(by_anchors)} {shown[0]}'s by wall time."
            )
        # Codings of two sessions share no clock: there is no offset to find.
        one_session = first.session_id is None or first.session_id == datas[j].session_id
        estimate = None
        if align_by != "none" and (one_session or datas[j].session_id is None):
            estimate = _estimate(a, b, tolerance_ms)
        estimates.append(estimate)
        offered.append(None)
        # A shift within the tolerance is the observers' timing (see the figures'
        # offsets), not their clocks: only a larger one is offered.
        better = (
            estimate is not None
            and estimate.matched >= MIN_MATCHED
            and estimate.matched > current.matched * CLEARLY_MORE
            and abs(estimate.ms - current.ms) > tolerance_ms
        )
        if better and estimate is not None and align_by == "auto":
            notes.append(
                f"{shown[j]} lined up with {shown[0]} by the events: shifted "
                f"{_signed(estimate.ms)}, the shift within ±{SEARCH_MS // 60_000} min that pairs "
                f"the most events of the same code ({estimate.matched}, against "
                f"{current.matched} {_as(current)})."
            )
            current = estimate
        elif better and estimate is not None:
            offered[j] = estimate
            notes.append(
                f"The events suggest shifting {shown[j]} by {_signed(estimate.ms)}: "
                f"{estimate.matched} events of the same code would pair, against "
                f"{current.matched} {_as(current)}. Not applied: {to_apply} to use it."
            )
        elif estimate is not None and current.method == "anchors":
            notes.append(
                f"The events agree with the anchors: no other shift within "
                f"±{SEARCH_MS // 60_000} min pairs clearly more of them."
            )
        offsets.append(current)
    # A coding's name may begin a note ("coding 12 lined up…"): sentences begin upper-case.
    return LineUp(
        tuple(offsets),
        tuple(estimates),
        tuple(n[:1].upper() + n[1:] for n in notes),
        tuple(offered),
    )


def _as(offset: ClockOffset) -> str:
    return "by the anchors" if offset.method == "anchors" else "as stored"


def _listed(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _seconds(ms: int) -> str:
    return f"{abs(ms) / 1000:g} s"


def _signed(ms: int) -> str:
    return f"{'+' if ms >= 0 else '−'}{_seconds(ms)}"


def _later(ms: int) -> str:
    return "after" if ms >= 0 else "before"
