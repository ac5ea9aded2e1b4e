"""Trends across a group's sessions: structure, watched codes and basic-assumption time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from observer.analysis.trends import WATCHED, SessionTrend
from observer.charts.style import (
    TEXT_SIZE,
    TITLE_SIZE,
    clear_figure,
    empty_note,
    fit_layout,
    hatch_colour,
    is_narrow,
    minutes,
    mode_styles,
    panel_title,
    styles,
)

# Beyond this many sessions: small markers and every few sessions labelled by number.
MANY = 16
# Labels along a long course, and values up the side: each tick is a dozen matplotlib
# objects (most of the time a year's charts take to draw), and more would not be read.
SESSION_LABELS = 7
VALUE_TICKS = 4


def session_axis(ax: Axes, labels: Sequence[str]) -> None:
    """Sessions along x: all named when few, a year of them numbered every eighth or so."""
    x = list(range(len(labels)))
    many = len(labels) > MANY
    step = max(1, -(-len(labels) // SESSION_LABELS)) if many else 1
    shown = [label.replace("Session ", "") for label in labels] if many else list(labels)
    # Label size set before the ticks are made, so each is made once with it.
    ax.tick_params(labelsize=TEXT_SIZE - 1)
    ax.set_xticks(x[::step], shown[::step],
                  rotation=30 if 6 < len(labels) <= MANY else 0)  # fmt: skip
    ax.yaxis.set_major_locator(MaxNLocator(VALUE_TICKS, steps=[1, 2, 2.5, 5, 10]))
    if many:
        ax.set_xlabel("session", fontsize=TEXT_SIZE - 1)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e5e5e5", lw=0.6)


STRUCTURE = (
    ("density", "density"),
    ("reciprocity", "reciprocity"),
    ("participation_gini", "participation Gini"),
)


def draw_trends(
    fig: Figure,
    sessions: Sequence[SessionTrend],
    codes: Sequence[str] = WATCHED,
    colours: Mapping[str, str] | None = None,
) -> None:
    """Per session: density, reciprocity and Gini; counts of watched codes; time per mode.

    ``colours``: each code's colour from its codebook, so a code looks as in the palette.
    """
    colours = colours or {}
    clear_figure(fig)
    if not sessions:
        empty_note(fig, "No sessions to compare.")
        return
    x = list(range(len(sessions)))
    labels = [s.label for s in sessions]
    narrow = is_narrow(fig)
    if narrow:
        fit_layout(fig)
    axes = fig.subplots(3, 1) if narrow else fig.subplots(1, 3, width_ratios=(1, 1, 1.1))
    structure, counts, modes_ax = axes

    look = styles([name for name, _ in STRUCTURE])
    for name, label in STRUCTURE:
        s = look[name]
        structure.plot(
            x,
            [getattr(t, name) for t in sessions],
            marker=s.marker,
            color=s.colour,
            linestyle=s.linestyle,
            lw=1.8 if len(x) <= MANY else 1.2,
            markersize=7 if len(x) <= MANY else 3,
            label=label,
        )
    structure.set_ylim(0, 1.05)
    panel_title(structure, "Structure (people graph)")

    present = [c for c in codes if any(t.counts.get(c) for t in sessions)]
    code_look = styles(present)
    for code in present:
        s = code_look[code]
        counts.plot(
            x,
            [t.counts.get(code, 0) for t in sessions],
            marker=s.marker,
            color=colours.get(code, s.colour),
            linestyle=s.linestyle,
            lw=1.8 if len(x) <= MANY else 1.2,
            markersize=7 if len(x) <= MANY else 3,
            label=code,
        )
    counts.set_ylim(bottom=0)
    panel_title(counts, "Acts per code")

    modes = [
        m
        for m in dict.fromkeys(k for t in sessions for k in t.mode_ms)
        if any(t.mode_ms.get(m) for t in sessions)
    ]
    mode_look = mode_styles(modes, dict(colours))
    bottom = [0.0] * len(sessions)
    for mode in modes:
        values = [minutes(t.mode_ms.get(mode, 0)) for t in sessions]
        s = mode_look[mode]
        top = [b + v for b, v in zip(bottom, values, strict=True)]
        if len(x) <= MANY:
            modes_ax.bar(x, values, bottom=bottom, color=s.colour, edgecolor="#222222",
                         hatch=s.hatch, hatchcolor=hatch_colour(s.colour), lw=0.6, label=mode,
                         width=0.6)  # fmt: skip
        else:
            # A year of sessions as stacked bands: one hatched shape per mode, not 52 bars.
            modes_ax.fill_between(x, bottom, top, step="mid", facecolor=s.colour, lw=0.4,
                                  edgecolor="#222222", hatch=s.hatch, label=mode)  # fmt: skip
        bottom = top
    # In the side panel the long title would run off the figure's edge.
    title = "Minutes per mode" if narrow else "Minutes per basic-assumption mode"
    panel_title(modes_ax, title)

    for ax in axes:
        session_axis(ax, labels)
        if not ax.get_legend_handles_labels()[0]:
            continue  # nothing of it coded (no mode in any session): no empty legend
        ax.legend(
            fontsize=TEXT_SIZE - 1,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12),
            ncol=2,
            frameon=False,
        )
    fig.suptitle("Trends across sessions", fontsize=TITLE_SIZE)
    if not narrow:
        # Fixed margins side by side: the layout engine measured every label again, twice.
        fig.subplots_adjust(left=0.05, right=0.98, top=0.9, bottom=0.2, wspace=0.22)
