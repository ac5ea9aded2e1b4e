"""``sequences_50k``: sequential analysis of a 50,000-event coding;
``prompt_overhead``: what the live prompt panel adds to recording one event (target p99 < 1 ms).
"""

from __future__ import annotations

import os
import random
import time
from typing import Any

from benchmarks._timing import scratch_dir, summary

EVENTS_50K = 50_000
RUNS = 10
EXISTING = 10_000
RECORDED = 2_000
MIX = [
    ("self-disclosure", 5), ("feedback", 6), ("question", 5), ("support", 5), ("advice", 2),
    ("confrontation", 2), ("humour", 2), ("subject-change", 3), ("there-and-then", 3),
]  # fmt: skip


def _coding(existing: int) -> tuple[Any, int, list[str], list[str]]:
    """A store with one here-and-now + bion coding of ``existing`` mixed events."""
    from observer.domain.events import Event
    from observer.domain.participants import member_key
    from observer.storage.event_rows import insert_events
    from observer.storage.store import open_store
    from observer.workspace.codings import new_coding
    from observer.workspace.groups import MemberSpec, add_group, add_session, get_group

    store = open_store(scratch_dir() / "bench.sqlite3")
    specs = [MemberSpec(f"Member {i}") for i in range(8)] + [MemberSpec("Lead", role="leader")]
    group_id = add_group(store, "Benchmark group", members=specs)
    members = [member_key(m.id) for m in get_group(store, group_id).members if not m.is_leader]
    leaders = [member_key(m.id) for m in get_group(store, group_id).members if m.is_leader]
    session_id = add_session(store, group_id)
    coding_id = new_coding(store, session_id, "BM", ["here-and-now", "bion"])
    rng = random.Random(1)
    events = [
        _event(rng, i * 6_000, members, leaders, Event) for i in range(existing)
    ]  # fmt: skip
    # The group's mode changes now and then (left out of code sequences by default).
    events += [Event(0, m * 600_000, rng.choice(["work", "fight-flight", "dependency"]), "group",
                     end_ms=(m + 1) * 600_000) for m in range(existing * 6 // 600)]  # fmt: skip
    insert_events(store, coding_id, events)
    return store, coding_id, members, leaders


def _event(rng: random.Random, t: int, members: list[str], leaders: list[str], cls: Any) -> Any:
    codes, weights = zip(*MIX, strict=True)
    code = rng.choices(codes, weights)[0]
    actor = (
        rng.choice(leaders) if code == "question" and rng.random() < 0.3 else rng.choice(members)
    )
    target = rng.choice([k for k in members if k != actor])
    targets = () if code in ("subject-change", "self-disclosure", "there-and-then") else (target,)
    return cls(0, t, code, actor, targets)


def sequences_50k() -> dict[str, Any]:
    from observer.analysis.sequences import transitions
    from observer.storage.read_coding import from_coding

    store, coding_id, _m, _l = _coding(EVENTS_50K)
    began = time.perf_counter()
    data = from_coding(store, coding_id)
    load_ms = (time.perf_counter() - began) * 1000
    samples, lag_ms, window_ms = [], [], []
    for _ in range(RUNS):
        began = time.perf_counter()
        transitions(data)
        middle = time.perf_counter()
        result = transitions(data, within_s=30)
        end = time.perf_counter()
        lag_ms.append((middle - began) * 1000)
        window_ms.append((end - middle) * 1000)
        samples.append((end - began) * 1000)
    store.close()
    return summary(
        samples,
        events=len(data.events),
        what="lag-1 table + 30 s window table",
        lag1_median_ms=round(sorted(lag_ms)[RUNS // 2], 1),
        window_median_ms=round(sorted(window_ms)[RUNS // 2], 1),
        load_ms=round(load_ms, 1),
        pairs=len(result.transitions),
    )


def prompt_overhead() -> dict[str, Any]:
    """Time the watcher's handling of each change notice while events are recorded."""
    from observer.analysis.prompts import PatternWatcher
    from observer.domain.events import Event
    from observer.workspace.recording import Recorder

    store, coding_id, members, leaders = _coding(EXISTING)
    recorder = Recorder(store, coding_id)
    began = time.perf_counter()
    watcher = PatternWatcher(recorder.palette, recorder.info.participants)
    watcher.load(recorder.events)
    load_ms = (time.perf_counter() - began) * 1000
    samples: list[float] = []

    def timed(changes: Any) -> None:
        start = time.perf_counter()
        watcher.apply(changes)
        samples.append((time.perf_counter() - start) * 1000)

    recorder.subscribe(timed)
    panel = _PanelTimes(recorder)
    rng = random.Random(2)
    start_ms = EXISTING * 6_000
    for i in range(RECORDED):
        e = _event(rng, start_ms + i * 5_000, members, leaders, Event)
        recorder.record(e.time_ms, e.code, e.actor, e.targets)
        panel.pump()
    panel.close()
    recorder.close()
    store.close()
    extra: dict[str, Any] = {
        "events_before": EXISTING,
        "watcher_load_ms": round(load_ms, 1),
        "prompts": len(watcher.prompts()),
    }
    extra.update(panel.figures())
    return summary(samples, **extra)


class _PanelTimes:
    """The Qt panel's own handling (offscreen), when Qt is available: the part that holds up
    recording (the notice handler) and the list redraw it defers to the event loop."""

    def __init__(self, recorder: Any) -> None:
        self.sync: list[float] = []
        self.deferred: list[float] = []
        self.app: Any = None
        self.panel: Any = None
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        try:
            from PySide6.QtWidgets import QApplication

            from ui.prompt_panel import PromptPanel
        except ImportError:
            return
        self.app = QApplication.instance() or QApplication([])
        self.panel = PromptPanel(recorder)
        self.panel.detach()
        show = self.panel._show_occurrences

        def deferred() -> None:
            start = time.perf_counter()
            show()
            self.deferred.append((time.perf_counter() - start) * 1000)

        self.panel._show_occurrences = deferred
        self._unsubscribe = recorder.subscribe(self._timed)

    def _timed(self, changes: Any) -> None:
        start = time.perf_counter()
        self.panel._on_changes(changes)
        self.sync.append((time.perf_counter() - start) * 1000)

    def pump(self) -> None:
        if self.app is not None:
            self.app.processEvents()

    def close(self) -> None:
        if self.panel is not None:
            self._unsubscribe()
            self.panel.deleteLater()
            self.app.processEvents()

    def figures(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, values in (("panel", self.sync), ("panel_list_redraw", self.deferred)):
            if values:
                ordered = sorted(values)
                out[f"{name}_median_ms"] = round(ordered[len(ordered) // 2], 3)
                out[f"{name}_p99_ms"] = round(ordered[round(0.99 * (len(ordered) - 1))], 3)
                out[f"{name}_n"] = len(ordered)
        return out


BENCHMARKS = {"sequences_50k": sequences_50k, "prompt_overhead": prompt_overhead}
