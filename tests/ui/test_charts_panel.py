"""The charts panel: shows, redraws lazily (counted, not timed), shows a node's figures, exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from observer.domain.coding_data import CodingData
from observer.storage.read_coding import from_coding
from ui.charts_panel import ChartsPanel, recorder_source

INTERVAL_MS = 40


class Source:
    """The panel's data callable, counting how often the panel asked for data."""

    def __init__(self, store: Any, coding_id: int) -> None:
        self.store, self.coding_id, self.calls = store, coding_id, 0

    def __call__(self) -> CodingData:
        self.calls += 1
        return from_coding(self.store, self.coding_id)


@pytest.fixture
def panel(demo_store: Any, qtbot: Any) -> Any:
    source = Source(demo_store, 3)
    widget = ChartsPanel(source, interval_ms=INTERVAL_MS)
    widget.source_calls = source  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    qtbot.waitUntil(lambda: widget.draw_count == 1)
    return widget


def test_panel_shows_the_network_first(panel: Any, out_dir: Path) -> None:
    assert panel.current_chart() == "network"
    assert dict(panel.draw_counts) == {"network": 1}
    assert panel.metrics_table.rowCount() > 7
    assert panel.metrics_table.item(0, 0).text() == "Density"
    panel.grab().save(str(out_dir / "charts-panel.png"))


def test_refresh_is_deferred_and_folded_into_one_draw(panel: Any, qtbot: Any) -> None:
    calls = panel.source_calls.calls
    for _ in range(25):
        panel.schedule_refresh()
    assert panel.draw_count == 1  # nothing drawn while events arrive
    qtbot.waitUntil(lambda: panel.draw_count == 2)
    qtbot.wait(INTERVAL_MS * 4)
    assert panel.draw_count == 2  # 25 requests, one redraw
    assert panel.source_calls.calls == calls + 1
    assert panel.draw_counts["matrix"] == 0  # only the visible tab


def test_hidden_tabs_draw_when_shown(panel: Any, qtbot: Any) -> None:
    qtbot.mouseClick(
        panel.tabs.tabBar(), Qt.MouseButton.LeftButton, pos=panel.tabs.tabBar().tabRect(1).center()
    )
    assert panel.current_chart() == "matrix"
    assert panel.draw_counts["matrix"] == 1
    panel.tabs.setCurrentIndex(0)
    assert panel.draw_counts["network"] == 1  # still up to date: not drawn again


def test_recording_an_event_redraws_with_it(demo_store: Any, qtbot: Any) -> None:
    from observer.workspace.codings import new_coding
    from observer.workspace.recording import Recorder

    coding = new_coding(demo_store, 1, "TS", ["here-and-now", "bion"])
    recorder = Recorder(demo_store, coding)
    source = Source(demo_store, coding)
    panel = ChartsPanel(source, interval_ms=INTERVAL_MS)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.draw_count == 1)
    recorder.subscribe(lambda _changes: panel.schedule_refresh())
    ben = next(p.key for p in recorder.info.participants if p.label == "Ben")
    jane = next(p.key for p in recorder.info.participants if p.label == "Jane")
    recorder.record(1000, "feedback", ben, (jane,))
    assert panel.draw_count == 1  # record() returned before any drawing
    qtbot.waitUntil(lambda: panel.draw_count == 2)
    assert panel.drawing is not None
    node = panel.drawing.network.node(ben)
    assert node is not None and node.sent == 1 and node.label == "Ben"
    recorder.close()


def _click_node(panel: Any, qtbot: Any, label: str) -> None:
    """Click the node labelled ``label`` ("Ben", "Group") where it is drawn."""
    drawing = panel.drawing
    canvas = panel.charts["network"].canvas
    canvas.draw()
    [key] = [n.key for n in drawing.network.nodes if n.label == label]
    x, y = drawing.ax.transData.transform(drawing.positions[key])
    ratio = canvas.device_pixel_ratio or 1
    point = QPoint(round(x / ratio), round(canvas.height() - y / ratio))
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=point)


