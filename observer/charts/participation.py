"""Participation: acts per person and share, to whom, and feedback received from peers."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from observer.analysis.filters import ChartFilter
from observer.analysis.participation import participation
from observer.charts.style import (
    QUIET_HATCH,
    TEXT_SIZE,
    TITLE_SIZE,
    empty_note,
    fit_layout,
    is_narrow,
    minutes,
    titled,
)
from observer.domain.coding_data import CodingData

MEMBER, LEADER, QUIET = "#0b3c73", "#9ecae1", "#e69f00"
TO_GROUP, TO_PEOPLE = "#555555", "#c6dbef"


def draw_participation(
    fig: Figure,
    data: CodingData,
    filter: ChartFilter | None = None,
    quiet_share: float | None = None,
) -> None:
    """Bars per person: acts and share (quiet members hatched), to group vs to members,
    and from how many different peers each member received feedback."""
    fig.clear()
    result = participation(data, filter, quiet_share)
    if not result.people:
        empty_note(fig, "No one took part yet.")
        return
    people = list(result.people)
    names = [p.label for p in people]
    y = list(range(len(people)))
    panels = 4 if result.has_speaking_time else 3
    narrow = is_narrow(fig)
    fit_layout(fig)
    if narrow:  # the side panel: one under another, each with the names
        axes = fig.subplots(panels, 1)
    else:
        ratios = (1.5, 1, 0.8, 1) if panels == 4 else (1.5, 1, 0.8)
        axes = fig.subplots(1, panels, sharey=True, gridspec_kw={"width_ratios": ratios})
    acts_ax, to_ax, feedback_ax = axes[0], axes[1], axes[2]
    title_size = TITLE_SIZE - (2 if narrow else 1)
    name_size = float(TEXT_SIZE)
    if narrow:  # rows share the height with the other panels: names as large as fits
        pitch_pt = (fig.get_figheight() - 1.9) / panels * 72 / max(len(people), 1)
        name_size = max(5.0, min(TEXT_SIZE - 1.0, pitch_pt * 0.75))

    colours = [QUIET if p.quiet else (LEADER if p.is_leader else MEMBER) for p in people]
    hatches = [QUIET_HATCH if p.quiet else ("..." if p.is_leader else "") for p in people]
    bars = acts_ax.barh(y, [p.acts for p in people], color=colours, edgecolor="#222222", lw=0.6)
    for bar, hatch in zip(bars, hatches, strict=True):
        bar.set_hatch(hatch)
    most = max((p.acts for p in people), default=1) or 1
    for i, p in enumerate(people):
        acts_ax.text(
            p.acts + most * 0.02,
            i,
            f"{p.acts} ({p.share:.0%})",
            va="center",
            fontsize=min(TEXT_SIZE - 1.0, name_size),
        )
    threshold = result.quiet_share * result.total_acts
    acts_ax.axvline(threshold, color="#d55e00", linestyle=(0, (4, 2)), lw=1.2)
    acts_ax.set_xlim(0, most * 1.35)
    for ax in axes if narrow else axes[:1]:
        ax.set_yticks(y)
        ax.set_yticklabels(names, fontsize=name_size)
        ax.invert_yaxis()
    acts_ax.set_xlabel("acts sent", fontsize=TEXT_SIZE)
    acts_ax.set_title(f"Acts per person (Gini {result.gini:.2f})", fontsize=title_size, loc="left")
    # One legend for the figure, outside the bars it explains (inside, it hid a bar).
    handles = [
        Patch(fc=MEMBER, ec="#222222", label="member"),
        Patch(fc=LEADER, ec="#222222", hatch="...", label="leader"),
        Patch(
            fc=QUIET,
            ec="#222222",
            hatch=QUIET_HATCH,
            label=f"quiet (< {result.quiet_share:.0%})",
        ),
    ]

    group = [p.group_share * 100 for p in people]
    rest = [100 - g if p.to_group + p.to_people else 0 for g, p in zip(group, people, strict=True)]
    handles.append(
        to_ax.barh(y, group, color=TO_GROUP, edgecolor="#222222", lw=0.6, label="to the group")
    )
    handles.append(
        to_ax.barh(
            y,
            rest,
            left=group,
            color=TO_PEOPLE,
            edgecolor="#222222",
            lw=0.6,
            hatch="///",
            label="to members/leaders",
        )
    )
    to_ax.set_xlim(0, 100)
    to_ax.set_xlabel("% of addressed acts", fontsize=TEXT_SIZE)
    to_ax.set_title(
        f"Addressed to (group: {result.group_share:.0%})", fontsize=title_size, loc="left"
    )

    fb = [0 if p.is_leader else p.feedback_from for p in people]
    feedback_ax.barh(y, fb, color="#2f6b1d", edgecolor="#222222", lw=0.6)
    for i, (value, p) in enumerate(zip(fb, people, strict=True)):
        if not p.is_leader:
            feedback_ax.text(
                value + 0.1, i, str(value), va="center", fontsize=min(TEXT_SIZE - 1.0, name_size)
            )
    peers = sum(1 for p in people if not p.is_leader)
    feedback_ax.set_xlim(0, max(peers - 1, max(fb, default=0)) + 1)
    feedback_ax.set_xlabel("different peers", fontsize=TEXT_SIZE)
    feedback_ax.set_title("Feedback from", fontsize=title_size, loc="left")

    if panels == 4:
        talk_ax = axes[3]
        talk = [minutes(p.speaking_ms) for p in people]
        talk_ax.barh(y, talk, color="#555555", edgecolor="#222222", lw=0.6)
        for i, p in enumerate(people):
            talk_ax.text(
                minutes(p.speaking_ms),
                i,
                f" {p.speaking_share:.0%}",
                va="center",
                fontsize=min(TEXT_SIZE - 1.0, name_size),
            )
        talk_ax.set_xlabel("speaking time (min)", fontsize=TEXT_SIZE)
        talk_ax.set_title("Speaking time", fontsize=title_size, loc="left")
    for ax in axes:
        ax.tick_params(axis="x", labelsize=TEXT_SIZE - 1)
        if narrow:
            ax.set_xlabel("")  # the panel titles say what is counted
        ax.spines[["top", "right"]].set_visible(False)
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncol=2 if narrow else 5,
        fontsize=TEXT_SIZE - (2 if narrow else 1),
        frameon=False,
    )
    fig.suptitle(titled("Participation", data, fig), fontsize=TITLE_SIZE)
