"""The supervision report: one PDF per coding, for the supervisor and the co-therapists.

Pages: a title and summary page with the measures, then the network (with its metrics
table), the who-to-whom matrix, participation, the basic-assumption profile and the
timeline, airtime where the coding has speaking turns, and last the observer's process
notes and the significant sequences.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from observer import __version__
from observer.analysis import basic_assumptions
from observer.analysis.network import build_network
from observer.analysis.participation import participation
from observer.analysis.phase_participation import participation_by_phase
from observer.charts.basic_assumptions import draw_basic_assumptions
from observer.charts.matrix import draw_matrix
from observer.charts.network import draw_network
from observer.charts.participation import draw_participation
from observer.charts.timeline import draw_timeline
from observer.domain.clock import format_clock
from observer.domain.coding_data import CodingData
from observer.domain.deidentify import SharingCodes, deidentified
from observer.domain.errors import InputError
from observer.storage.private_file import written_whole
from observer.storage.store import Store

PAGE = (11.69, 8.27)  # A4 landscape, inches
LINES_PER_PAGE = 34
CHART_PAGES = (
    ("Interaction network", draw_network),
    ("Who to whom", draw_matrix),
    ("Participation", draw_participation),
    ("Basic-assumption profile", draw_basic_assumptions),
    ("Timeline", draw_timeline),
)


@dataclass(frozen=True)
class Note:
    time_ms: int | None
    text: str
    kind: str = "note"


@dataclass(frozen=True)
class ReportInfo:
    """What the title page says about the coding (all optional for a plain CSV)."""

    group: str = ""
    session: str = ""
    observer: str = ""
    coding: str = ""
    codebooks: str = ""
    notes: tuple[Note, ...] = field(default_factory=tuple)
    # A server coding read while changes made on this computer wait to reach the server.
    not_on_server: str = ""


def report_info(data: CodingData) -> ReportInfo:
    """What the title page says: group, session, observer, codebooks and process notes.

    A stored coding read with its details says it all; a plain CSV only its name.
    """
    if data.info is None or data.details is None:
        return ReportInfo(coding=data.name)
    info, more = data.record()
    # Stored in UTC, shown in the reader's local time.
    starts_at = more.session_starts_at
    when = f"{starts_at.astimezone():%d %b %Y, %H:%M}" if starts_at else ""
    # Notes in session order, those about the whole session (no time) first.
    by_time = sorted(more.process_notes, key=lambda n: (n.time_ms is not None, n.time_ms or 0))
    notes = [Note(n.time_ms, n.text, n.kind) for n in by_time]
    if more.notes.strip():
        notes.insert(0, Note(None, more.notes.strip(), "coding"))
    return ReportInfo(
        group=info.group_name,
        session=f"Session {info.session_number}" + (f" — {when}" if when else ""),
        observer=f"{info.observer} ({info.capacity})",
        coding=_coding_line(info.name, info.clock_mode, info.capacity, info.is_reference),
        codebooks=", ".join(f"{b.name} {b.version}" for b in more.codebooks),
        notes=tuple(notes),
    )


def _coding_line(name: str, clock_mode: str, capacity: str, is_reference: bool) -> str:
    """'live, co-therapist — coded live' or 'supervisor's coding — coded from the recording,
    the reference': what a supervisor needs to know of a coding, without database ids."""
    how = "coded from the recording" if clock_mode == "media" else "coded live"
    title = name or f"{capacity or 'observer'}'s coding"
    reference = is_reference and "reference" not in title.lower()
    return f"{title} — {how}" + (", the reference" if reference else "")


def sequence_lines(data: CodingData) -> list[str] | None:
    """Plain-language significant sequences, or None when that analysis is not installed."""
    try:
        from observer.analysis.sequences import describe_significant
    except ImportError:
        return None
    return list(describe_significant(data))


def chart_pages(data: CodingData) -> tuple[tuple[str, Callable[..., object]], ...]:
    """The chart pages of a coding; the airtime page where it has speaking turns."""
    from observer.charts.airtime import draw_airtime_page, has_speaking_turns

    if has_speaking_turns(data):
        return (*CHART_PAGES, ("Airtime", draw_airtime_page))
    return CHART_PAGES


def _page() -> Figure:
    fig = Figure(figsize=PAGE)
    FigureCanvasAgg(fig)
    return fig


def _footer(fig: Figure, data: CodingData, number: int) -> None:
    fig.text(
        0.01, 0.008, f"{data.name} — confidential clinical material", fontsize=7, color="#555555"
    )
    fig.text(0.99, 0.008, f"page {number}", fontsize=7, color="#555555", ha="right")