def test_clicking_a_node_shows_its_figures(panel: Any, qtbot: Any) -> None:
    _click_node(panel, qtbot, "Ben")
    text = panel.node_label.text()
    [ben] = [n for n in panel.drawing.network.nodes if n.label == "Ben"]
    assert text.startswith("Ben (member)")
    assert f"{ben.sent} acts sent" in text and f"{ben.received} received" in text
    _click_node(panel, qtbot, "Group")
    assert panel.node_label.text().startswith("Group: addressed")


def test_filter_by_actor_from_the_menu(panel: Any, qtbot: Any) -> None:
    combo = panel.actor_combo
    combo.setCurrentIndex(combo.findText("Jane"))
    jane = from_coding(panel.source_calls.store, 3).key_of("Jane")
    assert panel.filter is not None and panel.filter.actors == frozenset({jane})
    people = panel.drawing.network.people
    assert [n.label for n in people if n.sent] == ["Jane"]
    panel.start_edit.setText("nonsense")
    panel.start_edit.editingFinished.emit()
    assert "fde2e1" in panel.start_edit.styleSheet()  # marked, not applied


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_export_writes_the_chosen_file(
    panel: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any, suffix: str
) -> None:
    target = tmp_path / "chart"  # no suffix typed: the format's is added
    asked: list[str] = []

    def choose(_parent: Any, title: str, name: str, _filter: str) -> tuple[str, str]:
        asked.append(name)
        return str(target), ""

    monkeypatch.setattr("ui.charts_panel.QFileDialog.getSaveFileName", choose)
    qtbot.mouseClick(panel.charts["matrix"].buttons[suffix], Qt.MouseButton.LeftButton)
    written = target.with_name("chart" + suffix)
    assert asked and asked[0].endswith(f"-matrix{suffix}")
    magic = {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}[suffix]
    assert written.read_bytes().startswith(magic)


