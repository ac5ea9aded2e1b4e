"""Render every chart and the supervision report, to look at them.

    python scripts/render_charts.py [--out out]

Each chart is drawn at full size, on a report page (``*-page.png``) and in the coding
window's side panel (``*-panel.png``); any text cut off or covered is printed.
Writes ``out/charts/demo-*.png`` (demo coding 3 and the demo group's trends),
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

from observer.charts import CHARTS, new_figure  # noqa: E402
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
PANEL = {"network": ((2.78, 4.0), {"metrics": False}), "matrix": ((2.78, 5.8), {"fast": True})}


def render_all(data: CodingData, prefix: str, folder: Path) -> list[Path]:
    """Each chart at full size, on a report page and in the side panel; says what does not fit."""
    written = []
    for name, (_title, draw, size) in CHARTS.items():
        panel_size, panel_options = PANEL.get(name, ((2.78, 5.8), {}))
        for where, figsize, options in (
            ("", size, {}),
            ("-page", PAGE, {}),
            ("-panel", panel_size, panel_options),
        ):
            fig = Figure(figsize=figsize)
            FigureCanvasAgg(fig)
            draw(fig, data, **options)
            for problem in text_problems(fig):
                print(f"{prefix}-{name}{where}: {problem}")
            written.append(save_figure(fig, folder / f"{prefix}-{name}{where}.png"))
    return written


def greyscale(paths: list[Path], folder: Path) -> None:
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    for path in paths:
        Image.open(path).convert("L").save(folder / path.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out")
    args = parser.parse_args(argv)
    charts = args.out / "charts"
    charts.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gpo-charts-") as scratch:
        store = open_store(Path(scratch) / "charts.sqlite3")
        create_demo(store)
        written = render_all(from_coding(store, 3), "demo", charts)
        fig = new_figure("participation")
        data = from_coding(store, 3)
        colours = {c.id: c.colour for c in data.codes.values()}
        draw_trends(fig, group_trends(store, 1), colours=colours)
        written.append(save_figure(fig, charts / "demo-trends.png"))
        written += render_all(from_coding(store, ten_member_coding(store)), "ten", charts)
        sams = two_sams_coding(store)
        written += render_all(from_coding(store, sams), "sams", charts)
        greyscale(written, charts / "grey")
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
