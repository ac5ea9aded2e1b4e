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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks._timing import scratch_dir, summary
from benchmarks.bench_recording import EXISTING, seeded_coding

KEYPRESSES = 300
STARTUP_RUNS = 7
ROOT = Path(__file__).resolve().parents[1]
_PYCACHE = scratch_dir() / "pycache"


def live_keypress() -> dict[str, Any]:
    """The whole window, with the prompts and charts panels as shipped."""
    return _live_keypress(side_panels=True)


def live_keypress_views() -> dict[str, Any]:
    """The live coding views only (clock, chart, palette, table, timeline, notes)."""
    return _live_keypress(side_panels=False)


def live_keypress_charts() -> dict[str, Any]:
    """The whole window with the Charts tab in front (they redraw about once a second)."""
    return _live_keypress(side_panels=True, charts_shown=True)


def live_keypress_modifiers() -> dict[str, Any]:
    """A confrontation with its valence and intensity chosen by key (``1 2 c n h``): from
    the last modifier key to the event's modifiers committed and painted in the table."""
    return _live_keypress(side_panels=True, modifiers=True)


def _live_keypress(
    side_panels: bool,
    charts_shown: bool = False,
    modifiers: bool = False,
    database: Callable[[], tuple[Any, int]] | None = None,
) -> dict[str, Any]:
    """``database``: the store and coding to record into (default: a scratch file)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, Qt
    from PySide6.QtGui import QKeyEvent

    from observer.workspace.recording import Recorder
    from ui.app import make_application
    from ui.coding_window import CodingWindow
    from ui.collector import collect_on_this_thread

    app = make_application()
    collect_on_this_thread(app)  # as the app runs: the collector on the GUI thread only
    store, coding_id = database() if database is not None else seeded_coding(EXISTING)
    recorder = Recorder(store, coding_id)
    recorder.resume_clock_at(EXISTING * 500, running=True)  # coding goes on after the last
    window = CodingWindow(recorder, side_panels=side_panels)
    window.resize(1280, 800)
    window.show()
    settle = time.perf_counter() + 3  # let the side panels load and draw once
    while time.perf_counter() < settle:
        app.processEvents()
    if charts_shown:
        from PySide6.QtWidgets import QDockWidget

        dock = window.findChild(QDockWidget, "chartsDock")
        assert dock is not None
        dock.raise_()
        settle = time.perf_counter() + 60
        while getattr(window, "charts", None) is None or not window.charts.draw_count:
            app.processEvents()
            assert time.perf_counter() < settle, "the charts did not draw"

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
        if modifiers:
            for ch in (actor, target, "c", "n"):  # confrontation, negative
                post(ch)
            app.processEvents()
            waiting = recorder.awaiting_modifiers()
            before_paints = table_paints.count
            began = time.perf_counter()
            post("h")  # high: the last set is chosen, the strip closes
            while True:
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
                if not recorder.awaiting_modifiers() and table_paints.count > before_paints:
                    break
            assert len(waiting) == 1
            samples.append((time.perf_counter() - began) * 1000)
            continue
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
        charts_shown=charts_shown,
        max_ms=round(max(samples), 3),
        recorded=recorded,
        median_first_half_ms=round(statistics.median(samples[:half]), 3),
        median_second_half_ms=round(statistics.median(samples[half:]), 3),
    )


def _demo_database() -> Path:
    from observer.storage.store import open_store
    from observer.workspace.demo import create_demo

    path = scratch_dir() / "demo.sqlite3"
    store = open_store(path)
    create_demo(store)
    store.close()
    return path


# The app as started by ``python -m ui``, whose observer brings the Charts tab to the front
# a second after the coding window is up (the charts are built when first shown).
_OPEN_CHARTS = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDockWidget
import ui.app

opened = ui.app.App.open_coding

def open_coding(self, coding_id):
    window = opened(self, coding_id)
    def show_charts():
        dock = window.findChild(QDockWidget, "chartsDock")
        if dock is None:
            QTimer.singleShot(100, show_charts)  # the side panels are still loading
            return
        dock.raise_()
        print("CHARTS", flush=True)
    QTimer.singleShot(1000, show_charts)
    return window

ui.app.App.open_coding = open_coding
sys.exit(ui.app.main(sys.argv[1:]))
"""


