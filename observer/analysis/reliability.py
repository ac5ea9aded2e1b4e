"""Chance-corrected agreement, usable on anyone's data: Cohen's kappa, Krippendorff's alpha,
the confusion table, per-code counts, time offsets and time-unit kappa.

``observer.analysis.agreement`` puts these together for codings; they take plain tables
and aligned pairs, so a script can use them on its own data too.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from observer.analysis.alignment import NOTHING, AlignedPair, On, label_of
from observer.domain.errors import InputError
from observer.domain.events import Event

EMPTY_UNIT = "(empty)"

# --- the statistics, usable on anyone's data ---------------------------------------------


def cohen_kappa(table: Sequence[Sequence[float]] | np.ndarray) -> float:
    """Cohen's kappa of a square confusion table (rows: observer A, columns: observer B).

    kappa = (p_o - p_e) / (1 - p_e), with p_o the share of the diagonal and p_e the share
    expected by chance from the row and column totals. NaN when it is undefined (an
    empty table, or both observers using one and the same category throughout).
    """
    m = np.asarray(table, dtype=float)
    if m.size == 0:
        return math.nan  # nothing to compare (say, a restriction that kept no event)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise InputError(f"A confusion table must be square; this one is {m.shape}.")
    total = m.sum()
    if total <= 0:
        return math.nan
    observed = float(np.trace(m)) / total
    expected = float(m.sum(axis=1) @ m.sum(axis=0)) / (total * total)
    if math.isclose(expected, 1.0):
        return math.nan
    return float((observed - expected) / (1.0 - expected))


def krippendorff_alpha(
    reliability_matrix: Sequence[Sequence[Any]] | np.ndarray,
    level: Literal["nominal", "ordinal", "interval", "ratio"] = "nominal",
) -> float:
    """Krippendorff's alpha of a reliability matrix: one row per observer, one column per unit.

    Values may be numbers or labels; ``None`` or NaN marks a missing value (the observer
    coded nothing there). Computed by the maintained ``krippendorff`` package. NaN when
    undefined (fewer than two distinct values, or no unit coded by two observers).
    """
    import krippendorff

    rows = [list(r) for r in reliability_matrix]
    if not rows:
        return math.nan

    def missing(v: Any) -> bool:
        return v is None or (isinstance(v, float) and math.isnan(v))

    distinct = {v for r in rows for v in r}
    values = sorted((v for v in distinct if not missing(v)), key=lambda v: (str(type(v)), v))
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    index: dict[Any, float] = {v: float(v) if numeric else float(i) for i, v in enumerate(values)}
    index.update({v: math.nan for v in distinct if missing(v)})
    data = np.array([[index[v] for v in r] for r in rows], dtype=float)
    pairable = (np.sum(~np.isnan(data), axis=0) >= 2).sum() if data.size else 0
    if len(values) < 2 or pairable == 0:
        return math.nan
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))


@dataclass(frozen=True)
class Confusion:
    """A confusion table: rows are A's labels, columns B's; ``nothing`` last when present."""

    labels: tuple[str, ...]
    matrix: tuple[tuple[int, ...], ...]

    def to_dict(self, show: Callable[[str], str] | None = None) -> dict[str, Any]:
        """JSON-ready; ``show`` names the labels for a reader (people by their label)."""
        labels = [show(x) for x in self.labels] if show is not None else list(self.labels)
        return {"labels": labels, "matrix": [list(r) for r in self.matrix]}

    def without_nothing(self) -> Confusion:
        if NOTHING not in self.labels:
            return self
        keep = [i for i, label in enumerate(self.labels) if label != NOTHING]
        return Confusion(
            tuple(self.labels[i] for i in keep),
            tuple(tuple(self.matrix[r][c] for c in keep) for r in keep),
        )


def confusion(pairs: Sequence[AlignedPair], order: Callable[[str], str] | None = None) -> Confusion:
    """The confusion table of aligned pairs, with a ``nothing`` row and column last.

    Labels are sorted as they are, or by ``order`` (people by the name shown).
    """
    seen = {p.a_label for p in pairs} | {p.b_label for p in pairs}
    seen.discard(NOTHING)
    labels = (*sorted(seen, key=order), NOTHING)
    index = {label: i for i, label in enumerate(labels)}
    counts = Counter((index[p.a_label], index[p.b_label]) for p in pairs)
    size = len(labels)
    matrix = tuple(tuple(counts.get((r, c), 0) for c in range(size)) for r in range(size))
    return Confusion(labels, matrix)


@dataclass(frozen=True)
class CodeAgreement:
    """How well two observers agree on one label (code, actor or target)."""

    label: str
    a: int
    b: int
    agreed: int

    @property
    def agreement(self) -> float:
        """Positive specific agreement 2·agreed / (a + b) (equal to F1 with A as reference)."""
        return 2 * self.agreed / (self.a + self.b) if self.a + self.b else math.nan

    @property
    def precision(self) -> float:
        """With A as the reference: the share of B's events of this label that A agrees with."""
        return self.agreed / self.b if self.b else math.nan

    @property
    def recall(self) -> float:
        """With A as the reference: the share of A's events of this label that B found."""
        return self.agreed / self.a if self.a else math.nan


