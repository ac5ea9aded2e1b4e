"""File ▸ Import of a call transcript: the names in the call mapped to members by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QWidget

import ui.import_export as ie
from observer.formats.common import count_rows
from observer.storage.read_coding import from_coding
from observer.workspace.workspace import Workspace
from tests.observer.formats.test_transcripts import ZOOM
from tests.observer.helpers import small_coding
from ui.transcript_import import LEFT_OUT, TranscriptImportDialog


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(ie, "show_message", lambda _p, title, text, details="", warning=False:
                        shown.append(f"{title}: {text}\n{details}"))  # fmt: skip
    return shown


def test_names_are_mapped_by_hand_and_unknown_ones_left_out(
    store: Any, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    messages: list[str], out_dir: Path,
) -> None:  # fmt: skip
    small_coding(store)
    source = tmp_path / "call.vtt"
    source.write_text(ZOOM, encoding="utf-8")
    parent = QWidget()
    qtbot.addWidget(parent)

    def answer(dialog: TranscriptImportDialog) -> int:
        dialog.show()
        rows = {dialog.speakers.item(r, 0).text(): r for r in range(dialog.speakers.rowCount())}
        # Sam and Priya are found by pseudonym; Jane Doe and Dr Who are nobody yet.
        assert dialog.member_of(rows["Sam"]).currentText() == "Sam"
        assert dialog.member_of(rows["Jane Doe"]).currentText() == LEFT_OUT
        assert dialog.member_of(rows["Dr Who"]).currentText() == LEFT_OUT
        assert "1 cue names no speaker: it is not imported" in dialog.unnamed.text()
        jane = dialog.member_of(rows["Jane Doe"])
        jane.setFocus()
        # One key: a combo box's search by typing forgets letters typed slowly (a busy machine).
        qtbot.keyClick(jane, "J")
        assert jane.currentText() == "Jane"
        qtbot.keyClicks(dialog.observer, "RK")
        dialog.resize(1280, 800)
        dialog.grab().save(str(out_dir / "transcript_import_dialog.png"))
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        return int(dialog.result())

    monkeypatch.setattr(TranscriptImportDialog, "exec", answer)
    before = count_rows(store)
    job = ie.import_with_progress(parent, Workspace(store), source)
    assert job is not None
    qtbot.waitUntil(lambda: not job.running, timeout=30_000)
    report = job.result
    assert count_rows(store)["codings"] == before["codings"] + 1
    data = from_coding(store, report.coding_ids[0])
    assert [(data.label(e.actor), e.time_ms, e.note) for e in data.events] == [
        ("Jane", 1000, ""),
        ("Sam", 6000, ""),
        ("Priya", 12000, ""),
    ]
    assert "Dr Who" in messages[-1]