def session_summary(data: CodingData) -> list[str]:
    """What happened in the session, in a few plain sentences for the first page."""
    people = participation(data)
    profile = basic_assumptions.profile(data)
    acts = [e for e in data.events if not data.is_mode(e.code)]
    talking = sorted((p for p in people.people if p.acts), key=lambda p: -p.acts)
    lines = [f"{format_clock(data.duration_ms)} coded: {len(acts)} acts by {len(talking)} people."]
    members = [p for p in talking if not p.is_leader]
    if len(members) >= 2:
        most, least = members[0], members[-1]
        lines.append(
            f"Of the members, {most.label} took part most ({most.share:.0%} of the acts), "
            f"{least.label} least ({least.share:.0%})."
        )
    quiet = [data.label(key) for key in people.quiet]
    if quiet:
        lines.append(f"Quiet (under {people.quiet_share:.0%} of the acts): {', '.join(quiet)}.")
    if people.total_acts:
        lines.append(f"{build_network(data).measures.to_group_share:.0%} of the acts were "
                     "addressed to the group as a whole.")  # fmt: skip
    codes = Counter(e.code for e in acts).most_common(3)
    if codes:
        named = [f"{data.code(c).label.split(' (')[0].lower()} ({n})" for c, n in codes]
        listed = ", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else named[0]
        lines.append(f"The most frequent acts: {listed}.")
    if profile.segments:
        main = max(profile.time_ms, key=lambda m: profile.time_ms[m])
        lines.append(
            f"The group spent {profile.share(main):.0%} of the time in "
            f"{data.code(main).label or main}."
        )
        others = [seg for seg in profile.segments if seg.mode != main][:3]
        for seg in others:
            lines.append(
                f"{data.code(seg.mode).label or seg.mode} from {format_clock(seg.start_ms)} "
                f"to {format_clock(seg.end_ms)}."
            )
    return lines


