"""Sequential analysis: which events follow which, more often than chance.

Two kinds of transition, both counted within one coding only (pooling several codings
adds their tables, never a pair across a coding boundary):

- **lag k**: event *i* and event *i + k* of the coding's time-ordered sequence; ``n`` is the
  number of such pairs. Expected ``e = r·c/N`` and the adjusted residual
  ``z = (f − e) / √(e·(1 − r/N)·(1 − c/N))`` (Allison & Liker 1982; Bakeman & Quera 2011).
- **time window W**: for each event, whether an event of each type *starts* within
  ``(t, t + W]``: counted once per given event however many follow. Expected from the
  base rates: events of type B arrive as a Poisson process at ``n_B / T`` over the
  coding's duration ``T``, so a window holds at least one by chance with probability
  ``π = 1 − exp(−rate·W)`` (the window is cut at the end of the coding);
  ``e = Σ π`` over the given events and ``z = (f − e) / √Σ π(1 − π)``.

Yule's Q comes from the 2×2 collapse (given or not × target or not). A pair is flagged
significant when ``|z| ≥ 1.96`` and ``e ≥ MIN_EXPECTED``. Definitions and reasoning:
``docs/sequences.md``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from observer.analysis.prompt_words import times_phrase
from observer.analysis.prompts import Matcher, Roles
from observer.domain.codebook import EventSpec
from observer.domain.coding_data import CodingData
from observer.domain.events import Event

Z_CRITICAL = 1.96
MIN_EXPECTED = 3.0
OTHER = "other"
BYS = ("code", "category")


@dataclass(frozen=True)
class Transition:
    """One (given, target) pair of a transition table."""

    given: str
    target: str
    count: int
    expected: float
    probability: float | None
    z: float | None
    yules_q: float | None
    significant: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "given": self.given,
            "target": self.target,
            "count": self.count,
            "expected": _round(self.expected),
            "probability": _round(self.probability),
            "z": _round(self.z),
            "yules_q": _round(self.yules_q),
            "significant": self.significant,
        }


@dataclass(frozen=True)
class SequenceResult:
    """A transition table: every pair of types that occur as given and as target."""

    transitions: tuple[Transition, ...]
    n: int
    types: tuple[str, ...]
    labels: Mapping[str, str] = field(default_factory=dict)
    colours: Mapping[str, str] = field(default_factory=dict)
    lag: int = 1
    within_s: float | None = None
    by: str = "code"
    min_expected: float = MIN_EXPECTED
    codings: tuple[str, ...] = ()

    def pair(self, given: str, target: str) -> Transition | None:
        return next((t for t in self.transitions if t.given == given and t.target == target), None)

    def significant(self) -> list[Transition]:
        """Flagged pairs, strongest residual first."""
        flagged = [t for t in self.transitions if t.significant]
        return sorted(flagged, key=lambda t: -abs(t.z or 0.0))

    def label(self, kind: str) -> str:
        return self.labels.get(kind, kind)

    def matrix(self, what: str = "z") -> np.ndarray:
        """A types × types array of one field (``count``, ``z``…); NaN where no pair."""
        index = {t: i for i, t in enumerate(self.types)}
        out = np.full((len(self.types), len(self.types)), np.nan)
        for t in self.transitions:
            value = getattr(t, what)
            if value is not None:
                out[index[t.given], index[t.target]] = value
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": "window" if self.within_s is not None else "lag",
            "lag": self.lag if self.within_s is None else None,
            "within_s": self.within_s,
            "by": self.by,
            "codings": list(self.codings),
            "n": self.n,
            "min_expected": self.min_expected,
            "z_critical": Z_CRITICAL,
            "types": [{"id": t, "label": self.label(t)} for t in self.types],
            "transitions": [t.as_dict() for t in self.transitions],
        }


def _round(value: float | None, digits: int = 4) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, digits)


# --- which events, and of what type ----------------------------------------------------------


def _spec_matchers(data: CodingData, spec: Mapping[str, EventSpec]) -> list[tuple[str, Matcher]]:
    out = []
    for name, s in spec.items():
        ref = (s.code or s.category or "").rpartition("/")[2]
        if s.code is not None:
            codes = frozenset(c for c in _codes_of(data) if c == ref)
        else:
            codes = frozenset(c for c in _codes_of(data) if data.code(c).category == ref)
        out.append((name, Matcher(codes, s.actor, s.target)))
    return out


def _codes_of(data: CodingData) -> set[str]:
    return set(data.codes) | {e.code for e in data.events}


def typed_events(
    data: CodingData,
    by: str = "code",
    spec: Mapping[str, EventSpec] | None = None,
    include_modes: bool = False,
) -> list[tuple[Event, str]]:
    """The coding's events in time order, each with its type for the analysis.

    ``by="code"`` or ``"category"``; or ``spec`` names event types by code or category
    and actor/target roles (the first that fits wins; the rest are ``other``). State
    codes enter at their start; the group's modes (``CodingData.mode_codes``) are left out
    unless ``include_modes`` or a spec names them.
    """
    if by not in BYS:
        raise ValueError(f"by must be one of {BYS}, not {by!r}")
    events = sorted(data.events, key=lambda e: (e.time_ms, e.id))
    if spec:
        roles = Roles(data.participants)
        matchers = _spec_matchers(data, spec)
        named = {c for _n, m in matchers for c in m.codes}
        skip = frozenset() if include_modes else data.mode_codes - named
        out = []
        for e in events:
            if e.code in skip:
                continue
            kind = next((n for n, m in matchers if m.matches(e, roles)), OTHER)
            out.append((e, kind))
        return out
    skip = frozenset() if include_modes else data.mode_codes
    if by == "category":
        return [(e, data.category(e.code)) for e in events if e.code not in skip]
    return [(e, e.code) for e in events if e.code not in skip]


# --- the statistics --------------------------------------------------------------------------


def adjusted_residual(f: float, r: float, c: float, n: float) -> float | None:
    """Allison & Liker's z for a cell with row total r and column total c of n."""
    if n <= 0:
        return None
    e = r * c / n
    variance = e * (1 - r / n) * (1 - c / n)
    if variance <= 0:
        return None
    return (f - e) / math.sqrt(variance)


