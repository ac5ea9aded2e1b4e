"""Practice from the start screen: reference, attempt coded from the clip, feedback, seeking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import stored_events
from PySide6.QtCore import Qt

import ui.practice_flow as flow
from observer.storage.coding_info import coding_info
from observer.workspace.codings import new_coding
from observer.workspace.groups import attach_media
from observer.workspace.recording import Recorder
from ui.media.player import MediaPlayer

CLIP = Path(__file__).resolve().parents[1] / "data" / "clip.mp4"
OFFSET = 60_000
WAIT = 5000


def seek_shown(qtbot: Any, player: Any, media_ms: int) -> None:
    want = min(media_ms, 1999) // 100 * 100
    with qtbot.waitSignal(player.frame_shown, timeout=WAIT, check_params_cb=lambda s: s == want):
        player.seek(media_ms)


@pytest.fixture
def supervisor_coding(demo_store: Any) -> int:
    """A supervisor's media coding of the clip: three events in its two seconds."""
    media_id = attach_media(demo_store, 1, str(CLIP), offset_ms=OFFSET, label="camera")
    coding = new_coding(demo_store, 1, "SV", ["here-and-now"], clock_mode="media",
                        capacity="supervisor", media_file_id=media_id)  # fmt: skip
    recorder = Recorder(demo_store, coding)
    recorder.record(OFFSET + 300, "question", "m3", ["group"])
    recorder.record(OFFSET + 1000, "support", "m2", ["m1"])
    recorder.record(OFFSET + 1600, "question", "m5", ["group"])
    recorder.close()
    return coding


def test_a_practice_attempt_from_the_start_screen_to_its_feedback(
    demo_store: Any, supervisor_coding: int, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.app import App

    app = App(demo_store.location)
    app.store = demo_store
    app.show_start()
    screen = app.start
    assert screen is not None
    qtbot.addWidget(screen)
    actions = screen.start_actions
    # The trainer marks the supervisor's coding as the reference.
    screen.select("coding", supervisor_coding)
    assert not actions.buttons["attempt"].isEnabled()
    qtbot.mouseClick(actions.buttons["reference"], Qt.MouseButton.LeftButton)
    assert coding_info(demo_store, supervisor_coding).is_reference
    assert actions.buttons["attempt"].isEnabled()

    # The trainee starts an attempt: initials asked, a media coding opens, reference hidden.
    asked: list[str] = []

    def initials(_parent: Any, title: str, *_args: Any) -> str:
        asked.append(title)
        return "tr"

    monkeypatch.setattr(flow, "ask_text", initials)
    qtbot.mouseClick(actions.buttons["attempt"], Qt.MouseButton.LeftButton)
    assert asked == ["Start a practice attempt"]
    window = app.coding
    assert window is not None
    qtbot.addWidget(window)
    attempt = window.recorder.coding_id
    info = coding_info(demo_store, attempt)
    assert (info.observer, info.practice_of_id, info.clock_mode) == ("TR", supervisor_coding,
                                                                     "media")  # fmt: skip
    assert window.model.rowCount() == 0  # nothing of the reference is shown
    player = window.findChild(MediaPlayer, "codingPlayer")  # a media coding: the player shown
    assert player is not None and player.isVisible()
    qtbot.waitUntil(lambda: player.ready, timeout=WAIT)

    # The trainee codes two of the three moments by keyboard, and misses the last.
    for at, text in ((350, "3 q"), (1100, "21s")):
        seek_shown(qtbot, player, at)
        for ch in text:
            qtbot.keyClick(window.chart, ch)
    assert [e.time_ms for e in stored_events(demo_store, attempt)] == [OFFSET + 350,
                                                                       OFFSET + 1100]  # fmt: skip
    window.close()
    qtbot.waitUntil(screen.isVisible, timeout=WAIT)

    # Feedback on the attempt, beside the recording.
    screen.select("coding", attempt)
    assert actions.buttons["feedback"].isEnabled()
    qtbot.mouseClick(actions.buttons["feedback"], Qt.MouseButton.LeftButton)
    feedback = actions.windows[-1]
    assert isinstance(feedback, flow.FeedbackWindow)  # closes itself (deleted on close)
    qtbot.waitUntil(lambda: feedback.player.ready, timeout=WAIT)
    kinds = [i.kind for i in feedback.view.feedback.items]
    assert kinds.count("match") == 2 and kinds.count("miss") == 1
    # Clicking the miss shows its moment: session time 1:01.6 is 1.6 s into the clip.
    miss = feedback.view.row_of("miss")
    assert miss is not None
    items = feedback.view.items_list
    items.scrollToItem(miss)
    rect = items.visualItemRect(miss)
    with qtbot.waitSignal(feedback.player.frame_shown, timeout=WAIT,
                          check_params_cb=lambda s: s == 1600):  # fmt: skip
        qtbot.mouseClick(items.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert feedback.player.position_ms() == 1600
    assert feedback.controller.current_time_ms() == OFFSET + 1600
    feedback.close()


def test_start_attempt_cancelled_creates_nothing(
    demo_store: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from observer.workspace.codings import list_codings
    from observer.workspace.workspace import Workspace
    from ui.start_screen import StartScreen

    screen = StartScreen(Workspace(demo_store))
    qtbot.addWidget(screen)
    screen.select("coding", 4)  # the demo's reference coding
    before = len(list_codings(demo_store))
    monkeypatch.setattr(flow, "ask_text", lambda *_a, **_k: None)
    screen.start_actions.attempt.trigger()
    assert len(list_codings(demo_store)) == before


def test_feedback_fits_a_laptop_screen(demo_store: Any, qtbot: Any) -> None:
    """A trainee on a 1280-pixel laptop sees the whole feedback window, nothing cut off."""
    feedback = flow.FeedbackWindow(demo_store, 5)  # the demo's practice of reference 4
    qtbot.addWidget(feedback)
    feedback.show()
    qtbot.waitExposed(feedback)
    assert feedback.minimumSizeHint().width() <= 1280
    feedback.resize(1280, 800)
    qtbot.waitUntil(lambda: feedback.width() == 1280)
    table = feedback.view.code_table
    assert table.mapTo(feedback, table.rect().topRight()).x() < 1280  # per-code table in view