def _launch(db: Path, coding_id: int | None, open_charts: bool = False) -> subprocess.Popen[str]:
    """The app on ``db``: straight into a coding, or (``coding_id`` None) the start screen."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    # As installed, the app's modules are compiled once, not at every start: keep their
    # bytecode (in a scratch folder, not the source tree) even where the environment says
    # not to write it. The first, compiling, start is reported apart.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(_PYCACHE)
    # What users run: the installed ``group-observer`` (``python -m ui`` where it is not).
    script = Path(sys.executable).with_name("group-observer")
    if open_charts:
        command = [sys.executable, "-c", _OPEN_CHARTS]
    elif script.exists():
        command = [str(script)]
    else:
        command = [sys.executable, "-m", "ui"]
    return subprocess.Popen(
        [
            *command,
            "--db",
            str(db),
            *(["--coding", str(coding_id)] if coding_id is not None else []),
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
            # Straight into a coding there is no placeholder: the coding window is the first.
            return shown if shown == shown else (time.perf_counter() - began) * 1000
    raise RuntimeError("the app exited before it was ready")


def startup() -> dict[str, Any]:
    return _startup(coding_id=1, what="group-observer --coding: process start to the coding "
                    "window ready for keys")  # fmt: skip


def start_screen() -> dict[str, Any]:
    return _startup(coding_id=None, what="group-observer: process start to the start screen "
                    "listing the database")  # fmt: skip


def _startup(coding_id: int | None, what: str) -> dict[str, Any]:
    return _startup_on(_demo_database(), coding_id, what)


def _startup_on(db: Path, coding_id: int | None, what: str) -> dict[str, Any]:
    samples, shown, cpu = [], [], []
    first_run_ms = None
    for run in range(STARTUP_RUNS + 1):
        began = time.perf_counter()
        child = _launch(db, coding_id)
        first_shown = _wait_ready(child, began)
        ready_ms = (time.perf_counter() - began) * 1000
        child.send_signal(signal.SIGKILL)
        _pid, _status, usage = os.wait4(child.pid, 0)
        if run == 0:
            first_run_ms = round(ready_ms, 1)  # compiles the app's modules
            continue
        shown.append(first_shown)
        samples.append(ready_ms)
        cpu.append((usage.ru_utime + usage.ru_stime) * 1000)
    return summary(
        samples,
        coding_events=274,
        what=what,
        first_window_ms=round(statistics.median(shown), 1),
        cpu_ms=round(statistics.median(cpu), 1),
        first_run_ms=first_run_ms,
    )


def memory_100k() -> dict[str, Any]:
    """Peak memory as the window opens (default layout), and after the Charts tab is shown."""
    store, coding_id = seeded_coding(EXISTING)
    db = Path(store.location)
    store.close()
    began = time.perf_counter()
    child = _launch(db, coding_id)
    _wait_ready(child, began)
    ready_ms = (time.perf_counter() - began) * 1000
    time.sleep(3.0)  # let the side panels load, as they would for an observer
    peak_mb = _peak_mb(child)
    child = _launch(db, coding_id, open_charts=True)
    _wait_ready(child, time.perf_counter())
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("CHARTS"):
            break
    time.sleep(4.0)  # the charts import matplotlib, read the coding and draw
    charts_mb = _peak_mb(child)
    return {
        **summary([ready_ms], events=EXISTING),
        "peak_mb": round(peak_mb, 1),
        "peak_mb_charts_shown": round(charts_mb, 1),
        "open_ms": round(ready_ms, 1),
    }


def _peak_mb(child: subprocess.Popen[str]) -> float:
    """The app's own peak resident memory, then stop it.

    Read from the process itself (VmHWM): the ``ru_maxrss`` that ``wait4`` reports starts
    from the benchmark process's size at fork, so it reported the harness (hundreds of MB
    after the in-process benchmarks) rather than the app whenever the harness was larger.
    """
    status = Path(f"/proc/{child.pid}/status")
    peak_kb = None
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak_kb = int(line.split()[1])
    child.send_signal(signal.SIGTERM)
    _pid, _status, usage = os.wait4(child.pid, 0)
    return float((peak_kb if peak_kb is not None else usage.ru_maxrss) / 1024)  # kB


BENCHMARKS = {
    "live_keypress": live_keypress,
    "live_keypress_modifiers": live_keypress_modifiers,
    "live_keypress_views": live_keypress_views,
    "live_keypress_charts": live_keypress_charts,
    "startup": startup,
    "start_screen": start_screen,
    "memory_100k": memory_100k,
}
