"""Tape review with the tiny clip (2 s, 64×48, 10 fps, test pattern and tone), offscreen.

Offscreen the video widget paints nothing visible, so what is *shown* is asserted on the
frames that reach the video sink (``MediaPlayer.frame_shown``: each frame's start time).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QPushButton, QStyle, QToolButton

from observer.domain.errors import InputError
from observer.domain.events import Event
from observer.storage.event_rows import load_events
from observer.workspace.codings import new_coding
from observer.workspace.groups import attach_media
from observer.workspace.media import get_media
from ui.media.player import MediaPlayer
from ui.media.review import ReviewWindow

CLIP = Path(__file__).resolve().parents[1] / "data" / "clip.mp4"
FRAME_MS = 100  # the clip has 10 frames a second
OFFSET = 60_000  # the camera was started a minute into the session
WAIT = 5000  # ms: generous timeouts for signals on a busy machine


def frame_at(media_ms: int) -> int:
    """The start of the clip's frame on screen at a media time."""
    return min(media_ms, 1999) // FRAME_MS * FRAME_MS


def open_review(qtbot, store, coding_id: int, **kwargs) -> ReviewWindow:
    window = ReviewWindow(store, coding_id, **kwargs)
    qtbot.addWidget(window)
    window.resize(1000, 560)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)  # shortcuts need an active window
    qtbot.waitUntil(lambda: window.player.ready, timeout=WAIT)
    return window


@pytest.fixture
def media_id(demo_store) -> int:
    return attach_media(demo_store, 1, str(CLIP), offset_ms=OFFSET, label="camera")


@pytest.fixture
def review(qtbot, demo_store, media_id):
    coding = new_coding(
        demo_store, 1, "SV", ["bion", "here-and-now"], clock_mode="media",
        capacity="supervisor", media_file_id=media_id,
    )  # fmt: skip
    return open_review(qtbot, demo_store, coding)


def seek_shown(qtbot, player: MediaPlayer, media_ms: int) -> None:
    """Seek and wait until the frame covering ``media_ms`` reached the screen."""
    want = frame_at(media_ms)
    with qtbot.waitSignal(
        player.frame_shown, timeout=WAIT, check_params_cb=lambda start: start == want
    ):
        player.seek(media_ms)


def stored(window: ReviewWindow) -> list[Event]:
    """The coding's events as the database has them."""
    with window.store.engine.connect() as conn:
        return load_events(conn, window.recorder.coding_id)


def ctrl(qtbot, window, key: Qt.Key, extra: Qt.KeyboardModifier | None = None) -> None:
    mods = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(window, key, mods if extra is None else mods | extra)


def test_load_reads_duration_and_frame_rate(review) -> None:
    player = review.player
    assert player.duration_ms() == 2000
    assert player.frame_ms == pytest.approx(FRAME_MS)
    assert player.has_video and not player.playing and player.position_ms() == 0
    # The player remembers how long the recording is.
    assert get_media(review.store, review.controller.media.id).duration_ms == 2000
    assert "media 00:00.000 / 00:02.000" in review.transport.time_label.text()
    assert "session 01:00.000" in review.transport.time_label.text()


def test_seek_shows_the_frame_at_that_time(qtbot, review) -> None:
    player = review.player
    for target in (1500, 730, 0, 1999):
        seek_shown(qtbot, player, target)
        assert player.position_ms() == target
    assert review.controller.current_time_ms() == OFFSET + 1999


def test_step_by_frame_and_by_seconds_with_keys(qtbot, review) -> None:
    player = review.player
    seek_shown(qtbot, player, 1230)
    with qtbot.waitSignal(player.frame_shown, timeout=WAIT, check_params_cb=lambda s: s == 1300):
        qtbot.keyClick(review, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert player.position_ms() == 1300
    qtbot.keyClick(review, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(review, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert player.position_ms() == 1100
    player.step_ms = 500
    qtbot.keyClick(review, Qt.Key.Key_Left)
    assert player.position_ms() == 600
    qtbot.keyClick(review, Qt.Key.Key_Right)
    qtbot.keyClick(review, Qt.Key.Key_Right)
    assert player.position_ms() == 1600
    player.step_ms = 5000
    qtbot.keyClick(review, Qt.Key.Key_Right)
    assert player.position_ms() == 2000  # not past the end


def shows_icon(button: QToolButton, pixmap: QStyle.StandardPixmap) -> bool:
    wanted = button.style().standardIcon(pixmap).pixmap(16).toImage()
    return button.icon().pixmap(16).toImage() == wanted


def no_missing_glyphs(buttons: Iterable[QToolButton]) -> bool:
    """Every character a button shows as text is in its font (else Qt draws a box)."""
    for button in buttons:
        if not button.icon().isNull():
            continue
        metrics = QFontMetrics(button.font())
        if not all(metrics.inFontUcs4(ord(c)) for c in button.text() if not c.isspace()):
            return False
    return True


def test_play_pause_and_the_playhead_follows(qtbot, review) -> None:
    player = review.player
    play = review.transport.buttons["play"]
    assert shows_icon(play, QStyle.StandardPixmap.SP_MediaPlay)
    with qtbot.waitSignal(player.playing_changed, timeout=WAIT):
        ctrl(qtbot, review, Qt.Key.Key_Space)
    assert player.playing
    assert shows_icon(play, QStyle.StandardPixmap.SP_MediaPause)  # drawn, never a missing glyph
    assert no_missing_glyphs(review.transport.buttons.values())
    qtbot.waitUntil(lambda: player.position_ms() >= 500, timeout=WAIT)
    ctrl(qtbot, review, Qt.Key.Key_Space)
    assert not player.playing
    assert shows_icon(play, QStyle.StandardPixmap.SP_MediaPlay)
    paused_at = player.position_ms()
    assert paused_at >= 500
    # Paused, the position holds still and the strip's playhead is on it.
    qtbot.wait(150)
    assert player.position_ms() == paused_at
    assert review.strip.playhead_ms == paused_at


def test_rate_change_and_end_of_media(qtbot, review) -> None:
    player = review.player
    ctrl(qtbot, review, Qt.Key.Key_Up)
    ctrl(qtbot, review, Qt.Key.Key_Up)
    ctrl(qtbot, review, Qt.Key.Key_Up)
    assert player.rate == 2.0 and review.transport.rate_box.currentText() == "2×"
    for _ in range(10):
        ctrl(qtbot, review, Qt.Key.Key_Down)
    assert player.rate == 0.25  # the slowest
    review.transport.rate_box.setCurrentIndex(review.transport.rate_box.findText("4×"))
    assert player.rate == 4.0
    seek_shown(qtbot, player, 1000)
    with qtbot.waitSignal(player.playing_changed, timeout=WAIT) as started:
        player.play()
    assert started.args == [True]
    assert player.backend_rate() == 4.0  # Qt's player itself plays at 4×
    # At 4× the last second plays in a quarter of a second; the end stops the player.
    with qtbot.waitSignal(player.playing_changed, timeout=WAIT) as ended:
        pass
    assert ended.args == [False]
    assert player.position_ms() == 2000
    # Play again at the end starts over.
    player.set_rate(1.0)
    player.play()
    assert player.position_ms() < 200
    player.pause()


def test_events_recorded_at_known_positions_store_media_time_plus_offset(qtbot, review) -> None:
    player = review.player
    for at, key in ((300, "W"), (1200, "D"), (1700, "h")):
        seek_shown(qtbot, player, at)
        qtbot.keyClick(review, key)
    events = stored(review)
    assert [(e.time_ms, e.code) for e in events] == [
        (OFFSET + 300, "work"), (OFFSET + 1200, "dependency"), (OFFSET + 1700, "humour"),
    ]  # fmt: skip
    # State codes behave as in live coding: dependency ended the running work state.
    assert events[0].end_ms == OFFSET + 1200 and events[1].end_ms is None
    assert all(e.actor == "group" for e in events)
    # Undo as in live coding.
    qtbot.keyClick(review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [e.code for e in stored(review)] == ["work", "dependency"]
    assert review.events_list.count() == 2


def test_events_recorded_during_playback_match_the_frame_shown(qtbot, review) -> None:
    player = review.player
    shown: list[int] = []
    player.frame_shown.connect(shown.append)
    seek_shown(qtbot, player, 0)
    player.play()
    pressed: list[int] = []
    for key in "WDFP":
        # A new frame reaches the screen; the key pressed now must fall inside that frame.
        with qtbot.waitSignal(player.frame_shown, timeout=WAIT):
            pass
        pressed.append(shown[-1])
        qtbot.keyClick(review, key)
    player.pause()
    media = [e.time_ms - OFFSET for e in stored(review)]
    assert len(media) == 4
    for frame_start, t in zip(pressed, media, strict=True):
        assert frame_start <= t < frame_start + FRAME_MS, (pressed, media)


def test_click_an_event_in_the_list_seeks_to_its_frame(qtbot, review) -> None:
    player = review.player
    for at, key in ((400, "W"), (1600, "F")):
        seek_shown(qtbot, player, at)
        qtbot.keyClick(review, key)
    seek_shown(qtbot, player, 0)
    item = review.events_list.item(1)
    rect = review.events_list.visualItemRect(item)
    with qtbot.waitSignal(player.frame_shown, timeout=WAIT, check_params_cb=lambda s: s == 1600):
        qtbot.mouseClick(
            review.events_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
        )
    assert review.controller.current_time_ms() == OFFSET + 1600
    # The list follows the playhead: the event at or before it is the marked row.
    assert review.playhead_row == 1
    seek_shown(qtbot, player, 900)
    assert review.playhead_row == 0


def test_click_on_the_timeline_seeks_to_an_event_or_a_moment(qtbot, review) -> None:
    player = review.player
    seek_shown(qtbot, player, 800)
    qtbot.keyClick(review, "D")
    seek_shown(qtbot, player, 0)
    strip = review.strip
    y = strip.height() - 20  # inside the first lane
    x = round(strip.x_of(800))
    with qtbot.waitSignal(player.frame_shown, timeout=WAIT, check_params_cb=lambda s: s == 800):
        qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(x + 2, y))
    assert player.position_ms() == 800 and strip.selected is not None
    # A click away from any event goes to that moment.
    x = round(strip.x_of(1500))
    with qtbot.waitSignal(player.frame_shown, timeout=WAIT):
        qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    assert strip.duration_ms == 2000  # the strip's scale: the whole recording
    assert abs(player.position_ms() - 1500) <= strip.duration_ms / strip.width() * 2
    assert strip.playhead_ms == player.position_ms()


def test_nudge_moves_the_selected_event_to_the_playhead(qtbot, review) -> None:
    player = review.player
    seek_shown(qtbot, player, 500)
    qtbot.keyClick(review, "W")
    seek_shown(qtbot, player, 1000)
    qtbot.keyClick(review, "W")  # stops the state: 500–1000
    seek_shown(qtbot, player, 700)
    review.events_list.item(0).setSelected(True)
    ctrl(qtbot, review, Qt.Key.Key_T)
    (event,) = stored(review)
    assert (event.time_ms, event.end_ms) == (OFFSET + 700, OFFSET + 1200)  # length kept
    assert review.recorder.undo_label == "Edit time, end"
    ctrl(qtbot, review, Qt.Key.Key_Z)
    (event,) = stored(review)
    assert (event.time_ms, event.end_ms) == (OFFSET + 500, OFFSET + 1000)


def test_nudge_corrects_a_live_coding(qtbot, demo_store, media_id) -> None:
    """Review coding 1 (live) with the clip; move its first act onto the frame seen."""
    window = open_review(qtbot, demo_store, 1, media_id=media_id)
    # Its first event is the opening basic-assumption state: moved whole, it would run into
    # the next state of its exclusive group, which no coding may hold.
    opening = window.recorder.events[0]
    seek_shown(qtbot, window.player, 300)
    with pytest.raises(InputError, match="one Basic-assumption mentality state at a time"):
        window.controller.nudge(window.recorder, opening.id)
    assert window.recorder.event(opening.id) == opening
    first = next(e for e in window.recorder.events if e.end_ms is None)
    target = first.time_ms - OFFSET + 300
    if not 0 <= target <= 2000:
        window.controller.set_offset(first.time_ms - 500)
        target = 800
    seek_shown(qtbot, window.player, target)
    window.controller.nudge(window.recorder, first.id)
    assert window.recorder.event(first.id).time_ms == window.controller.offset_ms + target
    before, after = audit_trail_times(demo_store, 1)
    assert before == first.time_ms and after == window.controller.offset_ms + target


def audit_trail_times(store, coding_id: int) -> tuple[int, int]:
    from observer.workspace.recording import audit_trail

    entry = audit_trail(store, coding_id)[-1]
    assert entry.action == "edit" and entry.before and entry.after
    return entry.before["time_ms"], entry.after["time_ms"]


def test_shuttle_jkl(qtbot, review) -> None:
    player = review.player
    seek_shown(qtbot, player, 1500)
    ctrl(qtbot, review, Qt.Key.Key_L)
    assert player.speed == 1.0
    ctrl(qtbot, review, Qt.Key.Key_L)
    assert player.speed == 2.0 and player.backend_rate() == 2.0
    ctrl(qtbot, review, Qt.Key.Key_J)
    assert player.speed == 1.0
    ctrl(qtbot, review, Qt.Key.Key_K)
    assert player.speed == 0 and not player.playing
    here = player.position_ms()
    # Backwards is emulated by stepping back while paused.
    ctrl(qtbot, review, Qt.Key.Key_J)
    assert player.speed == -1.0
    qtbot.waitUntil(lambda: player.position_ms() <= here - 200, timeout=WAIT)
    ctrl(qtbot, review, Qt.Key.Key_J)
    assert player.speed == -2.0
    ctrl(qtbot, review, Qt.Key.Key_K)
    stopped = player.position_ms()
    with qtbot.waitSignal(player.frame_shown, timeout=WAIT, raising=False):
        pass
    assert player.position_ms() == stopped


def test_loop_over_a_selection(qtbot, review) -> None:
    player = review.player
    seek_shown(qtbot, player, 400)
    qtbot.keyClick(review, "W")
    review.events_list.item(0).setSelected(True)
    ctrl(qtbot, review, Qt.Key.Key_L, Qt.KeyboardModifier.ShiftModifier)
    assert player.loop == (0, 1400) and player.loop_on  # a second either side, clamped
    player.set_loop(300, 700)
    assert review.strip.loop == (300, 700)
    seek_shown(qtbot, player, 300)
    seen: list[int] = []
    player.position_changed.connect(seen.append)
    player.play()
    # Reaching the end of the loop jumps back to its start.
    qtbot.waitUntil(
        lambda: any(a >= 650 and b < 450 for a, b in itertools.pairwise(seen)), timeout=WAIT
    )
    player.pause()
    assert 300 <= player.position_ms() <= 700
    ctrl(qtbot, review, Qt.Key.Key_Backslash)
    assert not player.loop_on and review.strip.loop is None


def test_pause_while_choosing_a_modifier(qtbot, review) -> None:
    player, controller = review.player, review.controller
    player.play()
    controller.hold()
    assert player.playing  # the option is off: playback goes on
    controller.release()
    review.transport.hold_box.setChecked(True)
    controller.hold()
    assert not player.playing
    held = player.position_ms()
    qtbot.wait(100)
    assert player.position_ms() == held
    controller.release()
    assert player.playing and player.speed == 1.0
    player.pause()
    controller.hold()
    controller.release()
    assert not player.playing  # release does not start what was not playing


def test_offset_by_marks_and_review_of_a_live_coding_on_one_timeline(
    qtbot, demo_store, media_id
) -> None:
    live = 1  # the co-therapist's live coding of session 1
    coding = new_coding(demo_store, 1, "SV", ["bion"], clock_mode="media", media_file_id=media_id)
    window = open_review(qtbot, demo_store, coding, compare_coding_id=live)
    live_events = window.compare
    clap = live_events[3].time_ms  # a moment the live coder marked
    seek_shown(qtbot, window.player, 1200)  # ...is seen 1.2 s into the video
    offset = window.controller.attach_offset_by_marks(clap)
    assert offset == clap - 1200 and get_media(demo_store, media_id).offset_ms == offset
    # On the strip the live events are shifted by the offset, in the second lane.
    marks = {m.event_id: m for m in window.strip.marks if m.lane == 1}
    assert marks[live_events[3].id].start_ms == 1200
    assert marks[live_events[0].id].start_ms == live_events[0].time_ms - offset
    # Coding now stores session time: the media coding and the live one line up.
    qtbot.keyClick(window, "W")
    assert stored(window)[0].time_ms == clap
    # Clicking the live event in its lane seeks to it.
    seek_shown(qtbot, window.player, 0)
    strip = window.strip
    y = strip.height() - 12
    x = round(strip.x_of(1200))
    with qtbot.waitSignal(
        window.player.frame_shown, timeout=WAIT, check_params_cb=lambda s: s == 1200
    ):
        qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    assert window.controller.current_time_ms() == clap


def test_seek_to_an_event_outside_the_recording_says_so(qtbot, review) -> None:
    messages: list[str] = []
    review.controller.problem.connect(messages.append)
    outside = Event(99, OFFSET + 9_000, "work", "group")
    assert not review.controller.seek_to_event(outside)
    assert "outside the recording" in messages[-1]
    assert review.player.position_ms() == 2000
    inside = Event(98, OFFSET + 1_000, "work", "group")
    assert review.controller.seek_to_event(inside)


def test_audio_only_recording(qtbot, demo_store) -> None:
    """An audio recording (2 s tone): no picture, the same clock, events and seeks."""
    tone = CLIP.with_name("tone.m4a")
    media = attach_media(demo_store, 1, str(tone), offset_ms=OFFSET)
    coding = new_coding(demo_store, 1, "SV", ["bion"], clock_mode="media", media_file_id=media)
    window = open_review(qtbot, demo_store, coding)
    player = window.player
    assert not player.has_video and player.duration_ms() == pytest.approx(2000, abs=50)
    assert "Audio recording: tone.m4a" in player.message
    assert not player.findChild(QPushButton, "locateMedia").isVisible()
    player.seek(1200)
    assert player.position_ms() == 1200
    qtbot.keyClick(window, "P")
    assert stored(window)[0].time_ms == OFFSET + 1200
    seen: list[int] = []
    player.position_changed.connect(seen.append)
    player.play()
    qtbot.waitUntil(lambda: player.position_ms() >= 1500, timeout=WAIT)
    player.pause()
    assert seen == sorted(seen)  # the clock only moves forwards while playing


@pytest.mark.parametrize("initials", ["RK", ""])
def test_reviewing_logs_the_initials_the_person_set(
    qtbot, demo_store, media_id, initials: str
) -> None:
    from observer.storage.access_log import access_log, at_the_keyboard
    from ui.settings import set_keyboard_initials

    set_keyboard_initials(initials)  # Review ▸ Your initials…; left empty: the user name
    coding = new_coding(demo_store, 1, "SV", ["bion"], clock_mode="media",
                        capacity="supervisor", media_file_id=media_id)  # fmt: skip
    open_review(qtbot, demo_store, coding)
    opened = [a for a in access_log(demo_store, coding) if a.action == "open"]
    assert [a.who for a in opened] == [initials or at_the_keyboard(None)]