def yules_q(f: float, r: float, c: float, n: float) -> float | None:
    """Yule's Q of the 2×2 collapse: a = f, b = r − f, c = c − f, d = n − r − c + f."""
    a, b, cc, d = f, r - f, c - f, n - r - c + f
    denominator = a * d + b * cc
    if denominator == 0:
        return None
    return (a * d - b * cc) / denominator


def transitions(
    datas: CodingData | Sequence[CodingData],
    lag: int = 1,
    within_s: float | None = None,
    by: str = "code",
    spec: Mapping[str, EventSpec] | None = None,
    include_modes: bool = False,
    min_expected: float = MIN_EXPECTED,
) -> SequenceResult:
    """The transition table of one or more codings (pooled, never across a coding boundary).

    With ``within_s`` the table counts time-window transitions; otherwise lag-``lag``
    transitions between events.
    """
    if isinstance(datas, CodingData):
        datas = [datas]
    if lag < 1:
        raise ValueError("lag must be 1 or more")
    if within_s is not None and not within_s > 0:
        raise ValueError("the window must be more than zero seconds")
    typed = [typed_events(d, by, spec, include_modes) for d in datas]
    frequency = Counter(kind for seq in typed for _e, kind in seq)
    types = tuple(sorted(frequency, key=lambda k: (-frequency[k], k)))
    index = {t: i for i, t in enumerate(types)}
    k = len(types)
    f = np.zeros((k, k))
    if within_s is None:
        for seq in typed:
            codes = np.array([index[kind] for _e, kind in seq], dtype=np.int64)
            if len(codes) > lag:
                pairs = codes[:-lag] * k + codes[lag:]
                f += np.bincount(pairs, minlength=k * k).reshape(k, k)
        rows, cols = f.sum(axis=1), f.sum(axis=0)
        n = float(f.sum())
        expected = np.outer(rows, cols) / n if n else np.zeros((k, k))
        with np.errstate(divide="ignore", invalid="ignore"):
            variance = expected * (1 - rows[:, None] / n) * (1 - cols[None, :] / n)
    else:
        f, expected, variance, rows, cols, n = _window_tables(datas, typed, index, within_s)
    labels, colours = _labels(datas, types, by, spec)
    out = []
    for i, given in enumerate(types):
        if rows[i] == 0:
            continue
        for j, target in enumerate(types):
            if within_s is None and cols[j] == 0:
                continue
            count, e, var = float(f[i, j]), float(expected[i, j]), float(variance[i, j])
            z = (count - e) / math.sqrt(var) if var > 0 else None
            q = yules_q(count, float(rows[i]), float(cols[j]), n)
            significant = z is not None and abs(z) >= Z_CRITICAL and e >= min_expected
            out.append(Transition(given, target, int(count), e, count / rows[i], z, q, significant))
    return SequenceResult(
        transitions=tuple(out),
        n=int(n),
        types=types,
        labels=labels,
        colours=colours,
        lag=lag,
        within_s=within_s,
        by=by if not spec else "spec",
        min_expected=min_expected,
        codings=tuple(d.name for d in datas),
    )


