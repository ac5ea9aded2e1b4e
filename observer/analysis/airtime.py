"""Airtime: who holds the floor, for how long, and who speaks after whom.

Read from a coding's speaking states (``codebooks/airtime.yaml``'s ``speaking``, or any
state ``participation.is_speaking_code`` takes for one): each is one utterance of one
person (a transcript's cue, a stretch of voice activity, a held key).
Definitions, as ``docs/airtime.md`` gives them to the user:

- a person's **speaking time** is the union of their utterances (their own overlapping
  utterances count once); **share** is that over the sum of every person's speaking time;
- a **turn** is a run of one person's utterances with nobody else's starting in between
  (utterances in order of start); **mean turn** is speaking time over turns;
- **Gini** of speaking time over the group's members (leaders left out: equitable airtime
  is among members), members present who never spoke counted as 0;
- **silence**: time between the first utterance's start and the last one's end in which
  nobody speaks; **overlap**: time in which two people or more speak at once;
- **transitions**: who speaks after whom. ``turns`` counts turn to next turn (never a
  self-follow); ``utterances`` counts utterance to next utterance, self-follows included.
  Expected counts and adjusted residuals as ``observer.analysis.sequences`` computes
  them; the turn table's diagonal is empty by definition, which those expected counts do
  not allow for (read its residuals as a guide, not a test).

A turn of ``group`` is someone speaking whom no one has attributed yet (voice activity in
one room recording): it counts for silence, overlap and transitions, not for any member.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from observer.analysis.participation import is_speaking_code
from observer.analysis.sequences import Z_CRITICAL, adjusted_residual
from observer.domain.coding_data import CodingData
from observer.domain.events import Event
from observer.domain.participants import GROUP


@dataclass(frozen=True)
class Speaker:
    """One person's airtime."""

    key: str
    name: str
    role: str
    seconds: float
    share: float
    turns: int
    utterances: int

    @property
    def mean_turn(self) -> float:
        return self.seconds / self.turns if self.turns else 0.0


@dataclass(frozen=True)
class Follow:
    """How often ``after`` spoke next after ``before``, against chance."""

    before: str
    after: str
    count: int
    expected: float
    z: float | None

    @property
    def significant(self) -> bool:
        return self.z is not None and abs(self.z) >= Z_CRITICAL


@dataclass(frozen=True)
class Airtime:
    """The airtime measures of one coding (see the module's definitions)."""

    speakers: tuple[Speaker, ...]
    gini: float | None
    speech_seconds: float
    silence_seconds: float
    overlap_seconds: float
    unattributed_seconds: float
    turn_follows: tuple[Follow, ...]
    utterance_follows: tuple[Follow, ...]

    def as_dict(self, label: Any = str) -> dict[str, Any]:
        """The ``airtime --json`` shape: members, gini, transitions (and the rest)."""
        return {
            "members": [
                {
                    "name": s.name,
                    "role": s.role,
                    "seconds": round(s.seconds, 3),
                    "share": round(s.share, 4),
                    "turns": s.turns,
                    "utterances": s.utterances,
                    "mean_turn_seconds": round(s.mean_turn, 3),
                }
                for s in self.speakers
            ],
            "gini": None if self.gini is None else round(self.gini, 4),
            "speech_seconds": round(self.speech_seconds, 3),
            "silence_seconds": round(self.silence_seconds, 3),
            "overlap_seconds": round(self.overlap_seconds, 3),
            "unattributed_seconds": round(self.unattributed_seconds, 3),
            "transitions": [_follow(f, label) for f in self.turn_follows],
            "utterance_transitions": [_follow(f, label) for f in self.utterance_follows],
        }


def _follow(f: Follow, label: Any) -> dict[str, Any]:
    return {
        "from": label(f.before),
        "to": label(f.after),
        "count": f.count,
        "expected": round(f.expected, 3),
        "z": None if f.z is None else round(f.z, 3),
    }


def utterances(data: CodingData) -> list[Event]:
    """The coding's speaking states in order of start (an unended one ends where it began)."""
    said = [e for e in data.events if is_speaking_code(data, e.code)]
    return sorted(said, key=lambda e: (e.time_ms, _end(e), e.id))


def _end(e: Event) -> int:
    return e.time_ms if e.end_ms is None else e.end_ms


