"""Agreement between observers: event alignment, Cohen's kappa, time-unit kappa, alpha.

Two codings of one session are compared in two ways, as Bakeman, Quera & Gnisci (2009)
recommend: *event-based* (the events of the codings paired by time within a tolerance,
then compared) and *time-based* (the session cut into units of equal length, each
unit's codes compared). Every figure comes with a sentence saying exactly how it was
computed, because kappas that silently depend on a time unit confuse people. People are
compared as who they are (the participant key), never by the name shown, so two members
who share a pseudonym are never taken for one another.

The statistics are plain functions (``cohen_kappa`` of a confusion table,
``krippendorff_alpha`` of a reliability matrix) so researchers can use them on their own
data. See ``docs/agreement.md`` for every formula.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from observer.analysis.alignment import (
    NO_TARGET,
    NOTHING,
    AlignedPair,
    On,
    align,
    align_indices,
    label_of,
    time_sorted,
)
from observer.analysis.clock_offset import (
    AlignBy,
    ClockOffset,
    LineUp,
    Method,
    line_up,
    matched_pairs,
    shifted,
)
from observer.analysis.filters import ChartFilter
from observer.analysis.reliability import (
    cohen_kappa,
    confusion,
    krippendorff_alpha,
    offsets,
    per_code,
    time_unit_kappa,
)
from observer.domain.coding_data import CodingData
from observer.domain.errors import InputError
from observer.domain.events import Event

__all__ = ["NOTHING", "NO_TARGET", "AlignedPair", "On", "align", "align_indices", "label_of"]

BY_CHOICES: tuple[On, ...] = ("code", "actor", "target")
DEFAULT_TOLERANCE_S = 2.0
DEFAULT_UNIT_S = 1.0


def closed_events(data: CodingData) -> list[Event]:
    """The events with running states ended at the coding's end (as its duration counts them)."""
    end = data.duration_ms
    states = {c for c, info in data.codes.items() if info.is_state}
    out = []
    for e in data.events:
        if e.end_ms is None and e.code in states:
            out.append(replace(e, end_ms=max(end, e.time_ms)))
        else:
            out.append(e)
    return out


# --- more than two observers -------------------------------------------------------------


def reliability_units(
    codings: Sequence[Sequence[Event]], tolerance_ms: int, on: On = "code"
) -> list[list[str | None]]:
    """The reliability matrix of aligned events: one row per coding, one column per unit.

    Progressive alignment in the order given: the first coding's events are the first
    units; each further coding is aligned (as in :func:`align`) to the units so far, by
    each unit's time and label (those of its first event); its unmatched events become
    new units. ``None`` where a coding has no event in a unit.
    """
    unit_times: list[int] = []
    unit_labels: list[str] = []
    values: list[dict[int, str]] = []  # per unit: coding index -> label
    for c, events in enumerate(codings):
        ordered = time_sorted(events)
        labels = [label_of(e, on) for e in ordered]
        times = [e.time_ms for e in ordered]
        if c == 0:
            unit_times, unit_labels = times, labels
            values = [{0: label} for label in labels]
            continue
        pairs = align_indices(unit_times, unit_labels, times, labels, tolerance_ms)
        for u, j in pairs:
            if j is None:
                continue
            if u is not None:
                values[u][c] = labels[j]
            else:
                unit_times.append(times[j])
                unit_labels.append(labels[j])
                values.append({c: labels[j]})
        order = sorted(range(len(unit_times)), key=lambda k: unit_times[k])
        unit_times = [unit_times[k] for k in order]
        unit_labels = [unit_labels[k] for k in order]
        values = [values[k] for k in order]
    return [[unit.get(c) for unit in values] for c in range(len(codings))]


# --- everything at once ------------------------------------------------------------------


