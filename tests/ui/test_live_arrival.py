"""Coding a member marked absent in the window: asked once, drawn present after a yes."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import open_window, stored_events
from PySide6.QtCore import Qt

from observer.workspace.codings import new_coding

QUESTION = "Chloe is marked absent. Did Chloe come in late? y: yes, from now · n: no"


@pytest.fixture
def window(demo_store: Any, fake_time: Any, qtbot: Any) -> Any:
    """A live coding of the demo's second session, from which Chloe is marked absent."""
    coding_id = new_coding(demo_store, 2, "TS", ["here-and-now", "bion"], name="late")
    w = open_window(demo_store, coding_id, fake_time, qtbot)
    w.coding_id = coding_id
    yield w
    w.close()
    w.recorder.close()


def chloe_of(window: Any) -> Any:
    return next(p for p in window.chart.people if p.label == "Chloe")


def arrived_ms(window: Any, member_key: str) -> list[Any]:
    """Chloe's attendance of this session, read afresh: [] while she is marked absent."""
    with sqlite3.connect(window.recorder.store.location) as conn:
        rows = conn.execute(
            "SELECT arrived_ms FROM attendance WHERE member_id = ? AND session_id = ?",
            (int(member_key[1:]), window.recorder.info.session_id),
        )
        return [r[0] for r in rows]


def test_yes_marks_chloe_present_from_the_moment_she_was_coded(
    window: Any, qtbot: Any, fake_time: Any, demo_store: Any, out_dir: Path
) -> None:
    chloe = chloe_of(window)
    assert not chloe.present
    seat = window.entry.seat_key_of(chloe.key)
    qtbot.keyClick(window.chart, Qt.Key.Key_F5)
    fake_time.advance(95)
    qtbot.keyClick(window.chart, seat)
    assert window.statusBar().currentMessage() == QUESTION
    assert "came in late?" in window.header.entry.text()
    window.resize(1280, 800)
    window.grab().save(str(out_dir / "coding-window-late-arrival.png"))
    fake_time.advance(2)
    qtbot.keyClick(window.chart, "y")
    assert arrived_ms(window, chloe.key) == [95_000]
    qtbot.waitUntil(lambda: chloe_of(window).present)
    assert ("Chloe", True) in window.timeline.track_names()  # her track is no longer greyed
    qtbot.keyClick(window.chart, "1")
    qtbot.keyClick(window.chart, "s")
    [event] = stored_events(demo_store, window.coding_id)
    assert (event.code, event.actor, event.time_ms) == ("support", chloe.key, 97_000)
    # Asked once: coded again, she is simply chosen.
    qtbot.keyClick(window.chart, seat)
    assert window.entry.actor == chloe.key


def test_no_records_nothing_and_she_stays_absent(window: Any, qtbot: Any, demo_store: Any) -> None:
    chloe = chloe_of(window)
    qtbot.keyClick(window.chart, "1")
    qtbot.keyClick(window.chart, window.entry.seat_key_of(chloe.key))
    assert window.statusBar().currentMessage() == QUESTION
    qtbot.keyClick(window.chart, Qt.Key.Key_Escape)
    assert window.statusBar().currentMessage() == "Nothing recorded: Chloe is marked absent."
    qtbot.keyClick(window.chart, "q")  # a code key now is no event: nothing half-entered
    assert stored_events(demo_store, window.coding_id) == []
    assert arrived_ms(window, chloe.key) == []
    assert not chloe_of(window).present
