"""Timeline: one row per person, their acts as marks, the basic-assumption mode as a band."""

from __future__ import annotations

from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from observer.analysis import basic_assumptions
from observer.analysis.filters import ChartFilter, apply_filter, span
from observer.charts.style import (
    TEXT_SIZE,
    TITLE_SIZE,
    category_look,
    empty_note,
    fit_layout,
    hatch_colour,
    is_narrow,
    minutes,
    mode_styles,
    person_label,
    titled,
)
from observer.domain.coding_data import CodingData
from observer.domain.participants import COLLECTIVES, GROUP, LEADERS

BAND_ALPHA = 0.22


def draw_timeline(
    fig: Figure,
    data: CodingData,
    filter: ChartFilter | None = None,
) -> None:
    """Acts per person over time (marker by code category, states as bars) over the modes."""
    fig.clear()
    duration = data.duration_ms
    profile = basic_assumptions.profile(data, filter.time_only() if filter else None)
    shown = apply_filter(data, filter)
    events = [e for e in shown.events if not data.is_mode(e.code)]
    if not events and not profile.segments:
        empty_note(fig, "No events to show.")
        return
    rows = [p.key for p in data.present]
    rows += sorted({e.actor for e in events} - set(rows) - set(COLLECTIVES))
    rows += [c for c in (LEADERS, GROUP) if any(e.actor == c for e in events)]
    row_of = {key: i for i, key in enumerate(rows)}
    categories = sorted({data.category(e.code) for e in events})
    look = category_look(data, categories)

    fit_layout(fig)
    ax = fig.add_subplot(1, 1, 1)
    mode_names = [m for m, ms in profile.time_ms.items() if ms > 0]
    colours = {m: data.code(m).colour for m in mode_names}
    mode_look = mode_styles(mode_names, colours)
    for seg in profile.segments:
        s = mode_look[seg.mode]
        ax.axvspan(
            minutes(seg.start_ms),
            minutes(seg.end_ms),
            color=s.colour,
            alpha=BAND_ALPHA,
            lw=0,
            zorder=0,
        )
        # A hatched strip above the rows names the mode even in greyscale.
        ax.fill_between(
            [minutes(seg.start_ms), minutes(seg.end_ms)],
            -1.35,
            -0.75,
            facecolor=s.colour,
            edgecolor="#222222",
            hatch=s.hatch,
            hatchcolor=hatch_colour(s.colour),
            lw=0.5,
            zorder=1,
        )

    by_category: dict[str, tuple[list[float], list[int]]] = {c: ([], []) for c in categories}
    for e in events:
        row = row_of.get(e.actor)
        if row is None:
            continue
        start, end, state = span(shown, e, duration)
        category = data.category(e.code)
        if state:
            ax.plot(
                [minutes(start), minutes(end)],
                [row, row],
                color=look[category].colour,
                lw=5,
                alpha=0.55,
                solid_capstyle="butt",
                zorder=2,
            )
        else:
            by_category[category][0].append(minutes(start))
            by_category[category][1].append(row)
    for category, (xs, ys) in by_category.items():
        s = look[category]
        ax.scatter(
            xs,
            ys,
            marker=s.marker,
            s=34,
            color=s.colour,
            edgecolors="#111111",
            linewidths=0.4,
            zorder=3,
        )

    ax.set_yticks([-1.05, *range(len(rows))])
    ax.set_yticklabels(
        ["mode", *[person_label(data, r) for r in rows]],
        fontsize=TEXT_SIZE,
    )
    ax.set_ylim(len(rows) - 0.4, -1.5)
    low = minutes(profile.start_ms)
    high = minutes(max(profile.end_ms, duration if filter is None or filter.end_ms is None else 0))
    ax.set_xlim(low, max(high, low + 1))
    ax.set_xlabel("minutes", fontsize=TEXT_SIZE)
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.tick_params(labelsize=TEXT_SIZE)
    ax.spines[["top", "right"]].set_visible(False)
    handles: list[Artist] = [
        Line2D(
            [],
            [],
            marker=look[c].marker,
            linestyle="",
            color=look[c].colour,
            markeredgecolor="#111111",
            markersize=7,
            label=c,
        )
        for c in categories
    ]
    handles += [
        Patch(
            facecolor=mode_look[m].colour,
            edgecolor="#222222",
            hatch=mode_look[m].hatch,
            hatchcolor=hatch_colour(mode_look[m].colour),
            label=data.code(m).label or m,
        )
        for m in mode_names
    ]
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncol=2 if is_narrow(fig) else 5,
        fontsize=TEXT_SIZE - (2 if is_narrow(fig) else 1),
        frameon=False,
    )
    ax.set_title(titled("Timeline", data, fig), fontsize=TITLE_SIZE)
