"""Render the main views to PNG (out/ui/) at 1280×800, to look at, and check the basics."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import open_window

from observer.storage.event_rows import insert_events, load_events
from observer.workspace.codings import new_coding
from observer.workspace.workspace import Workspace

NOW_MS = 31 * 60_000 + 12_400


def mid_session_coding(store: Any) -> int:
    """A live coding of demo session 1 as it stands 31 minutes in: the mode still running."""
    with store.engine.connect() as conn:
        events = load_events(conn, 1)
    so_far = []
    for e in events:
        if e.time_ms > NOW_MS:
            continue
        if e.end_ms is not None and e.end_ms > NOW_MS:
            e = replace(e, end_ms=None)
        so_far.append(replace(e, id=0))
    coding = new_coding(store, 1, "RK", ["here-and-now", "bion"], name="live, co-therapist")
    insert_events(store, coding, so_far)
    return coding


@pytest.fixture(autouse=True)
def styled(qapp: Any) -> Any:
    """The app's own look, as ``group-observer`` sets it (tests otherwise run unstyled)."""
    from ui import style

    before = (qapp.palette(), qapp.styleSheet(), qapp.font())
    style.apply(qapp)
    yield
    qapp.setPalette(before[0])
    qapp.setStyleSheet(before[1])
    qapp.setFont(before[2])


@pytest.fixture
def live(demo_store: Any, fake_time: Any, qtbot: Any) -> Any:
    coding = mid_session_coding(demo_store)
    window = open_window(demo_store, coding, fake_time, qtbot)
    window.recorder.add_note("Jane went quiet after Sam's feedback; Dr Kim noticed too.", 1_212_000)
    window.recorder.add_note(
        "Dependency on Dr Rivera eased once Priya asked Tom directly.", 1_390_000
    )
    window.recorder.clock.set_elapsed(NOW_MS)
    window.toggle_clock()  # as F5 does: the status bar says the clock runs
    window.resize(1280, 800)
    window.timeline.set_follow_now(True)
    qtbot.wait(10)
    yield window
    window.close()
    window.recorder.close()


def save(widget: Any, path: Path) -> None:
    image = widget.grab().toImage()
    assert image.save(str(path))
    assert path.stat().st_size > 10_000


def test_render_start_screen(demo_store: Any, qtbot: Any, out_dir: Path, store: Any) -> None:
    from ui.start_screen import StartScreen

    screen = StartScreen(Workspace(demo_store))
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    qtbot.waitExposed(screen)
    save(screen, out_dir / "start_screen.png")
    empty = StartScreen(Workspace(store))
    qtbot.addWidget(empty)
    empty.resize(1280, 800)
    empty.show()
    qtbot.waitExposed(empty)
    assert empty.demo_button.isVisible()
    save(empty, out_dir / "start_screen_empty.png")


def test_render_coding_window_mid_session(live: Any, qtbot: Any, out_dir: Path) -> None:
    for ch in "12":  # an event half entered: Jane → Sam, waiting for the code
        qtbot.keyClick(live.chart, ch)
    qtbot.wait(50)
    assert live.size().width() == 1280 and live.size().height() == 800
    assert not live.table.horizontalScrollBar().isVisible()  # every column fits at 1280 px
    assert "Work group" in live.header.mode.text()
    save(live, out_dir / "coding_window.png")
    qtbot.keyClick(live.chart, "c")  # confrontation: the modifier strip asks for valence
    qtbot.wait(20)
    save(live, out_dir / "coding_window_modifiers.png")
    qtbot.keyClick(live.chart, "n")
    qtbot.keyClick(live.chart, "h")


def test_render_timeline_zoomed_in_and_out(live: Any, qtbot: Any, out_dir: Path) -> None:
    timeline = live.timeline
    timeline.set_span(60_000)
    assert timeline.visible_range()[1] - timeline.visible_range()[0] == 60_000
    save(timeline, out_dir / "timeline_zoomed_in.png")
    timeline.show_all()
    save(timeline, out_dir / "timeline_zoomed_out.png")


def test_render_setup_dialogs(demo_store: Any, qtbot: Any, out_dir: Path) -> None:
    from ui.dialogs.coding_dialog import NewCodingDialog
    from ui.dialogs.group_dialog import NewGroupDialog
    from ui.dialogs.session_dialog import NewSessionDialog

    group = NewGroupDialog(Workspace(demo_store))
    qtbot.addWidget(group)
    group.name.setText("Monday group")
    for name in ("Anna", "Bert", "Dr Ho"):
        group.pseudonym.setText(name)
        group.add_member()
    group.show()
    qtbot.waitExposed(group)
    save(group, out_dir / "dialog_new_group.png")
    for dialog, name in (
        (NewSessionDialog(Workspace(demo_store), 1), "dialog_new_session.png"),
        (NewCodingDialog(Workspace(demo_store), 1, "Session 1"), "dialog_new_coding.png"),
    ):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        save(dialog, out_dir / name)


def _colour_at(window: Any, widget: Any, x: int, y: int) -> str:
    """The colour drawn at a point of ``widget``, read from a picture of the whole window."""
    from PySide6.QtCore import QPoint

    image = window.grab().toImage()
    point = widget.mapTo(window, QPoint(x, y))
    return str(image.pixelColor(point).name())


def test_coding_window_wears_the_app_look_without_an_app_wide_style_sheet(
    live: Any, qtbot: Any
) -> None:
    """The look is drawn panel by panel: the app has no sheet (it slowed the window's start)."""
    from PySide6.QtWidgets import QApplication, QSplitterHandle

    from ui import style

    assert QApplication.instance().styleSheet() == ""  # type: ignore[union-attr]
    header = live.header
    assert _colour_at(live, header, header.width() - 4, 4) == style.PANEL
    button = header.button
    assert _colour_at(live, button, 4, button.height() // 2) == style.ACCENT
    handle = next(h for h in live.findChildren(QSplitterHandle) if h.isVisible())
    assert _colour_at(live, handle, handle.width() // 2, handle.height() // 2) == style.LINE
    code = live.palette_view.buttons["feedback"]
    assert _colour_at(live, code, code.width() // 2, 0) == style.LINE  # its border
    assert _colour_at(live, code, code.width() - 40, code.height() // 2) == style.WINDOW


def test_windows_other_than_the_coding_window_are_dressed(demo_store: Any, qtbot: Any) -> None:
    from PySide6.QtWidgets import QPushButton

    from ui import style
    from ui.start_screen import StartScreen

    screen = StartScreen(Workspace(demo_store))
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    qtbot.waitExposed(screen)
    assert screen.styleSheet() == style.STYLE_SHEET
    primary = next(
        b for b in screen.findChildren(QPushButton) if b.objectName() == "primary" and b.isVisible()
    )
    assert _colour_at(screen, primary, 4, primary.height() // 2) == style.ACCENT


def test_a_code_button_explains_its_code_when_the_pointer_rests_on_it(live: Any) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication

    button = live.palette_view.buttons["feedback"]
    code = button.code
    centre = button.rect().center()
    QApplication.sendEvent(
        button, QHelpEvent(QEvent.Type.ToolTip, centre, button.mapToGlobal(centre))
    )
    tip = button.toolTip()
    assert code.label in tip and f"key <b>{code.key}</b>" in tip
    assert code.definition.split()[0] in tip
