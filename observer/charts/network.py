"""The sociogram: who addressed whom, how often, with the group's measures beside it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from observer.analysis.filters import ChartFilter, apply_filter
from observer.analysis.network import Network, NodeFigures, build_network
from observer.charts.style import (
    TEXT_SIZE,
    TITLE_SIZE,
    VALENCES,
    category_look,
    empty_note,
    is_narrow,
    reuse_axes,
)
from observer.domain.coding_data import CodingData
from observer.domain.participants import GROUP, LEADERS

LAYOUTS = ("seats", "force")
COLOUR_BY = ("category", "valence")
MIN_NODE, MAX_NODE = 260.0, 1700.0  # marker area in points², by acts sent


@dataclass(frozen=True)
class NetworkDrawing:
    """What was drawn: the axes, where each node sits (data coordinates) and its figures."""

    ax: Axes
    positions: dict[str, tuple[float, float]]
    network: Network
    radius_pt: dict[str, float]

    def node_at(self, x_px: float, y_px: float, slack_px: float = 4.0) -> NodeFigures | None:
        """The node under a point in display pixels (matplotlib's origin, bottom left)."""
        best: tuple[float, str] | None = None
        points_to_px = self.ax.figure.dpi / 72
        for key, (x, y) in self.positions.items():
            px, py = self.ax.transData.transform((x, y))
            distance = math.hypot(px - x_px, py - y_px)
            if distance <= self.radius_pt[key] * points_to_px + slack_px and (
                best is None or distance < best[0]
            ):
                best = (distance, key)
        return self.network.node(best[1]) if best else None


def node_summary(node: NodeFigures) -> str:
    """A node's figures as one short text (tooltips and labels)."""
    if not node.is_person:
        return f"{node.label}: addressed {node.received} times"
    return (
        f"{node.label} ({node.role}): {node.sent} acts sent, {node.received} received, "
        f"{node.to_group} to the group; ties out {node.out_degree}, in {node.in_degree}; "
        f"betweenness {node.betweenness:.2f}; feedback from {node.feedback_sources} "
        f"fellow member{'' if node.feedback_sources == 1 else 's'}"
    )


def seat_layout(data: CodingData, keys: list[str]) -> dict[str, tuple[float, float]]:
    """People round a circle in seat order, clockwise from the top; the group in the middle."""
    seats = {p.key: p.seat for p in data.participants}
    listed = [k for k in keys if k not in (GROUP, LEADERS)]
    people = sorted(listed, key=lambda k: (seats.get(k, 10_000), listed.index(k)))
    positions: dict[str, tuple[float, float]] = {}
    for i, key in enumerate(people):
        angle = math.pi / 2 - 2 * math.pi * i / max(1, len(people))
        positions[key] = (math.cos(angle), math.sin(angle))
    positions[GROUP] = (0.0, 0.0)
    if LEADERS in keys:
        positions[LEADERS] = (0.0, -0.32)
    return positions


def force_layout(network: Network) -> dict[str, tuple[float, float]]:
    """A spring layout weighted by acts, the same on every redraw (fixed seed)."""
    graph = nx.Graph()
    graph.add_nodes_from(n.key for n in network.nodes)
    for e in network.edges:
        if e.source != e.target:
            old = graph.get_edge_data(e.source, e.target, {"weight": 0})["weight"]
            graph.add_edge(e.source, e.target, weight=old + e.weight)
    pos = nx.spring_layout(graph, seed=3, weight="weight", iterations=80)
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def _edge_curve(
    start: tuple[float, float], end: tuple[float, float], bend: float, cut_a: float, cut_b: float
) -> list[tuple[float, float]] | None:
    """A quadratic curve from ``start`` to ``end`` bent sideways, minus the node circles."""
    (x0, y0), (x2, y2) = start, end
    dx, dy = x2 - x0, y2 - y0
    length = math.hypot(dx, dy)
    if length <= cut_a + cut_b:
        return None
    # Bending to the right of the direction of travel keeps A->B and B->A apart.
    x1, y1 = (x0 + x2) / 2 + bend * dy, (y0 + y2) / 2 - bend * dx
    points = []
    steps = 24
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        x = u * u * x0 + 2 * u * t * x1 + t * t * x2
        y = u * u * y0 + 2 * u * t * y1 + t * t * y2
        if math.hypot(x - x0, y - y0) >= cut_a and math.hypot(x - x2, y - y2) >= cut_b:
            points.append((x, y))
    return points if len(points) >= 2 else None


def _with_head(
    curve: list[tuple[float, float]], length: float, half_width: float
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """The curve shortened by an arrowhead, and the arrowhead's triangle at its end."""
    tip_x, tip_y = curve[-1]
    bx, by = curve[-2]
    dx, dy = tip_x - bx, tip_y - by
    norm = math.hypot(dx, dy) or 1.0
    ux, uy = dx / norm, dy / norm
    base_x, base_y = tip_x - ux * length, tip_y - uy * length
    head = [
        (tip_x, tip_y),
        (base_x - uy * half_width, base_y + ux * half_width),
        (base_x + uy * half_width, base_y - ux * half_width),
    ]
    line = [p for p in curve[:-1] if math.hypot(p[0] - tip_x, p[1] - tip_y) > length]
    return [*line, (base_x + ux * length * 0.3, base_y + uy * length * 0.3)], head


def _node_area(sent: int, most: int) -> float:
    if most <= 0:
        return MIN_NODE
    return MIN_NODE + (MAX_NODE - MIN_NODE) * math.sqrt(sent / most)


def draw_network(
    fig: Figure,
    data: CodingData,
    filter: ChartFilter | None = None,
    layout: str = "seats",
    colour_by: str = "category",
    metrics: bool = True,
) -> NetworkDrawing | None:
    """Draw the sociogram (and, with ``metrics``, the measures table beside it).

    Edge width: acts from actor to target; edge colour and dash: the main code category
    (or valence) of those acts; node size: acts sent. Returns where the nodes are, for
    hovering and clicking; None when there is nothing to draw.
    """
    network = build_network(data, filter)
    data = apply_filter(data, filter)
    if not network.people:
        empty_note(fig, "No one to draw: no members in this coding.")
        return None
    metrics = metrics and fig.get_figwidth() >= 6.5  # a narrow figure shows the network only
    narrow = is_narrow(fig)
    keys = [n.key for n in network.nodes]
    positions = seat_layout(data, keys) if layout == "seats" else force_layout(network)

    axes = reuse_axes(fig, f"network-{metrics}", lambda f: _make_axes(f, metrics))
    ax = axes[0]
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_xlim(-1.35, 1.35)
    ax.set_ylim(-1.32, 1.28)

    most_sent = max((n.sent for n in network.nodes), default=0)
    # Marker areas are in points: a narrow figure gets smaller nodes, so seats do not collide.
    scale = min(1.0, fig.get_figwidth() / 6.0)
    areas = {n.key: _node_area(n.sent, most_sent) * scale for n in network.nodes}
    # The group node is addressed, not acting: a fixed size keeps arrowheads off its label.
    areas.update({n: 900.0 * scale for n in (GROUP, LEADERS) if n in areas})
    radius = {key: math.sqrt(a) / 2 for key, a in areas.items()}

    key_of = "category" if colour_by == "category" else "valence"
    kinds = sorted({e.main(key_of) for e in network.edges})
    if key_of == "category":
        look = {k: (s.colour, s.linestyle) for k, s in category_look(data, kinds).items()}
    else:
        look = {k: VALENCES.get(k, VALENCES[""]) for k in kinds}
    heaviest = max((e.weight for e in network.edges), default=1)
    # Edges as two collections (lines, arrowheads) rather than one patch each: a redraw
    # during live coding stays fast. Geometry needs points per data unit, known once the
    # axes has its final box.
    ax.apply_aspect()
    box = ax.get_position()
    width_in = box.width * fig.get_figwidth()
    data_per_pt = (ax.get_xlim()[1] - ax.get_xlim()[0]) / (width_in * 72)
    lines, heads, colours, widths, dashes = [], [], [], [], []
    for e in network.edges:
        if e.source == e.target or e.source not in positions or e.target not in positions:
            continue
        colour, dash = look[e.main(key_of)]
        width = 0.6 + 6.5 * e.weight / heaviest
        to_centre = GROUP in (e.source, e.target)
        alpha = (0.2 if to_centre else 0.3) + 0.65 * e.weight / heaviest
        curve = _edge_curve(
            positions[e.source],
            positions[e.target],
            0.0 if to_centre else 0.14,
            (radius[e.source] + 1) * data_per_pt,
            (radius[e.target] + 2) * data_per_pt,
        )
        if curve is None:
            continue
        head_length = (3.5 + width * 1.1) * data_per_pt
        line, head = _with_head(curve, head_length, head_length * 0.6)
        rgba = to_rgba(colour, alpha)
        lines.append(line)
        heads.append(head)
        colours.append(rgba)
        widths.append(width)
        dashes.append(dash)
    ax.add_collection(
        LineCollection(
            lines, colors=colours, linewidths=widths, linestyles=dashes, capstyle="butt", zorder=1
        ),
        autolim=False,
    )
    ax.add_collection(
        PolyCollection(heads, facecolors=colours, edgecolors="none", zorder=2), autolim=False
    )

    people_colours = {p.key: p.colour for p in data.participants}
    # One scatter per marker shape (members, leaders, collectives) keeps the artist count low.
    shapes: dict[str, tuple[list[tuple[float, float]], list[float], list[str]]] = {}
    for node in network.nodes:
        if node.key in (GROUP, LEADERS):
            marker, face = "h", "#d9d9d9" if node.key == GROUP else "#bdbdbd"
        elif node.role in ("leader", "co-leader"):
            marker, face = "s", people_colours.get(node.key, "#777777")
        else:
            marker, face = "o", people_colours.get(node.key, "#777777")
        xy, sizes, faces = shapes.setdefault(marker, ([], [], []))
        xy.append(positions[node.key])
        sizes.append(areas[node.key])
        faces.append(face)
        label = node.label if node.is_person else node.label.lower()
        if narrow:  # seats sit close together: a name over two lines is narrower
            label = label.replace(" ", "\n", 1)
        ax.text(
            *positions[node.key],
            f"{label}\n{node.sent}" if node.is_person else label,
            ha="center",
            va="center",
            fontsize=TEXT_SIZE - (1.5 if narrow else 0),
            zorder=4,
            bbox={"boxstyle": "round,pad=0.18", "fc": "white", "ec": "none", "alpha": 0.85},
        )
    for marker, (xy, sizes, faces) in shapes.items():
        ax.scatter(
            [x for x, _ in xy],
            [y for _, y in xy],
            s=sizes,
            marker=marker,
            c=faces,
            edgecolors="#222222",
            linewidths=1.2,
            alpha=0.9,
            zorder=3,
        )

    handles = [
        Line2D([], [], color=look[k][0], linestyle=look[k][1], linewidth=2.5, label=k or "none")
        for k in kinds
    ]
    handles += [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            color="#999999",
            markeredgecolor="#222222",
            markersize=9,
            label="member",
        ),
        Line2D(
            [],
            [],
            marker="s",
            linestyle="",
            color="#999999",
            markeredgecolor="#222222",
            markersize=9,
            label="leader",
        ),
        Line2D(
            [],
            [],
            marker="h",
            linestyle="",
            color="#d9d9d9",
            markeredgecolor="#222222",
            markersize=10,
            label="the group",
        ),
    ]
    wide = fig.get_figwidth() >= 6.5  # a narrow dock gets shorter titles
    ncol = max(2, min(4, int(fig.get_figwidth() / 1.6)))  # fewer columns when narrow
    # Room under the network for the legend: its title and rows, in inches.
    legend_in = (
        0.3 + (0.17 if wide else 0.34) + (0.15 if narrow else 0.19) * math.ceil(len(handles) / ncol)
    )
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=ncol,
        fontsize=TEXT_SIZE - (2.5 if narrow else 1),
        frameon=False,
        title=f"edges coloured by {key_of}; width = acts; node size and number = acts sent"
        if wide
        else f"colour: {key_of}; width: acts\nsize, number: acts sent",
        title_fontsize=TEXT_SIZE - 1,
    )
    # A fixed title position: the network axes have no tick labels to dodge, and matplotlib's
    # automatic placement measures every artist on each redraw.
    ax.set_title(
        f"Interaction network — {data.name}" if wide else "Interaction network",
        fontsize=TITLE_SIZE,
        y=1.0,
        pad=6,
    )
    if metrics:
        draw_metrics_table(axes[1], network)
    fig.subplots_adjust(
        left=0.02,
        right=0.98,
        top=0.93,
        bottom=min(0.6 if narrow else 0.45, legend_in / fig.get_figheight()),
    )
    return NetworkDrawing(ax, positions, network, radius)


