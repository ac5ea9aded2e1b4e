"""``trends_52``: a year of weekly sessions (52 × 300 events, 10 members, every member's
GCQ-S form) read, computed and drawn as the group view does: trends, climate, members."""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from benchmarks._timing import scratch_dir, summary

SESSIONS = 52
EVENTS = 300
MEMBERS = 10  # nine members and a leader
ROUNDS = 3


def year_of_sessions(
    sessions: int = SESSIONS, events: int = EVENTS, seed: int = 3
) -> tuple[Any, int]:
    """A store with one group's year: coded sessions, Bion modes, and members' forms.

    One member's engagement sags in the autumn and another's conflict climbs, so the
    course has flags to show.
    """
    from observer.domain.events import Event
    from observer.domain.instrument_file import find_instrument
    from observer.domain.participants import member_key
    from observer.storage.event_rows import insert_events
    from observer.storage.store import open_store
    from observer.workspace.codings import new_coding
    from observer.workspace.groups import MemberSpec, add_group, add_session, get_group
    from observer.workspace.ratings import save_session_forms

    store = open_store(scratch_dir() / "year.sqlite3")
    names = ["Ava", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo"]
    specs = [MemberSpec(n) for n in names] + [MemberSpec("Dr Lee", role="leader")]
    group_id = add_group(store, "Wednesday group", "process (interpersonal)", members=specs)
    members = get_group(store, group_id).members
    keys = [member_key(m.id) for m in members]
    gcq = find_instrument("gcq-s")
    rng = random.Random(seed)
    codes = ["feedback", "support", "question", "advice", "confrontation", "self-disclosure"]
    modes = ["work", "dependency", "fight-flight", "pairing"]
    for n in range(1, sessions + 1):
        session_id = add_session(store, group_id, n)
        coding_id = new_coding(store, session_id, "RK", ["here-and-now", "bion"])
        rows = []
        step = 5400_000 // events
        for i in range(events):
            if i % 60 == 0:  # a basic-assumption mode every 60 events, until the next
                end = min(i + 60, events) * step
                rows.append(Event(0, i * step, rng.choice(modes), "group", (), {}, "", end))
                continue
            actor = rng.choice(keys[:7] if rng.random() < 0.8 else keys)
            target = rng.choice([k for k in keys if k != actor] + ["group"])
            rows.append(Event(0, i * step, rng.choice(codes), actor, (target,)))
        insert_events(store, coding_id, rows)
        forms = {}
        for m in members[:-1]:
            # Each member's own level, a little different from week to week.
            engaged = 3.2 + (m.id % 5) * 0.3 + rng.uniform(-0.25, 0.25)
            conflict = 1.0 + (m.id % 3) * 0.4 + rng.uniform(-0.25, 0.25)
            if m.pseudonym == "Cleo" and 30 <= n <= 34:
                engaged = 5.0 - (n - 30) * 0.8
            if m.pseudonym == "Gus" and 40 <= n <= 43:
                conflict = 1.0 + (n - 40) * 1.2
            answers: list[int | None] = []
            for item in gcq.items:
                centre = conflict if item.number in (6, 7, 10, 12) else engaged
                answers.append(max(0, min(6, round(centre + rng.uniform(-0.4, 0.4)))))
            if rng.random() < 0.1:
                answers[rng.randrange(12)] = None
            forms[m.id] = answers
        save_session_forms(store, session_id, gcq, forms)
    return store, group_id


def trends_52() -> dict[str, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from observer.charts.course import draw_climate, draw_member_course
    from observer.charts.trends import draw_trends
    from observer.workspace.group_course import group_course

    store, group_id = year_of_sessions()
    figures = [Figure(figsize=(12.8, 8)) for _ in range(3)]
    canvases = [FigureCanvasAgg(f) for f in figures]
    samples, cpu = [], []
    course = None
    for _ in range(ROUNDS + 1):
        began, began_cpu = time.perf_counter(), time.process_time()
        course = group_course(store, group_id)
        draw_trends(figures[0], course.sessions)
        draw_climate(figures[1], course.sessions, course.scales, course.flags)
        draw_member_course(figures[2], course.sessions)
        for canvas in canvases:
            canvas.draw()
        samples.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    store.close()
    assert course is not None
    return summary(
        samples[1:],
        cpu_median_ms=round(statistics.median(cpu[1:]), 3),
        sessions=len(course.sessions),
        events=sum(s.events for s in course.sessions),
        flags=len(course.flags),
    )


BENCHMARKS = {"trends_52": trends_52}
