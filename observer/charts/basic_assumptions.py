"""Basic-assumption profile: time in each mode, and the mode over time."""

from __future__ import annotations

from matplotlib.figure import Figure

from observer.analysis import basic_assumptions
from observer.analysis.filters import ChartFilter
from observer.charts.style import (
    TEXT_SIZE,
    TITLE_SIZE,
    empty_note,
    fit_layout,
    hatch_colour,
    is_narrow,
    minutes,
    mode_styles,
    titled,
)
from observer.domain.basic_assumption import BION_MODES
from observer.domain.coding_data import CodingData

CLASSIC = BION_MODES[:4]  # work and Bion's three: shown even when not coded


def draw_basic_assumptions(
    fig: Figure,
    data: CodingData,
    filter: ChartFilter | None = None,
) -> None:
    """Minutes and share per mode (left) and which mode ran when (right, one row per mode)."""
    fig.clear()
    profile = basic_assumptions.profile(data, filter.time_only() if filter else None)
    if not profile.segments:
        empty_note(fig, "No basic-assumption mode coded (Bion codebook).")
        return
    modes = [m for m, ms in profile.time_ms.items() if ms > 0 or m in CLASSIC]
    look = mode_styles(modes, {m: data.code(m).colour for m in modes})
    labels = [data.code(m).label or m for m in modes]
    fit_layout(fig)
    narrow = is_narrow(fig)
    if narrow:  # the side panel: time per mode above, the course below
        left, right = fig.subplots(2, 1, sharey=True)
    else:
        grid = fig.add_gridspec(1, 2, width_ratios=(1, 2.2))
        left = fig.add_subplot(grid[0, 0])
        right = fig.add_subplot(grid[0, 1], sharey=left)
    y = list(range(len(modes)))

    values = [minutes(profile.time_ms.get(m, 0)) for m in modes]
    bars = left.barh(y, values, color=[look[m].colour for m in modes], edgecolor="#222222", lw=0.6)
    for bar, m in zip(bars, modes, strict=True):
        bar.set_hatch(look[m].hatch)
        bar.set_hatchcolor(hatch_colour(look[m].colour))
    most = max(values, default=1) or 1
    for i, (value, m) in enumerate(zip(values, modes, strict=True)):
        left.text(
            value + most * 0.03,
            i,
            f"{value:.0f} min\n{profile.share(m):.0%}",
            va="center",
            fontsize=TEXT_SIZE - 1,
        )
    left.set_xlim(0, most * 1.45)
    left.set_yticks(y)
    left.set_yticklabels(labels, fontsize=TEXT_SIZE)
    left.invert_yaxis()
    left.set_xlabel("minutes", fontsize=TEXT_SIZE)
    left.set_title("Time in each mode", fontsize=TITLE_SIZE - 1, loc="left")

    row = {m: i for i, m in enumerate(modes)}
    for seg in profile.segments:
        s = look[seg.mode]
        right.broken_barh(
            [(minutes(seg.start_ms), minutes(seg.duration_ms))],
            (row[seg.mode] - 0.38, 0.76),
            facecolors=s.colour,
            edgecolor="#222222",
            hatch=s.hatch,
            hatchcolor=hatch_colour(s.colour),
            lw=0.6,
        )
    # A thin line joins the segments so the course reads as one path from mode to mode.
    path_x: list[float] = []
    path_y: list[float] = []
    for seg in profile.segments:
        path_x += [minutes(seg.start_ms), minutes(seg.end_ms)]
        path_y += [row[seg.mode], row[seg.mode]]
    right.plot(path_x, path_y, color="#222222", lw=0.8, zorder=0)
    right.set_xlim(minutes(profile.start_ms), minutes(max(profile.end_ms, profile.start_ms + 1)))
    right.tick_params(labelleft=narrow, labelsize=TEXT_SIZE - 1)
    right.grid(axis="x", color="#dddddd", lw=0.6)
    right.set_xlabel("minutes", fontsize=TEXT_SIZE)
    right.set_title("Mode over time", fontsize=TITLE_SIZE - 1, loc="left")
    for ax in (left, right):
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=TEXT_SIZE - 1)
    fig.suptitle(titled("Basic-assumption profile", data, fig), fontsize=TITLE_SIZE)
