"""The course of a group, member by member: climate ratings and coded participation.

``draw_climate``: one panel per climate scale, each member's score session by session with
the group's mean drawn bold and flagged runs ringed. ``draw_member_course``: each member's
share of the acts sent, and how many fellow members gave them feedback (consensual
validation), session by session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from observer.analysis.trends import CourseFlag, SessionTrend
from observer.charts.style import (
    TEXT_SIZE,
    TITLE_SIZE,
    clear_figure,
    empty_note,
    panel_title,
    styles,
)
from observer.charts.trends import MANY, session_axis

FLAG_COLOUR = "#c0392b"
# Leaders' and observers' own forms: drawn beside the members' mean, never part of it.
RATER_COLOURS = {"leader": "#6a3d9a", "observer": "#1b7837"}
# Beyond this many sessions, points without markers: a year of lines stays readable.
MARKED = MANY


def _members(sessions: Sequence[SessionTrend]) -> dict[str, str]:
    """Every member seen in any session, key → label (the latest label)."""
    found: dict[str, str] = {}
    for s in sessions:
        for m in s.members:
            found[m.key] = m.label
    return found


def _rater_series(
    sessions: Sequence[SessionTrend], scale: str
) -> dict[tuple[str, str], list[tuple[int, float]]]:
    """Each leader's and observer's scores on a scale: (rater, name) → (session index, score)."""
    series: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for i, s in enumerate(sessions):
        for r in s.raters:
            if (v := r.scales.get(scale)) is not None:
                series.setdefault((r.rater, r.name), []).append((i, v))
    return series


def _x_axis(ax: Axes, sessions: Sequence[SessionTrend]) -> None:
    session_axis(ax, [s.label for s in sessions])


def draw_climate(
    fig: Figure,
    sessions: Sequence[SessionTrend],
    scales: Mapping[str, str],
    flags: Sequence[CourseFlag] = (),
    low: float = 0,
    high: float = 6,
) -> None:
    """Per climate scale: members' scores (thin), the group mean (bold), leaders' and
    observers' own scores (dashed, dotted), flags (ringed)."""
    clear_figure(fig)
    rated = [k for k in scales if any(s.climate_mean.get(k) is not None for s in sessions)]
    if not rated:
        empty_note(fig, "No climate ratings yet: members' forms appear here once entered.")
        return
    members = _members(sessions)
    look = styles(list(members))
    index = {s.label: i for i, s in enumerate(sessions)}
    axes = fig.subplots(1, len(rated), squeeze=False)[0]
    for ax, scale in zip(axes, rated, strict=True):
        for key, label in members.items():
            points = [
                (i, v)
                for i, s in enumerate(sessions)
                if (m := s.member(key)) is not None and (v := m.climate.get(scale)) is not None
            ]
            if points:
                ax.plot(
                    [p[0] for p in points],
                    [p[1] for p in points],
                    color=look[key].colour,
                    lw=0.9,
                    alpha=0.75 if len(sessions) <= MARKED else 0.35,
                    marker=look[key].marker if len(sessions) <= MARKED else None,
                    markersize=3.5,
                    label=label,
                )
        means = [s.climate_mean.get(scale) for s in sessions]
        mean = [(i, v) for i, v in enumerate(means) if v is not None]
        ax.plot(
            [p[0] for p in mean],
            [p[1] for p in mean],
            color="#111111",
            lw=2.6,
            label="group mean",
        )
        for (rater, name), points in _rater_series(sessions, scale).items():
            ax.plot(
                [p[0] for p in points],
                [p[1] for p in points],
                color=RATER_COLOURS[rater],
                lw=1.4,
                linestyle="--" if rater == "leader" else ":",
                marker="D" if rater == "leader" else "s",
                markersize=3 if len(sessions) > MARKED else 5,
                label=f"{name} ({rater}'s form)",
            )
        for flag in flags:
            if flag.scale == scale and flag.sessions[-1] in index:
                ax.plot(
                    [index[t] for t in flag.sessions],
                    flag.scores,
                    color=FLAG_COLOUR,
                    lw=2.2,
                    zorder=4,
                )
                ax.scatter(
                    [index[t] for t in flag.sessions],
                    flag.scores,
                    s=90,
                    facecolors="none",
                    edgecolors=FLAG_COLOUR,
                    linewidths=1.6,
                    zorder=5,
                )
        ax.set_ylim(low - 0.2, high + 0.2)
        panel_title(ax, scales[scale])
        _x_axis(ax, sessions)
    axes[0].set_ylabel("mean of answered items", fontsize=TEXT_SIZE - 1)
    handles, labels = axes[0].get_legend_handles_labels()
    if flags:
        handles.append(
            axes[0].scatter([], [], s=90, facecolors="none", edgecolors=FLAG_COLOUR, linewidths=1.6)
        )
        labels.append("flagged run (3 sessions)")
    fig.legend(
        handles,
        labels,
        fontsize=TEXT_SIZE - 1,
        loc="lower center",
        ncol=min(6, len(labels)),
        frameon=False,
    )
    fig.suptitle("Group climate, session by session", fontsize=TITLE_SIZE)
    fig.subplots_adjust(left=0.06, right=0.98, top=0.88, bottom=0.24, wspace=0.18)


