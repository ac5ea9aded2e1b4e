"""Every chart reads at every size it is drawn at: the coding window's side panel, the full
window (and an exported file) and a report page. No text cut off at the figure's edge,
none over other text, no legend over a bar."""

from __future__ import annotations

from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from observer.charts import CHARTS
from observer.charts.fit import text_problems
from observer.report import PAGE
from observer.storage.read_coding import from_coding

# As the side panel draws them (measured at 1280x800; the network's canvas is shorter, the
# network measures listed below it), at full size, on an A4 page.
SIZES = {"side panel": (2.78, 5.8), "window": None, "report page": PAGE}
PANEL_OPTIONS: dict[str, dict[str, Any]] = {"matrix": {"fast": True}, "network": {"metrics": False}}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("chart", CHARTS)
def test_no_text_is_cut_off_or_covered(demo_store: Any, chart: str, size: str) -> None:
    data = from_coding(demo_store, 3)
    _title, draw, preferred = CHARTS[chart]
    panel_network = chart == "network" and size == "side panel"
    fig = Figure(figsize=(2.78, 4.0) if panel_network else SIZES[size] or preferred)
    FigureCanvasAgg(fig)
    draw(fig, data, **(PANEL_OPTIONS.get(chart, {}) if size == "side panel" else {}))
    assert text_problems(fig) == []


def test_the_check_finds_a_clipped_name_and_a_covered_title() -> None:
    fig = Figure(figsize=(3, 2))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_yticks([0], ["Dr Lindqvist-Johansson"])
    fig.subplots_adjust(left=0.05)
    fig.suptitle("Participation", y=0.97, va="top")
    ax.set_title("Acts per person", pad=0)
    fig.subplots_adjust(top=0.9)
    problems = text_problems(fig)
    assert any("cut off" in p and "Lindqvist" in p for p in problems)
    assert any("overlap" in p and "Participation" in p for p in problems)
