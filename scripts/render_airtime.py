"""Render the airtime chart, its report page and the transcript pane, to look at them.

    python scripts/render_airtime.py [--out out]

Imports a made-up 20-minute Zoom transcript (words kept) into a new group's session and
writes ``out/airtime/chart.png`` (1280x800), ``out/airtime/report-page.png`` and
``out/airtime/transcript-pane.png`` (1280x800, offscreen Qt).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_telehealth import zoom_transcript  # noqa: E402
from observer.formats import import_file  # noqa: E402
from observer.storage.read_coding import from_coding  # noqa: E402
from observer.storage.store import Store, open_store  # noqa: E402
from observer.workspace.groups import MemberSpec, add_group, add_session  # noqa: E402


def airtime_coding(store: Store, folder: Path) -> int:
    specs = [MemberSpec(n) for n in ("Jane", "Sam", "Priya", "Tom")]
    specs.append(MemberSpec("Dr Lee", role="leader"))
    group = add_group(store, "Thursday video group", members=specs)
    session = add_session(store, group, setting="telehealth")
    path = zoom_transcript(folder / "call.vtt", cues=300, minutes=20)
    names = {"Jane Doe": "Jane", "Sam Okafor": "Sam", "Tom (iPad)": "Tom"}
    report = import_file(store, path, session=session, observer="RK", names=names,
                         keep_text=True)  # fmt: skip
    return report.coding_ids[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "out")
    args = parser.parse_args()
    out = args.out / "airtime"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        store = open_store(Path(scratch) / "airtime.sqlite3")
        coding = airtime_coding(store, Path(scratch))
        data = from_coding(store, coding)

        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from observer.charts.airtime import draw_airtime, draw_airtime_page
        from observer.report import PAGE

        fig = Figure(figsize=(12.8, 8.0), dpi=100)
        FigureCanvasAgg(fig)
        draw_airtime(fig, data)
        fig.savefig(out / "chart.png", dpi=100)
        page = Figure(figsize=PAGE)
        FigureCanvasAgg(page)
        draw_airtime_page(page, data)
        page.savefig(out / "report-page.png", dpi=1280 / PAGE[0])

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication

        from ui.transcript_pane import TranscriptPane

        app = QApplication.instance() or QApplication([])
        pane = TranscriptPane(data)
        pane.resize(1280, 800)
        pane.show()
        app.processEvents()
        pane.follow(6 * 60_000)
        app.processEvents()
        pane.grab().save(str(out / "transcript-pane.png"))
        _app_views(store, Path(scratch), out)
        store.close()
    print(f"Wrote {out}/chart.png, report-page.png, transcript-pane.png, charts-panel.png, "
          "group-view.png and voice-activity-dialog.png")  # fmt: skip
    return 0


def _app_views(store: Store, scratch: Path, out: Path) -> None:
    """The Charts panel's Airtime tab, the group view's airtime course (a group whose
    airtime grows more equal) and the voice-activity dialog, each 1280x800."""
    from PySide6.QtWidgets import QApplication

    from observer.workspace.workspace import Workspace
    from tests.observer.airtime_sessions import airtime_group
    from ui.charts_panel import ChartsPanel
    from ui.group_course_view import GroupCourseView
    from ui.voice_activity import VoiceActivityDialog

    app = QApplication.instance() or QApplication([])
    group = open_store(scratch / "group.sqlite3")
    group_id, _keys = airtime_group(group)
    panel = ChartsPanel(lambda: from_coding(group, 1))
    view = GroupCourseView(Workspace(group), group_id)
    dialog = VoiceActivityDialog(group)
    shots = [(panel, panel.tabs, "charts-panel"), (view, view.tabs, "group-view"),
             (dialog, None, "voice-activity-dialog")]  # fmt: skip
    for widget, tabs, name in shots:
        widget.resize(1280, 800)
        widget.show()
        if tabs is not None:
            tabs.setCurrentIndex(tabs.count() - 1)  # the Airtime tab, the last of each
        app.processEvents()
        if widget is panel:
            panel.refresh_now()
            app.processEvents()
        widget.grab().save(str(out / f"{name}.png"))
    group.close()


if __name__ == "__main__":
    sys.exit(main())
