"""Render the rating grid, the group view and every page of the course report, 1280×800.

    .venv/bin/python scripts/render_course.py [--sessions 52]

A year of weekly sessions (the ``trends_52`` benchmark's group: ten people, every member's
GCQ-S form, two members whose forms raise flags) into ``out/course/``:
``rating-grid.png``, ``group-view-*.png`` (one per tab) and ``course-page-*.png``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "out" / "course"
SIZE = (1280, 800)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=52)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    from PySide6.QtWidgets import QApplication

    from benchmarks.bench_trends import year_of_sessions
    from observer.course_report import course_pages
    from observer.domain.instrument_file import find_instrument
    from observer.workspace.groups import list_sessions
    from observer.workspace.workspace import Workspace
    from ui.dialogs.rating_grid import RatingGrid
    from ui.group_course_view import GroupCourseView

    app = QApplication.instance() or QApplication([])
    store, group_id = year_of_sessions(args.sessions)
    workspace = Workspace(store)
    written = []

    view = GroupCourseView(workspace, group_id)
    view.resize(*SIZE)
    view.show()
    for index in range(view.tabs.count()):
        view.tabs.setCurrentIndex(index)
        app.processEvents()
        for canvas in view.canvases.values():
            canvas.draw()
        app.processEvents()
        name = view.tabs.tabText(index).lower()
        path = OUT / f"group-view-{name}.png"
        view.grab().save(str(path))
        written.append(path)

    last = list_sessions(store, group_id)[-1]
    grid = RatingGrid(workspace, last.id, find_instrument("gcq-s"), observer="RK")
    grid.resize(*SIZE)
    grid.show()
    app.processEvents()
    path = OUT / "rating-grid.png"
    grid.grab().save(str(path))
    written.append(path)

    assert view.course is not None
    for number, fig in enumerate(course_pages(view.course), start=1):
        fig.set_size_inches(SIZE[0] / 100, SIZE[1] / 100)
        path = OUT / f"course-page-{number}.png"
        fig.savefig(path, dpi=100)
        written.append(path)
    store.close()
    print("\n".join(str(p.relative_to(ROOT)) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