def airtime(data: CodingData) -> Airtime:
    """The airtime of one coding."""
    said = utterances(data)
    spans: dict[str, list[tuple[int, int]]] = {}
    for e in said:
        spans.setdefault(e.actor, []).append((e.time_ms, _end(e)))
    own = {key: _union(s) for key, s in spans.items()}
    seconds = {key: _length(u) / 1000 for key, u in own.items()}
    people = [k for k in seconds if k != GROUP]
    for p in data.people:
        if p.key not in seconds and p.present:  # there, and silent: that counts too
            people.append(p.key)
            seconds[p.key] = 0.0
    turn_speakers = _runs([e.actor for e in said])
    turns = Counter(turn_speakers)
    counts = Counter(e.actor for e in said)
    total = sum(seconds[k] for k in people)
    seat = {p.key: (p.seat, i) for i, p in enumerate(data.people)}
    people.sort(key=lambda k: seat.get(k, (10**6, 0)))
    speakers = tuple(
        Speaker(
            k,
            data.label(k),
            _role(data, k),
            seconds[k],
            seconds[k] / total if total else 0.0,
            turns[k],
            counts[k],
        )
        for k in people
    )
    members = [s.seconds for s in speakers if s.role == "member"]
    everyone = _union([span for s in spans.values() for span in s])
    speech = _length(everyone) / 1000
    first = min((e.time_ms for e in said), default=0)
    last = max((_end(e) for e in said), default=0)
    return Airtime(
        speakers=speakers,
        gini=gini(members),
        speech_seconds=speech,
        silence_seconds=max(0.0, (last - first) / 1000 - speech),
        overlap_seconds=_overlap(own.values()) / 1000,
        unattributed_seconds=seconds.get(GROUP, 0.0),
        turn_follows=follows(turn_speakers),
        utterance_follows=follows([e.actor for e in said]),
    )


def _role(data: CodingData, key: str) -> str:
    found = data.participant(key)
    return found.role if found is not None else "member"


def _runs(sequence: Sequence[str]) -> list[str]:
    """The sequence with repeats in a row made one: utterances into turns."""
    return [k for i, k in enumerate(sequence) if i == 0 or sequence[i - 1] != k]


def _union(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _length(spans: Iterable[tuple[int, int]]) -> int:
    return sum(end - start for start, end in spans)


def _overlap(people: Iterable[list[tuple[int, int]]]) -> int:
    """Milliseconds in which two people or more speak (each person's spans already apart)."""
    edges = sorted(
        (t, step) for spans in people for start, end in spans for t, step in ((start, 1), (end, -1))
    )
    speaking, since, total = 0, 0, 0
    for t, step in edges:  # ends sort before starts at one moment: touching is no overlap
        if speaking >= 2:
            total += t - since
        speaking += step
        since = t
    return total


def gini(values: Sequence[float]) -> float | None:
    """The Gini coefficient (0: all equal; near 1: one person has it all); None if undefined."""
    n = len(values)
    total = sum(values)
    if n < 2 or total <= 0:
        return None
    ordered = sorted(values)
    weighted = sum((2 * (i + 1) - n - 1) * x for i, x in enumerate(ordered))
    return weighted / (n * total)


def follows(sequence: Sequence[str]) -> tuple[Follow, ...]:
    """Who speaks after whom: every observed pair, with its expected count and residual."""
    pairs = Counter(itertools.pairwise(sequence))
    n = sum(pairs.values())
    rows = Counter(a for a, _b in pairs.elements())
    cols = Counter(b for _a, b in pairs.elements())
    out = []
    for (a, b), f in sorted(pairs.items(), key=lambda item: (-item[1], item[0])):
        r, c = rows[a], cols[b]
        out.append(Follow(a, b, f, r * c / n, adjusted_residual(f, r, c, n)))
    return tuple(out)


@dataclass(frozen=True)
class SessionAirtime:
    """One session's airtime, for the course of a group (is airtime becoming more equal?)."""

    session_number: int
    coding_name: str
    airtime: Airtime


def airtime_course(codings: Sequence[CodingData]) -> list[SessionAirtime]:
    """The airtime of each coding, in session order."""
    rows = [
        SessionAirtime(d.info.session_number if d.info else i + 1, d.name, airtime(d))
        for i, d in enumerate(codings)
    ]
    return sorted(rows, key=lambda r: r.session_number)
