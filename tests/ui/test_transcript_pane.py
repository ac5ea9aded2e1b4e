"""The transcript pane: speaking turns that follow the recording; a click seeks."""

from __future__ import annotations

from typing import Any

from conftest import stored_events
from PySide6.QtCore import Qt

from observer.domain.coding_data import CodeInfo, CodingData, participants_from_names
from observer.domain.events import Event
from observer.workspace.codings import new_coding
from observer.workspace.groups import attach_media
from observer.workspace.recording import Recorder
from ui.transcript_pane import NO_WORDS, TranscriptPane

CODES = {"speaking": CodeInfo("speaking", "Speaking", "airtime", "state")}


def call() -> CodingData:
    turns = [
        Event(1, 1000, "speaking", "Jane", note="I wasn't sure I'd come back.", end_ms=4000),
        Event(2, 5000, "speaking", "Sam", end_ms=6000),
        Event(3, 7000, "speaking", "group", end_ms=8000),
        Event(4, 500, "feedback", "Sam", ("Jane",)),  # not a turn: not in the transcript
    ]
    return CodingData("call", tuple(turns), participants_from_names({"Jane", "Sam"}), CODES)


def test_the_pane_lists_turns_follows_the_playhead_and_seeks(qtbot: Any, qtmodeltester: Any,
                                                              out_dir: Any) -> None:  # fmt: skip
    pane = TranscriptPane(call())
    qtbot.addWidget(pane)
    pane.resize(1280, 800)
    pane.show()
    qtmodeltester.check(pane.model)
    model = pane.model
    shown = [[model.index(r, c).data() for c in range(3)] for r in range(model.rowCount())]
    assert shown == [
        ["00:01.0", "Jane", "I wasn't sure I'd come back."],
        ["00:05.0", "Sam", NO_WORDS],
        ["00:07.0", "someone", NO_WORDS],
    ]
    pane.follow(5500)
    assert pane.table.currentIndex().row() == 1
    pane.follow(200)
    assert not pane.table.selectionModel().hasSelection()
    pane.grab().save(str(out_dir / "transcript_pane.png"))
    rect = pane.table.visualRect(model.index(2, 2))
    with qtbot.waitSignal(pane.seek_requested, check_params_cb=lambda ms: ms == 7000):
        qtbot.mouseClick(pane.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_tape_review_of_turns_shows_the_transcript_under_the_player(
    qtbot: Any, demo_store: Any
) -> None:
    from tests.ui.test_media_coding import CLIP, keys, open_coding, player_of

    media = attach_media(demo_store, 1, str(CLIP), offset_ms=0, label="call")
    coding = new_coding(demo_store, 1, "SV", ["airtime", "here-and-now"], clock_mode="media",
                        media_file_id=media)  # fmt: skip
    recorder = Recorder(demo_store, coding)
    ben = recorder.info.participants[0].key
    recorder.record(300, "speaking", ben, end_ms=900)
    recorder.record(1200, "speaking", ben, end_ms=1800)
    recorder.close()
    window = open_coding(qtbot, demo_store, coding)
    pane = window.clock.transcript
    assert isinstance(pane, TranscriptPane) and pane.isVisible()
    rect = pane.table.visualRect(pane.model.index(1, 1))
    with qtbot.waitSignal(player_of(window).frame_shown, timeout=5000):
        qtbot.mouseClick(pane.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.now() == 1200, timeout=5000)
    assert pane.table.currentIndex().row() == 1
    # The utterance's speaker is the actor: the group as target, then a code key.
    keys(qtbot, window, " q")
    coded = [e for e in stored_events(demo_store, coding) if e.code != "speaking"]
    assert [(e.time_ms, e.actor, e.targets, e.code) for e in coded] == [
        (1200, ben, ("group",), "question")
    ]
    window.close()
    window.recorder.close()
