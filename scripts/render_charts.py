"""Render every chart and the supervision report, to look at them.

    python scripts/render_charts.py [--out out]

Each chart is drawn at full size, on a report page (``*-page.png``) and in the coding
window's side panel (``*-panel.png``); any text cut off or covered is printed.
Writes ``out/charts/demo-*.png`` (demo coding 3, the demo group's trends in the window
and the side panel, the lag-1 transitions of the demo's live codings),
``out/charts/airtime-*.png`` (speaking turns imported from a call transcript),
``out/charts/ten-*.png`` (a group of ten members and two leaders),
``out/charts/sams-*.png`` (two members who share the pseudonym Sam), greyscale copies of
all of them in ``out/charts/grey/`` (to check that a black-and-white print still tells
things apart), ``out/report.pdf`` and ``out/report-sams.pdf`` and, when poppler's
``pdftoppm`` or Ghostscript is installed, their pages as ``out/report-pages/*.png``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from observer.charts import CHARTS  # noqa: E402
from observer.charts.export import save_figure  # noqa: E402
from observer.charts.fit import text_problems  # noqa: E402
from observer.charts.trends import draw_trends  # noqa: E402
from observer.domain.coding_data import CodingData  # noqa: E402
from observer.domain.events import Event  # noqa: E402
from observer.domain.participants import GROUP, member_key  # noqa: E402
from observer.report import PAGE, report_for_coding  # noqa: E402
from observer.storage.event_rows import insert_events  # noqa: E402
from observer.storage.read_coding import from_coding  # noqa: E402
from observer.storage.store import Store, open_store  # noqa: E402
from observer.workspace.codings import new_coding  # noqa: E402
from observer.workspace.demo import create_demo  # noqa: E402
from observer.workspace.group_course import group_trends  # noqa: E402
from observer.workspace.groups import MemberSpec, add_group, add_session, get_group  # noqa: E402

TEN = ["Amira", "Bruno", "Carla", "Dmitri", "Esther", "Farid", "Greta", "Hugo", "Ines", "Jonas"]


def ten_member_coding(store: Store) -> int:
    """A coding of a group of ten members and two leaders, one of them very quiet."""
    specs = [MemberSpec(name) for name in TEN]
    specs += [MemberSpec("Dr Osei", role="leader"), MemberSpec("Dr Lindqvist", role="co-leader")]
    group_id = add_group(store, "Monday process group (10 members)", members=specs)
    members = get_group(store, group_id).members
    keys = [member_key(m.id) for m in members]
    session_id = add_session(store, group_id, 1)
    coding_id = new_coding(store, session_id, "RND", ["here-and-now", "bion"], name="ten")
    rng = random.Random(11)
    weights = [6, 5, 4, 4, 3, 3, 3, 2, 2, 0.3, 1.5, 1.5]
    codes = ["feedback", "support", "question", "confrontation", "self-disclosure", "advice"]
    events = []
    for minute, mode in [(0, "dependency"), (15, "work"), (40, "fight-flight"), (50, "work")]:
        end = {0: 15, 15: 40, 40: 50, 50: 90}[minute] * 60_000
        events.append(Event(0, minute * 60_000, mode, GROUP, (), {}, "", end))
    t = 5_000
    while t < 90 * 60_000:
        actor = rng.choices(keys, weights)[0]
        code = rng.choice(codes)
        target = GROUP if rng.random() < 0.3 else rng.choice([k for k in keys if k != actor])
        modifiers = {"valence": rng.choice(["positive", "negative", "mixed"])}
        if code not in ("feedback", "confrontation"):
            modifiers = {}
        events.append(Event(0, t, code, actor, (target,), modifiers))
        t += rng.randint(4_000, 20_000)
    insert_events(store, coding_id, events)
    return coding_id


def two_sams_coding(store: Store) -> int:
    """A short coding of a group in which two members share the pseudonym Sam.

    The database of an older version could hold such a pair; every chart must still show
    two people. The shared name is written straight into the table, as such a file has it.
    """
    specs = [MemberSpec("Sam", initials="SK"), MemberSpec("Sammy", initials="SM")]
    specs += [MemberSpec(n) for n in ("Jane", "Priya")] + [MemberSpec("Dr Lee", role="leader")]
    group_id = add_group(store, "Tuesday group (two Sams)", members=specs)
    keys = {m.pseudonym: member_key(m.id) for m in get_group(store, group_id).members}
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE members SET pseudonym = 'Sam' WHERE pseudonym = 'Sammy'")
    coding_id = new_coding(
        store, add_session(store, group_id, 1), "RK", ["here-and-now", "bion"], name="two Sams"
    )
    sk, sm, jane, priya, lee = (keys[n] for n in ("Sam", "Sammy", "Jane", "Priya", "Dr Lee"))
    acts = [
        (sk, "feedback", sm), (sm, "feedback", lee), (jane, "support", sk), (sk, "question", jane),
        (priya, "feedback", sm), (sm, "support", priya), (lee, "question", GROUP),
        (sk, "self-disclosure", GROUP), (sm, "feedback", sk), (jane, "feedback", sm),
    ]  # fmt: skip
    events = [Event(0, 0, "work", GROUP, (), {}, "", 300_000)]
    events += [Event(0, 20_000 * (i + 1), c, a, (t,)) for i, (a, c, t) in enumerate(acts)]
    insert_events(store, coding_id, events)
    return coding_id


# The side panel of the coding window at 1280x800 (its network canvas is shorter).
PANEL_SIZE = (2.78, 5.8)
PANEL = {"network": ((2.78, 4.0), {"metrics": False}), "matrix": (PANEL_SIZE, {"fast": True})}
CHART_SIZES = {name: size for name, (_title, _draw, size) in CHARTS.items()}


def render_all(
    data: CodingData, prefix: str, folder: Path, problems: list[str] | None = None
) -> list[Path]:
    """Each chart at full size, on a report page and in the side panel; says what does not fit."""
    written = []
    for name, (_title, draw, size) in CHARTS.items():
        panel_size, panel_options = PANEL.get(name, (PANEL_SIZE, {}))
        for where, figsize, options in (
            ("", size, {}),
            ("-page", PAGE, {}),
            ("-panel", panel_size, panel_options),
        ):
            fig = Figure(figsize=figsize)
            FigureCanvasAgg(fig)
            draw(fig, data, **options)
            written.append(_checked(fig, folder / f"{prefix}-{name}{where}.png", problems))
    return written


def _checked(fig: Figure, path: Path, problems: list[str] | None) -> Path:
    """Save the figure; say (and collect) any text cut off or covered in it."""
    found = [f"{path.stem}: {problem}" for problem in text_problems(fig)]
    for line in found:
        print(line)
    if problems is not None:
        problems += found
    return save_figure(fig, path)


def more_charts(store: Store, folder: Path, scratch: Path, problems: list[str]) -> list[Path]:
    """The charts outside ``CHARTS``: trends (window, side panel), airtime (window, report
    page) and the sequences' transition diagram and residuals."""
    from benchmarks.bench_telehealth import zoom_transcript
    from observer.analysis.sequences import transitions
    from observer.charts.airtime import draw_airtime, draw_airtime_page
    from observer.charts.sequence_charts import residual_heatmap, transition_diagram
    from observer.formats import import_file

    written = []
    colours = {c.id: c.colour for c in from_coding(store, 3).codes.values()}
    trends = group_trends(store, 1)
    for where, size in (("", CHART_SIZES["participation"]), ("-panel", PANEL_SIZE)):
        fig = Figure(figsize=size)
        FigureCanvasAgg(fig)
        draw_trends(fig, trends, colours=colours)
        written.append(_checked(fig, folder / f"demo-trends{where}.png", problems))
    members = [MemberSpec(n) for n in ("Jane", "Sam", "Priya", "Tom")]
    group = add_group(store, "Thursday video group", members=[
        *members, MemberSpec("Dr Lee", role="leader")])  # fmt: skip
    session = add_session(store, group, setting="telehealth")
    call = zoom_transcript(scratch / "call.vtt", cues=300, minutes=20)
    names = {"Jane Doe": "Jane", "Sam Okafor": "Sam", "Tom (iPad)": "Tom"}
    [coding] = import_file(store, call, session=session, observer="RK", names=names).coding_ids
    spoken = from_coding(store, coding)
    for where, size, draw in (
        ("", (12.8, 8.0), draw_airtime),
        ("-panel", PANEL_SIZE, draw_airtime),
        ("-page", PAGE, draw_airtime_page),
    ):
        fig = Figure(figsize=size)
        FigureCanvasAgg(fig)
        draw(fig, spoken)
        written.append(_checked(fig, folder / f"airtime{where}.png", problems))
    result = transitions([from_coding(store, c) for c in (1, 2, 3, 6)])
    for name, draw_sequences in (("transitions", transition_diagram),
                                 ("residuals", residual_heatmap)):  # fmt: skip
        fig = draw_sequences(result)
        written.append(_checked(fig, folder / f"demo-{name}.png", problems))
    return written


