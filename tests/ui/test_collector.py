"""Qt objects are destroyed on the GUI thread, never on a worker that happened to allocate
when Python's collector ran (``ui.collector``, started by the app as it opens)."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, Qt

from ui.collector import collect_on_this_thread


class _Cycle:
    """Garbage only the collector frees: it refers to itself."""

    def __init__(self, widget: QObject | None = None) -> None:
        self.me = self
        self.widget = widget


def _allocate(cycles: int) -> None:
    for _ in range(cycles):
        _Cycle()


def test_a_qt_object_in_a_dropped_cycle_is_destroyed_on_the_gui_thread(
    qapp: Any, qtbot: Any
) -> None:
    timer = collect_on_this_thread(qapp)  # what the app does once its window is up
    try:
        where: list[str] = []
        timer_like = QObject()
        timer_like.destroyed.connect(
            lambda: where.append(threading.current_thread().name),
            Qt.ConnectionType.DirectConnection,
        )
        _Cycle(timer_like)
        del timer_like
        # A worker (the sender, a chart's) allocates enough to fill every generation.
        worker = threading.Thread(target=_allocate, args=(100_000,), name="worker")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: bool(where), timeout=5000)
        assert where == [threading.main_thread().name]
    finally:
        timer.stop()
        timer.deleteLater()


def test_full_passes_are_spaced_out(monkeypatch: Any) -> None:
    """A full pass walks everything the app holds (a stalled key on a big heap): the
    collector does one only when enough time has passed since the last."""
    import gc

    from ui import collector

    for _ in range(gc.get_threshold()[2] + 1):
        gc.collect(1)  # each counts towards the next full pass
    monkeypatch.setattr(collector, "FULL_GAP_S", 3600.0)
    collector.collect_if_due()  # may collect a younger generation
    assert gc.get_count()[2] > gc.get_threshold()[2]  # the full pass waits
    monkeypatch.setattr(collector, "FULL_GAP_S", 0.0)
    assert collector.collect_if_due() == 2
    assert gc.get_count()[2] == 0
