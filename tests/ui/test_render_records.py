"""Render every dialog that corrects a record over the start screen at 1280×800 (out/ui/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QTreeWidgetItemIterator

from observer.workspace.changes import Kind
from observer.workspace.workspace import Workspace
from ui.start_screen import StartScreen


@pytest.fixture(autouse=True)
def styled(qapp: Any) -> Any:
    from ui import style

    before = (qapp.palette(), qapp.styleSheet(), qapp.font())
    style.apply(qapp)
    yield
    qapp.setPalette(before[0])
    qapp.setStyleSheet(before[1])
    qapp.setFont(before[2])


def over_screen(screen: StartScreen, dialog: Any, path: Path) -> QImage:
    """The start screen with the dialog on top, centred, as a person sees them."""
    image = screen.grab().toImage()
    painter = QPainter(image)
    shot = dialog.grab()
    x, y = (image.width() - shot.width()) // 2, (image.height() - shot.height()) // 3
    # A top-level window is drawn on its window colour, framed: as the window manager would.
    painter.fillRect(x, y, shot.width(), shot.height(), dialog.palette().window())
    painter.drawPixmap(x, y, shot)
    painter.setPen(QColor("#8a94a6"))
    painter.drawRect(x - 1, y - 1, shot.width() + 1, shot.height() + 1)
    painter.end()
    image.save(str(path))
    return image


@pytest.mark.parametrize(
    ("name", "select", "action"),
    [
        ("edit_group", ("group", 1), "Edit group…"),
        ("members", ("group", 1), "Members…"),
        ("edit_session", ("session", 2), "Edit session…"),
        ("edit_coding", ("coding", 1), "Edit coding…"),
        ("move_coding", ("coding", 1), "Move coding…"),
        ("delete_group", ("group", 1), "Delete group…"),
        ("trash", ("coding", 1), "Trash…"),
        ("codebooks", ("group", 1), "Codebooks…"),
        ("relabel_recording", ("media", 0), "Relabel recording…"),
    ],
)
def test_render_record_dialogs(
    demo_store: Any, qtbot: Any, out_dir: Path, name: str, select: tuple[str, int], action: str
) -> None:
    ws = Workspace(demo_store)
    ws.trash_coding(6)
    media = ws.attach_media(2, "/tapes/week2-camera-a.mp4", label="Week 2, camera A").new(
        Kind.MEDIA
    )
    screen = StartScreen(ws)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    screen.select(select[0], select[1] or media)
    [found] = [a for a in screen.records.menu.actions() if a.text().replace("&", "") == action]
    found.trigger()
    dialog = screen.records.confirmation if name == "delete_group" else screen.records.dialog
    if name == "members":
        dialog.add()
        qtbot.waitExposed(dialog)
        over_screen(screen, dialog.dialog, out_dir / "records_newcomer.png")
        dialog.dialog.reject()
    qtbot.waitExposed(dialog)
    image = over_screen(screen, dialog, out_dir / f"records_{name}.png")
    assert (image.width(), image.height()) == (1280, 800)


def test_render_start_screen_with_recordings_and_trash(
    demo_store: Any, qtbot: Any, out_dir: Path
) -> None:
    ws = Workspace(demo_store)
    ws.trash_coding(6)
    ws.attach_media(2, "/tapes/week2-camera-a.mp4", label="Week 2, camera A")
    screen = StartScreen(ws)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    qtbot.waitExposed(screen)
    found = QTreeWidgetItemIterator(screen.tree)
    texts = []
    while found.value():
        texts.append(found.value().text(0))
        found += 1
    assert "▶ Week 2, camera A" in texts and "Trash: 1 coding" in texts
    screen.grab().save(str(out_dir / "records_start_screen.png"))


def test_an_empty_trash_says_so_instead_of_an_empty_table(
    demo_store: Any, qtbot: Any, out_dir: Path
) -> None:
    """Emptied, the trash tells what it is for; a coding deleted then fills it again."""
    from PySide6.QtWidgets import QLabel, QTableWidget

    ws = Workspace(demo_store)
    screen = StartScreen(ws)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    screen.select("coding", 1)
    [found] = [a for a in screen.records.menu.actions() if a.text().replace("&", "") == "Trash…"]
    found.trigger()
    dialog = screen.records.dialog
    qtbot.waitExposed(dialog)
    note = dialog.findChild(QLabel, "nothingListed")
    table = dialog.findChild(QTableWidget)
    assert note.isVisible() and note.text().startswith("The trash is empty.")
    assert not table.isVisible()
    over_screen(screen, dialog, out_dir / "records_trash_empty.png")
    ws.trash_coding(6)  # deleted from elsewhere: the open dialog follows
    qtbot.waitUntil(lambda: table.isVisible() and table.rowCount() == 1)
    assert not note.isVisible()
