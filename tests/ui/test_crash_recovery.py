"""Nothing on screen is lost: kill -9 the app mid-coding, reopen, every event is there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import open_window, stored_events
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton

from observer.domain.clock import ClockState
from observer.domain.resume import resume_offer
from observer.workspace.recording import Recorder

CHILD = Path(__file__).with_name("crash_child.py")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_killed_mid_coding_keeps_every_acknowledged_event(
    demo_store: Any, fresh_coding: int, fake_time: Any, qtbot: Any
) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, str(CHILD), demo_store.location, str(fresh_coding)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    acknowledged: list[int] = []
    try:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("ACK "):
                acknowledged.append(int(line.split()[1]))
            if len(acknowledged) >= 40:
                break
        os.kill(child.pid, signal.SIGKILL)  # mid-way: the child is typing the next event
    finally:
        child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert len(acknowledged) >= 40

    on_disk = {e.id for e in stored_events(demo_store, fresh_coding)}
    missing = set(acknowledged) - on_disk
    assert not missing, f"acknowledged but lost: {sorted(missing)}"

    # Reopened, the coding offers to resume the clock that was running when it died.
    window = open_window(demo_store, fresh_coding, fake_time, qtbot)
    try:
        assert window.model.rowCount() == len(on_disk)
        bar = shown_resume_bar(window)
        assert bar is not None and "closed while the clock was running" in bar_text(bar)
        last = max(e.time_ms for e in window.recorder.events)
        continue_, resume_here, leave = bar.findChildren(QPushButton)
        assert "as if it never stopped" in continue_.text() and leave.text() == "Leave paused"
        assert "last event" in resume_here.text()
        qtbot.mouseClick(resume_here, Qt.MouseButton.LeftButton)
        assert shown_resume_bar(window) is None
        assert window.recorder.clock.running and window.recorder.clock.elapsed_ms() == last
        assert window.header.clock_state.text() == "running"
    finally:
        window.close()
        window.recorder.close()


def shown_resume_bar(window: Any) -> QFrame | None:
    """The bar under the header that offers how to resume, if it is on screen."""
    bar = window.findChild(QFrame, "resumeBar")
    return bar if bar is not None and bar.isVisible() else None


def bar_text(bar: QFrame) -> str:
    return " ".join(label.text() for label in bar.findChildren(QLabel))


def test_no_offer_when_the_clock_was_paused() -> None:
    assert resume_offer(ClockState(5000, None), 4000) is None


def test_offer_when_the_clock_was_running() -> None:
    from observer.domain.clock import utcnow

    now = utcnow()
    offer = resume_offer(ClockState(60_000, now - timedelta(seconds=90)), 100_000, now)
    assert offer is not None
    continued, last, paused = offer.choices
    assert (continued.elapsed_ms, continued.running) == (150_000, True)
    assert (last.elapsed_ms, last.running) == (100_000, True)
    assert (paused.elapsed_ms, paused.running) == (100_000, False)
    assert "01:40" in offer.message


def test_a_deliberate_close_pauses_so_nothing_is_offered(
    demo_store: Any, fresh_coding: int, fake_time: Any, qtbot: Any
) -> None:
    window = open_window(demo_store, fresh_coding, fake_time, qtbot)
    qtbot.keyClick(window.chart, Qt.Key.Key_F5)
    fake_time.advance(12)
    window.close()
    window.recorder.close()
    again = Recorder(demo_store, fresh_coding)
    assert not again.saved_clock.was_running and again.saved_clock.elapsed_ms == 12_000
    again.close()
