"""The live agreement indicator: "agreement with HK, last 5 min: κ 0.72" in the status bar.

Shown in a live coding's window while a co-observer's live coding of the same session
exists. The figure is the core's (``observer.workspace.co_observers``); this widget only
decides when to read it again: when a change is announced on the database's notice board
(an event recorded here, or a co-observer's coding changing), never more often than every
``MIN_GAP_MS``, and at most every ``SLOW_MS`` without any notice. A reading is one
co-observer's coding read whole: milliseconds from a file, a few round trips to a server,
so it runs on a worker thread and the key presses never wait for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from observer.domain.coding_data import CodingData
from ui import style
from ui.background import Job
from ui.bridge import Bridge, bridge_for

if TYPE_CHECKING:  # the figure needs numpy: imported at the first reading, not at startup
    from observer.analysis.live_agreement import RecentAgreement
    from observer.workspace.recording import Recorder

MIN_GAP_MS = 5_000
SLOW_MS = 30_000
FIRST_MS = 1_000  # the first reading waits until the window has been drawn


class AgreementIndicator(QLabel):
    """Agreement with each co-observer so far; hidden while there is none."""

    # Each reading's result, shown; tests wait for it.
    refreshed = Signal(object)

    def __init__(
        self, recorder: Recorder, now: Callable[[], int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("agreementIndicator")
        style.set_ink(self, style.MUTED)
        self._recorder = recorder
        self._now = now
        self._last_read = -float("inf")
        self._due = QTimer(self)
        self._due.setSingleShot(True)
        self._due.timeout.connect(self._read)
        self._slow = QTimer(self)
        self._slow.setInterval(SLOW_MS)
        self._slow.timeout.connect(self.refresh_soon)
        self._slow.start()
        self._bridge: Bridge | None = bridge_for(recorder.notices)
        self._bridge.changed.connect(self._heard)
        self._reading: Job | None = None
        self._others = False  # whether the last reading found a co-observer
        self.hide()
        self._due.start(FIRST_MS)

    def _heard(self, _changes: object) -> None:
        self.refresh_soon()

    def refresh_soon(self) -> None:
        """Read the figure again as soon as the gap since the last reading allows."""
        if self._due.isActive():
            return
        waited_ms = (time.monotonic() - self._last_read) * 1000
        self._due.start(int(max(0, MIN_GAP_MS - waited_ms)))

    def _read(self) -> None:
        # Read on a worker thread: on a server a reading is a connection and a few round
        # trips (a fifth of a second over a slow link), which in the GUI thread would hold
        # up the key presses made meanwhile. One reading at a time.
        if self._reading is not None or self._bridge is None:
            return
        self._last_read = time.monotonic()
        recorder = self._recorder
        store, coding_id, now_ms = recorder.store, recorder.coding_id, self._now()
        # Most codings have no co-observer: then one small query, and the coding's events
        # are not even copied. They are copied here, where the Recorder is kept.
        mine = CodingData.of(recorder.info, tuple(recorder.events)) if self._others else None

        def reading(_progress: object) -> Sequence[RecentAgreement] | None:
            from observer.workspace.co_observers import agreement_so_far, co_codings

            if mine is None:
                return None if co_codings(store, coding_id) else []
            return agreement_so_far(store, mine, now_ms)

        job = self._reading = Job(reading)
        job.done.connect(self._read_done)
        # A database fault: the figure waits for the next notice.
        job.finished.connect(self._read_ended)
        job.start()

    def _read_done(self, found: Sequence[RecentAgreement] | None) -> None:
        self._others = found is None or bool(found)
        if found is None:  # a co-observer appeared: read again with this coding's events
            self._last_read = -float("inf")
            self.refresh_soon()
        else:
            self._show(found)

    def _read_ended(self) -> None:
        self._reading = None

    def _show(self, found: Sequence[RecentAgreement]) -> None:
        if self._bridge is None:
            return  # the window closed while the reading ran
        self.setText("  ·  ".join(f.text() for f in found))
        self.setToolTip(
            "Event kappa by code over the last minutes, events paired within "
            "±2 s after lining the clocks up by their anchors (docs/agreement.md)."
        )
        self.setVisible(bool(found))
        self.refreshed.emit(found)

    def stop(self) -> None:
        """Read nothing more (the window is closing)."""
        self._slow.stop()
        self._due.stop()
        if self._bridge is not None:  # a window may say it closed more than once
            self._bridge.changed.disconnect(self._heard)
            self._bridge = None
