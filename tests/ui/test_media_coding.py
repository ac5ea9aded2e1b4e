"""Media coding in the coding window: the recording is the clock (tests/data/clip.mp4, 10 fps).

What is shown is asserted on the frames reaching the video sink (``frame_shown``), on
the widgets and what they draw, and what is coded on the database; no timed assertions.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import drawn, stored_events
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFrame,
    QInputDialog,
    QLabel,
    QPushButton,
)

from observer.domain.clock import format_time
from observer.workspace.codings import new_coding
from observer.workspace.groups import attach_media
from observer.workspace.media import get_media
from observer.workspace.recording import Recorder
from ui import style
from ui.coding_window import CodingWindow
from ui.media.player import MISSING, UNPLAYABLE, MediaPlayer
from ui.media_coding import PLAYHEAD

CLIP = Path(__file__).resolve().parents[1] / "data" / "clip.mp4"
FRAME_MS = 100
OFFSET = 60_000  # the camera started a minute into the session
WAIT = 5000
# What Qt Multimedia says of a damaged file, which these tests give it on purpose.
BROKEN_FILE_WARNINGS = pytest.mark.qt_log_ignore(
    "No SW decoder found", "Could not open media. FFmpeg error description"
)


def frame_at(media_ms: int) -> int:
    return min(media_ms, 1999) // FRAME_MS * FRAME_MS


def keys(qtbot: Any, window: Any, text: str) -> None:
    for ch in text:
        qtbot.keyClick(window.chart, ch)


def player_of(window: Any) -> MediaPlayer:
    """The recording's player, as shown beside the seating chart."""
    player = window.findChild(MediaPlayer, "codingPlayer")
    assert player is not None
    return player


def locate_button(player: MediaPlayer) -> QPushButton:
    button = player.findChild(QPushButton, "locateMedia")
    assert button is not None and button.text() == "Locate…"
    return button


