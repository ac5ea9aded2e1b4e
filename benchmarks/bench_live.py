"""Live coding in the app: key press to painted event, start-up, memory with 100,000 events.

``live_keypress``: with 100,000 events in the coding, the time from posting the key press
that completes an event (through the Qt event loop) until it is committed and painted on
the timeline and in the table. ``startup``: a fresh process to the coding window shown and
ready for keys. ``memory_100k``: peak memory of the app with a 100,000-event coding open.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks._timing import scratch_dir, summary
from benchmarks.bench_recording import EXISTING, seeded_coding

KEYPRESSES = 300
STARTUP_RUNS = 7
ROOT = Path(__file__).resolve().parents[1]


def live_keypress() -> dict[str, Any]:
    """The whole window, with the prompts and charts panels as shipped."""
    return _live_keypress(side_panels=True)


def live_keypress_views() -> dict[str, Any]:
    """The live coding views only (clock, chart, palette, table, timeline, notes)."""
    return _live_keypress(side_panels=False)


def _live_keypress(side_panels: bool) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, Qt
    from PySide6.QtGui import QKeyEvent

    from observer.recording import Recorder
    from ui.app import make_application
    from ui.coding_window import CodingWindow

    app = make_application()
    store, coding_id = seeded_coding(EXISTING)
    recorder = Recorder(store, coding_id)
    recorder.resume_clock_at(EXISTING * 500, running=True)  # coding goes on after the last
    window = CodingWindow(recorder, side_panels=side_panels)
    window.resize(1280, 800)
    window.show()
    settle = time.perf_counter() + 3  # let the side panels load and draw once
    while time.perf_counter() < settle:
        app.processEvents()

    class Paints(QObject):
        count = 0

        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    table_paints = Paints()
    window.table.viewport().installEventFilter(table_paints)
    chart = window.chart

    def post(text: str) -> None:
        key = Qt.Key(ord(text.upper()))
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QCoreApplication.postEvent(
                chart, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text)
            )

    samples = []
    for i in range(KEYPRESSES):
        actor, target = str(1 + i % 8), str(1 + (i + 1) % 8)
        for ch in (actor, target):
            post(ch)
        app.processEvents()
        before = (len(recorder.events), window.timeline.paint_count, table_paints.count)
        began = time.perf_counter()
        post("s")  # support: the code key completes the event
        while True:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
            if (
                len(recorder.events) > before[0]
                and window.timeline.paint_count > before[1]
                and table_paints.count > before[2]
            ):
                break
        samples.append((time.perf_counter() - began) * 1000)
    recorded = len(recorder.events) - EXISTING
    window.close()
    recorder.close()
    half = len(samples) // 2
    return summary(
        samples,
        events_before=EXISTING,
        side_panels=side_panels,
        recorded=recorded,
        median_first_half_ms=round(statistics.median(samples[:half]), 3),
        median_second_half_ms=round(statistics.median(samples[half:]), 3),
    )


def _demo_database() -> Path:
    from observer.demo import create_demo
    from observer.store import open_store

    path = scratch_dir() / "demo.sqlite3"
    store = open_store(path)
    create_demo(store)
    store.close()
    return path


def _launch(db: Path, coding_id: int) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ui",
            "--db",
            str(db),
            "--coding",
            str(coding_id),
            "--ready-signal",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )


def _wait_ready(child: subprocess.Popen[str], began: float) -> float:
    """Milliseconds until the first window was shown; returns when the coding is ready."""
    assert child.stdout is not None
    shown = float("nan")
    for line in child.stdout:
        if line.startswith("SHOWN"):
            shown = (time.perf_counter() - began) * 1000
        if line.startswith("READY"):
            return shown
    raise RuntimeError("the app exited before it was ready")


def startup() -> dict[str, Any]:
    db = _demo_database()
    samples, shown, cpu = [], [], []
    for _ in range(STARTUP_RUNS):
        began = time.perf_counter()
        child = _launch(db, 1)
        shown.append(_wait_ready(child, began))
        samples.append((time.perf_counter() - began) * 1000)
        child.send_signal(signal.SIGKILL)
        _pid, _status, usage = os.wait4(child.pid, 0)
        cpu.append((usage.ru_utime + usage.ru_stime) * 1000)
    return summary(
        samples,
        coding_events=274,
        what="process start to coding window ready for keys",
        first_window_ms=round(statistics.median(shown), 1),
        cpu_ms=round(statistics.median(cpu), 1),
    )


def memory_100k() -> dict[str, Any]:
    store, coding_id = seeded_coding(EXISTING)
    db = Path(store.location)
    store.close()
    began = time.perf_counter()
    child = _launch(db, coding_id)
    _wait_ready(child, began)
    ready_ms = (time.perf_counter() - began) * 1000
    time.sleep(1.0)  # let the side panels load, as they would for an observer
    child.send_signal(signal.SIGTERM)
    _pid, _status, usage = os.wait4(child.pid, 0)
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    return {
        **summary([ready_ms], events=EXISTING),
        "peak_mb": round(peak_mb, 1),
        "open_ms": round(ready_ms, 1),
    }


BENCHMARKS = {
    "live_keypress": live_keypress,
    "live_keypress_views": live_keypress_views,
    "startup": startup,
    "memory_100k": memory_100k,
}