def title_page(fig: Figure, data: CodingData, info: ReportInfo) -> None:
    """The first page: who, when, how long, and the measures in one table."""
    network = build_network(data)
    people = participation(data)
    profile = basic_assumptions.profile(data)
    m = network.measures
    fig.text(0.06, 0.92, "Supervision report", fontsize=22, weight="bold")
    facts = [
        ("Group", info.group or "—"),
        ("Session", info.session or "—"),
        ("Observer", info.observer or "—"),
        ("Coding", info.coding or data.name),
        ("Duration", format_clock(data.duration_ms)),
        ("Events", str(len(data.events))),
        ("Codebooks", "\n".join(textwrap.wrap(info.codebooks, 44)) or "—"),
    ]
    if data.deidentified:
        dates = "dates shifted" if data.dates_shifted else "dates removed"
        facts.append(("Shared", f"de-identified: people as codes; notes, recordings, {dates}"))
    if info.not_on_server:
        facts.append(("Left out", "\n".join(textwrap.wrap(info.not_on_server, 44))))
    summary = ["In this session"]
    for sentence in session_summary(data):
        summary += textwrap.wrap(sentence, 52)
    for i, line in enumerate(summary):
        fig.text(0.6, 0.86 - i * 0.03, line, fontsize=12 if i == 0 else 10,
                 weight="bold" if i == 0 else "normal", va="top")  # fmt: skip
    summary_end = 0.86 - len(summary) * 0.03
    y = 0.85
    for label, value in facts:
        fig.text(0.06, y, label, fontsize=11, color="#444444", va="top")
        fig.text(0.2, y, value, fontsize=11, va="top")
        y -= 0.04 + 0.022 * value.count("\n")
    measures = [
        ("Density (people graph)", f"{m.density:.2f}"),
        ("Reciprocity", f"{m.reciprocity:.2f}"),
        (
            "Degree centralisation (total / out / in)",
            f"{m.degree_centralisation:.2f} / {m.out_degree_centralisation:.2f} / "
            f"{m.in_degree_centralisation:.2f}",
        ),
        ("Participation Gini", f"{m.participation_gini:.2f}"),
        ("Acts addressed to the group", f"{m.to_group_share:.0%}"),
        ("Feedback heard from two or more peers", f"{m.consensual_validation:.0%}"),
        ("People present / ties / acts sent", f"{m.people} / {m.ties} / {m.acts}"),
        (
            f"Quiet members (share under {people.quiet_share:.0%})",
            ", ".join(data.label(key) for key in people.quiet) or "none",
        ),
    ]
    for mode, ms in profile.time_ms.items():
        if ms:
            label = data.code(mode).label or mode
            measures.append((f"Time in {label}", f"{format_clock(ms)} ({profile.share(mode):.0%})"))
    y = min(y - 0.03, summary_end)  # the table under the facts and the summary
    ax = fig.add_axes((0.06, 0.08, 0.88, y - 0.1))
    ax.axis("off")
    table = ax.table(
        cellText=[[k, v] for k, v in measures],
        colLabels=["Measure", "Value"],
        colWidths=[0.55, 0.45],
        loc="upper left",
        cellLoc="left",
        edges="horizontal",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(10)
    table.scale(1, 1.45)
    for (row, _col), cell in table.get_celld().items():
        cell.set_edgecolor("#bbbbbb")
        if row == 0:
            cell.set_text_props(weight="bold")
    fig.text(
        0.06,
        0.04,
        "Measures on the graph of members and leaders (the group-as-a-whole left out); "
        "definitions in the user guide, under Measures.\nHypotheses about the group, not "
        "judgements of people.",
        fontsize=8,
        color="#444444",
    )


def _wrapped(lines: Sequence[str], width: int = 120) -> list[str]:
    out: list[str] = []
    for line in lines:
        out += textwrap.wrap(line, width, subsequent_indent="      ") or [""]
    return out


def text_pages(data: CodingData, info: ReportInfo) -> list[list[str]]:
    """Process notes, participation phase by phase and sequences as lines, cut into pages."""
    lines = ["PROCESS NOTES"]
    if info.notes:
        for note in info.notes:
            when = format_clock(note.time_ms) if note.time_ms is not None else "—"
            kind = "" if note.kind == "note" else f"[{note.kind}] "
            lines += _wrapped([f"{when}  {kind}{note.text}"])
    elif data.deidentified:
        lines.append("Process notes are left out of a de-identified report.")
    else:
        lines.append("No process notes were written for this coding.")
    lines += ["", "PARTICIPATION BY PHASE"]
    lines += _wrapped([p.sentence() for p in participation_by_phase(data)])
    lines += ["", "SEQUENCES"]
    found = sequence_lines(data)
    if found is None:
        lines.append("Sequence analysis is not available in this version.")
    elif not found:
        lines.append("No significant sequences in this coding.")
    else:
        lines += _wrapped([f"• {line}" for line in found])
    return [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]


def write_report(
    data: CodingData,
    path: str | Path,
    info: ReportInfo | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the supervision report of ``data`` as a PDF; returns the number of pages.

    ``info``: what the title page says, by default all ``data`` tells (see ``report_info``).
    ``progress(pages done, pages)`` follows each page; it may raise to stop the report.
    The PDF is written whole, readable by its owner only (``storage.private_file``): a
    report stopped half-way, or a disk that fills up, leaves no truncated PDF under the
    name asked for (and an earlier report there as it was).
    """
    info = info or report_info(data)
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise InputError(f"{path.name}: the report is a PDF; give a file name ending in .pdf")
    try:
        with written_whole(path) as partial:
            pages = _write_pages(data, partial, info, progress or (lambda _done, _total: None))
    except OSError as exc:
        raise InputError(
            f"{path}: cannot write the report ({exc.strerror or exc}); "
            "nothing was written under that name"
        ) from exc
    return pages


def _write_pages(
    data: CodingData, path: Path, info: ReportInfo, progress: Callable[[int, int], None]
) -> int:
    texts = text_pages(data, info)
    charts = chart_pages(data)
    total = 1 + len(charts) + len(texts)
    pages = 0
    metadata = {
        "Title": f"Supervision report — {info.group or data.name}",
        "Subject": " ".join(x for x in (info.group, info.session, info.observer) if x),
        "Creator": f"Group Process Observer {__version__}",
    }
    if data.deidentified:
        metadata["CreationDate"] = None  # type: ignore[assignment]  # matplotlib: leave it out
    with PdfPages(path, metadata=metadata) as pdf:
        progress(0, total)
        fig = _page()
        title_page(fig, data, info)
        pages += 1
        _footer(fig, data, pages)
        pdf.savefig(fig)
        progress(pages, total)
        for _title, draw in charts:
            fig = _page()
            draw(fig, data)
            pages += 1
            _footer(fig, data, pages)
            pdf.savefig(fig)
            progress(pages, total)
        for lines in texts:
            fig = _page()
            y = 0.93
            for line in lines:
                heading = line.isupper() and line.strip() != ""
                fig.text(
                    0.06,
                    y,
                    line,
                    fontsize=12 if heading else 9.5,
                    weight="bold" if heading else "normal",
                    family="DejaVu Sans",
                )
                y -= 0.026
            pages += 1
            _footer(fig, data, pages)
            pdf.savefig(fig)
            progress(pages, total)
    return pages


def report_for_coding(
    store: Store,
    coding_id: int,
    path: str | Path,
    progress: Callable[[int, int], None] | None = None,
    deidentify: bool = False,
    *,
    dates: str = "drop",
    who: str | None = None,
    unlogged: Callable[[str], None] | None = None,
) -> int:
    """The report of a stored coding (notes and session details included), or the
    report to share, de-identified (``domain.deidentify``, its dates dropped or shifted).

    Once written it goes in the coding's access log as ``who``'s (default: the coding's
    observer); ``unlogged`` hears why, if it could not be: the report is kept all the same.
    """
    from observer.storage.access_log import log_access, sharing_detail
    from observer.storage.outbox import not_on_server
    from observer.storage.read_coding import from_coding

    data = from_coding(store, coding_id, details=True)
    shared = deidentified(data, SharingCodes.for_export(dates)) if deidentify else data
    info = report_info(shared)
    if waiting := not_on_server(store, [coding_id]).get(coding_id):
        info = replace(info, not_on_server=waiting)
    pages = write_report(shared, path, info, progress=progress)
    detail = sharing_detail(deidentify, dates)
    why = log_access(store, coding_id, "report", who, detail)
    if why is not None and unlogged is not None:
        unlogged(why)
    return pages
