"""Pairing the events of two codings by time: an optimal alignment within a tolerance.

In the spirit of Quera, Bakeman & Gnisci (2007): each event pairs at most once, order is
kept, and only events within the tolerance window can pair, so the dynamic programme runs
over a band and stays near-linear. The exact objective is in ``docs/agreement.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Literal

from observer.domain.errors import InputError
from observer.domain.events import Event

On = Literal["code", "actor", "target"]
NOTHING = "nothing"
NO_TARGET = "(no target)"


def label_of(event: Event, on: On = "code") -> str:
    """What is compared: the code, the actor, or the targets (sorted, joined by ' + ')."""
    if on == "code":
        return event.code
    if on == "actor":
        return event.actor
    if on == "target":
        return " + ".join(sorted(event.targets)) or NO_TARGET
    raise InputError(f"Unknown comparison {on!r}; use code, actor or target.")


@dataclass(frozen=True, slots=True)
class AlignedPair:
    """An event of A and one of B paired by the alignment, or an event paired with nothing."""

    a: Event | None
    b: Event | None
    a_label: str
    b_label: str

    @property
    def matched(self) -> bool:
        return self.a is not None and self.b is not None

    @property
    def agree(self) -> bool:
        return self.matched and self.a_label == self.b_label

    @property
    def time_ms(self) -> int:
        event = self.a if self.a is not None else self.b
        assert event is not None
        return event.time_ms

    @property
    def offset_ms(self) -> int | None:
        """B's time minus A's: positive when B coded later."""
        if self.a is None or self.b is None:
            return None
        return self.b.time_ms - self.a.time_ms


_DIAG, _UP, _LEFT = 0, 1, 2


def align_indices(
    a_times: Sequence[int],
    a_labels: Sequence[str],
    b_times: Sequence[int],
    b_labels: Sequence[str],
    tolerance_ms: int,
) -> list[tuple[int | None, int | None]]:
    """Pair two time-sorted sequences; returns (i, j) index pairs, None for "nothing".

    Of the order-keeping alignments in which only events at most ``tolerance_ms`` apart
    pair (each event at most once), the one chosen has the lowest cost: one for every
    event left unmatched and one for every pair whose labels differ (a Needleman–Wunsch
    cost: a pair with different labels costs less than leaving both unmatched, a pair
    with equal labels costs nothing); ties go to the smallest sum of |time differences|.
    The dynamic programme only visits the band of pairs within the window, so its cost
    grows with the number of events times the events per window, not with n·m.
    """
    n, m = len(a_times), len(b_times)
    if tolerance_ms < 0:
        raise InputError("The tolerance cannot be negative.")
    # Maximised instead: a pair saves two unmatched events (2·UNIT) but costs UNIT if its
    # labels differ, and its time difference; UNIT exceeds any sum of time differences,
    # so those only break ties.
    unit = min(n, m) * tolerance_ms + 1
    big = 2 * unit
    mismatch = unit
    starts: list[int] = [0]
    rows: list[list[int]] = [[0]]
    backs: list[list[int]] = [[_UP]]
    lo = hi = 0
    for i in range(1, n + 1):
        t = a_times[i - 1]
        label = a_labels[i - 1]
        while lo < m and b_times[lo] < t - tolerance_ms:
            lo += 1
        if hi < lo:
            hi = lo
        while hi < m and b_times[hi] <= t + tolerance_ms:
            hi += 1
        # Row i holds F[i][j] for j in [lo, hi] (j counts B's events used, 1-based).
        prev_start, prev = starts[-1], rows[-1]
        prev_last = len(prev) - 1
        k = lo - prev_start
        vals = [prev[k] if k <= prev_last else prev[prev_last]]
        back = [_UP]
        for j in range(lo + 1, hi + 1):
            k = j - prev_start
            up = prev[k] if k <= prev_last else prev[prev_last]
            diag = prev[k - 1] if k - 1 <= prev_last else prev[prev_last]
            tb = b_times[j - 1]
            diag += big - (tb - t if tb >= t else t - tb)
            if b_labels[j - 1] != label:
                diag -= mismatch
            left = vals[-1]
            if diag >= up and diag >= left:
                vals.append(diag)
                back.append(_DIAG)
            elif up >= left:
                vals.append(up)
                back.append(_UP)
            else:
                vals.append(left)
                back.append(_LEFT)
        starts.append(lo)
        rows.append(vals)
        backs.append(back)

    out: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i > 0:
        start = starts[i]
        last = start + len(rows[i]) - 1
        while j > last:
            out.append((None, j - 1))
            j -= 1
        step = backs[i][j - start]
        if step == _DIAG:
            out.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif step == _UP:
            out.append((i - 1, None))
            i -= 1
        else:
            out.append((None, j - 1))
            j -= 1
    while j > 0:
        out.append((None, j - 1))
        j -= 1
    out.reverse()
    return out


def time_sorted(events: Sequence[Event]) -> list[Event]:
    return sorted(events, key=attrgetter("time_ms", "id"))


def align(
    a_events: Sequence[Event],
    b_events: Sequence[Event],
    tolerance_ms: int = 2000,
    on: On = "code",
) -> list[AlignedPair]:
    """Pair the events of two codings by (start) time within ``tolerance_ms``.

    Every event appears exactly once, matched or paired with nothing. Pairs come in time
    order. See :func:`align_indices` for the objective.
    """
    a = time_sorted(a_events)
    b = time_sorted(b_events)
    a_labels = [label_of(e, on) for e in a]
    b_labels = [label_of(e, on) for e in b]
    indices = align_indices(
        [e.time_ms for e in a], a_labels, [e.time_ms for e in b], b_labels, tolerance_ms
    )
    pairs = [
        AlignedPair(
            a[i] if i is not None else None,
            b[j] if j is not None else None,
            a_labels[i] if i is not None else NOTHING,
            b_labels[j] if j is not None else NOTHING,
        )
        for i, j in indices
    ]
    pairs.sort(key=lambda p: p.time_ms)
    return pairs


# --- figures from an alignment -----------------------------------------------------------
