"""``agreement_10k``: every agreement figure for two codings of 10,000 events each."""

from __future__ import annotations

import random
import time
from typing import Any

from benchmarks._timing import summary

EVENTS = 10_000
RUNS = 7


def two_codings(n: int = EVENTS, seed: int = 3) -> tuple[Any, Any]:
    """Two observers' codings of one long session: the second lags, misses and confuses some."""
    from observer.domain.coding_data import CodeInfo, CodingData
    from observer.domain.events import Event

    rng = random.Random(seed)
    codes = ["feedback", "support", "question", "advice", "confrontation", "self-disclosure"]
    people = [f"Member {i}" for i in range(8)] + ["Lead"]
    a: list[Event] = []
    b: list[Event] = []
    t = 0
    for i in range(n):
        t += rng.randint(1_000, 4_000)  # an event every 2.5 s on average
        actor = rng.choice(people)
        event = Event(i + 1, t, rng.choice(codes), actor, (rng.choice(people),))
        a.append(event)
        if rng.random() < 0.1:
            continue  # missed
        code = event.code if rng.random() < 0.85 else rng.choice(codes)
        b.append(Event(i + 1, t + rng.randint(0, 1_800), code, actor, event.targets))
        if rng.random() < 0.05:  # an extra event the first observer did not code
            b.append(Event(n + i + 1, t + rng.randint(0, 900), rng.choice(codes), actor))
    info = {c: CodeInfo(c, c.title()) for c in codes}
    b.sort(key=lambda e: e.time_ms)
    return (
        CodingData("A", tuple(a), (), info),
        CodingData("B", tuple(b), (), info),
    )


def agreement_10k() -> dict[str, Any]:
    from observer.analysis.agreement import agreement

    a, b = two_codings()
    samples = []
    result: dict[str, Any] = {}
    for _ in range(RUNS):
        began = time.perf_counter()
        result = agreement([a, b], tolerance_s=2.0, unit_s=1.0)
        samples.append((time.perf_counter() - began) * 1000)
    return summary(
        samples,
        events=[len(a.events), len(b.events)],
        matched=result["matched"],
        event_kappa=round(result["event_kappa"], 3),
        time_units=result["time_units"],
    )


BENCHMARKS = {"agreement_10k": agreement_10k}
