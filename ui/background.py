"""Long work in a worker thread, a progress dialog with Cancel, the outcome in the GUI thread.

Imports, exports, the supervision report and agreement on long codings run here, so the
window keeps drawing while they work. The work is a core function given the callback of
:func:`observer.workspace.progress.watched`: it reports ``(done, total)``, and after
Cancel its next report raises ``Cancelled`` inside the work's own transaction, so a
cancelled import writes nothing. The dialog appears only for work that takes longer
than a moment, and waits, once Cancel is pressed, until the work has undone itself.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from observer.domain.errors import ObserverError
from observer.workspace.progress import Cancelled, Progress, watched
from ui import style

SHOW_AFTER_MS = 400
RUNNING, DONE, FAILED, CANCELLED = "running", "done", "failed", "cancelled"
log = logging.getLogger(__name__)


class Job(QObject):
    """One piece of long work on a worker thread. Its signals arrive in the GUI thread.

    ``progressed(done, total)`` as it goes, then one of ``done(result)``,
    ``failed(message)`` or ``cancelled()``, then ``finished()``.
    """

    progressed = Signal(int, int)
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()
    # Emitted by the worker; this object lives in the GUI thread, so they arrive queued.
    _reported = Signal(int, int)
    _ended = Signal(str, object)

    _running: ClassVar[set[Job]] = set()  # kept alive until they end

    def __init__(self, work: Callable[[Progress], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._stop = threading.Event()
        self.state = ""
        self.result: Any = None
        self.error = ""
        self.dialog: ProgressDialog | None = None
        self._reported.connect(self._on_reported)
        self._ended.connect(self._on_ended)

    def start(self) -> Job:
        global _releaser
        if _releaser is None:
            _releaser = _Releaser()  # made here, in the GUI thread
        self.state = RUNNING
        Job._running.add(self)
        # The pool holds the runnable, not the job: had it held a bound method, the worker
        # thread could drop the job's last reference as it finished, and a QObject then
        # destroyed on the wrong thread crashed the app while Qt handled events.
        ref = weakref.ref(self)
        QThreadPool.globalInstance().start(lambda: _run_job(ref))
        return self

    def cancel(self) -> None:
        """Ask the work to stop at its next report (it then rolls back what it began)."""
        self._stop.set()

    @property
    def cancel_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def running(self) -> bool:
        return self.state == RUNNING

    def _run(self) -> None:
        """On the worker thread: the work, then how it ended."""
        progress = watched(self._reported.emit, self._stop.is_set)
        try:
            result = self._work(progress)
        except Cancelled:
            self._ended.emit(CANCELLED, None)
        except ObserverError as exc:
            self._ended.emit(FAILED, str(exc))
        except Exception as exc:  # a bug: still a message, never a silent worker
            log.exception("Long work failed")
            self._ended.emit(FAILED, f"Something went wrong: {type(exc).__name__}: {exc}")
        else:
            self._ended.emit(DONE, result)

    @Slot(int, int)
    def _on_reported(self, done: int, total: int) -> None:
        if self.running:
            self.progressed.emit(done, total)

    @Slot(str, object)
    def _on_ended(self, state: str, value: Any) -> None:
        self.state = state
        if state == DONE:
            self.result = value
            self.done.emit(value)
        elif state == FAILED:
            self.error = str(value)
            self.failed.emit(self.error)
        else:
            self.cancelled.emit()
        self.finished.emit()


class ProgressDialog(QDialog):
    """How far a job got, with Cancel. Shown after a moment; closed when the job ends."""

    def __init__(
        self,
        job: Job,
        title: str,
        text: str,
        parent: QWidget | None = None,
        can_cancel: bool = True,
    ) -> None:
        super().__init__(parent)
        style.dress(self)
        # Not owned: the dialog is deleted later, and a job dropped inside that deletion
        # (a QObject destroyed while the dialog's connections were being undone) crashed.
        self._job = weakref.ref(job)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 12)
        layout.setSpacing(10)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until the first report says how much there is
        self.bar.setTextVisible(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setVisible(can_cancel)
        self._can_cancel = can_cancel
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.buttons)
        job.progressed.connect(self.show_progress)
        job.finished.connect(self._job_ended)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_if_running)
        self._timer.start(SHOW_AFTER_MS)

    @property
    def job(self) -> Job | None:
        return self._job()

    @property
    def _running(self) -> bool:
        job = self._job()
        return job is not None and job.running

    def show_progress(self, done: int, total: int) -> None:
        if total <= 0:  # how much is left is not known yet: a busy bar
            self.bar.setRange(0, 0)
            return
        if self.bar.maximum() != total:
            self.bar.setRange(0, total)
        self.bar.setValue(min(done, total))

    def reject(self) -> None:
        """Cancel and Escape stop the work; the dialog stays until it has stopped."""
        job = self._job()
        if job is None or not job.running:
            super().reject()
            return
        if self._can_cancel and not job.cancel_requested:
            job.cancel()
            self.label.setText("Cancelling… nothing will be written.")
            self.cancel_button.setEnabled(False)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._running:
            self.reject()
            event.ignore()
            return
        super().closeEvent(event)

    def _show_if_running(self) -> None:
        if self._running:
            self.show()

    def _job_ended(self) -> None:
        self._timer.stop()
        job = self._job()
        if job is not None:
            job.dialog = None
        if self.bar.maximum() == 0:
            self.bar.setRange(0, 1)
        self.bar.setValue(self.bar.maximum())
        self.hide()
        self.deleteLater()


class _Releaser(QObject):
    """Lives in the GUI thread: a finished job's last reference is dropped there."""

    released = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.released.connect(self._release, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _release(self, job: Job) -> None:
        Job._running.discard(job)


_releaser: _Releaser | None = None


def _run_job(ref: weakref.ref[Job]) -> None:
    """On a worker thread: the job's work; then its release is handed to the GUI thread,
    after this thread has let go of it."""
    job = ref()
    if job is None:
        return
    releaser = _releaser
    assert releaser is not None
    try:
        job._run()
    finally:
        # The queued signal holds the job until the GUI thread has run the slot.
        releaser.released.emit(job)
        del job


def run_in_background(
    parent: QWidget | None,
    title: str,
    text: str,
    work: Callable[[Progress], Any],
    can_cancel: bool = True,
) -> Job:
    """Start ``work(progress)`` on a worker thread, with a progress dialog over ``parent``
    (without Cancel for work that cannot be taken back half-way).

    Connect to the job's signals on return: they arrive through the event loop, so none
    is missed.
    """
    job = Job(work)
    job.dialog = ProgressDialog(job, title, text, parent, can_cancel)
    return job.start()
