"""The coding window, the offer to resume and the agreement window fit a 1280 x 800 screen
with a window manager's title bar (each rendered there to a PNG to look at)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import open_window
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QFrame, QLabel

from observer.workspace.recording import Recorder
from ui.agreement_view import AgreementView
from ui.coding_window import TITLE_BAR

SCREEN = QSize(1280, 800)
ROOM = QSize(SCREEN.width(), SCREEN.height() - TITLE_BAR)  # below the title bar


def fits(size: QSize) -> bool:
    return size.width() <= ROOM.width() and size.height() <= ROOM.height()


def test_the_coding_window_with_the_resume_offer_fits_and_keeps_its_status_line_on_screen(
    demo_store: Any, fresh_coding: int, fake_time: Any, qtbot: Any, out_dir: Path
) -> None:
    recorder = Recorder(demo_store, fresh_coding)
    # The app died at 10:00 with the clock running and an event still lacking modifiers.
    recorder.record(590_000, "confrontation", "m1", ("m2",), awaiting_modifiers=True)
    recorder.resume_clock_at(600_000, running=True)
    recorder.close()
    window = open_window(demo_store, fresh_coding, fake_time, qtbot)
    window.load_side_panels()
    bar = window.findChild(QFrame, "resumeBar")
    assert bar is not None and bar.isVisible()
    assert window.findChild(QLabel, "lackingModifiers") is not None
    hint = window.minimumSizeHint()
    assert fits(hint), f"the coding window needs at least {hint.width()} x {hint.height()}"
    # Sized to the screen it opens on (the test screen is 800 x 800), less a title bar:
    # the status line is on screen.
    room = window.screen().availableGeometry()
    assert window.height() <= room.height() - TITLE_BAR
    assert window.width() <= max(room.width(), hint.width())
    window.resize(ROOM)
    qtbot.waitUntil(lambda: window.size() == ROOM)
    status = window.statusBar()
    assert status.isVisible() and status.geometry().bottom() < window.height()
    assert bar.width() <= window.width()
    window.grab().save(str(out_dir / "coding-window-1280x800-resume.png"))


@pytest.mark.parametrize("ids", [[4, 5], [3, 4, 5]])
def test_the_agreement_window_fits_with_its_figures_shown(
    demo_store: Any, qtbot: Any, out_dir: Path, ids: list[int]
) -> None:
    view = AgreementView(demo_store, ids)
    qtbot.addWidget(view)
    view.resize(ROOM)
    view.show()
    qtbot.waitUntil(lambda: view.result is not None, timeout=20_000)
    hint = view.minimumSizeHint()
    assert fits(hint), f"the agreement window needs at least {hint.width()} x {hint.height()}"
    view.grab().save(str(out_dir / f"agreement-1280x800-{len(ids)}.png"))