def _window_tables(
    datas: Sequence[CodingData],
    typed: Sequence[list[tuple[Event, str]]],
    index: Mapping[str, int],
    within_s: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """Counts, expected counts and variances of time-window transitions (Poisson base rates).

    Rows are given types (row total = number of given events of that type); a cell counts
    given events followed by at least one target event within the window; the column
    total counts all given events followed by the target (for Yule's Q).
    """
    k = len(index)
    window = within_s * 1000
    f = np.zeros((k, k))
    expected = np.zeros((k, k))
    variance = np.zeros((k, k))
    rows = np.zeros(k)
    cols = np.zeros(k)
    n = 0.0
    for data, seq in zip(datas, typed, strict=True):
        if not seq:
            continue
        times = np.array([e.time_ms for e, _kind in seq], dtype=np.float64)
        kinds = np.array([index[kind] for _e, kind in seq], dtype=np.int64)
        duration = float(max(data.duration_ms, times.max()))
        span = np.clip(duration - times, 0, window)  # the window, cut at the coding's end
        rows += np.bincount(kinds, minlength=k)
        n += len(seq)
        for j in range(k):
            target_times = times[kinds == j]
            if not len(target_times):
                continue
            lo = np.searchsorted(target_times, times, side="right")
            hi = np.searchsorted(target_times, times + window, side="right")
            hit = (hi > lo).astype(np.float64)
            f[:, j] += np.bincount(kinds, weights=hit, minlength=k)
            cols[j] += hit.sum()
            if duration > 0:
                chance = -np.expm1(-(len(target_times) / duration) * span)
                expected[:, j] += np.bincount(kinds, weights=chance, minlength=k)
                variance[:, j] += np.bincount(kinds, weights=chance * (1 - chance), minlength=k)
    return f, expected, variance, rows, cols, n


def _labels(
    datas: Sequence[CodingData],
    types: Sequence[str],
    by: str,
    spec: Mapping[str, EventSpec] | None,
) -> tuple[dict[str, str], dict[str, str]]:
    labels: dict[str, str] = {}
    colours: dict[str, str] = {}
    if spec:
        return {t: t for t in types}, {}
    for kind in types:
        for data in datas:
            if by == "code" and kind in data.codes:
                labels[kind] = data.codes[kind].label or kind
                colours[kind] = data.codes[kind].colour
                break
            if by == "category" and data.palette is not None:
                for book in data.palette.codebooks:
                    if kind in book.categories:
                        labels[kind] = book.categories[kind]
                        break
        labels.setdefault(kind, kind)
    return labels, colours


# --- in plain words --------------------------------------------------------------------------


def _short(label: str) -> str:
    """'Self-disclosure (vulnerable sharing)' -> 'self-disclosure', for a sentence."""
    text = label.split(" (")[0].split(" / ")[0]
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def transition_sentence(result: SequenceResult, t: Transition) -> str:
    """'Self-disclosure was followed directly by subject change 24 times (expected about 6…).'

    Reads as English for every pair: a code followed by itself ('by another question'),
    a pair that never occurred ('was never followed'), once, fewer times than chance.
    """
    given, target = _short(result.label(t.given)), _short(result.label(t.target))
    given = given[:1].upper() + given[1:]
    if t.given == t.target:
        target = f"another {target}"
    how = (
        f"within {result.within_s:g} seconds"
        if result.within_s is not None
        else ("directly" if result.lag == 1 else f"{result.lag} events later")
    )
    chance = f"expected {times_phrase(t.expected)} by chance"
    if t.count == 0:
        return f"{given} was never followed {how} by {target} ({chance})."
    times = "once" if t.count == 1 else f"{t.count} times"
    only = "only " if (t.z or 0) < 0 else ""
    return f"{given} was followed {how} by {target} {only}{times} ({chance})."


def describe_significant(data: CodingData, most: int = 6) -> list[str]:
    """Plain-language lines for the significant sequences and pattern rules of a session.

    First the codebook's pattern rules that occurred more often than chance (worded like
    the live prompts), then the strongest significant lag-1 transitions between codes.
    """
    lines: list[str] = []
    if data.palette is not None:
        from observer.analysis.prompts import watcher_for

        watcher = watcher_for(
            data.palette, data.participants, data.events, when="in this session", live=False
        )
        lines += [p.sentence for p in watcher.prompts(include_dismissed=True)]
    result = transitions(data)
    lines += [transition_sentence(result, t) for t in result.significant()[:most]]
    return lines
