"""Python's garbage collector, run on the GUI thread only.

Left to itself, the collector runs on whichever thread allocates when a generation is
full: the server sender, a chart's worker, the toolkit's loading thread. A Qt object it
frees there (a closed dialog's timer, a start screen from earlier) is destroyed off its own
thread, which Qt forbids ("Timers cannot be stopped from another thread") and which can
crash the app. So the automatic collector is off while the app runs, and a GUI-thread
timer does its work by the same thresholds. Objects without cycles are freed at once by
reference counting, as always; only cycles wait for the next tick.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 100  # how often the GUI thread looks whether a generation is full
# A full pass walks every object the app holds (~0.1 s once the charts' libraries are
# loaded): Python spaces them out by how much survived the last one; here, by time.
FULL_GAP_S = 30.0


class _Collector:
    def __init__(self) -> None:
        self.last_full = time.monotonic()

    def collect_if_due(self) -> int | None:
        counts = gc.get_count()
        thresholds = gc.get_threshold()
        full_allowed = time.monotonic() - self.last_full >= FULL_GAP_S
        for generation in (2, 1, 0):
            if generation == 2 and not full_allowed:
                continue
            if thresholds[generation] and counts[generation] > thresholds[generation]:
                gc.collect(generation)
                if generation == 2:
                    self.last_full = time.monotonic()
                return generation
        return None


_collector = _Collector()


def collect_if_due() -> int | None:
    """Collect the oldest generation past its threshold, as Python would (a full pass at
    most every ``FULL_GAP_S``); which one, if any.

    Call on the GUI thread (the timer does; tests call it between tests).
    """
    return _collector.collect_if_due()


def collect_on_this_thread(owner: QObject) -> QTimer:
    """Turn the automatic collector off and collect from a timer of ``owner``'s thread."""
    gc.disable()
    timer = QTimer(owner)
    timer.setObjectName("garbageCollector")
    timer.setInterval(INTERVAL_MS)
    timer.timeout.connect(collect_if_due)
    timer.start()
    return timer