def _num(value: float | None) -> float | None:
    """JSON-safe: NaN (undefined) becomes None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def pair_figures(
    a: Sequence[Event],
    b: Sequence[Event],
    tolerance_ms: int,
    unit_ms: int,
    on: On = "code",
    end_ms: int | None = None,
    names: tuple[str, str] = ("A", "B"),
    describe: Callable[[str], str] | None = None,
    show: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """Every two-coding figure, each with a sentence on how it was computed.

    ``describe`` gives each compared label's long name (``per_code``); ``show`` how the
    confusion tables name the labels, and their order (by default as they are).
    """
    pairs = align(a, b, tolerance_ms, on)
    table = confusion(pairs, show)
    matched = [p for p in pairs if p.matched]
    agreed = sum(1 for p in pairs if p.agree)
    only_a = sum(1 for p in pairs if p.b is None)
    only_b = sum(1 for p in pairs if p.a is None)
    units = time_unit_kappa(a, b, unit_ms, on, end_ms)
    column = [
        [p.a_label if p.a else None for p in pairs],
        [p.b_label if p.b else None for p in pairs],
    ]
    with_nothing = [[v if v is not None else NOTHING for v in row] for row in column]
    timing = offsets(pairs)
    name = describe or (lambda label: label)
    a_name, b_name = names
    tol = f"{tolerance_ms / 1000:g} s"
    unit = f"{unit_ms / 1000:g} s"
    what = {"code": "code", "actor": "actor", "target": "target set"}[on]
    out: dict[str, Any] = {
        "codings": [a_name, b_name],
        "by": on,
        "tolerance_s": tolerance_ms / 1000,
        "unit_s": unit_ms / 1000,
        "events": [len(a), len(b)],
        "aligned_pairs": len(pairs),
        "matched": len(matched),
        "agreed": agreed,
        "unmatched_a": only_a,
        "unmatched_b": only_b,
        "event_kappa": _num(cohen_kappa(table.matrix)),
        "event_kappa_matched": _num(cohen_kappa(table.without_nothing().matrix)),
        "percent_agreement": _num(100.0 * agreed / len(pairs) if pairs else math.nan),
        "percent_agreement_matched": _num(100.0 * agreed / len(matched) if matched else math.nan),
        "time_unit_kappa": _num(units.kappa),
        "time_unit_percent_agreement": _num(units.percent_agreement),
        "time_units": units.units,
        "krippendorff_alpha": _num(krippendorff_alpha(column)),
        "krippendorff_alpha_nothing": _num(krippendorff_alpha(with_nothing)),
        "confusion": table.to_dict(show),
        "time_unit_confusion": units.confusion.to_dict(show),
        "per_code": [
            {
                "code": c.label,
                "label": name(c.label),
                "a": c.a,
                "b": c.b,
                "agreed": c.agreed,
                "agreement": _num(c.agreement),
                "precision": _num(c.precision),
                "recall": _num(c.recall),
            }
            for c in per_code(pairs, show)
        ],
        "offsets": timing.to_dict(),
    }
    out["explanations"] = {
        "alignment": (
            f"Events of {a_name} and {b_name} paired by start time within ±{tol}, each at most "
            f"once, order kept; the pairing has the lowest cost of 1 per unmatched event plus "
            f"1 per pair with different {what}s, ties to the smallest total time difference "
            f"(banded dynamic programming)."
        ),
        "event_kappa": (
            f"Cohen's kappa over all {len(pairs)} aligned pairs: {len(matched)} matched plus "
            f"{only_a + only_b} unmatched events paired with 'nothing' (a category of its own)."
        ),
        "event_kappa_matched": (
            f"Cohen's kappa over the {len(matched)} matched pairs only; the "
            f"{only_a + only_b} unmatched events are left out."
        ),
        "percent_agreement": (
            f"Pairs with the same {what} on both sides: {agreed} of all {len(pairs)} pairs, "
            f"unmatched events counting as disagreements."
        ),
        "percent_agreement_matched": (
            f"Pairs with the same {what}: {agreed} of the {len(matched)} matched pairs."
        ),
        "time_unit_kappa": (
            f"Cohen's kappa over {units.units} units of {unit} from 0 to the end of the last "
            f"event: a unit's category is the set of {what}s in it (point events in the unit "
            f"of their time, states in every unit they overlap; an empty unit is a category)."
        ),
        "time_unit_percent_agreement": (
            f"Units of {unit} whose sets of {what}s are identical, out of {units.units}."
        ),
        "krippendorff_alpha": (
            f"Krippendorff's alpha (nominal) with the aligned events as units; where an "
            f"observer coded nothing the value is missing, so only the {len(matched)} "
            f"matched pairs count."
        ),
        "krippendorff_alpha_nothing": (
            "Krippendorff's alpha (nominal) with the aligned events as units and 'nothing' "
            "as a value where an observer coded nothing."
        ),
        "offsets": (
            f"{b_name}'s time minus {a_name}'s over the {timing.n} matched pairs: median and "
            f"quartiles (positive: {b_name} coded later)."
        ),
        "per_code": (
            f"Per {what}: agreement = 2·agreed / ({a_name}'s count + {b_name}'s count); "
            f"precision and recall take {a_name} as the reference."
        ),
    }
    return out


def agreement(
    datas: Sequence[CodingData],
    tolerance_s: float = DEFAULT_TOLERANCE_S,
    unit_s: float = DEFAULT_UNIT_S,
    by: On = "code",
    only: Sequence[ChartFilter | None] | None = None,
    align_by: AlignBy = "anchors",
) -> dict[str, Any]:
    """Every agreement figure for two or more codings, JSON-ready.

    With two codings the pair's figures are at the top level; with more, ``pairs`` lists
    every pair and ``krippendorff_alpha`` covers all codings (progressive alignment).
    ``only``: one filter per coding (see ``filters.filters_for``); the filtered events
    are compared, while time units still span the whole sessions. ``notes`` say, in
    words, when the codings are of different sessions and what the figures were
    restricted to (``restricted_to``).

    The codings are first lined up in time (``observer.analysis.clock_offset.line_up``,
    ``align_by``): each pair's ``offset`` says by how much B was moved, how that was found
    and how many same-code events pair so; the times are then on the clock of the coding
    that began first.
    """
    if len(datas) < 2:
        raise InputError("Agreement needs at least two codings.")
    if by not in BY_CHOICES:
        raise InputError(f"Unknown comparison {by!r}; use code, actor or target.")
    if tolerance_s < 0:
        raise InputError("The tolerance cannot be negative.")
    if unit_s <= 0:
        raise InputError("The time unit must be longer than zero.")
    tolerance_ms = round(tolerance_s * 1000)
    unit_ms = round(unit_s * 1000)
    if unit_ms <= 0:
        raise InputError("The time unit must be at least a millisecond.")
    filters = list(only) if only is not None else [None] * len(datas)
    if len(filters) != len(datas):
        raise InputError("Agreement needs one filter per coding.")
    names = _distinct_names(datas)
    notes = _different_sessions(datas)
    lined = line_up(datas, tolerance_ms, align_by, names)
    # On the clock that began first: no event moves before 0.
    base = min(lined.shifts)
    datas = on_one_clock = [
        replace(d, events=shifted(d.events, s - base))
        for d, s in zip(datas, lined.shifts, strict=True)
    ]
    restricted_to = _restriction(filters[0], datas[0])
    if filters[0] is not None and restricted_to is not None:
        notes.append(
            f"Restricted to {filters[0].describe(datas[0])}; the time units still span "
            f"the whole session."
        )
    notes.extend(lined.notes)
    # Running states end, and time units run, where the whole coding ends, not its
    # last kept event: a restricted figure is about the same stretch of time.
    end_ms = max(d.duration_ms for d in datas)
    closed = [replace(d, events=tuple(closed_events(d))) for d in datas]
    kept = [f.apply(d) if f is not None else d for d, f in zip(closed, filters, strict=True)]
    datas = _same_identity(kept) if by != "code" else kept
    events = [list(d.events) for d in datas]
    labels: dict[str, str] = {}
    for d in datas:
        for code_id, info in d.codes.items():
            labels.setdefault(code_id, info.label or code_id)
    people: dict[str, str] = {}
    for d in datas:
        for key, label in d.labels.items():
            people.setdefault(key, label)

    def show(label: str) -> str:
        """People by their label; a target set's members each, as ``label_of`` joined them."""
        if by == "code":
            return label
        return " + ".join(people.get(part, part) for part in label.split(" + "))

    def describe(label: str) -> str:
        return labels.get(label, label) if by == "code" else show(label)

    pairs = []
    for i in range(len(datas)):
        for j in range(i + 1, len(datas)):
            figures = pair_figures(
                events[i],
                events[j],
                tolerance_ms,
                unit_ms,
                by,
                end_ms,
                (names[i], names[j]),
                describe,
                show,
            )
            figures["offset"] = _pair_offset(lined, on_one_clock, i, j, tolerance_ms)
            figures["explanations"]["offset"] = _offset_explained(names[i], names[j])
            pairs.append(figures)
    out: dict[str, Any] = {}
    if len(datas) == 2:
        # Progressive alignment of two codings is their pairwise alignment: reuse it.
        out.update(pairs[0])
        out["alpha_units"] = pairs[0]["aligned_pairs"]
    else:
        matrix = reliability_units(events, tolerance_ms, by)
        with_nothing = [[v if v is not None else NOTHING for v in row] for row in matrix]
        out["krippendorff_alpha"] = _num(krippendorff_alpha(matrix))
        out["krippendorff_alpha_nothing"] = _num(krippendorff_alpha(with_nothing))
        out["alpha_units"] = len(matrix[0]) if matrix else 0
    out.update(
        {
            "codings": names,
            "by": by,
            "tolerance_s": tolerance_ms / 1000,
            "unit_s": unit_ms / 1000,
            "pairs": pairs,
            "restricted_to": restricted_to,
            "notes": notes,
        }
    )
    if len(datas) == 2:
        return out
    explanations: dict[str, str] = {}
    explanations["krippendorff_alpha"] = (
        f"Krippendorff's alpha (nominal) over {len(datas)} codings; units are the events "
        f"aligned progressively (each coding against the units of the codings before it, "
        f"±{tolerance_ms / 1000:g} s); where a coding has no event the value is missing."
    )
    explanations["krippendorff_alpha_nothing"] = (
        "The same alpha with 'nothing' as a value instead of missing."
    )
    out["explanations"] = explanations
    return out


