"""File → Import/Export: file dialogs, the table-import questions, the progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QProgressDialog, QWidget

import ui.import_export as ie
from observer.formats import export_coding
from observer.formats.common import count_rows
from observer.storage.read_coding import from_coding


class RecordingProgress(QProgressDialog):
    """The real progress dialog, remembering every value it was set to."""

    made: ClassVar[list[RecordingProgress]] = []

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.values: list[tuple[int, int]] = []
        RecordingProgress.made.append(self)

    def setValue(self, value: int) -> None:
        super().setValue(value)
        self.values.append((value, self.maximum()))

    def setRange(self, low: int, high: int) -> None:
        super().setRange(low, high)
        self.values.append((self.value(), high))


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, bool]]:
    shown: list[tuple[str, str, bool]] = []

    def fake(parent: Any, title: str, text: str, details: str = "", warning: bool = False) -> None:
        shown.append((title, text + "\n" + details, warning))

    monkeypatch.setattr(ie, "show_message", fake)
    RecordingProgress.made.clear()
    monkeypatch.setattr(ie, "QProgressDialog", RecordingProgress)
    return shown


@pytest.fixture
def parent(qtbot: Any) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_import_csv_asks_for_session_and_observer(
    demo_store: Any, parent: QWidget, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    messages: list[Any], out_dir: Path,
) -> None:  # fmt: skip
    source = tmp_path / "events.csv"
    count = export_coding(demo_store, 3, "csv", source)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(source), ""))
    )

    def answer(dialog: ie.TableImportDialog) -> int:
        dialog.show()
        dialog.session.setCurrentIndex(dialog.session.findData(3))
        qtbot.keyClicks(dialog.observer, "QT")
        dialog.grab().save(str(out_dir / "import_table_dialog.png"))
        ok = dialog.buttons.button(ie.QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        return int(dialog.result())

    monkeypatch.setattr(ie.TableImportDialog, "exec", answer)
    before = count_rows(demo_store)
    report = ie.import_with_progress(parent, demo_store)
    assert report is not None and report.events == count
    assert count_rows(demo_store)["codings"] == before["codings"] + 1
    imported = from_coding(demo_store, report.coding_ids[0])
    assert len(imported.events) == count and imported.name == "events"
    progress = RecordingProgress.made[-1]
    done, total = progress.values[-1]
    assert done == total >= count and len(progress.values) >= 3
    assert messages[-1][0] == "Imported" and not messages[-1][2]


def test_table_dialog_refuses_without_observer(demo_store: Any, qtbot: Any, tmp_path: Path) -> None:
    dialog = ie.TableImportDialog(demo_store, tmp_path / "x.csv")
    qtbot.addWidget(dialog)
    dialog.show()
    ok = dialog.buttons.button(ie.QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "initials" in dialog.error.text() and dialog.error.isVisible()


def test_import_json_needs_no_questions(
    demo_store: Any, parent: QWidget, tmp_path: Path, messages: list[Any]
) -> None:
    source = tmp_path / "coding.json"
    count = export_coding(demo_store, 4, "json", source)
    report = ie.import_with_progress(parent, demo_store, source)
    assert report is not None
    assert len(from_coding(demo_store, report.coding_ids[0]).events) == count
    assert RecordingProgress.made[-1].values[-1] == (count, count)


def test_bad_file_is_refused_and_nothing_written(
    demo_store: Any, parent: QWidget, tmp_path: Path, messages: list[Any]
) -> None:
    source = tmp_path / "coding.json"
    export_coding(demo_store, 4, "json", source)
    source.write_bytes(source.read_bytes()[:-200])
    before = count_rows(demo_store)
    assert ie.import_with_progress(parent, demo_store, source) is None
    assert count_rows(demo_store) == before
    title, text, warning = messages[-1]
    assert warning and title == "Cannot import" and "coding.json" in text and "Nothing" in text


def test_cancelling_rolls_the_import_back(
    demo_store: Any, parent: QWidget, tmp_path: Path, messages: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    source = tmp_path / "coding.json"
    export_coding(demo_store, 4, "json", source)
    monkeypatch.setattr(RecordingProgress, "wasCanceled", lambda self: True)
    before = count_rows(demo_store)
    assert ie.import_with_progress(parent, demo_store, source) is None
    assert count_rows(demo_store) == before
    assert messages[-1][0] == "Import cancelled"


def test_export_through_the_save_dialog(
    demo_store: Any, parent: QWidget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    messages: list[Any],
) -> None:  # fmt: skip
    target = tmp_path / "session3"  # no suffix: the chosen filter decides
    offered: list[str] = []

    def save_as_excel(_parent: Any, _title: str, _name: str, filters: str) -> tuple[str, str]:
        """The user types a name without a suffix and picks the Excel filter."""
        offered.extend(filters.split(";;"))
        return str(target), next(f for f in offered if "*.xlsx" in f)

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as_excel))
    written = ie.export_with_progress(parent, demo_store, 3)
    assert any("*.csv" in f for f in offered)  # the other formats are offered too
    assert written == target.with_suffix(".xlsx") and written.is_file()
    from openpyxl import load_workbook

    book = load_workbook(written, read_only=True)
    assert book.sheetnames == ["events", "codebook", "members"]
    rows = sum(1 for _ in book["events"].iter_rows(values_only=True))
    book.close()
    count = len(from_coding(demo_store, 3).events)
    assert rows == count + 1
    progress = RecordingProgress.made[-1]
    assert progress.values[-1] == (count, count)
    assert messages[-1][0] == "Exported" and str(written) in messages[-1][1]


def test_render_progress_dialog(parent: QWidget, qtbot: Any, out_dir: Path) -> None:
    runner = ie.ProgressRunner(parent, "Import", "Importing test.boris…")
    runner.dialog.show()
    runner(45_000, 100_000)
    qtbot.waitExposed(runner.dialog)
    image = runner.dialog.grab()
    image.save(str(out_dir / "import_progress.png"))
    assert runner.dialog.value() == 45_000 and runner.dialog.maximum() == 100_000
    runner.finish()


def test_excel_import_shows_a_busy_bar_then_reaches_the_end(
    demo_store: Any, parent: QWidget, tmp_path: Path, messages: list[Any]
) -> None:
    source = tmp_path / "events.xlsx"
    count = export_coding(demo_store, 2, "xlsx", source)
    report = ie.import_with_progress(parent, demo_store, source, session=2, observer="XL")
    assert report is not None and report.events == count
    values = RecordingProgress.made[-1].values
    assert any(total == 0 for _, total in values)  # while the sheet is read
    done, total = values[-1]
    assert done == total > 0
