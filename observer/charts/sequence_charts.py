"""Charts of a transition table: the transition diagram and the residual heatmap.

Both are plain matplotlib Figures (Agg canvas, no pyplot); save them with
``fig.savefig(path)``: PNG, SVG or PDF by the file's suffix.
"""

from __future__ import annotations

import math

import matplotlib
import networkx as nx
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle

from observer.analysis.sequences import SequenceResult, Transition
from observer.charts.style import TEXT_SIZE, TITLE_SIZE, empty_note, text_colour_on

MORE = "#0b3c73"  # more often than chance: dark blue, solid
LESS = "#d55e00"  # less often than chance: vermillion, dashed (survives greyscale)
NODE_RADIUS = 0.13


def _title(result: SequenceResult) -> str:
    how = f"within {result.within_s:g} s" if result.within_s is not None else f"lag {result.lag}"
    names = (
        ", ".join(result.codings) if len(result.codings) <= 3 else f"{len(result.codings)} codings"
    )
    return f"Transitions ({how}, n = {result.n}) — {names}"


def _wrap(label: str, width: int = 14) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def _short(label: str) -> str:
    return label.split(" (")[0]


def transition_diagram(result: SequenceResult, fig: Figure | None = None) -> Figure:
    """Codes as nodes; an arrow where the residual is significant, its width by |z|.

    Blue solid arrows: more often than chance; orange dashed: less often. Only types that
    take part in a significant pair are drawn, so the diagram stays legible.
    """
    fig = fig or Figure(figsize=(8.6, 7.0))
    FigureCanvasAgg(fig)
    edges = result.significant()
    if not edges:
        empty_note(
            fig,
            f"No significant transitions (|z| ≥ 1.96 with expected ≥ {result.min_expected:g}).",
        )
        return fig
    graph = nx.DiGraph()
    involved = [t for t in result.types if any(t in (e.given, e.target) for e in edges)]
    graph.add_nodes_from(involved)
    for e in edges:
        graph.add_edge(e.given, e.target, transition=e)
    pos = nx.circular_layout(graph) if len(involved) > 2 else nx.spring_layout(graph, seed=1)
    ax = fig.add_axes((0.02, 0.08, 0.96, 0.84))
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_xlim(-2.05, 2.05)
    ax.set_ylim(-1.55, 1.55)
    top = max(abs(e.z or 0) for e in edges)
    for e in edges:
        _draw_edge(ax, pos, e, top)
    for node in involved:
        x, y = pos[node]
        colour = result.colours.get(node, "#777777")
        ax.add_patch(Circle((x, y), NODE_RADIUS, facecolor=colour, edgecolor="black", zorder=3))
        # Labels sit outside the circle, pushed away from the centre (further past a loop).
        angle = math.atan2(y, x)
        away = 0.47 if graph.has_edge(node, node) else 0.2
        lx, ly = (
            x + (NODE_RADIUS + away) * math.cos(angle),
            y + (NODE_RADIUS + away) * math.sin(angle),
        )
        ha = "left" if math.cos(angle) > 0.3 else "right" if math.cos(angle) < -0.3 else "center"
        ax.text(
            lx, ly, _wrap(_short(result.label(node))), ha=ha, va="center",
            fontsize=TEXT_SIZE, zorder=6,
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none",
                  "alpha": 0.85},
        )  # fmt: skip
    fig.suptitle(_title(result), fontsize=TITLE_SIZE)
    fig.text(
        0.5, 0.03,
        "Arrows: given → target where |z| ≥ 1.96 and expected ≥ "
        f"{result.min_expected:g}; width and label: z.\n"
        "Solid blue: more often than chance; dashed orange: less often.",
        ha="center", fontsize=TEXT_SIZE - 1, color="#333333",
    )  # fmt: skip
    return fig


