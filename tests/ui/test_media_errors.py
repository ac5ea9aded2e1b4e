"""A recording that is missing, moved or unplayable never keeps a coding from opening."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from observer.storage.event_rows import load_events
from observer.workspace.codings import new_coding
from observer.workspace.groups import attach_media
from observer.workspace.media import get_media
from ui.media.player import MISSING, UNPLAYABLE, MediaPlayer
from ui.media.review import ReviewWindow

CLIP = Path(__file__).resolve().parents[1] / "data" / "clip.mp4"
WAIT = 5000
# What Qt Multimedia says of a damaged file, which these tests give it on purpose.
BROKEN_FILE_WARNINGS = pytest.mark.qt_log_ignore(
    "No SW decoder found", "Could not open media. FFmpeg error description"
)


def open_window(qtbot, store, coding_id: int) -> ReviewWindow:
    window = ReviewWindow(store, coding_id)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)  # shortcuts need an active window
    return window


def locate_button(player: MediaPlayer) -> QPushButton:
    """The player's Locate… button, shown with the message when the file cannot be played."""
    button = player.findChild(QPushButton, "locateMedia")
    assert button is not None and button.text() == "Locate…"
    return button


def media_coding(store, path: Path) -> tuple[int, int]:
    media_id = attach_media(store, 1, str(path))
    coding = new_coding(store, 1, "SV", ["bion"], clock_mode="media", media_file_id=media_id)
    return media_id, coding


def test_missing_file_opens_the_coding_and_offers_to_locate_it(
    qtbot, demo_store, tmp_path: Path
) -> None:
    gone = tmp_path / "usb-stick" / "session-1.mp4"
    media_id, coding = media_coding(demo_store, gone)
    window = open_window(qtbot, demo_store, coding)
    player = window.player

    assert player.status == MISSING
    message = window.findChild(type(window.keys_label), "mediaMessage")
    assert message is not None and message.isVisible()
    assert "session-1.mp4" in message.text() and "Locate" in message.text()
    locate = locate_button(player)
    assert locate.isVisible()
    # The coding is open: events can still be edited and undone without the media.
    window.recorder.record(1_000, "work", "group")
    assert window.events_list.count() == 1
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.events_list.count() == 0
    # Code keys need the media clock: a clear message, nothing recorded.
    qtbot.keyClick(window, "W")
    assert window.events_list.count() == 0
    assert "No playable recording" in window.statusBar().currentMessage()

    # The user finds the file where it was moved to.
    moved = tmp_path / "archive" / "session-1.mp4"
    moved.parent.mkdir()
    shutil.copy(CLIP, moved)
    window.choose_media_file = lambda: str(moved)  # type: ignore[method-assign]
    qtbot.mouseClick(locate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: player.ready, timeout=WAIT)
    assert get_media(demo_store, media_id).path == str(moved.resolve())
    assert player.duration_ms() == 2000
    qtbot.keyClick(window, "W")
    assert window.events_list.count() == 1


def test_locate_cancelled_or_wrong_file_keeps_the_message(qtbot, demo_store, tmp_path) -> None:
    _media_id, coding = media_coding(demo_store, tmp_path / "gone.mp4")
    window = open_window(qtbot, demo_store, coding)
    window.choose_media_file = lambda: ""  # type: ignore[method-assign]
    window.locate()
    assert window.player.status == MISSING
    window.choose_media_file = lambda: str(tmp_path / "also-gone.mp4")  # type: ignore[method-assign]
    window.locate()
    assert window.player.status == MISSING
    assert "also-gone.mp4" in window.statusBar().currentMessage()


def test_session_without_recording_can_attach_one(qtbot, demo_store) -> None:
    window = open_window(qtbot, demo_store, 1)  # a live coding, no media attached
    assert window.controller.media is None
    assert locate_button(window.player).isHidden()
    assert "No recording" in window.statusBar().currentMessage()
    window.choose_media_file = lambda: str(CLIP)  # type: ignore[method-assign]
    window.locate()
    qtbot.waitUntil(lambda: window.player.ready, timeout=WAIT)
    assert window.controller.media is not None
    assert window.controller.media.path == str(CLIP.resolve())


@BROKEN_FILE_WARNINGS
@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[:400], id="truncated"),
        pytest.param(lambda data: bytes(range(256)) * 20, id="garbage"),
    ],
)
def test_unplayable_file_gets_a_clear_message_and_the_coding_stays_editable(
    qtbot, demo_store, tmp_path: Path, damage
) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(damage(CLIP.read_bytes()))
    _media_id, coding = media_coding(demo_store, broken)
    errors: list[str] = []
    window = ReviewWindow(demo_store, coding)
    qtbot.addWidget(window)
    window.player.media_error.connect(errors.append)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    qtbot.waitUntil(lambda: window.player.status == UNPLAYABLE, timeout=WAIT)

    assert errors and "broken.mp4 cannot be played" in errors[-1]
    assert "The coding stays open" in window.player.message
    assert locate_button(window.player).isVisible()
    assert not window.player.playing
    # Transport keys do nothing harmful; the coding can be edited and undone.
    qtbot.keyClick(window, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert not window.player.playing
    event = window.recorder.record(2_000, "pairing", "group")
    window.recorder.edit(event.id, note="checked on the live notes")
    with demo_store.engine.connect() as conn:
        (stored,) = load_events(conn, coding)
    assert stored.note == "checked on the live notes"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.recorder.event(event.id).note == ""
