"""File → Import/Export: file dialogs, the table-import questions, work off the GUI thread."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import answer_export_dialog
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QWidget

import observer.formats
import ui.import_export as ie
from observer.formats import export_coding
from observer.formats.common import count_rows
from observer.storage.read_coding import from_coding
from observer.workspace.workspace import Workspace
from ui.background import CANCELLED, DONE, FAILED, Job


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, bool]]:
    shown: list[tuple[str, str, bool]] = []

    def fake(parent: Any, title: str, text: str, details: str = "", warning: bool = False) -> None:
        shown.append((title, text + "\n" + details, warning))

    monkeypatch.setattr(ie, "show_message", fake)
    return shown


@pytest.fixture
def parent(qtbot: Any) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def progress_of(job: Job | None) -> list[tuple[int, int]]:
    """Every (value, maximum) the job's progress bar shows, from the start (0 maximum: busy)."""
    assert job is not None and job.dialog is not None
    bar = job.dialog.bar
    values = [(bar.value(), bar.maximum())]
    # Connected after the dialog: the bar is already updated when this is called.
    job.progressed.connect(lambda *_: values.append((bar.value(), bar.maximum())))
    return values


def finished(qtbot: Any, job: Job | None) -> Job:
    """The job, once its work on the worker thread has ended (the window kept running)."""
    assert job is not None
    qtbot.waitUntil(lambda: not job.running, timeout=30_000)
    return job


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
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        return int(dialog.result())

    monkeypatch.setattr(ie.TableImportDialog, "exec", answer)
    before = count_rows(demo_store)
    job = ie.import_with_progress(parent, Workspace(demo_store))
    values = progress_of(job)
    report = finished(qtbot, job).result
    assert report is not None and report.events == count
    assert count_rows(demo_store)["codings"] == before["codings"] + 1
    imported = from_coding(demo_store, report.coding_ids[0])
    assert len(imported.events) == count and imported.name == "events"
    done, total = values[-1]
    assert done == total >= count and len(values) >= 3
    assert messages[-1][0] == "Imported" and not messages[-1][2]


def test_table_dialog_refuses_without_observer(demo_store: Any, qtbot: Any, tmp_path: Path) -> None:
    dialog = ie.TableImportDialog(demo_store, tmp_path / "x.csv")
    qtbot.addWidget(dialog)
    dialog.show()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "initials" in dialog.error.text() and dialog.error.isVisible()


def test_import_json_needs_no_questions(
    demo_store: Any, parent: QWidget, tmp_path: Path, messages: list[Any], qtbot: Any
) -> None:
    source = tmp_path / "coding.json"
    count = export_coding(demo_store, 4, "json", source)
    job = ie.import_with_progress(parent, Workspace(demo_store), source)
    values = progress_of(job)
    report = finished(qtbot, job).result
    assert report is not None
    assert len(from_coding(demo_store, report.coding_ids[0]).events) == count
    assert values[-1] == (count, count)


def test_bad_file_is_refused_and_nothing_written(
    demo_store: Any, parent: QWidget, tmp_path: Path, messages: list[Any], qtbot: Any
) -> None:
    source = tmp_path / "coding.json"
    export_coding(demo_store, 4, "json", source)
    source.write_bytes(source.read_bytes()[:-200])
    before = count_rows(demo_store)
    job = finished(qtbot, ie.import_with_progress(parent, Workspace(demo_store), source))
    assert job.state == FAILED and job.result is None
    assert count_rows(demo_store) == before
    title, text, warning = messages[-1]
    assert warning and title == "Cannot import" and "coding.json" in text and "Nothing" in text


