"""Charts of a coding, drawn on a matplotlib ``Figure`` (no pyplot, no Qt).

Each chart is a function ``draw_X(fig, data, filter=None)`` that clears ``fig`` and
draws on it; the app puts the figure on a Qt canvas, the report on a PDF page, and
``export.save_figure`` writes it as PNG, SVG or PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from matplotlib.figure import Figure

from observer.charts.basic_assumptions import draw_basic_assumptions
from observer.charts.matrix import draw_matrix
from observer.charts.network import draw_network
from observer.charts.participation import draw_participation
from observer.charts.timeline import draw_timeline

# The charts of one coding, by name, with the size (inches) they read best at.
CHARTS: dict[str, tuple[str, Callable[..., Any], tuple[float, float]]] = {
    "network": ("Network", draw_network, (11.0, 7.0)),
    "matrix": ("Who to whom", draw_matrix, (8.5, 7.0)),
    "participation": ("Participation", draw_participation, (11.0, 5.5)),
    "timeline": ("Timeline", draw_timeline, (11.0, 5.5)),
    "basic_assumptions": ("Basic assumptions", draw_basic_assumptions, (10.0, 4.5)),
}


def new_figure(name: str) -> Figure:
    """An empty figure at the chart's preferred size (Agg canvas, for files)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=CHARTS[name][2])
    FigureCanvasAgg(fig)
    return fig
