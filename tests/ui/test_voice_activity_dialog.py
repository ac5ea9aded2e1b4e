"""File ▸ Speaking turns from audio…: a file per member, found off the GUI thread."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QWidget

import ui.import_export as ie
from observer.formats.common import count_rows
from observer.storage.read_coding import from_coding
from observer.workspace.workspace import Workspace
from tests.observer.formats.speech_audio import track
from tests.observer.helpers import small_coding
from ui.background import CANCELLED, DONE, FAILED
from ui.voice_activity import VoiceActivityDialog, turns_from_audio


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(ie, "show_message", lambda _p, title, text, details="", warning=False:
                        shown.append(f"{title}: {text}"))  # fmt: skip
    return shown


@pytest.fixture
def jane_wav(tmp_path: Path) -> tuple[Path, list[tuple[int, int]]]:
    assert shutil.which("espeak-ng"), "espeak-ng: scripts/install-system-deps.sh --tests"
    path = tmp_path / "jane.wav"
    said = [(500, "I was not sure I wanted to come back"), (4000, "Thank you")]
    return path, track(said, "en-us", 6000, path)


def fill(qtbot: Any, dialog: VoiceActivityDialog, who: str, path: Path) -> None:
    """Choose… beside ``who`` picks ``path``; the observer's initials are typed."""
    dialog.show()
    original = QFileDialog.getOpenFileName
    QFileDialog.getOpenFileName = staticmethod(lambda *a, **k: (str(path), ""))  # type: ignore[method-assign]
    try:
        qtbot.mouseClick(dialog.choosers[who], Qt.MouseButton.LeftButton)
    finally:
        QFileDialog.getOpenFileName = original  # type: ignore[method-assign]
    assert dialog.paths[who].text() == str(path)
    qtbot.keyClicks(dialog.observer, "RK")


def press_ok(qtbot: Any, dialog: VoiceActivityDialog) -> int:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    return int(dialog.result())


def test_a_members_recording_gives_their_turns(
    store: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, messages: list[str],
    jane_wav: Any, out_dir: Path,
) -> None:  # fmt: skip
    _coding, keys = small_coding(store)
    path, truth = jane_wav
    parent = QWidget()
    qtbot.addWidget(parent)

    def answer(dialog: VoiceActivityDialog) -> int:
        fill(qtbot, dialog, keys["Jane"], path)
        dialog.grab().save(str(out_dir / "voice_activity_dialog.png"))
        return press_ok(qtbot, dialog)

    monkeypatch.setattr(VoiceActivityDialog, "exec", answer)
    job = turns_from_audio(parent, Workspace(store))
    assert job is not None
    qtbot.waitUntil(lambda: not job.running, timeout=60_000)
    assert job.state == DONE, messages
    data = from_coding(store, job.result.coding_ids[0])
    assert [data.label(e.actor) for e in data.events] == ["Jane"] * len(truth)
    assert messages and messages[-1].startswith("Speaking turns found")


def test_cancel_writes_nothing(
    store: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, messages: list[str], jane_wav: Any
) -> None:
    _coding, keys = small_coding(store)
    path, _truth = jane_wav
    monkeypatch.setattr(
        VoiceActivityDialog,
        "exec",
        lambda d: (fill(qtbot, d, keys["Jane"], path), press_ok(qtbot, d))[1],
    )
    before = count_rows(store)
    parent = QWidget()
    qtbot.addWidget(parent)
    job = turns_from_audio(parent, Workspace(store))
    assert job is not None
    job.cancel()
    qtbot.waitUntil(lambda: not job.running, timeout=60_000)
    assert job.state == CANCELLED
    assert count_rows(store) == before
    assert multiprocessing.active_children() == []  # the child was ended, not left running


def test_a_missing_file_is_said_and_the_dialog_stays(
    store: Any, qtbot: Any, tmp_path: Path
) -> None:
    _coding, keys = small_coding(store)
    dialog = VoiceActivityDialog(store)
    qtbot.addWidget(dialog)
    fill(qtbot, dialog, keys["Sam"], tmp_path / "nowhere.m4a")
    press_ok(qtbot, dialog)
    assert dialog.isVisible()
    assert "No such file" in dialog.error.text()


def test_the_offset_places_the_turns_where_the_audio_starts_in_the_session(
    store: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, messages: list[str], jane_wav: Any
) -> None:
    _coding, keys = small_coding(store)
    path, truth = jane_wav

    def answer(dialog: VoiceActivityDialog) -> int:
        fill(qtbot, dialog, keys["Jane"], path)
        qtbot.keyClicks(dialog.offset, "1:30")
        return press_ok(qtbot, dialog)

    monkeypatch.setattr(VoiceActivityDialog, "exec", answer)
    parent = QWidget()
    qtbot.addWidget(parent)
    job = turns_from_audio(parent, Workspace(store))
    assert job is not None
    qtbot.waitUntil(lambda: not job.running, timeout=60_000)
    assert job.state == DONE, messages
    data = from_coding(store, job.result.coding_ids[0])
    starts = [e.time_ms - 90_000 for e in data.events]
    assert all(abs(s - t) <= 150 for s, (t, _end) in zip(starts, truth, strict=True))


def test_an_offset_that_is_no_time_is_said_and_the_dialog_stays(
    store: Any, qtbot: Any, jane_wav: Any
) -> None:
    _coding, keys = small_coding(store)
    dialog = VoiceActivityDialog(store)
    qtbot.addWidget(dialog)
    fill(qtbot, dialog, keys["Jane"], jane_wav[0])
    qtbot.keyClicks(dialog.offset, "soon")
    press_ok(qtbot, dialog)
    assert dialog.isVisible()
    assert "'soon' is not a time" in dialog.error.text()


def test_a_file_that_is_no_audio_is_said_from_the_child_and_nothing_written(
    store: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, messages: list[str],
    tmp_path: Path,
) -> None:  # fmt: skip
    _coding, keys = small_coding(store)
    fake = tmp_path / "notes.m4a"
    fake.write_text("not audio at all")
    monkeypatch.setattr(
        VoiceActivityDialog,
        "exec",
        lambda d: (fill(qtbot, d, keys["Sam"], fake), press_ok(qtbot, d))[1],
    )
    before = count_rows(store)
    parent = QWidget()
    qtbot.addWidget(parent)
    job = turns_from_audio(parent, Workspace(store))
    assert job is not None
    qtbot.waitUntil(lambda: not job.running, timeout=60_000)
    assert job.state == FAILED
    assert "notes.m4a: cannot be read as audio" in job.error
    assert count_rows(store) == before
    assert multiprocessing.active_children() == []  # the child is gone