def test_cancel_mid_way_writes_nothing(
    demo_store: Any, parent: QWidget, tmp_path: Path, messages: list[Any], qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Cancel pressed while half of a long coding is written: the database is as it was."""
    from observer.domain.events import Event
    from observer.storage.event_rows import insert_events
    from observer.storage.store import open_store
    from observer.workspace.codings import new_coding

    long = new_coding(demo_store, 1, "LG", ["here-and-now"], name="long")
    insert_events(
        demo_store, long, [Event(0, i * 1000, "question", "m1", ("group",)) for i in range(20_000)]
    )
    source = tmp_path / "long.json"
    export_coding(demo_store, long, "json", source)
    before = count_rows(demo_store)
    # The import stops half-way (10,000 of 20,000 events written, uncommitted) until the
    # person has pressed Cancel: then it goes on, and its next report finds the request.
    halfway, resume = threading.Event(), threading.Event()
    real = observer.formats.import_file

    def paced(store: Any, path: Path, progress: Any, **opts: Any) -> Any:
        def report(done: int, total: int) -> None:
            progress(done, total)
            if total and done * 2 >= total and not halfway.is_set():
                halfway.set()
                resume.wait(30)

        return real(store, path, report, **opts)

    monkeypatch.setattr(observer.formats, "import_file", paced)
    try:
        job = ie.import_with_progress(parent, Workspace(demo_store), source)
        assert job is not None and job.dialog is not None
        dialog = job.dialog
        qtbot.waitUntil(halfway.is_set, timeout=30_000)
        # The window keeps drawing meanwhile: the dialog shows how far the import got.
        qtbot.waitUntil(lambda: dialog.isVisible() and dialog.bar.value() == 10_000)
        assert dialog.bar.maximum() == 20_000
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        assert "Cancelling" in dialog.label.text() and not dialog.cancel_button.isEnabled()
        assert job.running  # the dialog stays until the import has rolled back
    finally:
        resume.set()
    assert finished(qtbot, job).state == CANCELLED
    fresh = open_store(demo_store.path)
    try:
        assert count_rows(fresh) == before
    finally:
        fresh.close()
    assert messages[-1][0] == "Import cancelled" and "nothing was written" in messages[-1][1]


def test_export_through_the_save_dialog(
    demo_store: Any, parent: QWidget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    messages: list[Any], qtbot: Any,
) -> None:  # fmt: skip
    target = tmp_path / "session3"  # no suffix: the chosen filter decides
    offered: list[str] = []

    def save_as_excel(_parent: Any, _title: str, _name: str, filters: str) -> tuple[str, str]:
        """The user types a name without a suffix and picks the Excel filter."""
        offered.extend(filters.split(";;"))
        return str(target), next(f for f in offered if "*.xlsx" in f)

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as_excel))
    answer_export_dialog(monkeypatch, qtbot)
    job = ie.export_with_progress(parent, demo_store, 3)
    values = progress_of(job)
    written, _count = finished(qtbot, job).result
    assert any("*.csv" in f for f in offered)  # the other formats are offered too
    assert written == target.with_suffix(".xlsx") and written.is_file()
    from openpyxl import load_workbook

    book = load_workbook(written, read_only=True)
    assert book.sheetnames == ["events", "codebook", "members"]
    rows = sum(1 for _ in book["events"].iter_rows(values_only=True))
    book.close()
    count = len(from_coding(demo_store, 3).events)
    assert rows == count + 1
    assert values[-1] == (count, count)
    assert messages[-1][0] == "Exported" and str(written) in messages[-1][1]


def test_excel_import_shows_a_busy_bar_then_reaches_the_end(
    demo_store: Any, parent: QWidget, tmp_path: Path, messages: list[Any], qtbot: Any
) -> None:
    source = tmp_path / "events.xlsx"
    count = export_coding(demo_store, 2, "xlsx", source)
    job = ie.import_with_progress(parent, Workspace(demo_store), source, session=2, observer="XL")
    values = progress_of(job)
    report = finished(qtbot, job).result
    assert job.state == DONE and report is not None and report.events == count
    assert any(total == 0 for _, total in values)  # while the sheet is read
    done, total = values[-1]
    assert done == total > 0


def test_render_progress_dialog_over_the_start_screen(
    demo_store: Any, qtbot: Any, out_dir: Path
) -> None:
    from PySide6.QtGui import QPainter

    from ui.background import ProgressDialog
    from ui.start_screen import StartScreen

    screen = StartScreen(Workspace(demo_store))
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    qtbot.waitExposed(screen)
    gate = threading.Event()
    job = Job(lambda progress: gate.wait(30))
    dialog = job.dialog = ProgressDialog(job, "Import", "Importing Thursday group.boris…", screen)
    job.start()
    try:
        dialog.show_progress(45_000, 100_000)
        qtbot.waitUntil(dialog.isVisible)  # shown once the work takes longer than a moment
        assert dialog.bar.value() == 45_000 and dialog.bar.maximum() == 100_000
        assert dialog.cancel_button.isEnabled() and dialog.isModal()
        picture = screen.grab()
        painter = QPainter(picture)
        at = dialog.geometry().topLeft() - screen.geometry().topLeft()
        if not picture.rect().contains(dialog.geometry().translated(-screen.pos())):
            at = picture.rect().center() - dialog.rect().center()
        painter.drawPixmap(at, dialog.grab())
        painter.end()
        assert picture.width() == 1280 and picture.height() == 800
        assert picture.save(str(out_dir / "import_progress.png"))
    finally:
        gate.set()
    assert finished(qtbot, job).state == DONE
    assert job.dialog is None  # closed when the work ended


def test_a_de_identified_export_through_the_dialog_names_nobody(
    demo_store: Any, parent: QWidget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    messages: list[Any], qtbot: Any,
) -> None:  # fmt: skip
    target = tmp_path / "shared.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    answered = answer_export_dialog(monkeypatch, qtbot, deidentify=True)
    job = ie.export_with_progress(parent, demo_store, 3)
    written, count = finished(qtbot, job).result
    assert written == target and answered[0].deidentify.isChecked()
    text = target.read_text(encoding="utf-8")
    people = [p for p in from_coding(demo_store, 3).people]
    assert "Member A" in text and not [p.label for p in people if p.label in text]
    assert count == len(from_coding(demo_store, 3).events)
    assert messages[-1][0] == "Exported" and "de-identified" in messages[-1][1]


def test_render_the_export_dialog_with_its_de_identify_tick(
    demo_store: Any, qtbot: Any, out_dir: Path
) -> None:
    from ui.dialogs.export_dialog import ExportDialog

    holder = QWidget()
    holder.resize(1280, 800)
    qtbot.addWidget(holder)
    dialog = ExportDialog("Export coding", "Thursday interpersonal group, session 3 — RK", holder)
    dialog.deidentify.setChecked(True)
    dialog.show()
    qtbot.waitExposed(dialog)
    frame = holder.grab()
    frame.fill(Qt.GlobalColor.lightGray)
    painter = QPainter(frame)
    shot = dialog.grab()
    painter.drawPixmap((1280 - shot.width()) // 2, (800 - shot.height()) // 3, shot)
    painter.end()
    assert frame.width() == 1280 and frame.height() == 800
    assert frame.toImage().save(str(out_dir / "export_dialog.png"))
    dialog.close()


def test_the_file_name_follows_the_format_chosen(qtbot: Any) -> None:
    from ui.dialogs.export_dialog import ExportDialog

    dialog = ExportDialog("Export coding", "session 3")
    qtbot.addWidget(dialog)
    assert (dialog.fmt, dialog.file.text()) == ("csv", "session 3.csv")
    dialog.format.setCurrentIndex(dialog.format.findData("xlsx"))
    assert dialog.file.text() == "session 3.xlsx"
    assert not dialog.deidentify.isChecked()  # sharing is chosen, never assumed


def test_a_de_identified_report_through_the_dialog_names_nobody(
    demo_store: Any, parent: QWidget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    from pypdf import PdfReader

    from ui.menus import write_report

    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "shared"), "")
    )
    answer_export_dialog(monkeypatch, qtbot, deidentify=True)
    finished(qtbot, write_report(parent, demo_store, 3))
    text = "\n".join(page.extract_text() for page in PdfReader(tmp_path / "shared.pdf").pages)
    people = [p.label for p in from_coding(demo_store, 3).people]
    assert "Member A" in text and [name for name in people if name in text] == []


def test_export_says_what_will_not_be_carried_over_before_writing(
    demo_store: Any, parent: QWidget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    messages: list[Any], qtbot: Any,
) -> None:  # fmt: skip
    from observer.workspace.recording import Recorder

    recorder = Recorder(demo_store, 3)
    recorder.record(4_702_000, "pairing", "group")  # still running at the end
    recorder.close()
    asked: list[str] = []
    answers = iter([False, True])

    def ask(_parent: Any, text: str) -> bool:
        asked.append(text)
        return next(answers)

    monkeypatch.setattr(ie, "ask_to_export", ask)
    target = tmp_path / "c.boris"
    assert ie.export_with_progress(parent, demo_store, 3, target) is None  # "Cancel"
    assert not target.exists()
    assert asked[0].startswith("1 thing will not be carried over:")
    assert "'pairing' of the group from 1:18:22.000" in asked[0]
    written, _count = finished(qtbot, ie.export_with_progress(parent, demo_store, 3, target)).result
    assert written == target and target.is_file() and asked[1] == asked[0]


def test_export_refused_before_writing_says_why(
    demo_store: Any, parent: QWidget, tmp_path: Path, messages: list[Any]
) -> None:
    from observer.domain.events import Event
    from observer.storage.event_rows import insert_events

    jane = next(p.key for p in from_coding(demo_store, 3).people if p.label == "Jane")
    insert_events(
        demo_store,
        3,
        [
            Event(0, 10_000, "withdrawal", jane, (), {}, "", 50_000),
            Event(0, 30_000, "withdrawal", jane, (), {}, "", 70_000),
        ],
    )
    target = tmp_path / "c.boris"
    assert ie.export_with_progress(parent, demo_store, 3, target) is None
    assert not target.exists()
    assert messages[-1][0] == "Cannot export" and "BORIS pairs" in messages[-1][1]
