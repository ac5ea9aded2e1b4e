"""Whether a drawn chart reads: no text cut off at the figure's edge or lying over other
text, no legend over a bar. Used by the render script and the tests, at every size a chart
is drawn (the side panel, the full window, a report page)."""

from __future__ import annotations

from itertools import combinations

from matplotlib.axis import Axis
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

SLACK_PX = 1.0  # anti-aliasing and rounding: a pixel's touch is not an overlap


def _tick_labels(axis: Axis) -> tuple[list[Text], set[int]]:
    """The tick labels drawn (those inside the view), and the ids of every tick label."""
    low, high = sorted(axis.get_view_interval())
    room = (high - low) * 1e-6
    drawn: list[Text] = []
    every: set[int] = set()
    for ticks, locs in (
        (axis.get_major_ticks(), axis.get_majorticklocs()),
        (axis.get_minor_ticks(), axis.get_minorticklocs()),
    ):
        for tick, loc in zip(ticks, locs, strict=False):
            inside = low - room <= loc <= high + room
            for label in (tick.label1, tick.label2):
                if inside and label.get_visible() and label.get_text().strip():
                    drawn.append(label)
        for tick in ticks:
            every.update((id(tick.label1), id(tick.label2)))
    return drawn, every


def drawn_texts(fig: Figure) -> list[Text]:
    """Every piece of text the figure shows (titles, labels, legends, annotations)."""
    texts: list[Text] = []
    ticks: set[int] = set()
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison:
            continue
        for axis in (ax.xaxis, ax.yaxis):
            drawn, every = _tick_labels(axis)
            texts += drawn
            ticks |= every
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            ticks |= _tick_labels(axis)[1]
    for found in fig.findobj(Text):
        if id(found) in ticks or not found.get_visible() or not found.get_text().strip():
            continue
        texts.append(found)
    return texts


def _shrunk(box: Bbox) -> Bbox:
    return Bbox.from_extents(
        box.x0 + SLACK_PX, box.y0 + SLACK_PX, box.x1 - SLACK_PX, box.y1 - SLACK_PX
    )


def _overlap(a: Bbox, b: Bbox) -> bool:
    a, b = _shrunk(a), _shrunk(b)
    return bool(a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1)


def _slanted(text: Text) -> bool:
    return bool(text.get_rotation() % 90 != 0)


def text_problems(fig: Figure) -> list[str]:
    """What a reader would find cut off or covered, in words; empty when the chart reads."""
    fig.canvas.draw()
    renderer: RendererBase = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    page = fig.bbox
    problems: list[str] = []
    boxes = [(t, t.get_window_extent(renderer)) for t in drawn_texts(fig)]
    for text, box in boxes:
        if (
            box.x0 < page.x0 - SLACK_PX
            or box.y0 < page.y0 - SLACK_PX
            or box.x1 > page.x1 + SLACK_PX
            or box.y1 > page.y1 + SLACK_PX
        ):
            problems.append(f"cut off at the edge: {text.get_text()!r}")
    for (a, box_a), (b, box_b) in combinations(boxes, 2):
        if _slanted(a) and _slanted(b):
            continue  # parallel slanted labels: their upright boxes overlap, their letters do not
        if _overlap(box_a, box_b):
            problems.append(f"overlap: {a.get_text()!r} and {b.get_text()!r}")
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        frame = legend.get_window_extent(renderer)
        for patch in ax.patches:
            bar = isinstance(patch, Rectangle) and patch.get_width() and patch.get_height()
            if bar and _overlap(frame, patch.get_window_extent(renderer)):
                problems.append(f"the legend covers a bar in {ax.get_title(loc='left')!r}")
                break
    return problems
