"""Practice mode: a trainee codes a recording an expert has coded, then sees where they differ.

A trainer marks a coding as the reference (:func:`observer.workspace.codings.set_reference`). A
trainee's attempt is a new media-mode coding of the same session, with the same
codebooks and recording, linked to the reference by ``practice_of_id``; the reference
stays hidden while they code. Afterwards :func:`feedback` aligns the attempt with the
reference (as :mod:`observer.analysis.agreement` does, on the code) and says what was
matched, missed and falsely added, per code how precise and complete the attempt was,
and what the trainee codes too often, too rarely or too late.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from observer.analysis.agreement import DEFAULT_TOLERANCE_S, closed_events
from observer.analysis.alignment import AlignedPair, align
from observer.analysis.clock_offset import AlignBy, ClockOffset, line_up, shifted
from observer.analysis.reliability import cohen_kappa, confusion
from observer.domain.clock import format_clock, format_time
from observer.domain.codebook import codebook_from_source
from observer.domain.coding_data import CodingData
from observer.domain.errors import InputError, NotFound
from observer.domain.events import Event
from observer.domain.wording import counted, plural
from observer.storage.models import CodedEvent, Coding, Observer
from observer.storage.read_coding import from_coding
from observer.storage.store import Store
from observer.workspace.codings import new_coding

MATCH = "match"
MIXUP = "mix-up"
MISS = "miss"
FALSE_ALARM = "false alarm"
KINDS = (MATCH, MIXUP, MISS, FALSE_ALARM)

# When a difference is worth telling the trainee (see docs/agreement.md).
MIN_COUNT_DIFFERENCE = 2  # events, and at least a quarter of the reference's count
MIN_SHARE_DIFFERENCE = 0.25
LATE_MS = 1000  # median lag of a code's matches
MIN_MATCHES_FOR_TIMING = 3
STANDS_OUT_MS = 500  # when late throughout, a code is named if this much later still


def start_attempt(store: Store, reference_coding_id: int, trainee_initials: str) -> int:
    """Start a practice attempt at a reference coding; returns the new coding's id.

    The attempt codes the same session from the same recording with exactly the
    codebooks the reference used, in media mode, and starts empty.
    """
    with store.reader() as s:
        reference = s.get(Coding, reference_coding_id, options=[selectinload(Coding.codebooks)])
        if reference is None:
            raise NotFound(f"No coding {reference_coding_id}.")
        if not reference.is_reference:
            raise InputError(
                f"Coding {reference_coding_id} is not marked as a reference; a trainer marks "
                f"it first."
            )
        books = [
            codebook_from_source(b.source, f"{b.codebook_id} {b.version}")
            for b in reference.codebooks
        ]
        session_id = reference.session_id
        media_file_id = reference.media_file_id
    count = len(attempts(store, trainee_initials, reference_coding_id, scored=False))
    name = f"practice {count + 1} of coding {reference_coding_id}"
    return new_coding(
        store,
        session_id,
        trainee_initials,
        books,
        clock_mode="media",
        name=name,
        capacity="trainee",
        media_file_id=media_file_id,
        practice_of_id=reference_coding_id,
    )


@dataclass(frozen=True)
class FeedbackItem:
    """One place where reference and attempt meet or part, with the time to look at."""

    kind: str  # match | mix-up | miss | false alarm
    reference: Event | None
    attempt: Event | None

    @property
    def time_ms(self) -> int:
        """The moment to look at: the reference's time when there is one."""
        event = self.reference if self.reference is not None else self.attempt
        assert event is not None
        return event.time_ms

    @property
    def lag_ms(self) -> int | None:
        """How much later than the reference the trainee coded (negative: earlier)."""
        if self.reference is None or self.attempt is None:
            return None
        return self.attempt.time_ms - self.reference.time_ms