def _draw_edge(ax: object, pos: dict[str, np.ndarray], e: Transition, top: float) -> None:
    z = e.z or 0.0
    colour, style = (MORE, "-") if z > 0 else (LESS, (0, (5, 2)))
    width = 1.0 + 5.0 * abs(z) / top if top else 1.0
    x1, y1 = pos[e.given]
    x2, y2 = pos[e.target]
    if e.given == e.target:
        # A loop: an arc leaving and re-entering the node on its outer side.
        angle = math.atan2(y1, x1)
        out = np.array([math.cos(angle), math.sin(angle)])
        side = np.array([-out[1], out[0]])
        start = np.array([x1, y1]) + NODE_RADIUS * (out * 0.7 + side * 0.7)
        end = np.array([x1, y1]) + NODE_RADIUS * (out * 0.7 - side * 0.7)
        arrow = FancyArrowPatch(
            tuple(start), tuple(end), connectionstyle="arc3,rad=-1.8", arrowstyle="-|>",
            mutation_scale=12, linewidth=width, color=colour, linestyle=style, zorder=2,
        )  # fmt: skip
        label_at = np.array([x1, y1]) + out * (NODE_RADIUS + 0.25)
    else:
        arrow = FancyArrowPatch(
            (x1, y1), (x2, y2), connectionstyle="arc3,rad=0.15", arrowstyle="-|>",
            mutation_scale=14, linewidth=width, color=colour, linestyle=style,
            shrinkA=22, shrinkB=22, zorder=2,
        )  # fmt: skip
        mid = np.array([(x1 + x2) / 2, (y1 + y2) / 2])
        normal = np.array([y2 - y1, -(x2 - x1)])
        label_at = mid + 0.075 * normal
    ax.add_patch(arrow)  # type: ignore[attr-defined]
    ax.text(  # type: ignore[attr-defined]
        label_at[0], label_at[1], f"{z:+.1f}", fontsize=TEXT_SIZE - 1, color=colour,
        ha="center", va="center", zorder=5,
        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
    )  # fmt: skip


def residual_heatmap(result: SequenceResult, fig: Figure | None = None) -> Figure:
    """Adjusted residuals, given (rows) × target (columns); cells show the counts.

    Significant cells are outlined; blue is more often than chance, red less.
    """
    types = list(result.types)
    size = max(5.0, 0.45 * len(types) + 2.8)
    fig = fig or Figure(figsize=(size + 1.2, size))
    FigureCanvasAgg(fig)
    if not result.transitions:
        empty_note(fig, "No transitions to show.")
        return fig
    z = result.matrix("z")
    counts = result.matrix("count")
    limit = max(2.0, float(np.nanmax(np.abs(z))) if np.isfinite(z).any() else 2.0)
    ax = fig.add_subplot(1, 1, 1)
    # Cells without a residual (too few expected) in grey.
    cmap = matplotlib.colormaps["RdBu_r"].with_extremes(bad="#eeeeee")
    image = ax.imshow(np.ma.masked_invalid(z), cmap=cmap, norm=TwoSlopeNorm(0, -limit, limit))
    labels = [_short(result.label(t)) for t in types]
    ax.set_xticks(range(len(types)), labels, rotation=50, ha="right", fontsize=TEXT_SIZE)
    ax.set_yticks(range(len(types)), labels, fontsize=TEXT_SIZE)
    ax.set_xlabel("target (what follows)", fontsize=TEXT_SIZE)
    ax.set_ylabel("given", fontsize=TEXT_SIZE)
    flagged = {(t.given, t.target) for t in result.significant()}
    index = {t: i for i, t in enumerate(types)}
    for i in range(len(types)):
        for j in range(len(types)):
            if math.isnan(counts[i, j]):
                continue
            rgba = (
                tuple(image.cmap(image.norm(z[i, j])))
                if math.isfinite(z[i, j])
                else (1.0, 1.0, 1.0, 1.0)
            )
            strong = (types[i], types[j]) in flagged
            ax.text(
                j, i, f"{int(counts[i, j])}", ha="center", va="center",
                fontsize=TEXT_SIZE - 1, color=text_colour_on(rgba),
                fontweight="bold" if strong else "normal",
            )  # fmt: skip
    for given, target in flagged:
        i, j = index[given], index[target]
        ax.add_patch(
            Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=1.8)
        )
    bar = fig.colorbar(image, ax=ax, shrink=0.75)
    bar.set_label("adjusted residual z", fontsize=TEXT_SIZE)
    ax.set_title(_title(result), fontsize=TITLE_SIZE)
    fig.text(
        0.01, 0.01,
        f"Numbers: observed counts. Outlined: |z| ≥ 1.96 with expected ≥ "
        f"{result.min_expected:g}. Grey: no data.",
        fontsize=TEXT_SIZE - 1, color="#333333",
    )  # fmt: skip
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig
