"""The timeline: zoom and scroll change what is visible; a click on a mark selects its event."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from observer.workspace.recording import Recorder


@pytest.fixture
def coding(demo_store: Any, fake_time: Any, qtbot: Any) -> Any:
    """Demo coding 1 (75 minutes) in a window, the clock at 30:00."""
    from conftest import open_window

    window = open_window(demo_store, 1, fake_time, qtbot)
    window.recorder.clock.set_elapsed(30 * 60_000)
    window.timeline.set_follow_now(True)
    yield window
    window.close()
    window.recorder.close()


def test_zoom_changes_the_visible_range(coding: Any, qtbot: Any) -> None:
    timeline = coding.timeline
    start, end = timeline.visible_range()
    shown = len(timeline.visible_points())
    timeline.zoom(4)
    zoomed_start, zoomed_end = timeline.visible_range()
    assert zoomed_end - zoomed_start == (end - start) // 4
    assert zoomed_start <= 30 * 60_000 <= zoomed_end  # "now" stays in view while following
    assert len(timeline.visible_points()) < shown
    timeline.show_all()
    assert timeline.visible_range()[0] == 0 and timeline.visible_range()[1] >= 75 * 60_000
    assert len(timeline.visible_points()) == timeline.point_count


def test_ctrl_wheel_zooms_and_wheel_scrolls(coding: Any, qtbot: Any) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent

    timeline = coding.timeline
    span = timeline.span_ms

    def wheel(dy: int, mods: Qt.KeyboardModifier) -> None:
        pos = QPointF(timeline.width() / 2, timeline.height() / 2)
        event = QWheelEvent(
            pos,
            timeline.mapToGlobal(pos),
            QPoint(),
            QPoint(0, dy),
            Qt.MouseButton.NoButton,
            mods,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        timeline.wheelEvent(event)

    wheel(120, Qt.KeyboardModifier.ControlModifier)
    assert timeline.span_ms < span and not timeline.follow_now
    start = timeline.start_ms
    wheel(-120, Qt.KeyboardModifier.NoModifier)
    assert timeline.start_ms > start


def test_click_on_a_mark_selects_the_event_in_the_table(coding: Any, qtbot: Any) -> None:
    timeline = coding.timeline
    event = timeline.visible_points()[len(timeline.visible_points()) // 2]
    at = timeline.mark_position(event.id).toPoint()
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=at)
    assert timeline.selected == event.id
    assert coding.table.selected_ids() == [event.id]
    # and back: selecting a row selects the mark
    other = coding.model.event_at(3)
    coding.table.select_event(other.id)
    assert timeline.selected == other.id


def test_state_codes_are_bands_and_the_mode_band_is_drawn(coding: Any, qtbot: Any) -> None:
    timeline = coding.timeline
    recorder: Recorder = coding.recorder
    work = next(e for e in recorder.events if e.code == "work")
    timeline.show_all()
    image = timeline.grab().toImage()
    x = int(timeline.x_of(work.time_ms + 60_000))
    colour = image.pixelColor(x, 3).name()  # above the band's label
    assert colour == "#1b7223"  # the work group's colour along the top band


def test_new_events_appear_at_now_while_following(coding: Any, qtbot: Any, fake_time: Any) -> None:
    timeline = coding.timeline
    coding.recorder.start_clock()
    fake_time.advance(600)  # ten minutes later
    for ch in "1 q":
        qtbot.keyClick(coding.chart, ch)
    start, end = timeline.visible_range()
    [newest] = [e for e in coding.recorder.events if e.time_ms == 40 * 60_000]
    assert newest.code == "question" and start <= newest.time_ms <= end
    assert newest in timeline.visible_points()


def test_a_paused_coding_opens_where_its_clock_stands(
    demo_store: Any, fake_time: Any, qtbot: Any
) -> None:
    """Reopened at 75:00 with the clock paused, the timeline shows the last minutes."""
    from conftest import open_window

    window = open_window(demo_store, 1, fake_time, qtbot)
    try:
        assert not window.recorder.clock.running
        now = window.recorder.clock.elapsed_ms()
        assert now == 75 * 60_000
        start, end = window.timeline.visible_range()
        assert start < now <= end and start > 0
        assert window.timeline.visible_points()  # the last events are drawn
    finally:
        window.close()
        window.recorder.close()
