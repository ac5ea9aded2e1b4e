"""Styling shared by the charts: readable on screen and in greyscale print.

Every distinction a chart makes is carried twice: by hue and by something that survives
a black-and-white photocopy (lightness, line style, marker shape or hatch).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D

from observer.domain.coding_data import CodingData
from observer.domain.participants import COLLECTIVES

# Okabe-Ito colours, ordered so neighbours differ in lightness as well as hue.
COLOURS = (
    "#0b3c73",  # dark blue
    "#e69f00",  # orange (light)
    "#a8326e",  # dark magenta
    "#56b4e9",  # sky blue (light)
    "#2f6b1d",  # dark green
    "#d55e00",  # vermillion (mid)
    "#555555",  # dark grey
    "#c9b400",  # olive yellow (light)
)
LineStyle = Any  # a matplotlib dash: a name or (offset, (on, off, ...))
LINESTYLES: tuple[LineStyle, ...] = (
    "-",
    (0, (5, 2)),
    (0, (1, 1.5)),
    (0, (6, 2, 1, 2)),
    (0, (2, 2)),
    (0, (8, 2, 1, 2, 1, 2)),
    "-",
    (0, (3, 1, 1, 1)),
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<")
HATCHES = ("", "///", "...", "xxx", "\\\\\\", "+++", "ooo", "---")
QUIET_HATCH = "////"
VALENCES: dict[str, tuple[str, LineStyle]] = {
    "positive": ("#0b3c73", "-"),
    "negative": ("#d55e00", (0, (5, 2))),
    "mixed": ("#777777", (0, (1, 1.5))),
    "": ("#b0b0b0", "-"),
}
TEXT_SIZE = 9
TITLE_SIZE = 11
NARROW_IN = 4.5  # narrower than this (the coding window's side panel), panels stack
FOOTER_IN = 0.22  # kept free at the bottom of a figure, for a report page's footer


@dataclass(frozen=True)
class Style:
    """How one category (or mode) is drawn."""

    colour: str
    linestyle: LineStyle
    marker: str
    hatch: str


def styles(names: Sequence[str]) -> dict[str, Style]:
    """A distinct style for each name, stable for the order given."""
    return {
        name: Style(
            COLOURS[i % len(COLOURS)],
            LINESTYLES[i % len(LINESTYLES)],
            MARKERS[i % len(MARKERS)],
            HATCHES[i % len(HATCHES)],
        )
        for i, name in enumerate(names)
    }


# Fixed per mode, so a mode looks the same in every chart and every session.
MODE_HATCHES = {
    "work": "",
    "dependency": "///",
    "fight-flight": "...",
    "pairing": "xxx",
    "oneness": "\\\\\\",
    "me-ness": "+++",
}


def category_styles(data: CodingData) -> dict[str, Style]:
    """Every category of the coding's codebooks, in codebook order, drawn in its first
    code's colour, with marker, dash and hatch by its place in the codebook.

    Taken from the codebook rather than from the categories a session happens to use, so a
    category looks the same in every chart, every session and next to the palette. A code
    without a category stands for itself, in its own colour.
    """
    first: dict[str, str] = {}
    for code in data.codes.values():
        first.setdefault(code.category or code.id, code.colour)
    return {
        name: Style(
            colour,
            LINESTYLES[i % len(LINESTYLES)],
            MARKERS[i % len(MARKERS)],
            HATCHES[i % len(HATCHES)],
        )
        for i, (name, colour) in enumerate(first.items())
    }


def category_look(data: CodingData, categories: Sequence[str]) -> dict[str, Style]:
    """The style of each category shown (codes outside the codebook in neutral grey)."""
    known = category_styles(data)
    spare = len(known)
    return {
        c: known.get(c) or Style("#777777", LINESTYLES[0], MARKERS[(spare + i) % len(MARKERS)], "")
        for i, c in enumerate(categories)
    }


def mode_styles(modes: Sequence[str], colours: dict[str, str] | None = None) -> dict[str, Style]:
    """Basic-assumption modes: the codebook's colour (as in the palette and the coding
    window's timeline), always a distinct hatch, so a greyscale print still tells them apart."""
    base = styles(modes)
    colours = colours or {}
    spare = [h for h in HATCHES if h not in MODE_HATCHES.values()] or list(HATCHES)
    return {
        m: Style(
            colours.get(m) or s.colour,
            s.linestyle,
            s.marker,
            MODE_HATCHES.get(m, spare[i % len(spare)]),
        )
        for i, (m, s) in enumerate(base.items())
    }


def hatch_colour(fill: str) -> str:
    """Hatch lines that show on a fill: light on a dark colour, dark on a light one."""
    return "#ffffff" if luminance(fill) < 0.45 else "#222222"


def luminance(colour: str) -> float:
    r, g, b = to_rgb(colour)
    return 0.299 * r + 0.587 * g + 0.114 * b


