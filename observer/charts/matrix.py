"""Who-to-whom matrix: acts from each actor (rows) to each target (columns), with totals."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.collections import PatchCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.textpath import TextPath

from observer.analysis.filters import ChartFilter
from observer.analysis.network import build_network
from observer.charts.style import (
    TEXT_SIZE,
    TITLE_SIZE,
    empty_note,
    fit_layout,
    glyph_labels,
    person_label,
    reuse_axes,
    text_colour_on,
    titled,
)
from observer.domain.coding_data import CodingData
from observer.domain.participants import GROUP, LEADERS

CMAP = "Blues"  # one hue, lightness rising with the count: reads the same in greyscale


@dataclass(frozen=True)
class Matrix:
    """Counts of acts: ``counts[i][j]`` from ``actors[i]`` to ``targets[j]`` (participant keys)."""

    actors: tuple[str, ...]
    targets: tuple[str, ...]
    counts: np.ndarray

    @property
    def row_totals(self) -> np.ndarray:
        return np.asarray(self.counts.sum(axis=1))

    @property
    def column_totals(self) -> np.ndarray:
        return np.asarray(self.counts.sum(axis=0))


def who_to_whom(data: CodingData, chart_filter: ChartFilter | None = None) -> Matrix:
    """Acts per actor and target (one per target of an act), people in seat order."""
    network = build_network(data, chart_filter)
    edges = [e for e in network.edges if e.weight]
    acting = {e.source for e in edges}
    addressed = {e.target for e in edges}
    people = [n.key for n in network.people if n.key in acting | addressed or n.present]
    actors = people + [c for c in (LEADERS, GROUP) if c in acting]
    targets = people + [c for c in (LEADERS, GROUP) if c in addressed or c == GROUP]
    grid = np.zeros((len(actors), len(targets)), dtype=int)
    row = {a: i for i, a in enumerate(actors)}
    col = {t: j for j, t in enumerate(targets)}
    for e in edges:
        grid[row[e.source], col[e.target]] = e.weight
    return Matrix(tuple(actors), tuple(targets), grid)


def draw_matrix(
    fig: Figure,
    data: CodingData,
    filter: ChartFilter | None = None,
    fast: bool = False,
) -> None:
    """Heatmap of the who-to-whom counts with a total per row and per column.

    ``fast`` draws the numbers as glyph outlines in one artist (for redraws on screen
    during live coding); files and the report keep real, searchable text.
    """
    matrix = who_to_whom(data, filter)
    if not matrix.actors:
        empty_note(fig, "No acts addressed to anyone yet.")
        return
    ax = reuse_axes(fig, f"matrix-{fast}", lambda f: [f.add_subplot(1, 1, 1)])[0]
    counts = matrix.counts
    n_rows, n_cols = counts.shape
    top = int(counts.max()) or 1
    norm = Normalize(0, top)
    image = ax.imshow(
        np.ma.masked_equal(counts, 0),
        cmap=CMAP,
        norm=norm,
        extent=(-0.5, n_cols - 0.5, n_rows - 0.5, -0.5),
        interpolation="nearest",
        aspect="auto",
    )
    cmap = image.get_cmap()  # no colour bar: every cell prints its count
    small = TEXT_SIZE if max(n_rows, n_cols) <= 12 else TEXT_SIZE - 2
    # A cell must hold its number: in the narrow side panel the numbers shrink with the cells.
    cell_pt = fig.get_figwidth() * 0.6 * 72 / (n_cols + 1)  # as _column_slant reckons
    small = min(small, max(5.0, cell_pt * 0.45))
    cells: list[tuple[float, float, str, str, bool]] = []  # x, y, text, colour, bold
    diagonal = []
    for i in range(n_rows):
        for j in range(n_cols):
            value = int(counts[i, j])
            if matrix.actors[i] == matrix.targets[j]:
                diagonal.append(Rectangle((j - 0.5, i - 0.5), 1, 1))
            elif value:
                cells.append((j, i, str(value), text_colour_on(cmap(norm(value))), False))
    ax.add_collection(
        PatchCollection(diagonal, facecolor="none", edgecolor="#bbbbbb", hatch="////", lw=0)
    )
    # Totals sit outside the colour scale, on a neutral background.
    totals = [Rectangle((n_cols - 0.5, i - 0.5), 1, 1) for i in range(n_rows)]
    totals += [Rectangle((j - 0.5, n_rows - 0.5), 1, 1) for j in range(n_cols + 1)]
    ax.add_collection(PatchCollection(totals, facecolor="#eeeeee", edgecolor="white"))
    cells += [(n_cols, i, str(int(t)), "black", True) for i, t in enumerate(matrix.row_totals)]
    cells += [(j, n_rows, str(int(t)), "black", True) for j, t in enumerate(matrix.column_totals)]
    cells.append((n_cols, n_rows, str(int(counts.sum())), "black", True))
    if fast:
        glyph_labels(ax, cells, small)
    else:
        for x, y, text, colour, bold in cells:
            ax.text(
                x,
                y,
                text,
                ha="center",
                va="center",
                fontsize=small,
                color=colour,
                weight="bold" if bold else "normal",
            )
    ax.set_xlim(-0.5, n_cols + 0.5)
    ax.set_ylim(n_rows + 0.5, -0.5)
    columns = [person_label(data, t) for t in matrix.targets] + ["total"]
    rows = [person_label(data, a) for a in matrix.actors] + ["total"]
    if fast:
        # Names as outlines too: the tick machinery lays every label out several times.
        ax.axis("off")
        black = "black"
        glyph_labels(
            ax, [(-0.62, i, r, black, False) for i, r in enumerate(rows)], TEXT_SIZE, align="right"
        )
        slant = _column_slant(fig, n_cols)
        shift = 0.12 if slant < 90 else 0.0
        glyph_labels(
            ax,
            [(j + shift, n_rows + 0.56, c, black, False) for j, c in enumerate(columns)],
            TEXT_SIZE,
            align="right",
            rotation=slant,
        )
        fig.text(0.5, 0.01, "target (addressed)", ha="center", va="bottom", fontsize=TEXT_SIZE)
        fig.text(0.01, 0.5, "actor (speaking)", va="center", rotation=90, fontsize=TEXT_SIZE)
    else:
        ax.set_xticks(range(n_cols + 1))
        ax.set_xticklabels(columns, rotation=40, ha="right", fontsize=TEXT_SIZE)
        ax.set_yticks(range(n_rows + 1))
        ax.set_yticklabels(rows, fontsize=TEXT_SIZE)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xlabel("target (addressed)", fontsize=TEXT_SIZE)
        ax.set_ylabel("actor (speaking)", fontsize=TEXT_SIZE)
    ax.set_title(titled("Who to whom", data, fig), fontsize=TITLE_SIZE)
    if fast:
        _room_for_names(fig, rows, columns)
    else:
        fit_layout(fig)


def _room_for_names(fig: Figure, rows: list[str], columns: list[str]) -> None:
    """Margins that fit the longest row name and the slanted column names (drawn as
    outlines, which matplotlib's layout does not see), whatever the figure's size."""
    longest_row = max(_width_pt(r) for r in rows)
    longest_column = max(_width_pt(c) for c in columns)
    slant = math.radians(_column_slant(fig, len(columns) - 1))
    axis_label = TEXT_SIZE * 1.6
    left = (longest_row + axis_label + 8) / 72
    bottom = (longest_column * math.sin(slant) + TEXT_SIZE + axis_label + 10) / 72
    width, height = fig.get_figwidth(), fig.get_figheight()
    fig.subplots_adjust(
        left=min(0.45, left / width),
        right=0.97,
        top=1 - (TITLE_SIZE * 2.2 / 72) / height,
        bottom=min(0.45, bottom / height),
    )


def _column_slant(fig: Figure, n_cols: int) -> float:
    """Column names slanted where the cells are wide enough, upright in a narrow panel."""
    cell_pt = fig.get_figwidth() * 0.6 * 72 / (n_cols + 1)
    return 40.0 if cell_pt > 18 else 90.0


def _width_pt(text: str) -> float:
    box = TextPath((0, 0), text, size=TEXT_SIZE).get_extents()
    return float(box.width)
