"""Airtime: speaking time per person against an equal share, and who speaks after whom."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure, SubFigure
from matplotlib.transforms import Bbox

from observer.analysis.airtime import Airtime, airtime
from observer.analysis.filters import ChartFilter, apply_filter
from observer.charts.style import TEXT_SIZE, TITLE_SIZE, empty_note, text_colour_on
from observer.domain.coding_data import CodingData

MEMBER, LEADER = "#0b3c73", "#9ecae1"
CMAP = "Blues"  # as the who-to-whom matrix: one hue, reads the same in greyscale
AIRTIME_SIZE = (11.0, 5.0)  # inches, as it reads best (a file, the Charts panel's tab)


def has_speaking_turns(data: CodingData) -> bool:
    return any(s.turns for s in airtime(data).speakers)


def draw_airtime(
    fig: Figure | SubFigure, data: CodingData, filter: ChartFilter | None = None
) -> None:
    """Minutes spoken per person (share and turns written beside each bar, an equal
    share of the members' time marked), and the turn-to-turn transition counts."""
    fig.clear()
    result = airtime(apply_filter(data, filter) if filter else data)
    if not any(s.turns for s in result.speakers):
        message = "No speaking turns: import a transcript or find them in the audio."
        if isinstance(fig, Figure):
            empty_note(fig, message)
        else:
            fig.text(0.5, 0.5, message, ha="center", va="center", fontsize=TITLE_SIZE)
        return
    width, height = fig.get_size_inches() if isinstance(fig, Figure) else AIRTIME_SIZE
    narrow = width < height
    if narrow:  # a narrow panel (the coding window's dock): one above the other
        grid = fig.add_gridspec(2, 1, left=0.28, right=0.92, top=0.94, bottom=0.13, hspace=0.55)
    else:
        grid = fig.add_gridspec(1, 2, width_ratios=(1.25, 1), left=0.11, right=0.97,
                                top=0.88, bottom=0.16, wspace=0.45)  # fmt: skip
    bars_ax, matrix_ax = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    _bars(bars_ax, result, narrow)
    _transitions(matrix_ax, data, result)


def draw_airtime_page(fig: Figure, data: CodingData) -> None:
    """The report's airtime page: the chart, then the measures per person in a table."""
    fig.clear()
    halves = fig.add_gridspec(2, 1, height_ratios=(1.7, 1))
    top, bottom = fig.add_subfigure(halves[0]), fig.add_subfigure(halves[1])
    draw_airtime(top, data)
    result = airtime(data)
    ax = bottom.add_subplot(1, 1, 1)
    ax.axis("off")
    rows = [
        [s.name, f"{s.seconds / 60:.1f}", f"{s.share:.0%}", str(s.turns), f"{s.mean_turn:.1f}"]
        for s in result.speakers
    ]
    table = ax.table(
        cellText=rows,
        colLabels=["", "minutes", "share", "turns", "mean turn, s"],
        loc="upper left",
        colLoc="right",
        cellLoc="right",
        bbox=Bbox.from_bounds(0.02, 0.22, 0.58, 0.78),
    )
    table.auto_set_font_size(False)
    table.set_fontsize(TEXT_SIZE)
    for (row, col), cell in table.get_celld().items():
        cell.set_edgecolor("#dddddd")
        if row == 0:
            cell.set_text_props(weight="bold")
        if col == 0:
            cell.set_text_props(ha="left")
            cell.PAD = 0.05
    gini = "—" if result.gini is None else f"{result.gini:.2f}"
    lines = [
        f"Gini of the members' speaking time: {gini} (0: all equal)",
        f"Speech {result.speech_seconds / 60:.1f} min, silence "
        f"{result.silence_seconds / 60:.1f} min",
        f"Two or more speaking at once: {result.overlap_seconds / 60:.1f} min",
    ]
    if result.unattributed_seconds:
        lines.append(f"Not yet attributed: {result.unattributed_seconds / 60:.1f} min")
    lines.append("Definitions: docs/airtime.md (turns, silence, overlap).")
    for i, line in enumerate(lines):
        ax.text(0.65, 0.98 - 0.14 * i, line, fontsize=TEXT_SIZE, va="top",
                transform=ax.transAxes)  # fmt: skip


def _bars(ax: Axes, result: Airtime, narrow: bool = False) -> None:
    people = list(result.speakers)
    y = np.arange(len(people))
    minutes = [s.seconds / 60 for s in people]
    colours = [LEADER if s.role != "member" else MEMBER for s in people]
    bars = ax.barh(y, minutes, color=colours, edgecolor="#222222", lw=0.6)
    for bar, s in zip(bars, people, strict=True):
        if s.role != "member":
            bar.set_hatch("...")
    most = max(minutes, default=1) or 1
    for i, s in enumerate(people):
        turns = f" · {s.turns} turn{'s' if s.turns != 1 else ''}" if not narrow else ""
        ax.text(minutes[i] + most * 0.02, i, f"{s.share:.0%}{turns}", va="center",
                fontsize=TEXT_SIZE - 1)  # fmt: skip
    members = [s for s in people if s.role == "member"]
    if members:
        equal = sum(s.seconds for s in members) / len(members) / 60
        ax.axvline(equal, color="#d55e00", linestyle=(0, (4, 2)), lw=1.2)
        ax.text(equal, -0.75, " equal share", color="#d55e00", fontsize=TEXT_SIZE - 1)
    ax.set_xlim(0, most * (1.3 if narrow else 1.45))
    ax.set_yticks(y)
    ax.set_yticklabels([s.name for s in people], fontsize=TEXT_SIZE)
    ax.set_ylim(len(people) - 0.5, -1.1)
    ax.set_xlabel("minutes" if narrow else "minutes spoken (leaders dotted)", fontsize=TEXT_SIZE)
    gini = "—" if result.gini is None else f"{result.gini:.2f}"
    ax.set_title(f"Speaking time (Gini {gini})", fontsize=TITLE_SIZE - 1, loc="left")
    ax.tick_params(labelsize=TEXT_SIZE - 1)
    ax.spines[["top", "right"]].set_visible(False)


def _transitions(ax: Axes, data: CodingData, result: Airtime) -> None:
    keys = [s.key for s in result.speakers if s.turns]
    keys += sorted({f.before for f in result.turn_follows} - set(keys))
    index = {k: i for i, k in enumerate(keys)}
    counts = np.zeros((len(keys), len(keys)))
    for f in result.turn_follows:
        counts[index[f.before], index[f.after]] = f.count
    norm = Normalize(0, counts.max() or 1)
    image = ax.imshow(np.ma.masked_equal(counts, 0), cmap=CMAP, norm=norm, aspect="auto")
    cmap = image.get_cmap()
    for i in range(len(keys)):
        for j in range(len(keys)):
            if i == j:
                ax.text(j, i, "·", ha="center", va="center", color="#999999")
            elif counts[i, j]:
                colour = text_colour_on(cmap(norm(counts[i, j])))
                ax.text(j, i, f"{int(counts[i, j])}", ha="center", va="center",
                        fontsize=TEXT_SIZE, color=colour)  # fmt: skip
    names = [data.label(k) if k != "group" else "someone" for k in keys]
    ax.set_xticks(range(len(keys)))
    ax.set_xticklabels(names, rotation=40, ha="right", fontsize=TEXT_SIZE - 1)
    ax.set_yticks(range(len(keys)))
    ax.set_yticklabels(names, fontsize=TEXT_SIZE - 1)
    ax.set_xlabel("… next turn", fontsize=TEXT_SIZE)
    ax.set_ylabel("after a turn of …", fontsize=TEXT_SIZE)
    ax.set_title("Who speaks after whom", fontsize=TITLE_SIZE - 1, loc="left")


def airtime_chart(data: CodingData) -> Figure:
    """The airtime chart on its own figure (for a file)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=AIRTIME_SIZE)
    FigureCanvasAgg(fig)
    draw_airtime(fig, data)
    return fig