def greyscale(paths: list[Path], folder: Path) -> None:
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    for path in paths:
        Image.open(path).convert("L").save(folder / path.name)


def render_charts(out: Path) -> tuple[list[Path], list[str]]:
    """Every chart at every size it is drawn, into ``out/charts``; the pictures, and what
    in them is cut off or covered."""
    charts = out / "charts"
    charts.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="gpo-charts-") as scratch:
        store = open_store(Path(scratch) / "charts.sqlite3")
        create_demo(store)
        written = render_all(from_coding(store, 3), "demo", charts, problems)
        written += more_charts(store, charts, Path(scratch), problems)
        ten = ten_member_coding(store)
        written += render_all(from_coding(store, ten), "ten", charts, problems)
        sams = two_sams_coding(store)
        written += render_all(from_coding(store, sams), "sams", charts, problems)
        greyscale(written, charts / "grey")
        store.close()
    return written, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out")
    args = parser.parse_args(argv)
    written, _problems = render_charts(args.out)
    charts = args.out / "charts"
    with tempfile.TemporaryDirectory(prefix="gpo-report-") as scratch:
        store = open_store(Path(scratch) / "report.sqlite3")
        create_demo(store)
        sams = two_sams_coding(store)
        report = args.out / "report.pdf"
        pages = report_for_coding(store, 3, report)
        sams_report = args.out / "report-sams.pdf"
        report_for_coding(store, sams, sams_report)
        store.close()
    print(f"Wrote {len(written)} charts to {charts} and {report} ({pages} pages)")
    folder = args.out / "report-pages"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    for pdf, stem in ((report, "page"), (sams_report, "sams-page")):
        if shutil.which("pdftoppm"):
            command = ["pdftoppm", "-r", "70", "-png", str(pdf), str(folder / stem)]
        elif shutil.which("gs"):
            command = ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=png16m", "-r70",
                       f"-sOutputFile={folder / stem}-%d.png", str(pdf)]  # fmt: skip
        else:
            print("Neither pdftoppm (poppler-utils) nor gs found: report pages not rendered")
            return 0
        subprocess.run(command, check=True)
    print(f"Report pages as PNG in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