def _pair_offset(
    lined: LineUp, datas: Sequence[CodingData], i: int, j: int, tolerance_ms: int
) -> dict[str, Any]:
    """How B of a pair was moved against A (JSON): ms, method, matched pairs, the estimate."""
    if i == 0:
        out = lined.offsets[j].to_dict()
        estimate = lined.estimates[j]
        out["estimate"] = estimate.to_dict() if estimate is not None else None
        return out
    a, b = lined.offsets[i], lined.offsets[j]
    methods = {a.method, b.method}
    method: Method = (
        "events" if "events" in methods else "anchors" if methods == {"anchors"} else "none"
    )
    # The events were moved already: count the pairs as they now stand.
    matched = matched_pairs(datas[i].events, datas[j].events, 0, tolerance_ms)
    out = ClockOffset(b.ms - a.ms, method, matched).to_dict()
    out["estimate"] = None
    return out


def _offset_explained(a_name: str, b_name: str) -> str:
    return (
        f"Added to {b_name}'s times to line it up with {a_name}: from the clocks' anchors "
        f"(the wall time each session clock began), from the events (the shift within ±2 min "
        f"that pairs the most events of the same code, counted in a histogram of their time "
        f"differences and checked with the alignment), or none; 'matched' counts the "
        f"same-code pairs so lined up."
    )


