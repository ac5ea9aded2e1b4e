"""The course-of-the-group report: one PDF over all of a group's sessions, for supervision.

Pages: a title page with the flags to look at, the sessions in a table (coded figures and
the group's climate means), the trends across sessions, the climate chart, the
members across sessions, and airtime across sessions where they have speaking turns.
Written whole or not at all, as the session report is.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from observer import __version__
from observer.analysis.trends import SessionTrend
from observer.charts.airtime_course import draw_airtime_course
from observer.charts.course import draw_climate, draw_member_course
from observer.charts.trends import draw_trends
from observer.domain.errors import InputError
from observer.report import PAGE
from observer.storage.private_file import written_whole
from observer.workspace.group_course import GroupCourse

ROWS_PER_PAGE = 20


def _page() -> Figure:
    fig = Figure(figsize=PAGE)
    FigureCanvasAgg(fig)
    return fig


def _footer(fig: Figure, course: GroupCourse, number: int) -> None:
    fig.text(
        0.01, 0.008, f"{course.group} — confidential clinical material", fontsize=7,
        color="#555555",
    )  # fmt: skip
    fig.text(0.99, 0.008, f"page {number}", fontsize=7, color="#555555", ha="right")


def title_page(fig: Figure, course: GroupCourse) -> None:
    """Group, sessions, instrument and the flags, in words."""
    fig.text(0.06, 0.92, "The course of the group", fontsize=22, weight="bold")
    sessions = course.sessions
    span = f"{sessions[0].label} to {sessions[-1].label}" if sessions else "none coded"
    rated = sum(1 for s in sessions if any(m.climate for m in s.members))
    instrument = course.instrument
    facts = [
        ("Group", course.group),
        ("Sessions", f"{len(sessions)} ({span})"),
        ("Rated sessions", f"{rated}" + (f" on {instrument.name}" if instrument else "")),
    ]
    if course.not_on_server:
        facts.append(("Left out", course.not_on_server))
    y = 0.85
    for label, value in facts:
        fig.text(0.06, y, label, fontsize=11, color="#444444")
        fig.text(0.22, y, value, fontsize=11)
        y -= 0.04
    if instrument is not None:
        fig.text(0.06, y, "Source", fontsize=9, color="#444444")
        fig.text(0.22, y, instrument.source, fontsize=8, wrap=True, va="top")
        y -= 0.07
    y -= 0.02
    fig.text(0.06, y, "Flags", fontsize=13, weight="bold")
    y -= 0.04
    lines = [f"• {f.sentence()}" for f in course.flags] or [
        "None: no member's watched scale moved the feared way three rated sessions running."
    ]
    shown = lines[:14]
    if len(lines) > len(shown):
        shown.append(f"… and {len(lines) - len(shown)} more (trends --json lists them all).")
    for line in shown:
        fig.text(0.07, y, line, fontsize=10)
        y -= 0.032
    fig.text(
        0.06,
        0.05,
        "A flag marks a run worth a conversation, not a judgement: it needs three sessions "
        "in a row in which the member filled in a valid form.\nRule and definitions: see "
        "Measures (trends, flags) and Ratings (scoring) in the user guide.",
        fontsize=8,
        color="#444444",
    )


def session_table(fig: Figure, course: GroupCourse, rows: Sequence[int]) -> None:
    """Some sessions as table rows: coded figures and the climate means."""
    scales = course.scales
    header = ["Session", "Events", "Density", "Gini", "Fb 2+ peers", *scales.values()]
    others = any(s.raters for s in course.sessions)
    if others:
        header.append("Leaders, observers")
    cells = []
    for i in rows:
        s = course.sessions[i]
        means = s.climate_mean
        cells.append(
            [
                s.label,
                str(s.events),
                f"{s.density:.2f}",
                f"{s.participation_gini:.2f}",
                f"{s.consensual_validation:.0%}",
                *("—" if (v := means.get(k)) is None else f"{v:.2f}" for k in scales),
                *([_raters_cell(s, scales)] if others else []),
            ]
        )
    fig.text(0.06, 0.92, "Sessions", fontsize=16, weight="bold")
    ax = fig.add_axes((0.06, 0.08, 0.88, 0.8))
    ax.axis("off")
    # The leaders' and observers' column holds a few names and scores: room for them.
    widths = [1.0, 0.8, 0.8, 0.8, 1.2] + [1.0] * len(scales) + ([3.2] if others else [])
    table = ax.table(cellText=cells, colLabels=header, loc="upper left", cellLoc="right",
                     colLoc="right", edges="horizontal",
                     colWidths=[w / sum(widths) for w in widths])  # fmt: skip
    table.auto_set_font_size(False)
    table.set_fontsize(10)
    table.scale(1, 1.35)
    for (row, col), cell in table.get_celld().items():
        cell.set_edgecolor("#bbbbbb")
        if col == 0 or (others and col == len(header) - 1):
            cell.set_text_props(ha="left")
            cell.PAD = 0.02
        if row == 0:
            cell.set_text_props(weight="bold")
    fig.text(
        0.06,
        0.04,
        "Gini: participation Gini. Fb 2+ peers: of the members who heard feedback from "
        "fellow members, the share who heard it from two or more. Climate: the mean of "
        "members' valid forms.\nLeaders, observers: their own forms' scores, scale by scale "
        "in the order of the columns, kept apart from the members' mean.",
        fontsize=8,
        color="#444444",
    )


def _raters_cell(session: SessionTrend, scales: dict[str, str]) -> str:
    """Each leader's and observer's scores in the scales' order: "Dr Lee 4.2/1.0/1.5"."""
    return (
        "; ".join(
            f"{r.name} "
            + "/".join("–" if (v := r.scales.get(k)) is None else f"{v:.1f}" for k in scales)
            for r in session.raters
        )
        or "—"
    )