def _make_axes(fig: Figure, metrics: bool) -> list[Axes]:
    if not metrics:
        return [fig.add_subplot(1, 1, 1)]
    grid = fig.add_gridspec(1, 2, width_ratios=(1.9, 1), wspace=0.03)
    return [fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])]


def draw_metrics_table(ax: Axes, network: Network) -> None:
    """Whole-group measures and per-person degrees, as a table beside the network."""
    ax.axis("off")
    m = network.measures
    lines = [
        ("Density", f"{m.density:.2f}"),
        ("Reciprocity", f"{m.reciprocity:.2f}"),
        ("Degree centralisation", f"{m.degree_centralisation:.2f}"),
        ("  out / in", f"{m.out_degree_centralisation:.2f} / {m.in_degree_centralisation:.2f}"),
        ("Participation Gini", f"{m.participation_gini:.2f}"),
        ("Acts to the group", f"{m.to_group_share:.0%}"),
        ("People / ties / acts", f"{m.people} / {m.ties} / {m.acts}"),
        ("Feedback from 2+ peers", f"{m.consensual_validation:.0%}"),
    ]
    y = 0.99
    ax.text(
        0.0,
        y,
        "Group (people graph)",
        fontsize=TEXT_SIZE + 1,
        weight="bold",
        va="top",
        transform=ax.transAxes,
    )
    for label, value in lines:
        y -= 0.045
        ax.text(0.02, y, label, fontsize=TEXT_SIZE, va="top", transform=ax.transAxes)
        ax.text(0.98, y, value, fontsize=TEXT_SIZE, va="top", ha="right", transform=ax.transAxes)
    people = network.people
    header = ["", "out", "in", "w-out", "w-in", "betw", "peers"]
    rows = [
        [
            n.label[:14],
            n.out_degree,
            n.in_degree,
            n.acts_to_targets,
            n.received,
            f"{n.betweenness:.2f}",
            n.feedback_sources,
        ]
        for n in people
    ]
    top = y - 0.06
    height = min(0.055 * (len(rows) + 1), top)
    table = ax.table(
        cellText=[[str(c) for c in r] for r in rows],
        colLabels=header,
        bbox=Bbox.from_bounds(0.0, top - height, 1.0, height),
        cellLoc="right",
        colLoc="right",
        colWidths=[0.28, 0.1, 0.1, 0.13, 0.13, 0.13, 0.13],
        edges="horizontal",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(TEXT_SIZE - 0.5)
    for (row, col), cell in table.get_celld().items():
        cell.set_edgecolor("#bbbbbb")
        if col == 0:
            cell.set_text_props(ha="left")
            cell.PAD = 0.03
        if row == 0:
            cell.set_text_props(weight="bold")
    ax.text(
        0.0,
        top - height - 0.02,
        "out/in: people addressed / addressed by\n"
        "w-out/w-in: acts to / from others (one per target)\n"
        "betw: betweenness; peers: fellow members who gave\n"
        "them feedback (see Measures in the user guide)",
        fontsize=TEXT_SIZE - 1.5,
        va="top",
        color="#333333",
        transform=ax.transAxes,
    )
