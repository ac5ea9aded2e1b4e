"""Airtime over a group's sessions: is it becoming more equal?

Above, each session's speaking time as shares, one band per member (leaders together,
dotted; speech not yet attributed left out), with an equal share marked; below, the Gini
of the members' speaking time session by session (0: all equal). Drawn from
``observer.analysis.airtime.airtime_course``, in the group view and the course report.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from observer.analysis.airtime import SessionAirtime
from observer.charts.style import TEXT_SIZE, TITLE_SIZE, empty_note, styles
from observer.charts.trends import session_axis

LEADERS = "leaders"
GINI_COLOUR = "#d55e00"


def _members(rows: Sequence[SessionAirtime]) -> dict[str, str]:
    """Every member who spoke or sat silent in any session, key → name (latest name)."""
    found: dict[str, str] = {}
    for row in rows:
        for s in row.airtime.speakers:
            if s.role == "member":
                found[s.key] = s.name
    return found


def draw_airtime_course(fig: Figure, rows: Sequence[SessionAirtime]) -> None:
    """Shares of speaking time per member per session, and the members' Gini below."""
    fig.clear()
    rows = [r for r in rows if any(s.turns for s in r.airtime.speakers)]
    if not rows:
        empty_note(fig, "No speaking turns in this group's sessions yet.")
        return
    members = _members(rows)
    look = styles(list(members))
    labels = [f"Session {r.session_number}" for r in rows]
    x = list(range(len(rows)))
    grid = fig.add_gridspec(2, 2, height_ratios=(2.2, 1), width_ratios=(1, 0.22),
                            hspace=0.35, left=0.08, right=0.98, top=0.9, bottom=0.1)  # fmt: skip
    shares, gini_ax = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[1, 0])
    bottom = [0.0] * len(rows)
    bands = [(k, members[k]) for k in members] + [(LEADERS, "leaders")]
    for key, name in bands:
        heights = [_share(r, key) for r in rows]
        if not any(heights):
            continue
        if key == LEADERS:
            shares.bar(x, heights, 0.7, bottom=bottom, color="#dddddd", edgecolor="#555555",
                       hatch="...", lw=0.5, label=name)  # fmt: skip
        else:
            shares.bar(x, heights, 0.7, bottom=bottom, color=look[key].colour,
                       edgecolor="white", lw=0.5, label=name)  # fmt: skip
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    for i, row in enumerate(rows):
        present = [s for s in row.airtime.speakers if s.role == "member"]
        if present:  # an equal share among the members present, of the members' part
            member_part = sum(_share(row, k) for k in (s.key for s in present))
            shares.plot([i - 0.38, i + 0.38], [member_part / len(present)] * 2,
                        color=GINI_COLOUR, lw=1.2, ls=(0, (3, 2)))  # fmt: skip
    shares.set_ylim(0, 1)
    shares.set_yticks([0, 0.25, 0.5, 0.75, 1], ["0", "25%", "50%", "75%", "100%"])
    shares.set_title("Share of speaking time per member (dashed: an equal share)",
                     fontsize=TITLE_SIZE - 1, loc="left")  # fmt: skip
    session_axis(shares, labels)
    legend_ax = fig.add_subplot(grid[:, 1])
    legend_ax.axis("off")
    handles, names = shares.get_legend_handles_labels()
    legend_ax.legend(handles[::-1], names[::-1], loc="upper left", fontsize=TEXT_SIZE - 1,
                     frameon=False, borderaxespad=0)  # fmt: skip
    gini = [r.airtime.gini for r in rows]
    points = [(i, g) for i, g in enumerate(gini) if g is not None]
    if points:
        gini_ax.plot([p[0] for p in points], [p[1] for p in points], color=GINI_COLOUR,
                     marker="o", lw=1.6)  # fmt: skip
        if len(points) <= 13:  # a value per point while they have room
            for i, g in points:
                gini_ax.annotate(f"{g:.2f}", (i, g), xytext=(0, 6), textcoords="offset points",
                                 ha="center", fontsize=TEXT_SIZE - 1)  # fmt: skip
    gini_ax.set_xlim(-0.5, len(rows) - 0.5)
    shares.set_xlim(-0.5, len(rows) - 0.5)
    gini_ax.set_ylim(0, 1)
    gini_ax.set_ylabel("Gini", fontsize=TEXT_SIZE)
    gini_ax.set_title("Gini of the members' speaking time (0: all equal; lower is more equal)",
                      fontsize=TITLE_SIZE - 1, loc="left")  # fmt: skip
    session_axis(gini_ax, labels)


def _share(row: SessionAirtime, key: str) -> float:
    speakers = row.airtime.speakers
    if key == LEADERS:
        return sum(s.share for s in speakers if s.role not in ("member",))
    return next((s.share for s in speakers if s.key == key), 0.0)
