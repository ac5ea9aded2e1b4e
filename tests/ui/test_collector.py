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