@dataclass(frozen=True)
class CodeFeedback:
    """Per code: how many each coded, how many agreed, precision/recall against the reference."""

    code: str
    label: str
    reference_n: int
    attempt_n: int
    agreed: int
    median_lag_ms: float | None

    @property
    def precision(self) -> float | None:
        """Of the attempt's events of this code, the share the reference agrees with."""
        return self.agreed / self.attempt_n if self.attempt_n else None

    @property
    def recall(self) -> float | None:
        """Of the reference's events of this code, the share the attempt found."""
        return self.agreed / self.reference_n if self.reference_n else None

    @property
    def f1(self) -> float | None:
        total = self.reference_n + self.attempt_n
        return 2 * self.agreed / total if total else None


@dataclass(frozen=True)
class PracticeFeedback:
    """Everything the feedback view shows about one attempt."""

    attempt_id: int
    reference_id: int
    trainee: str
    tolerance_ms: int
    duration_ms: int
    items: tuple[FeedbackItem, ...]
    per_code: tuple[CodeFeedback, ...]
    kappa: float | None
    kappa_matched: float | None
    percent_agreement: float | None
    median_lag_ms: float | None
    too_often: tuple[str, ...]
    too_rarely: tuple[str, ...]
    too_late: tuple[str, ...]
    too_early: tuple[str, ...] = ()
    mixups: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)  # participant key -> as shown
    # How the attempt was lined up with the reference (its times moved by ``offset.ms``),
    # the events' estimate, and what to read first (see ``clock_offset.line_up``).
    offset: ClockOffset = field(default_factory=lambda: ClockOffset(0, "none", 0))
    estimate: ClockOffset | None = None
    notes: tuple[str, ...] = ()
    # The session time the attempt's recording shows (start, end): the reference is
    # scored over it only, for what the recording does not show cannot be coded from it.
    stretch: tuple[int, int] | None = None
    # The events' shift the notes offer, not applied (feedback again with ``align_by="auto"``
    # applies it).
    offered: ClockOffset | None = None

    def count(self, kind: str) -> int:
        return sum(1 for item in self.items if item.kind == kind)

    def label(self, code: str) -> str:
        return self.labels.get(code, code)

    def who(self, event: Event) -> str:
        """Who acted, and towards whom, as the trainee reads it: 'Jane → Sam'."""
        return describe_people(event, self.people)

    def code(self, code: str) -> CodeFeedback | None:
        return next((c for c in self.per_code if c.code == code), None)

    def to_dict(self) -> dict[str, Any]:
        def event(e: Event | None) -> dict[str, Any] | None:
            if e is None:
                return None
            return {"time_ms": e.time_ms, "code": e.code, "actor": e.actor,
                    "targets": list(e.targets)}  # fmt: skip

        return {
            "attempt": self.attempt_id,
            "reference": self.reference_id,
            "trainee": self.trainee,
            "tolerance_s": self.tolerance_ms / 1000,
            "kappa": self.kappa,
            "kappa_matched": self.kappa_matched,
            "percent_agreement": self.percent_agreement,
            "median_lag_ms": self.median_lag_ms,
            "counts": {kind: self.count(kind) for kind in KINDS},
            "per_code": [
                {
                    "code": c.code,
                    "label": c.label,
                    "reference": c.reference_n,
                    "attempt": c.attempt_n,
                    "agreed": c.agreed,
                    "precision": c.precision,
                    "recall": c.recall,
                    "f1": c.f1,
                    "median_lag_ms": c.median_lag_ms,
                }
                for c in self.per_code
            ],
            "too_often": list(self.too_often),
            "too_rarely": list(self.too_rarely),
            "too_late": list(self.too_late),
            "too_early": list(self.too_early),
            "mixups": list(self.mixups),
            "people": dict(self.people),
            "offset": self.offset.to_dict()
            | {"estimate": self.estimate.to_dict() if self.estimate is not None else None},
            "notes": list(self.notes),
            "stretch_ms": list(self.stretch) if self.stretch is not None else None,
            "items": [
                {
                    "kind": i.kind,
                    "time_ms": i.time_ms,
                    "lag_ms": i.lag_ms,
                    "reference": event(i.reference),
                    "attempt": event(i.attempt),
                }
                for i in self.items
            ],
        }


