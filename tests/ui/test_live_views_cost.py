"""What keeps live coding cheap with long codings: rows painted from the model's text,
charts that draw only on screen, prompts read when first shown. Counted, never timed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow
from test_prompt_panel import RULE, open_coding

import ui.prompt_panel
from observer.domain.events import Event
from observer.storage.event_rows import insert_events
from observer.storage.read_coding import from_coding
from observer.workspace.recording import Recorder
from ui.charts_panel import ChartsPanel
from ui.event_table import CODE, TIME, EventTable, EventTableModel
from ui.prompt_panel import PromptPanel


def test_table_paints_text_selection_stripes_and_code_colours(
    demo_store: Any, fresh_coding: int, qtbot: Any
) -> None:
    events = [Event(0, 1000 * i, "feedback", "m1", ("m2",)) for i in range(30)]
    insert_events(demo_store, fresh_coding, events)
    recorder = Recorder(demo_store, fresh_coding)
    model = EventTableModel(recorder)
    table = EventTable(model)
    qtbot.addWidget(table)
    table.resize(700, 300)
    table.show()
    table.scrollToTop()
    table.selectRow(0)
    image = table.viewport().grab().toImage()
    ratio = image.devicePixelRatio()

    def pixel(x: int, y: int) -> str:
        return QColor(image.pixel(int(x * ratio), int(y * ratio))).name()

    def row_top(row: int) -> int:
        return table.rowViewportPosition(row)

    blank_x = table.columnViewportPosition(TIME) + table.columnWidth(TIME) - 2
    assert pixel(blank_x, row_top(0) + 2) == "#dcebf7"  # selected
    assert pixel(blank_x, row_top(1) + 2) == "#f8f9fb"  # alternate stripe
    swatch = table.columnViewportPosition(CODE) + 6 + 5
    colour = QColor(recorder.palette.code("feedback").colour).name()  # type: ignore[union-attr]
    assert pixel(swatch, row_top(2) + table.rowHeight(2) // 2) == colour
    # The time is written in the row (dark text pixels in the time cell).
    time_cell = [
        QColor(image.pixel(int(x * ratio), int((row_top(3) + y) * ratio))).lightness()
        for x in range(6, 50)
        for y in range(4, 18)
    ]
    assert min(time_cell) < 120
    model.close()
    recorder.close()


def test_charts_tabbed_behind_another_dock_draw_nothing_until_shown(
    demo_store: Any, qtbot: Any
) -> None:
    calls: list[int] = []

    def source() -> Any:
        calls.append(1)
        return from_coding(demo_store, 3)

    window = QMainWindow()
    qtbot.addWidget(window)
    front = QDockWidget("Notes", window)
    front.setWidget(QLabel("notes"))
    behind = QDockWidget("Charts", window)
    panel = ChartsPanel(source, interval_ms=20)
    behind.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, front)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, behind)
    window.tabifyDockWidget(front, behind)
    front.raise_()
    window.resize(1100, 700)
    window.show()
    for _ in range(5):
        panel.schedule_refresh()
        qtbot.wait(60)
    assert panel.draw_count == 0 and calls == []  # Qt calls it "visible"; it is not on screen
    behind.raise_()
    qtbot.waitUntil(lambda: panel.draw_count == 1)
    assert len(calls) == 1


def test_prompts_of_a_long_coding_are_read_when_the_panel_is_first_shown(
    qtbot: Any, store: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(ui.prompt_panel, "EAGER_EVENTS", 3)  # "long" from four events on
    recorder, k = open_coding(store)
    for round_ in range(3):
        base = round_ * 300_000
        recorder.record(base, "feedback", k["Priya"], (k["Tom"],))
        recorder.record(base + 60_000, "self-disclosure", k["Jane"])
        recorder.record(base + 65_000, "subject-change", k["Sam"])
    panel = PromptPanel(recorder)
    qtbot.addWidget(panel)
    assert panel.cards == {}  # not read yet: nothing on screen asked for it
    recorder.record(900_000, "feedback", k["Priya"], (k["Tom"],))  # ignored until read
    panel.resize(380, 640)
    panel.show()
    qtbot.waitUntil(lambda: bool(panel.cards))
    assert list(panel.cards) == [f"{RULE}@{k['Jane']}"]
    assert panel.occurrences.count() > 0
    recorder.undo()  # the last feedback: followed from now on like any change
    assert list(panel.cards) == [f"{RULE}@{k['Jane']}"]
    panel.detach()
    recorder.close()
