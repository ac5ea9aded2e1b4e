"""Voice activity in a child process: the same speech as in this one, cancel ends the child."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

import pytest

from observer.formats.voice_activity import speech_in_each
from observer.formats.voice_activity_process import speech_in_child
from observer.workspace.progress import Cancelled
from tests.observer.formats.speech_audio import track


@pytest.fixture
def two_files(tmp_path: Path) -> list[Path]:
    assert shutil.which("espeak-ng"), "espeak-ng: scripts/install-system-deps.sh --tests"
    jane, sam = tmp_path / "jane.wav", tmp_path / "sam.wav"
    track([(500, "I was not sure I wanted to come back")], "en-us", 4000, jane)
    track([(300, "Thank you"), (2500, "Me too")], "en+m3", 4000, sam)
    return [jane, sam]


def test_the_child_finds_what_this_process_finds(two_files: list[Path]) -> None:
    reported: list[tuple[int, int]] = []
    found = speech_in_child(two_files, lambda done, total: reported.append((done, total)))
    assert found == speech_in_each(two_files)
    assert [len(f) for f in found] == [1, 2]
    assert reported[-1] == (2000, 2000)
    assert multiprocessing.active_children() == []


def test_cancel_terminates_the_child(two_files: list[Path]) -> None:
    def cancel(_done: int, _total: int) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        speech_in_child(two_files, cancel)
    assert multiprocessing.active_children() == []