def draw_member_course(fig: Figure, sessions: Sequence[SessionTrend]) -> None:
    """Each member's share of the acts, and the fellow members who gave them feedback."""
    clear_figure(fig)
    members = _members(sessions)
    if not sessions or not members:
        empty_note(fig, "No sessions to compare.")
        return
    look = styles(list(members))
    share_ax, peers_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": (1, 1.15)})
    for key, label in members.items():
        points = [
            (i, m.participation_share * 100)
            for i, s in enumerate(sessions)
            if (m := s.member(key)) is not None and m.present
        ]
        share_ax.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            color=look[key].colour,
            marker=look[key].marker if len(sessions) <= MARKED else None,
            linestyle=look[key].linestyle,
            lw=1.2,
            markersize=4,
            label=label,
        )
    share_ax.set_ylim(bottom=0)
    share_ax.set_ylabel("% of the acts sent", fontsize=TEXT_SIZE - 1)
    panel_title(share_ax, "Participation share")
    _x_axis(share_ax, sessions)

    keys = list(members)
    grid = [
        [float(m.feedback_sources) if (m := s.member(k)) is not None else float("nan")
         for s in sessions]
        for k in keys
    ]  # fmt: skip
    most = max((v for row in grid for v in row if v == v), default=0.0)
    image = peers_ax.imshow(grid, aspect="auto", cmap="Blues", vmin=0, vmax=max(most, 1.0))
    if len(sessions) <= 16:
        for r, row in enumerate(grid):
            for c, v in enumerate(row):
                if v == v:
                    colour = "white" if v > most * 0.6 else "#222222"
                    peers_ax.text(c, r, f"{v:.0f}", ha="center", va="center",
                                  fontsize=TEXT_SIZE - 1, color=colour)  # fmt: skip
    _x_axis(peers_ax, sessions)  # first: it sets value ticks, and these rows are members
    peers_ax.set_yticks(range(len(keys)), [members[k] for k in keys], fontsize=TEXT_SIZE - 1)
    panel_title(peers_ax, "Fellow members who gave them feedback")
    peers_ax.grid(False)
    fig.colorbar(image, ax=peers_ax, fraction=0.04, pad=0.02).ax.tick_params(
        labelsize=TEXT_SIZE - 1
    )
    fig.legend(
        *share_ax.get_legend_handles_labels(),
        fontsize=TEXT_SIZE - 1,
        loc="lower center",
        ncol=min(6, len(members)),
        frameon=False,
    )
    fig.suptitle("Members across sessions", fontsize=TITLE_SIZE)
    fig.subplots_adjust(left=0.06, right=0.97, top=0.88, bottom=0.22, wspace=0.28)