def page_count(course: GroupCourse) -> int:
    tables = max(1, -(-len(course.sessions) // ROWS_PER_PAGE))
    return 1 + tables + 3 + (1 if course.airtime else 0)


def write_course_report(course: GroupCourse, path: str | Path) -> int:
    """Write the course report as a PDF; returns the number of pages."""
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise InputError(f"{path.name}: the report is a PDF; give a file name ending in .pdf")
    metadata = {
        "Title": f"The course of the group — {course.group}",
        "Creator": f"Group Process Observer {__version__}",
    }
    try:
        with written_whole(path) as partial, PdfPages(partial, metadata=metadata) as pdf:
            for number, fig in enumerate(course_pages(course), start=1):
                _footer(fig, course, number)
                pdf.savefig(fig)
    except OSError as exc:
        raise InputError(
            f"{path}: cannot write the report ({exc.strerror or exc}); "
            "nothing was written under that name"
        ) from exc
    return page_count(course)


def course_pages(course: GroupCourse) -> list[Figure]:
    """Every page drawn, in order (the PDF and the screenshots draw the same)."""
    pages = []
    fig = _page()
    title_page(fig, course)
    pages.append(fig)
    indices = list(range(len(course.sessions)))
    for start in range(0, max(1, len(indices)), ROWS_PER_PAGE):
        fig = _page()
        session_table(fig, course, indices[start : start + ROWS_PER_PAGE])
        pages.append(fig)
    fig = _page()
    draw_trends(fig, course.sessions)
    pages.append(fig)
    fig = _page()
    instrument = course.instrument
    low, high = (instrument.low, instrument.high) if instrument else (0, 6)
    draw_climate(fig, course.sessions, course.scales, course.flags, low, high)
    pages.append(fig)
    fig = _page()
    draw_member_course(fig, course.sessions)
    pages.append(fig)
    if course.airtime:  # sessions with speaking turns: is airtime becoming more equal?
        fig = _page()
        draw_airtime_course(fig, course.airtime)
        pages.append(fig)
    return pages