def table_playhead_row(table: Any) -> int:
    """The row the red playhead line is drawn under in the event list (-1: above the first)."""
    viewport = table.viewport()
    ys = drawn(viewport, PLAYHEAD, x=viewport.width() // 2)
    assert ys, "no playhead drawn in the event list"
    y = (min(ys) + max(ys)) / 2
    if y < 4:
        return -1
    rows = range(table.model().rowCount())
    return min(rows, key=lambda r: abs(table.visualRect(table.model().index(r, 0)).bottom() - y))


def now_line_x(timeline: Any, track: str) -> float:
    """Where the timeline draws its "now" line, across someone's (empty) track."""
    plot_left = timeline.x_of(timeline.visible_range()[0])  # right of the track labels
    xs = [x for x in drawn(timeline, style.ACCENT, y=round(timeline.track_y(track)), tolerance=90)
          if x >= plot_left]  # fmt: skip
    assert xs, "no now line drawn"
    return (min(xs) + max(xs)) / 2


def open_coding(qtbot: Any, store: Any, coding_id: int, ready: bool = True, **kw: Any) -> Any:
    window = CodingWindow(Recorder(store, coding_id), side_panels=False, **kw)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    if ready:
        qtbot.waitUntil(lambda: player_of(window).ready, timeout=WAIT)
    return window


def seek_shown(qtbot: Any, window: Any, media_ms: int) -> None:
    player = player_of(window)
    want = frame_at(media_ms)
    with qtbot.waitSignal(player.frame_shown, timeout=WAIT, check_params_cb=lambda s: s == want):
        player.seek(media_ms)


@pytest.fixture
def media_id(demo_store: Any) -> int:
    return attach_media(demo_store, 1, str(CLIP), offset_ms=OFFSET, label="camera")


@pytest.fixture
def window(qtbot: Any, demo_store: Any, media_id: int) -> Any:
    coding = new_coding(demo_store, 1, "SV", ["here-and-now", "bion"], clock_mode="media",
                        capacity="supervisor", media_file_id=media_id)  # fmt: skip
    w = open_coding(qtbot, demo_store, coding)
    yield w
    w.close()
    w.recorder.close()


def test_a_media_coding_shows_the_player_beside_chart_and_palette(window: Any) -> None:
    player = player_of(window)
    times = window.findChild(QLabel, "mediaTime")  # the transport's media and session time
    assert player.isVisible() and times is not None and times.isVisible()

    # One row: the player column, then the seating chart and palette, then the events.
    def left_top(widget: Any) -> tuple[int, int]:
        at = widget.mapTo(window, QPoint(0, 0))
        return at.x(), at.y()

    (player_x, player_y), (chart_x, chart_y) = left_top(player), left_top(window.chart)
    palette_x, _ = left_top(window.palette_view)
    table_x, table_y = left_top(window.table)
    assert player_x < chart_x == palette_x < table_x
    assert player_y == chart_y == table_y
    assert player_x + player.width() <= chart_x  # side by side, not over each other
    assert window.header.clock.text() == "01:00.0"  # session time = media 0 + offset
    assert "media 00:00.0" in window.header.clock_state.text()
    assert window.findChild(QFrame, "resumeBar") is None  # no crash to resume from
    # F5 plays and pauses the recording; the Media menu has the transport and the rest.
    assert window.clock_action.text() == "&Play / pause the recording"
    assert [a.text() for a in window.menuBar().actions()][-1] == "&Media"


def test_keys_record_the_media_position_as_session_time(qtbot: Any, window: Any) -> None:
    for at, text in ((300, " W"), (800, "3 q"), (1200, "21s"), (1700, " D")):
        seek_shown(qtbot, window, at)
        keys(qtbot, window, text)
    events = stored_events(window.recorder.store, window.recorder.coding_id)
    assert [(e.time_ms, e.code, e.actor, e.targets) for e in events] == [
        (OFFSET + 300, "work", "group", ()),
        (OFFSET + 800, "question", "m3", ("group",)),
        (OFFSET + 1200, "support", "m2", ("m1",)),
        (OFFSET + 1700, "dependency", "group", ()),
    ]
    # State codes as in live coding: dependency ended work at the same moment.
    assert events[0].end_ms == OFFSET + 1700
    # The header shows the group's mode at the playhead.
    assert window.header.mode.text().startswith("Dependency")
    seek_shown(qtbot, window, 1000)
    assert window.header.mode.text().startswith(window.recorder.palette.code("work").label)
    # Undo as in live coding.
    qtbot.keyClick(window.chart, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [e.code for e in stored_events(window.recorder.store, window.recorder.coding_id)] == [
        "work", "question", "support",
    ]  # fmt: skip


def test_keys_during_playback_land_in_the_frame_on_screen(qtbot: Any, window: Any) -> None:
    player = player_of(window)
    shown: list[int] = []
    player.frame_shown.connect(shown.append)
    seek_shown(qtbot, window, 0)
    with qtbot.waitSignal(player.playing_changed, timeout=WAIT):
        qtbot.keyClick(window.chart, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    pressed: list[int] = []
    for code in "WDF":
        qtbot.keyClick(window.chart, " ")  # the group...
        with qtbot.waitSignal(player.frame_shown, timeout=WAIT):
            pass
        pressed.append(shown[-1])
        qtbot.keyClick(window.chart, code)  # ...and the code: the time of this key counts
    player.pause()
    media = [e.time_ms - OFFSET for e in stored_events(window.recorder.store,
                                                      window.recorder.coding_id)]  # fmt: skip
    assert len(media) == 3
    for frame_start, t in zip(pressed, media, strict=True):
        assert frame_start <= t < frame_start + FRAME_MS, (pressed, media)


def test_the_timeline_shows_the_playhead_and_a_click_seeks(qtbot: Any, window: Any) -> None:
    seek_shown(qtbot, window, 900)
    keys(qtbot, window, " W")
    seek_shown(qtbot, window, 1300)
    keys(qtbot, window, " W")  # work from 0.9 to 1.3 s
    timeline = window.timeline
    player = player_of(window)
    seek_shown(qtbot, window, 1600)
    assert timeline.visible_range()[0] <= OFFSET + 1600 <= timeline.visible_range()[1]
    # A click on an empty place goes there. Zoomed in to ten seconds, as a reviewer would be:
    # at the default five minutes a pixel is a third of a second.
    timeline.set_span(10_000, OFFSET + 1000)
    # The timeline's "now" line is the playhead: drawn at the session time of the frame shown.
    assert abs(now_line_x(timeline, "m1") - timeline.x_of(OFFSET + 1600)) <= 1.5
    y = round(timeline.track_y("m1"))
    x = round(timeline.x_of(OFFSET + 400))
    with qtbot.waitSignal(player.frame_shown, timeout=WAIT):
        qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    per_px = 1000 / (timeline.x_of(1000) - timeline.x_of(0))  # ms in a pixel
    assert abs(player.position_ms() - 400) <= 2 * per_px
    assert abs(now_line_x(timeline, "m1") - x) <= 2  # the now line moved to the click
    # A click on an event's band goes to the event (and selects its row).
    (work,) = window.recorder.events
    y = round(timeline.track_y("group"))
    x = round(timeline.x_of(OFFSET + 1000))
    with qtbot.waitSignal(player.frame_shown, timeout=WAIT,
                          check_params_cb=lambda s: s == 900):  # fmt: skip
        qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    assert player.position_ms() == 900
    assert window.table.selected_ids() == [work.id]
    # Scrolled away, F5 plays and brings the timeline back to the playhead.
    timeline.scroll_to(OFFSET + 600_000)
    assert timeline.visible_range()[0] > window.now()
    with qtbot.waitSignal(player.playing_changed, timeout=WAIT):
        qtbot.keyClick(window.chart, Qt.Key.Key_F5)
    start, end = timeline.visible_range()
    assert start <= window.now() <= end
    player.pause()


def test_a_row_click_seeks_and_the_list_follows_the_playhead(qtbot: Any, window: Any) -> None:
    for at, text in ((300, "3 q"), (1100, "4 q"), (1500, "5 q")):
        seek_shown(qtbot, window, at)
        keys(qtbot, window, text)
    table, player = window.table, player_of(window)
    assert table_playhead_row(table) == 2  # the last event at or before the playhead
    seek_shown(qtbot, window, 0)
    assert table_playhead_row(table) == -1  # before the first event
    rect = table.visualRect(table.model().index(1, 1))
    with qtbot.waitSignal(player.frame_shown, timeout=WAIT,
                          check_params_cb=lambda s: s == 1100):  # fmt: skip
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.now() == OFFSET + 1100
    assert window.header.clock.text() == "01:01.1"
    assert table_playhead_row(table) == 1
    # Moving down the list with the keyboard goes to each event.
    with qtbot.waitSignal(player.frame_shown, timeout=WAIT,
                          check_params_cb=lambda s: s == 1500):  # fmt: skip
        qtbot.keyClick(table, Qt.Key.Key_Down)
    assert table_playhead_row(table) == 2


def test_ctrl_t_moves_the_selected_event_to_the_playhead(qtbot: Any, window: Any) -> None:
    seek_shown(qtbot, window, 500)
    keys(qtbot, window, " W")
    seek_shown(qtbot, window, 1000)
    keys(qtbot, window, " W")  # ends the state: 500-1000
    (event,) = window.recorder.events
    window.table.select_event(event.id)
    seek_shown(qtbot, window, 700)
    qtbot.keyClick(window.chart, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    (moved,) = stored_events(window.recorder.store, window.recorder.coding_id)
    assert (moved.time_ms, moved.end_ms) == (OFFSET + 700, OFFSET + 1200)  # length kept
    assert player_of(window).position_ms() == 700  # the nudge does not move the playhead
    qtbot.keyClick(window.chart, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    (back,) = stored_events(window.recorder.store, window.recorder.coding_id)
    assert (back.time_ms, back.end_ms) == (OFFSET + 500, OFFSET + 1000)


def test_playback_pauses_while_a_modifier_is_chosen(qtbot: Any, window: Any) -> None:
    player = player_of(window)
    hold = next(b for b in window.findChildren(QCheckBox) if b.text() == "Pause for modifiers")
    qtbot.mouseClick(hold, Qt.MouseButton.LeftButton)
    assert hold.isChecked()
    seek_shown(qtbot, window, 200)
    qtbot.keyClick(window.chart, Qt.Key.Key_F5)  # F5 plays in a media coding
    assert player.playing
    keys(qtbot, window, "12f")  # feedback asks for its valence
    assert window.popup.isVisible() and not player.playing
    pressed_at = player.position_ms()
    keys(qtbot, window, "n")
    assert not window.popup.isVisible() and player.playing
    player.pause()
    (event,) = stored_events(window.recorder.store, window.recorder.coding_id)
    assert event.modifiers == {"valence": "negative"}
    assert event.time_ms == OFFSET + pressed_at  # the time of the key press, not of the choice


def test_review_a_live_coding_with_its_recording(
    qtbot: Any, demo_store: Any, media_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The live coding itself, with the clip attached and lined up by one moment."""
    window = open_coding(qtbot, demo_store, 1, media_id=media_id)
    try:
        player = player_of(window)
        events = window.recorder.events
        moment = events[3]
        seek_shown(qtbot, window, 1200)  # the moment is seen 1.2 s into the video
        # Media ▸ Set the offset by this moment…: the frame shown is at the moment's time.
        asked: list[str] = []

        def answer(dialog: QInputDialog) -> int:
            asked.append(dialog.labelText())
            assert dialog.sizeHint().width() < 600  # a question, not a banner
            dialog.setTextValue(format_time(moment.time_ms))
            return int(QDialog.DialogCode.Accepted)

        monkeypatch.setattr(QInputDialog, "exec", answer)
        ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        qtbot.keyClick(window.chart, Qt.Key.Key_O, ctrl_shift)
        assert asked and "00:01.200 in the recording" in asked[0]
        offset = moment.time_ms - 1200
        assert get_media(demo_store, media_id).offset_ms == offset
        assert window.now() == moment.time_ms
        assert "Lined up" in window.statusBar().currentMessage()
        # The live events sit on the timeline where they happened in the recording.
        assert window.timeline.visible_range()[0] <= moment.time_ms
        assert table_playhead_row(window.table) == 3
        # Clicking a live event's row plays its moment in the recording: session time - offset.
        table = window.table
        seek_shown(qtbot, window, 0)
        rect = table.visualRect(table.model().index(3, 1))
        with qtbot.waitSignal(player.frame_shown, timeout=WAIT,
                              check_params_cb=lambda s: s == 1200):  # fmt: skip
            qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert window.now() == moment.time_ms
        # An event from before the camera was switched on: said so, the first frame shown.
        rect = table.visualRect(table.model().index(0, 1))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert "outside the recording" in window.statusBar().currentMessage()
        assert player.position_ms() == 0
        # Corrections are ordinary edits of the live coding: Ctrl+T moves an event here.
        seek_shown(qtbot, window, 1500)
        table.select_event(moment.id)
        qtbot.keyClick(window.chart, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
        assert window.recorder.event(moment.id).time_ms == offset + 1500
        # New events are coded in session time, lined up with the live ones.
        seek_shown(qtbot, window, 1900)
        keys(qtbot, window, "7 q")
        added = [e for e in stored_events(demo_store, 1) if e.actor == "m7"]
        assert any(e.time_ms == offset + 1900 and e.code == "question" for e in added)
    finally:
        window.close()
        window.recorder.close()


def test_a_missing_recording_still_opens_the_coding(
    qtbot: Any, demo_store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "stick" / "session-1.mp4"
    media_id = attach_media(demo_store, 1, str(gone))
    coding = new_coding(demo_store, 1, "SV", ["bion"], clock_mode="media", media_file_id=media_id)
    recorder = Recorder(demo_store, coding)
    recorder.record(5_000, "work", "group")
    recorder.close()
    window = open_coding(qtbot, demo_store, coding, ready=False)
    player = player_of(window)
    assert player.status == MISSING
    assert locate_button(player).isVisible() and "session-1.mp4" in player.message
    assert window.header.clock_state.text().endswith("recording missing")
    # The coding can be read and edited; code keys say why they cannot record.
    assert window.model.rowCount() == 1
    keys(qtbot, window, " D")
    assert len(stored_events(demo_store, coding)) == 1
    assert "No playable recording" in window.statusBar().currentMessage()
    (event,) = window.recorder.events
    window.recorder.edit(event.id, note="seen on the live notes")
    assert stored_events(demo_store, coding)[0].note == "seen on the live notes"
    # Locate… finds the moved file; then the keys code again.
    moved = tmp_path / "archive" / "session-1.mp4"
    moved.parent.mkdir()
    shutil.copy(CLIP, moved)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(moved), ""))
    qtbot.mouseClick(locate_button(player), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: player.ready, timeout=WAIT)
    assert get_media(demo_store, media_id).path == str(moved.resolve())
    seek_shown(qtbot, window, 600)
    keys(qtbot, window, " D")
    assert [e.time_ms for e in stored_events(demo_store, coding)] == [600, 5_000]
    window.close()
    window.recorder.close()


@BROKEN_FILE_WARNINGS
def test_an_unplayable_recording_says_so_and_the_coding_stays_editable(
    qtbot: Any, demo_store: Any, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(CLIP.read_bytes()[:400])
    media_id = attach_media(demo_store, 1, str(broken))
    coding = new_coding(demo_store, 1, "SV", ["bion"], clock_mode="media", media_file_id=media_id)
    window = open_coding(qtbot, demo_store, coding, ready=False)
    player = player_of(window)
    qtbot.waitUntil(lambda: player.status == UNPLAYABLE, timeout=WAIT)
    assert "broken.mp4 cannot be played" in player.message
    assert "broken.mp4 cannot be played" in window.statusBar().currentMessage()
    assert window.header.clock_state.text().endswith("recording cannot be played")
    event = window.recorder.record(2_000, "pairing", "group")
    qtbot.keyClick(window.chart, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_events(demo_store, coding) == []
    assert window.recorder.can_redo and event.id not in {e.id for e in window.recorder.events}
    window.close()
    window.recorder.close()


def test_at_1280_pixels_the_event_list_shows_who_did_what(window: Any, qtbot: Any) -> None:
    """Beside the player, the list keeps its time, actor, target and code in view."""
    from ui.event_table import CODE

    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280)
    qtbot.wait(20)
    table = window.table
    code_right = table.columnViewportPosition(CODE) + table.columnWidth(CODE)
    assert table.horizontalScrollBar().value() == 0
    assert code_right <= table.viewport().width()
    time_label = window.findChild(QLabel, "mediaTime")
    assert time_label is not None and time_label.isVisible()
    time_text = time_label.text()
    assert time_text.count("\n") == 1 and "session" in time_text.split("\n")[1]


def test_f6_marks_a_phase_at_the_frame_shown(qtbot: Any, window: Any) -> None:
    from observer.storage.read_coding import from_coding

    seek_shown(qtbot, window, 800)
    qtbot.keyClick(window.chart, Qt.Key.Key_F6)
    qtbot.keyClicks(window.menus.phases.line, "check-in")
    qtbot.keyClick(window.menus.phases.line, Qt.Key.Key_Return)
    stored = from_coding(window.recorder.store, window.recorder.coding_id).phase_marks
    assert [(m.time_ms, m.name) for m in stored] == [(OFFSET + 800, "check-in")]