def _same_identity(datas: Sequence[CodingData]) -> list[CodingData]:
    """The codings with people keyed alike: by member, or all by name.

    Stored codings of one group key people by member; an events CSV by the names written
    in it, and two groups have different members. In those cases the stored codings are
    named as a file would name them, so people are compared by name.
    """
    groups = {d.info.group_id for d in datas if d.info is not None}
    if all(d.info is None for d in datas) or (
        len(groups) == 1 and all(d.info is not None for d in datas)
    ):
        return list(datas)
    return [d.with_names() if d.info is not None else d for d in datas]


def _different_sessions(datas: Sequence[CodingData]) -> list[str]:
    """A note when the stored codings are not all of one session (an events CSV has none)."""
    infos = [d.info for d in datas if d.info is not None]
    if len({i.session_id for i in infos}) < 2:
        return []
    seen = list(dict.fromkeys(f"{i.group_name}, session {i.session_number}" for i in infos))
    return [
        f"Different sessions ({'; '.join(seen)}): events are paired by their time from "
        f"each session's start, as if one session had been observed."
    ]


def _restriction(only: ChartFilter | None, data: CodingData) -> dict[str, list[str]] | None:
    """What the figures were restricted to (people as shown), JSON-ready."""
    if only is None or only.is_empty:
        return None
    return {
        "codes": sorted(only.codes),
        "categories": sorted(only.categories),
        "actors": sorted(data.label(k) for k in only.actors),
        "targets": sorted(data.label(k) for k in only.targets),
    }


def _distinct_names(datas: Sequence[CodingData]) -> list[str]:
    out: list[str] = []
    for d in datas:
        name = f"coding {d.coding_id}" if d.coding_id is not None else d.name
        if d.coding_id is not None and d.name and d.name != name:
            name = f"{name} ({d.name})"
        base, k = name, 2
        while name in out:
            name = f"{base} #{k}"
            k += 1
        out.append(name)
    return out