def test_cancelled_export_writes_nothing(
    panel: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr("ui.charts_panel.QFileDialog.getSaveFileName", lambda *_a: ("", ""))
    before = set(tmp_path.iterdir())
    assert panel.export("network", ".png") is None
    assert set(tmp_path.iterdir()) == before


def test_supervision_report_from_the_panel(
    demo_store: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from conftest import answer_export_dialog
    from PySide6.QtWidgets import QFileDialog

    from observer.report import report_for_coding

    panel = ChartsPanel(
        Source(demo_store, 3),
        interval_ms=INTERVAL_MS,
        report=lambda choice: report_for_coding(demo_store, 3, choice.path),
    )
    qtbot.addWidget(panel)
    panel.show()
    target = tmp_path / "supervision"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    answer_export_dialog(monkeypatch, qtbot)
    qtbot.mouseClick(panel.report_button, Qt.MouseButton.LeftButton)
    written = tmp_path / "supervision.pdf"
    assert written.read_bytes().startswith(b"%PDF")
    assert b"/Count 7" in written.read_bytes()


def test_the_panels_report_asks_the_same_options_de_identified_with_dates_shifted(
    demo_store: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """The charts dock's Report… goes through the one report dialog, tick and dates included."""
    from conftest import answer_export_dialog
    from pypdf import PdfReader
    from PySide6.QtWidgets import QFileDialog

    from observer.storage.access_log import access_log
    from observer.workspace.recording import Recorder
    from ui.menus import chart_sources

    recorder = Recorder(demo_store, 3)
    panel = ChartsPanel(Source(demo_store, 3), interval_ms=INTERVAL_MS, **chart_sources(recorder))
    qtbot.addWidget(panel)
    panel.show()
    target = tmp_path / "shared"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    answered = answer_export_dialog(monkeypatch, qtbot, deidentify=True, shift=True)
    qtbot.mouseClick(panel.report_button, Qt.MouseButton.LeftButton)
    written = tmp_path / "shared.pdf"
    qtbot.waitUntil(lambda: any(a.action == "report" for a in access_log(demo_store, 3)),
                    timeout=60_000)  # fmt: skip
    recorder.close()
    assert answered[0].choice().dates == "shift"
    text = "\n".join(page.extract_text() for page in PdfReader(written).pages)
    people = [p.label for p in from_coding(demo_store, 3).people]
    assert "Member A" in text and "dates shifted" in text
    assert [name for name in people if name in text] == []
    assert access_log(demo_store, 3)[-1].detail == "de-identified, dates shifted"


def test_recorder_source_matches_the_database_and_follows_edits(demo_store: Any) -> None:
    from observer.workspace.recording import Recorder

    recorder = Recorder(demo_store, 3)
    source = recorder_source(recorder)
    first = source()
    stored = from_coding(demo_store, 3)
    assert first.events == stored.events
    assert first.participants == stored.participants and first.codes == stored.codes
    event = recorder.events[-1]
    recorder.edit(event.id, note="edited")
    recorder.record(event.time_ms + 1, "support", event.actor, event.targets)
    again = source()
    assert again.events == from_coding(demo_store, 3).events
    assert len(again.events) == len(first.events) + 1
    recorder.close()


def test_two_members_called_sam_are_two_choices_and_two_nodes(
    store: Any, qtbot: Any, out_dir: Path
) -> None:
    from tests.observer.helpers import two_sams

    coding_id, keys = two_sams(store)
    panel = ChartsPanel(Source(store, coding_id), interval_ms=INTERVAL_MS)
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    qtbot.waitUntil(lambda: panel.draw_count == 1)
    combo = panel.actor_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "all", "Sam (SK)", "Sam (SM)", "Dr Lee", "group",
    ]  # fmt: skip
    assert sorted(n.label for n in panel.drawing.network.people) == [
        "Dr Lee", "Sam (SK)", "Sam (SM)",
    ]  # fmt: skip
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == "Sam (SM)"
    qtbot.waitUntil(lambda: panel.filter is not None)
    assert panel.filter.actors == frozenset({keys["SM"]})
    assert [n.label for n in panel.drawing.network.people if n.sent] == ["Sam (SM)"]
    panel.grab().save(str(out_dir / "charts-panel-two-sams.png"))


def test_a_phase_chosen_beside_the_times_filters_every_chart(
    demo_store: Any, qtbot: Any, out_dir: Path
) -> None:
    from observer.analysis.filters import ChartFilter
    from observer.analysis.network import build_network
    from observer.workspace.recording import Recorder

    recorder = Recorder(demo_store, 3)
    try:
        recorder.mark_phase("check-in", 0)
        recorder.mark_phase("work", 10 * 60_000)
        recorder.mark_phase("closing", 80 * 60_000)
    finally:
        recorder.close()
    data = from_coding(demo_store, 3)
    panel = ChartsPanel(Source(demo_store, 3), interval_ms=INTERVAL_MS)
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    qtbot.waitUntil(lambda: panel.draw_count == 1)
    combo = panel.phase_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "whole session", "third 1", "third 2", "third 3",
        "phase: check-in", "phase: work", "phase: closing",
    ]  # fmt: skip

    combo.setCurrentIndex(combo.findText("phase: work"))
    assert panel.filter == ChartFilter(600_000, 4_800_000)
    assert not panel.start_edit.isEnabled()  # the phase is the time window now
    qtbot.waitUntil(lambda: panel.draw_counts["network"] == 2)
    expected = build_network(data, ChartFilter(600_000, 4_800_000))
    assert {n.key: n.sent for n in panel.drawing.network.people} == {
        n.key: n.sent for n in expected.people
    }
    panel.grab().save(str(out_dir / "charts-panel-phase.png"))

    combo.setCurrentIndex(combo.findText("third 3"))
    assert panel.filter == ChartFilter(data.duration_ms * 2 // 3, None)
    combo.setCurrentIndex(0)
    assert panel.filter is None and panel.start_edit.isEnabled()