def _kind(pair: AlignedPair) -> str:
    if pair.a is None:
        return FALSE_ALARM
    if pair.b is None:
        return MISS
    return MATCH if pair.agree else MIXUP


def _num(value: float) -> float | None:
    return None if math.isnan(value) else value


def _seconds(ms: float) -> str:
    return f"{abs(ms) / 1000:.1f} s"


def feedback(
    store: Store,
    attempt_id: int,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
    references: dict[int, CodingData] | None = None,
    align_by: AlignBy = "anchors",
    to_apply: str = "pass --align auto to practice feedback",
) -> PracticeFeedback:
    """Compare a practice attempt with its reference coding.

    Events pair as in the agreement analysis (on the code, within ``tolerance_s``). A pair
    with the same code is a *match*, one with different codes a *mix-up* (it counts as a
    miss of the reference's code and a false alarm of the attempt's code in the per-code
    figures), a reference event left alone a *miss*, an attempt event a *false alarm*.
    ``references`` caches reference codings already read (by id), for scoring many
    attempts at one reference. The attempt is first lined up with the reference as the
    agreement lines codings up (``align_by``; the attempt's times are moved, the
    reference's never, so its times still find the moment in the recording); ``to_apply``
    tells the reader of an offered shift how to apply it.
    """
    with store.reader() as s:
        attempt = s.get(
            Coding,
            attempt_id,
            options=[selectinload(Coding.observer), selectinload(Coding.media_file)],
        )
        if attempt is None:
            raise NotFound(f"No coding {attempt_id}.")
        if attempt.practice_of_id is None:
            raise InputError(f"Coding {attempt_id} is not a practice attempt.")
        reference_id = attempt.practice_of_id
        trainee = attempt.observer.initials
        recording = attempt.media_file
        stretch = None
        if recording is not None and recording.duration_ms:
            stretch = (recording.offset_ms, recording.offset_ms + recording.duration_ms)
    cache = references if references is not None else {}
    if reference_id not in cache:
        cache[reference_id] = from_coding(store, reference_id)
    reference = cache[reference_id]
    scored_over: tuple[str, ...] = ()
    if stretch is not None:
        reference, scored_over = _within(reference, stretch)
    tried = from_coding(store, attempt_id)
    tolerance_ms = round(tolerance_s * 1000)
    lined = line_up(
        (reference, tried),
        tolerance_ms,
        align_by,
        ("the reference", "your attempt"),
        to_apply=to_apply,
    )
    moved = replace(tried, events=shifted(tried.events, lined.shifts[1]))
    pairs = align(closed_events(reference), closed_events(moved), tolerance_ms, "code")
    labels = {c: info.label or c for c, info in (reference.codes | tried.codes).items()}
    items = tuple(FeedbackItem(_kind(p), p.a, p.b) for p in pairs)
    table = confusion(pairs)

    ref_n = Counter(p.a_label for p in pairs if p.a is not None)
    att_n = Counter(p.b_label for p in pairs if p.b is not None)
    lags: dict[str, list[int]] = defaultdict(list)
    for p in pairs:
        if p.agree and p.offset_ms is not None:
            lags[p.a_label].append(p.offset_ms)
    per_code = tuple(
        CodeFeedback(
            code,
            labels.get(code, code),
            ref_n[code],
            att_n[code],
            len(lags[code]),
            float(statistics.median(lags[code])) if lags[code] else None,
        )
        for code in sorted(ref_n | att_n, key=lambda c: (-(ref_n[c] + att_n[c]), c))
    )
    all_lags = [lag for values in lags.values() for lag in values]
    overall_lag = float(statistics.median(all_lags)) if all_lags else None
    agreed = sum(1 for p in pairs if p.agree)
    matched = [p for p in pairs if p.matched]
    return PracticeFeedback(
        attempt_id=attempt_id,
        reference_id=reference_id,
        trainee=trainee,
        tolerance_ms=tolerance_ms,
        duration_ms=max(reference.duration_ms, tried.duration_ms),
        items=items,
        per_code=per_code,
        kappa=_num(cohen_kappa(table.matrix)),
        kappa_matched=_num(cohen_kappa(table.without_nothing().matrix)),
        percent_agreement=100.0 * agreed / len(pairs) if pairs else None,
        median_lag_ms=overall_lag,
        too_often=_too_often(per_code),
        too_rarely=_too_rarely(per_code),
        too_late=_overall_timing(all_lags, late=True) + _timing(per_code, True, overall_lag),
        too_early=_overall_timing(all_lags, late=False) + _timing(per_code, False, overall_lag),
        mixups=_mixups(matched, labels),
        labels=labels,
        people={**tried.labels, **reference.labels},
        offset=lined.offsets[1],
        estimate=lined.estimates[1],
        notes=scored_over + lined.notes,
        stretch=stretch,
        offered=lined.offered[1],
    )


