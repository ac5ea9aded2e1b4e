"""The export and report options (de-identify, dates) and "your initials", as a person
uses them; what they write is read back from the files and the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import answer_export_dialog
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QWidget

import ui.import_export as ie
from observer.storage.access_log import access_log, at_the_keyboard


@pytest.fixture
def parent(qtbot: Any) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture(autouse=True)
def quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ie, "show_message", lambda *_a, **_k: None)


def finished(qtbot: Any, job: Any) -> Any:
    assert job is not None
    qtbot.waitUntil(lambda: not job.running, timeout=60_000)
    return job


def test_the_dates_choice_waits_for_the_de_identify_tick(qtbot: Any) -> None:
    from ui.dialogs.export_dialog import ExportDialog

    dialog = ExportDialog("Export coding", "session 3")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.dates.isEnabled() and dialog.choice().dates == "drop"
    qtbot.mouseClick(dialog.deidentify, Qt.MouseButton.LeftButton)
    assert dialog.dates.isEnabled() and dialog.choice().dates == "drop"  # drop unless asked
    dialog.dates.setFocus()
    qtbot.keyClick(dialog.dates, Qt.Key.Key_Down)
    assert dialog.choice().dates == "shift"
    qtbot.mouseClick(dialog.deidentify, Qt.MouseButton.LeftButton)  # not shared: dates kept
    assert not dialog.dates.isEnabled() and dialog.choice().dates == "drop"


def test_an_export_with_dates_shifted_through_the_dialog(
    demo_store: Any, parent: QWidget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    target = tmp_path / "shared.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    answer_export_dialog(monkeypatch, qtbot, deidentify=True, shift=True)
    finished(qtbot, ie.export_with_progress(parent, demo_store, 3))
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["session"]["starts_at"] is not None and "secret" in doc["deidentified"]
    assert access_log(demo_store, 3)[-1].detail == "json, de-identified, dates shifted"


def test_your_initials_are_kept_and_name_you_in_the_access_log(
    demo_store: Any, parent: QWidget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    from ui.dialogs.initials_dialog import InitialsDialog

    first = InitialsDialog(parent)
    qtbot.addWidget(first)
    first.show()
    assert first.initials.text() == "" and first.initials.placeholderText() == at_the_keyboard(None)
    qtbot.keyClicks(first.initials, "TS")
    qtbot.mouseClick(first.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)  # fmt: skip
    assert first.result() == QDialog.DialogCode.Accepted
    again = InitialsDialog(parent)  # set once: shown the next time
    qtbot.addWidget(again)
    assert again.initials.text() == "TS"
    target = tmp_path / "out.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    answered = answer_export_dialog(monkeypatch, qtbot)
    finished(qtbot, ie.export_with_progress(parent, demo_store, 3))
    assert "as TS" in answered[0].logged.text()
    assert [(a.who, a.action) for a in access_log(demo_store, 3)] == [("TS", "export")]
    # Emptied, the user name is logged again.
    qtbot.keyClick(again.initials, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(again.initials, Qt.Key.Key_Delete)
    qtbot.mouseClick(again.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)  # fmt: skip
    answer_export_dialog(monkeypatch, qtbot)
    finished(qtbot, ie.export_with_progress(parent, demo_store, 3))
    assert access_log(demo_store, 3)[-1].who == at_the_keyboard(None)


def _render(qtbot: Any, dialog: QWidget, holder: QWidget, name: str, out_dir: Path) -> None:
    dialog.show()
    qtbot.waitExposed(dialog)
    frame = holder.grab()
    frame.fill(Qt.GlobalColor.lightGray)
    painter = QPainter(frame)
    shot = dialog.grab()
    painter.drawPixmap((1280 - shot.width()) // 2, (800 - shot.height()) // 3, shot)
    painter.end()
    assert (frame.width(), frame.height()) == (1280, 800)
    assert frame.toImage().save(str(out_dir / name))
    dialog.close()


def test_render_the_report_options_and_your_initials(qtbot: Any, out_dir: Path) -> None:
    from ui.dialogs.export_dialog import ExportDialog
    from ui.dialogs.initials_dialog import InitialsDialog

    holder = QWidget()
    holder.resize(1280, 800)
    qtbot.addWidget(holder)
    report = ExportDialog("Supervision report", "Thursday group, session 3 report", holder,
                          report=True)  # fmt: skip
    report.deidentify.setChecked(True)
    report.dates.setCurrentIndex(1)
    _render(qtbot, report, holder, "report_options_dialog.png", out_dir)
    _render(qtbot, InitialsDialog(holder), holder, "initials_dialog.png", out_dir)
