"""Importing a file that names recordings by relative paths asks for the recordings folder
they must stay inside; what is kept is read back from the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QDialogButtonBox, QWidget
from sqlalchemy import select

import ui.import_export as ie
from observer.formats import export_coding
from observer.storage.models import MediaFile
from observer.workspace.workspace import Workspace
from ui.dialogs.recordings_folder import RecordingsFolderDialog


@pytest.fixture
def parent(qtbot: Any) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    texts: list[str] = []
    monkeypatch.setattr(ie, "show_message", lambda _p, _t, text, *_a, **_k: texts.append(text))
    return texts


def project(store: Any, folder: Path, *paths: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "p.boris"
    export_coding(store, 1, "boris", out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    (observation,) = doc["observations"].values()
    observation["type"] = "MEDIA"
    observation["file"] = {"1": list(paths), "2": []}
    out.write_text(json.dumps(doc), encoding="utf-8")
    return out


def answer(monkeypatch: pytest.MonkeyPatch, qtbot: Any, folder: Path | None) -> list[Any]:
    """The folder question answered as a person does: the folder typed over, then Import."""
    asked: list[Any] = []

    def person(dialog: RecordingsFolderDialog) -> int:
        asked.append(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        if folder is not None:
            dialog.folder.setFocus()
            qtbot.keyClick(dialog.folder, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            qtbot.keyClicks(dialog.folder, str(folder))
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(RecordingsFolderDialog, "exec", person)
    return asked


def kept(store: Any, session_ids: list[int]) -> list[str]:
    with store.reader() as s:
        rows = s.scalars(select(MediaFile.path).where(MediaFile.session_id.in_(session_ids)))
        return list(rows.all())


def test_the_default_folder_keeps_recordings_inside_and_names_what_leads_out(
    demo_store: Any, parent: QWidget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    qtbot: Any, said: list[str],
) -> None:  # fmt: skip
    source = project(demo_store, tmp_path / "project", "video/s1.mp4", "../elsewhere/s2.mp4")
    asked = answer(monkeypatch, qtbot, None)
    job = ie.import_with_progress(parent, Workspace(demo_store), source)
    assert job is not None
    qtbot.waitUntil(lambda: not job.running, timeout=60_000)
    assert asked[0].folder.text() == str(source.parent)
    assert kept(demo_store, job.result.session_ids) == ["video/s1.mp4"]
    assert any("'../elsewhere/s2.mp4' not kept" in w for w in job.result.warnings)


def test_a_wider_folder_picked_keeps_both(
    demo_store: Any, parent: QWidget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    qtbot: Any, said: list[str],
) -> None:  # fmt: skip
    source = project(demo_store, tmp_path / "project", "video/s1.mp4", "../elsewhere/s2.mp4")
    answer(monkeypatch, qtbot, tmp_path)
    job = ie.import_with_progress(parent, Workspace(demo_store), source)
    assert job is not None
    qtbot.waitUntil(lambda: not job.running, timeout=60_000)
    assert kept(demo_store, job.result.session_ids) == ["video/s1.mp4", "../elsewhere/s2.mp4"]


def test_a_folder_that_is_not_one_is_said_and_the_dialog_stays(
    demo_store: Any, tmp_path: Path, qtbot: Any
) -> None:
    dialog = RecordingsFolderDialog(tmp_path / "p.boris", ["video/s1.mp4"])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.folder.setFocus()
    qtbot.keyClick(dialog.folder, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.folder, str(tmp_path / "nowhere"))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)  # fmt: skip
    assert dialog.isVisible() and "not a folder" in dialog.error.text()


def test_render_the_recordings_folder_question(qtbot: Any, out_dir: Path, tmp_path: Path) -> None:
    holder = QWidget()
    holder.resize(1280, 800)
    qtbot.addWidget(holder)
    dialog = RecordingsFolderDialog(
        tmp_path / "Thursday group.boris", ["video/session1.mp4", "video/session2.mp4"], holder
    )
    dialog.show()
    qtbot.waitExposed(dialog)
    frame = holder.grab()
    frame.fill(Qt.GlobalColor.lightGray)
    painter = QPainter(frame)
    shot = dialog.grab()
    painter.drawPixmap((1280 - shot.width()) // 2, (800 - shot.height()) // 3, shot)
    painter.end()
    assert (frame.width(), frame.height()) == (1280, 800)
    assert frame.toImage().save(str(out_dir / "import_recordings_folder.png"))