def _within(reference: CodingData, stretch: tuple[int, int]) -> tuple[CodingData, tuple[str, ...]]:
    """The reference's events that start in ``stretch``, and a note of what was left out."""
    start, end = stretch
    kept = tuple(e for e in reference.events if start <= e.time_ms < end)
    left = len(reference.events) - len(kept)
    if not left:
        return reference, ()
    note = (
        f"Scored over {format_clock(start)}–{format_clock(end)}, the stretch your recording "
        f"shows: the reference's {counted(left, 'event')} outside it "
        f"{plural(left, 'is', 'are')} left out."
    )
    return replace(reference, events=kept), (note,)


def _worth_telling(difference: int, reference_n: int) -> bool:
    return difference >= max(MIN_COUNT_DIFFERENCE, math.ceil(MIN_SHARE_DIFFERENCE * reference_n))


def _too_often(per_code: tuple[CodeFeedback, ...]) -> tuple[str, ...]:
    found = [c for c in per_code if _worth_telling(c.attempt_n - c.reference_n, c.reference_n)]
    found.sort(key=lambda c: c.reference_n - c.attempt_n)
    return tuple(
        f"{c.label}: you coded it {counted(c.attempt_n, 'time')}, the reference {c.reference_n}."
        for c in found
    )


def _too_rarely(per_code: tuple[CodeFeedback, ...]) -> tuple[str, ...]:
    found = [c for c in per_code if _worth_telling(c.reference_n - c.attempt_n, c.reference_n)]
    found.sort(key=lambda c: c.attempt_n - c.reference_n)
    return tuple(
        f"{c.label}: you coded it {counted(c.attempt_n, 'time')}, the reference {c.reference_n}."
        for c in found
    )


def _timing(
    per_code: tuple[CodeFeedback, ...], late: bool, overall_ms: float | None
) -> tuple[str, ...]:
    """Codes coded late (or early); when the trainee is late throughout, only the laggards."""
    sign = 1 if late else -1
    threshold: float = LATE_MS
    if overall_ms is not None and sign * overall_ms >= LATE_MS:
        threshold = sign * overall_ms + STANDS_OUT_MS
    found = [
        c
        for c in per_code
        if c.median_lag_ms is not None
        and c.agreed >= MIN_MATCHES_FOR_TIMING
        and sign * c.median_lag_ms >= threshold
    ]
    found.sort(key=lambda c: -abs(c.median_lag_ms or 0))
    word = "after" if late else "before"
    return tuple(
        f"{c.label}: typically {_seconds(c.median_lag_ms or 0)} {word} the reference "
        f"(median of {c.agreed} matches)."
        for c in found
    )


def _overall_timing(lags: list[int], late: bool) -> tuple[str, ...]:
    if len(lags) < MIN_MATCHES_FOR_TIMING:
        return ()
    median = float(statistics.median(lags))
    if (median >= LATE_MS) if late else (median <= -LATE_MS):
        word = "after" if late else "before"
        return (
            f"Overall: typically {_seconds(median)} {word} the reference "
            f"(median of {len(lags)} matches).",
        )
    return ()