def text_colour_on(rgba: Sequence[float]) -> str:
    """Black or white, whichever reads better on a fill colour."""
    r, g, b = rgba[:3]
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.5 else "black"


_DRAWN: weakref.WeakKeyDictionary[Figure, tuple[str, tuple[Axes, ...]]] = (
    weakref.WeakKeyDictionary()
)


def reuse_axes(fig: Figure, key: str, make: Callable[[Figure], list[Axes]]) -> list[Axes]:
    """The axes this chart drew on last time, emptied of its artists; else new ones.

    Emptying is much cheaper than clearing the figure and building new axes, which
    matters when a chart is redrawn during live coding.
    """
    last = _DRAWN.get(fig)
    if last is not None and last[0] == key and tuple(fig.axes) == last[1]:
        for ax in fig.axes:
            for artist in [*ax.collections, *ax.texts, *ax.patches, *ax.lines, *ax.images,
                           *ax.tables]:  # fmt: skip
                artist.remove()
            legend = ax.get_legend()
            if legend is not None:
                legend.remove()
        for text in list(fig.texts):
            text.remove()
        return list(fig.axes)
    fig.clear()
    axes = make(fig)
    _DRAWN[fig] = (key, tuple(fig.axes))
    return axes


@lru_cache(maxsize=2048)
def _glyphs(text: str, size: float, bold: bool, align: str, rotation: float) -> Path:
    """The outline of ``text`` in points, its centre (or right end) at the origin."""
    outline = TextPath(
        (0, 0), text, size=size, prop=FontProperties(weight="bold" if bold else None)
    )
    box = outline.get_extents()
    # Vertical centre from a fixed digit height, so labels in a row share a baseline.
    anchor = (box.x1 if align == "right" else (box.x0 + box.x1) / 2, size * 0.36)
    path = Path(outline.vertices - anchor, outline.codes)
    return path.transformed(Affine2D().rotate_deg(rotation)) if rotation else path


def glyph_labels(
    ax: Axes,
    labels: Sequence[tuple[float, float, str, str, bool]],
    size: float,
    align: str = "center",
    rotation: float = 0.0,
) -> PathCollection:
    """Many short labels (x, y, text, colour, bold) centred on data points, as one artist.

    Laying out a hundred Text artists is the slowest part of redrawing a matrix; glyph
    outlines cached per string and drawn as one collection cost a fraction of that.
    """
    points_to_pixels = Affine2D().scale(1 / 72) + ax.figure.dpi_scale_trans
    collection = PathCollection(
        [_glyphs(text, size, bold, align, rotation) for _x, _y, text, _c, bold in labels],
        offsets=[(x, y) for x, y, *_rest in labels],
        offset_transform=ax.transData,
        facecolors=[colour for *_xyt, colour, _b in labels],
        edgecolors="none",
        zorder=3,
    )
    collection.set_transform(points_to_pixels)
    collection.set_clip_on(False)
    ax.add_collection(collection, autolim=False)
    return collection


def person_label(data: CodingData, key: str) -> str:
    """A participant on a chart's axis: as ``CodingData.label`` shows them; the group and
    the leaders in lower case, as a row of the chart rather than a person."""
    return key if key in COLLECTIVES else data.label(key)


def is_narrow(fig: Figure) -> bool:
    """Drawn in the side panel rather than a window or on a page: panels go one under another."""
    return fig.get_figwidth() < NARROW_IN


def fit_layout(fig: Figure) -> None:
    """Let matplotlib place titles, tick labels and legends for the size the figure is
    drawn at, so that nothing is cut off or overlaps; a strip stays free for a footer."""
    footer = FOOTER_IN / fig.get_figheight()
    fig.set_layout_engine("constrained", rect=(0, footer, 1, 1 - footer))  # left, bottom, w, h


def titled(title: str, data: CodingData, fig: Figure) -> str:
    """A chart's title, with the coding's name where there is room for it."""
    return title if is_narrow(fig) else f"{title} — {data.name}"


def clear_figure(fig: Figure) -> None:
    """Empty a figure to draw it again.

    Its axes are taken out before ``Figure.clear``, which would first reset each of them
    (making their default ticks anew) only to throw them away: a third of the time a
    redrawn year of sessions took.
    """
    for ax in list(fig.axes):
        fig.delaxes(ax)
    fig.clear()


def empty_note(fig: Figure, message: str) -> None:
    """A figure that says why there is nothing to show (rather than an empty frame)."""
    clear_figure(fig)
    fig.text(0.5, 0.5, message, ha="center", va="center", fontsize=TITLE_SIZE, color="#444444")


def panel_title(ax: Axes, title: str) -> None:
    """A panel's title at its top left, placed at the top of the axes.

    Placed rather than left to matplotlib, which measures every tick label of the panel at
    each draw to keep a title clear of ticks on top; these panels have none there.
    """
    ax.set_title(title, fontsize=TITLE_SIZE - 1, loc="left", y=1.0)


def minutes(ms: float) -> float:
    return ms / 60_000
