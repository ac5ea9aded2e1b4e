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

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 100  # how often the GUI thread looks whether a generation is full


def collect_if_due() -> int | None:
    """Collect the oldest generation past its threshold, as Python would; which one, if any.

    Call on the GUI thread (the timer does; tests call it between tests).
    """
    counts = gc.get_count()
    thresholds = gc.get_threshold()
    for generation in (2, 1, 0):
        if thresholds[generation] and counts[generation] > thresholds[generation]:
            gc.collect(generation)
            return generation
    return None


def collect_on_this_thread(owner: QObject) -> QTimer:
    """Turn the automatic collector off and collect from a timer of ``owner``'s thread."""
    gc.disable()
    timer = QTimer(owner)
    timer.setObjectName("garbageCollector")
    timer.setInterval(INTERVAL_MS)
    timer.timeout.connect(collect_if_due)
    timer.start()
    return timer
