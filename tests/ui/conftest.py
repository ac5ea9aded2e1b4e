"""Fixtures for the Qt views: isolated settings, a controllable clock, an open coding."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


class FakeTime:
    """A monotonic clock the test moves by hand, so event times are exact."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module", autouse=True)
def collector_as_in_the_app(qapp: Any) -> Iterator[None]:
    """Cycles are collected on the GUI thread only, as in the app (``ui.collector``): a Qt
    object of an earlier test is never destroyed on some worker thread of a later one.
    After the module, everything it left is collected here and the core's tests that
    follow have Python's own collector back."""
    import gc

    from ui.collector import collect_on_this_thread

    timer = collect_on_this_thread(qapp)
    yield
    timer.stop()
    timer.deleteLater()
    gc.collect()
    gc.enable()


@pytest.fixture(autouse=True)
def collected_between_tests() -> Iterator[None]:
    from ui.collector import collect_if_due

    yield
    collect_if_due()


@pytest.fixture(autouse=True)
def no_worker_outlives_its_test(qapp: Any) -> Iterator[None]:
    """Long work runs on the global thread pool; a worker still ending after its test
    would deliver into widgets the next test's teardown is deleting."""
    from PySide6.QtCore import QThreadPool

    yield
    assert QThreadPool.globalInstance().waitForDone(60_000), "a worker thread never ended"


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory: pytest.TempPathFactory, qapp: Any) -> Iterator[None]:
    """QSettings write to a temporary folder, never to the user's own settings."""
    from PySide6.QtCore import QSettings

    from ui.app import APPLICATION, ORGANISATION

    qapp.setOrganizationName(ORGANISATION)
    qapp.setApplicationName(APPLICATION)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat,
        QSettings.Scope.UserScope,
        str(tmp_path_factory.mktemp("settings")),
    )
    yield


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def open_window(store: Any, coding_id: int, fake_time: FakeTime, qtbot: Any) -> Any:
    from observer.domain.clock import LiveClock
    from observer.workspace.recording import Recorder
    from ui.coding_window import CodingWindow

    recorder = Recorder(store, coding_id)
    recorder.clock = LiveClock(recorder.clock.elapsed_ms(), monotonic=fake_time)
    window = CodingWindow(recorder)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    return window


@pytest.fixture
def fresh_coding(demo_store: Any) -> int:
    """An empty live coding of demo session 1 (ten people, two of them leaders)."""
    from observer.workspace.codings import new_coding

    return new_coding(demo_store, 1, "TS", ["here-and-now", "bion"], name="test")


@pytest.fixture
def window(demo_store: Any, fresh_coding: int, fake_time: FakeTime, qtbot: Any) -> Iterator[Any]:
    """A coding window on an empty coding, its clock driven by ``fake_time``."""
    w = open_window(demo_store, fresh_coding, fake_time, qtbot)
    yield w
    w.close()
    w.recorder.close()


def stored_events(store: Any, coding_id: int) -> list[Any]:
    """What is in the database, read afresh (not the recorder's memory)."""
    from observer.storage.event_rows import load_events

    with store.engine.connect() as conn:
        return load_events(conn, coding_id)


def drawn(
    widget: Any, colour: str, x: int | None = None, y: int | None = None, tolerance: int = 40
) -> list[int]:
    """Where a colour is painted on a widget: along the row ``y`` (x positions) or the
    column ``x`` (y positions). For what a view draws (a playhead, a "now" line)."""
    from PySide6.QtGui import QColor

    image = widget.grab().toImage()
    want = QColor(colour)

    def near(px: int, py: int) -> bool:
        got = image.pixelColor(px, py)
        return (abs(got.red() - want.red()) + abs(got.green() - want.green())
                + abs(got.blue() - want.blue())) <= tolerance  # fmt: skip

    if y is not None:
        return [px for px in range(image.width()) if near(px, y)]
    assert x is not None, "a row (y) or a column (x)"
    return [py for py in range(image.height()) if near(x, py)]


@pytest.fixture
def out_dir() -> Path:
    folder = Path(__file__).resolve().parents[2] / "out" / "ui"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def answer_export_dialog(
    monkeypatch: pytest.MonkeyPatch, qtbot: Any, deidentify: bool = False, shift: bool = False
) -> list[Any]:
    """The export and report dialogs answered as a person does: Choose… (the system's save
    dialog, patched by the test), the De-identify tick if asked, the dates shifted (the
    arrow key down in the Dates list) if asked, then Export.

    Returns the dialogs answered, in order.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    from ui.dialogs.export_dialog import ExportDialog

    answered: list[Any] = []

    def person(dialog: ExportDialog) -> int:
        answered.append(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.mouseClick(dialog.choose, Qt.MouseButton.LeftButton)
        if deidentify:
            qtbot.mouseClick(dialog.deidentify, Qt.MouseButton.LeftButton)
        if shift:
            dialog.dates.setFocus()
            qtbot.keyClick(dialog.dates, Qt.Key.Key_Down)
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        owner = dialog.parentWidget()
        if owner is not None:  # as a modal dialog closing does, the window is active again
            owner.window().activateWindow()
            qtbot.waitActive(owner.window())
        return dialog.result()

    monkeypatch.setattr(ExportDialog, "exec", person)
    return answered
