"""Charts draw on the demo data and export; the report PDF; the network and report commands."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from matplotlib.figure import Figure

from observer.analysis.filters import ChartFilter
from observer.charts import CHARTS, new_figure
from observer.charts.export import save_figure
from observer.charts.network import draw_network
from observer.charts.trends import draw_trends
from observer.cli.main import main
from observer.domain.coding_data import CodingData
from observer.domain.errors import InputError
from observer.storage.read_coding import from_coding
from tests.observer.helpers import pdf_text

MAGIC = {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}


@pytest.fixture
def demo_data(demo_store: Any) -> CodingData:
    return from_coding(demo_store, 3)


def test_every_chart_draws_on_the_demo_coding(demo_data: CodingData) -> None:
    for name, (_title, draw, _size) in CHARTS.items():
        fig = new_figure(name)
        draw(fig, demo_data)
        assert fig.axes, name
        texts = [t.get_text() for ax in fig.axes for t in ax.texts] + [
            t.get_text() for t in fig.texts
        ]
        labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
        # Every chart names the people, the basic-assumption chart the modes.
        expected = "Fight-flight (baF)" if name == "basic_assumptions" else "Ben"
        assert expected in " ".join(texts + labels), name


def test_charts_say_so_when_there_is_nothing_to_draw(demo_data: CodingData) -> None:
    nothing = ChartFilter.of(codes=["no-such-code"])
    for name, (_title, draw, _size) in CHARTS.items():
        if name in ("network", "basic_assumptions"):
            continue  # people and modes stay whatever the code filter
        fig = new_figure(name)
        draw(fig, demo_data, nothing)
        assert fig.texts or fig.axes, name
    empty = CodingData("empty", (), ())
    fig = Figure()
    assert draw_network(fig, empty) is None
    assert "No one" in fig.texts[0].get_text()


def test_network_filter_and_colour_by_valence(demo_data: CodingData) -> None:
    fig = new_figure("network")
    drawing = draw_network(fig, demo_data, ChartFilter.of(codes=["feedback"]), "force", "valence")
    assert drawing is not None
    legend = fig.axes[0].get_legend()
    assert legend is not None
    assert {"positive", "negative"} <= {t.get_text() for t in legend.get_texts()}
    assert drawing.network.measures.acts == sum(e.code == "feedback" for e in demo_data.events)


def test_node_under_a_point_is_found(demo_data: CodingData) -> None:
    fig = new_figure("network")
    drawing = draw_network(fig, demo_data)
    assert drawing is not None
    fig.canvas.draw()
    ben = demo_data.key_of("Ben")
    x, y = drawing.ax.transData.transform(drawing.positions[ben])
    found = drawing.node_at(x + 2, y - 2)
    assert found is not None and found.key == ben and found.label == "Ben"
    assert drawing.node_at(0, 0) is None


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_export_writes_each_format(demo_data: CodingData, tmp_path: Path, suffix: str) -> None:
    fig = new_figure("matrix")
    CHARTS["matrix"][1](fig, demo_data)
    path = save_figure(fig, tmp_path / f"matrix{suffix}")
    assert path.read_bytes().startswith(MAGIC[suffix])


def test_export_refuses_other_formats(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\.png, \.svg or \.pdf"):
        save_figure(Figure(), tmp_path / "chart.jpg")


def test_trends_chart_on_the_demo_group(demo_store: Any) -> None:
    from observer.workspace.group_course import group_trends

    fig = new_figure("participation")
    draw_trends(fig, group_trends(demo_store, 1))
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()][:2] == ["Session 1", "Session 2"]


def _with_notes(store: Any) -> None:
    from observer.workspace.recording import Recorder

    recorder = Recorder(store, 3)
    recorder.add_note("Ben looked away when Jane cried.", 12 * 60_000)
    recorder.close()


def test_report_pages_and_text(demo_store: Any, tmp_path: Path, monkeypatch: Any) -> None:
    import observer.analysis.sequences as sequences
    from observer.report import report_for_coding

    _with_notes(demo_store)
    monkeypatch.setattr(
        sequences,
        "describe_significant",
        lambda data: ["Disclosure was followed by a change of subject."],
    )
    out = tmp_path / "report.pdf"
    pages = report_for_coding(demo_store, 3, out)
    raw = out.read_bytes()
    assert raw.startswith(b"%PDF")
    assert pages == 7
    assert re.search(rb"/Type /Pages.*?/Count 7", raw, re.S)
    text = pdf_text(raw)
    for expected in (
        "Supervision report",
        "Thursday interpersonal group",
        "Session 3",
        "RK",
        "Density",
        "Reciprocity",
        "Participation Gini",
        "Interaction network",
        "Who to whom",
        "Participation",
        "Time in each mode",
        "Timeline",
        "PROCESS NOTES",
        "Ben looked away when Jane cried.",
        "SEQUENCES",
        "Disclosure was followed by a change of subject.",
    ):
        assert expected in text, expected


def test_report_without_the_sequences_module(
    demo_data: CodingData, tmp_path: Path, monkeypatch: Any
) -> None:
    from observer.report import sequence_lines, text_pages

    monkeypatch.setitem(sys.modules, "observer.analysis.sequences", None)  # import fails
    assert sequence_lines(demo_data) is None
    lines = [line for page in text_pages(demo_data, _info()) for line in page]
    assert "Sequence analysis is not available in this version." in lines
    assert "No process notes were written for this coding." in lines


def _info() -> Any:
    from observer.report import ReportInfo

    return ReportInfo(group="G")


def test_report_refuses_a_non_pdf_name(demo_data: CodingData, tmp_path: Path) -> None:
    from observer.report import write_report

    with pytest.raises(InputError, match="PDF"):
        write_report(demo_data, tmp_path / "report.png")


def test_report_progress_goes_page_by_page(demo_store: Any, tmp_path: Path) -> None:
    from observer.report import report_for_coding

    seen: list[tuple[int, int]] = []
    pages = report_for_coding(
        demo_store, 3, tmp_path / "report.pdf", lambda d, t: seen.append((d, t))
    )
    assert seen[0] == (0, pages) and seen[-1] == (pages, pages)
    assert [d for d, _ in seen] == list(range(pages + 1))


def test_a_report_stopped_half_way_leaves_no_file(demo_store: Any, tmp_path: Path) -> None:
    from observer.report import report_for_coding
    from observer.workspace.progress import Cancelled, watched

    asked = iter([False, False, False, True])  # Cancel pressed during the third page
    out = tmp_path / "reports" / "report.pdf"
    out.parent.mkdir()
    with pytest.raises(Cancelled):
        report_for_coding(demo_store, 3, out, watched(cancelled=lambda: next(asked)))
    assert list(out.parent.iterdir()) == []  # neither the PDF nor its part


CSV = "time,actor,target,code\n1,A,B,feedback\n2,A,B,feedback\n3,B,A,support\n4,C,group,question\n"


def test_network_json_on_a_csv(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "events.csv"
    path.write_text(CSV, encoding="utf-8")
    assert main(["--db", str(tmp_path / "db.sqlite3"), "network", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    edges = {(e["source"], e["target"]): e["weight"] for e in out["edges"]}
    assert edges == {("A", "B"): 2, ("B", "A"): 1, ("C", "group"): 1}
    assert {n["id"] for n in out["nodes"]} == {"A", "B", "C", "group"}
    assert out["density"] == pytest.approx(2 / 6)
    assert out["reciprocity"] == 1.0
    # sent: A 2, B 1, C 1 -> mean abs difference 4/9, mean 4/3
    assert out["participation_gini"] == pytest.approx((4 / 9) / (2 * 4 / 3), abs=1e-6)


def test_network_json_on_a_coding_id_with_a_filter(demo_store: Any, capsys: Any) -> None:
    db = demo_store.location
    assert (
        main(
            [
                "--db",
                db,
                "network",
                "3",
                "--json",
                "--from",
                "25:00",
                "--to",
                "34:00",
                "--code",
                "confrontation",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["coding"] == 3
    assert out["edges"] and all(e["weight"] >= 1 for e in out["edges"])
    assert {"density", "reciprocity", "participation_gini", "degree_centralisation"} <= set(out)
    assert main(["--db", db, "network", "3", "--from", "later"]) == 2


def test_network_table_for_people(demo_store: Any, capsys: Any) -> None:
    assert main(["--db", demo_store.location, "network", "1"]) == 0
    out = capsys.readouterr().out
    assert "density" in out and "Ben" in out


def test_report_command(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "events.csv"
    path.write_text(CSV, encoding="utf-8")
    out = tmp_path / "csv-report.pdf"
    assert main(["--db", str(tmp_path / "db.sqlite3"), "report", str(path), "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "7 pages" in capsys.readouterr().out