def _mixups(matched: list[AlignedPair], labels: dict[str, str]) -> tuple[str, ...]:
    counts = Counter((p.a_label, p.b_label) for p in matched if not p.agree)
    return tuple(
        f"{labels.get(b, b)} where the reference has {labels.get(a, a)}: {counted(n, 'time')}."
        for (a, b), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )


@dataclass(frozen=True)
class Attempt:
    """One practice attempt of a trainee, with its agreement with the reference."""

    coding_id: int
    reference_id: int
    trainee: str
    created_at: datetime
    events: int
    kappa: float | None = None
    percent_agreement: float | None = None


def attempts(
    store: Store,
    trainee: str,
    reference_coding_id: int | None = None,
    scored: bool = True,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
    references: dict[int, CodingData] | None = None,
    lined_up: Mapping[int, AlignBy] | None = None,
) -> list[Attempt]:
    """A trainee's practice attempts (initials), oldest first, each scored unless not asked.

    ``reference_coding_id`` keeps only the attempts at that reference. ``lined_up``: how
    an attempt's clock is lined up with the reference where the trainee chose (e.g. the
    shift they accepted, ``auto``), by coding id; by the clocks' anchors otherwise. Each is
    scored by ``feedback``, so an attempt scores here as its own feedback says.
    """
    with store.reader() as s:
        query = (
            select(Coding)
            .join(Observer, Coding.observer_id == Observer.id)
            .where(Observer.initials == trainee.strip())
            .where(Coding.practice_of_id.is_not(None))
        )
        if reference_coding_id is not None:
            query = query.where(Coding.practice_of_id == reference_coding_id)
        codings = list(s.scalars(query.order_by(Coding.created_at, Coding.id)))
        ids = [c.id for c in codings]
        counts: dict[int, int] = {
            int(cid): int(n)
            for cid, n in s.execute(
                select(CodedEvent.coding_id, func.count())
                .where(CodedEvent.coding_id.in_(ids))
                .group_by(CodedEvent.coding_id)
            )
        }
        found = [
            Attempt(
                c.id, int(c.practice_of_id or 0), trainee.strip(), c.created_at, counts.get(c.id, 0)
            )
            for c in codings
        ]
    if not scored:
        return found
    out = []
    references = references if references is not None else {}
    for a in found:
        align_by = (lined_up or {}).get(a.coding_id, "anchors")
        fb = feedback(store, a.coding_id, tolerance_s, references, align_by)
        out.append(
            Attempt(
                a.coding_id,
                a.reference_id,
                a.trainee,
                a.created_at,
                a.events,
                fb.kappa,
                fb.percent_agreement,
            )
        )
    return out


def describe_people(event: Event, people: Mapping[str, str]) -> str:
    """'Jane → Sam, Tom': the actor and targets of an event by their labels."""
    actor = people.get(event.actor, event.actor)
    if not event.targets:
        return actor
    return f"{actor} → {', '.join(people.get(t, t) for t in event.targets)}"


def describe_item(
    item: FeedbackItem, labels: dict[str, str], people: Mapping[str, str] | None = None
) -> str:
    """One line for a list of feedback items, e.g. '12:04.500  miss  Feedback (Jane → Sam)'.

    ``labels``: codes by id; ``people``: participant keys as shown (``feedback.people``).
    """

    def what(e: Event | None) -> str:
        if e is None:
            return ""
        return f"{labels.get(e.code, e.code)} ({describe_people(e, people or {})})"

    if item.kind == MATCH:
        lag = item.lag_ms or 0
        text = f"{what(item.reference)}, {'+' if lag >= 0 else '−'}{_seconds(lag)}"
    elif item.kind == MIXUP:
        assert item.attempt is not None
        text = f"reference {what(item.reference)}; you: {labels.get(item.attempt.code, '')}"
    elif item.kind == MISS:
        text = what(item.reference)
    else:
        text = what(item.attempt)
    return f"{format_time(item.time_ms)}  {item.kind}  {text}"