def per_code(
    pairs: Sequence[AlignedPair], order: Callable[[str], str] | None = None
) -> list[CodeAgreement]:
    a = Counter(p.a_label for p in pairs if p.a is not None)
    b = Counter(p.b_label for p in pairs if p.b is not None)
    agreed = Counter(p.a_label for p in pairs if p.agree)
    return [
        CodeAgreement(label, a[label], b[label], agreed[label])
        for label in sorted(a | b, key=order)
    ]


@dataclass(frozen=True)
class Offsets:
    """B's time minus A's over matched pairs (ms)."""

    n: int
    median_ms: float | None
    q1_ms: float | None
    q3_ms: float | None
    mean_abs_ms: float | None
    max_abs_ms: int | None

    @property
    def iqr_ms(self) -> float | None:
        return None if self.q1_ms is None or self.q3_ms is None else self.q3_ms - self.q1_ms

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "median_ms": self.median_ms,
            "q1_ms": self.q1_ms,
            "q3_ms": self.q3_ms,
            "iqr_ms": self.iqr_ms,
            "mean_abs_ms": self.mean_abs_ms,
            "max_abs_ms": self.max_abs_ms,
        }


def offsets(pairs: Sequence[AlignedPair]) -> Offsets:
    values = sorted(p.offset_ms for p in pairs if p.offset_ms is not None)
    if not values:
        return Offsets(0, None, None, None, None, None)
    q1, _q2, q3 = (
        statistics.quantiles(values, n=4, method="inclusive")
        if len(values) > 1
        else (values[0],) * 3
    )
    return Offsets(
        len(values),
        float(statistics.median(values)),
        float(q1),
        float(q3),
        sum(abs(v) for v in values) / len(values),
        max(abs(v) for v in values),
    )


# --- time units --------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeUnitResult:
    """Cohen's kappa over time units; ``confusion`` has the unit categories (sets of labels)."""

    kappa: float
    percent_agreement: float
    units: int
    unit_ms: int
    confusion: Confusion


def unit_categories(
    events: Sequence[Event], unit_ms: int, units: int, on: On = "code"
) -> list[str]:
    """Each unit's category: its labels sorted and joined by ' + ', or ``(empty)``.

    Units are [k·u, (k+1)·u). An event without ``end_ms`` (or ending where it starts)
    falls in the unit containing its time; an event with ``end_ms`` (a state) is in every
    unit its interval [time, end) overlaps.
    """
    occupied = _occupied_units(events, unit_ms, units, on)
    return [occupied.get(k, EMPTY_UNIT) for k in range(units)]


def _occupied_units(events: Sequence[Event], unit_ms: int, units: int, on: On) -> dict[int, str]:
    """The categories of the units that hold something (long sessions are mostly empty)."""
    if unit_ms <= 0:
        raise InputError("The time unit must be longer than zero.")
    sets: dict[int, set[str]] = {}
    for e in events:
        label = label_of(e, on)
        first = e.time_ms // unit_ms
        # A state's last unit is the one holding the last instant before its end.
        last = first if e.end_ms is None or e.end_ms <= e.time_ms else -(-e.end_ms // unit_ms) - 1
        for k in range(first, min(last, units - 1) + 1):
            found = sets.get(k)
            if found is None:
                sets[k] = {label}
            else:
                found.add(label)
    return {k: " + ".join(sorted(v)) if len(v) > 1 else next(iter(v)) for k, v in sets.items()}


def time_unit_kappa(
    a_events: Sequence[Event],
    b_events: Sequence[Event],
    unit_ms: int = 1000,
    on: On = "code",
    end_ms: int | None = None,
) -> TimeUnitResult:
    """Cohen's kappa of two codings cut into units of ``unit_ms``.

    Units run from 0 to ``end_ms`` (default: the end of the last event of either coding),
    k = 0 … ⌊end/u⌋, so the unit holding the very last instant is included. Close running
    states (``end_ms`` None on a state code) before calling; see :func:`closed_events`.
    """
    if end_ms is None:
        end_ms = max((max(e.time_ms, e.end_ms or 0) for e in (*a_events, *b_events)), default=0)
    if unit_ms <= 0:
        raise InputError("The time unit must be longer than zero.")
    units = end_ms // unit_ms + 1
    a = _occupied_units(a_events, unit_ms, units, on)
    b = _occupied_units(b_events, unit_ms, units, on)
    pairs = Counter((a.get(k, EMPTY_UNIT), b.get(k, EMPTY_UNIT)) for k in a.keys() | b.keys())
    both_empty = units - len(a.keys() | b.keys())
    if both_empty:
        pairs[(EMPTY_UNIT, EMPTY_UNIT)] += both_empty
    labels = tuple(sorted({x for x, _ in pairs} | {y for _, y in pairs}))
    index = {label: i for i, label in enumerate(labels)}
    counts = Counter({(index[x], index[y]): n for (x, y), n in pairs.items()})
    size = len(labels)
    matrix = tuple(tuple(counts.get((r, c), 0) for c in range(size)) for r in range(size))
    same = sum(n for (x, y), n in pairs.items() if x == y)
    return TimeUnitResult(
        cohen_kappa(matrix), 100.0 * same / units, units, unit_ms, Confusion(labels, matrix)
    )
