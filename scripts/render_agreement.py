"""Render the agreement view and the practice feedback view to out/agreement/ for looking at them.

- agreement_two.png: the reference coding (4) and the trainee's coding (5) of demo session 3;
- agreement_three.png: the co-therapist's (3), the reference and the trainee's, by actor;
- practice_feedback.png: a third practice attempt of the demo trainee (two more attempts are
  added, each a little better, so the progress chart has something to show);
- practice_feedback_zoom.png: the same with a miss chosen and the timeline zoomed to it;
- practice_feedback_first.png: the demo trainee's first attempt (coding 5), with advice.

Run: ``.venv/bin/python scripts/render_agreement.py`` (offscreen; no window opens).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "out" / "agreement"


def add_attempt(store: object, skill: float, seed: int) -> int:
    """A practice attempt by the demo trainee: the better the skill, the fewer slips."""
    from observer.domain.events import Event
    from observer.storage.event_rows import insert_events, load_events
    from observer.workspace.practice import start_attempt

    attempt = start_attempt(store, 4, "TR")  # type: ignore[arg-type]
    rng = random.Random(seed)
    with store.engine.connect() as conn:  # type: ignore[attr-defined]
        reference = load_events(conn, 4)
    events = []
    for e in reference:
        if e.end_ms is None and rng.random() > skill:
            continue
        lag = rng.randint(200, int(2_600 - 1_800 * skill))
        code = "feedback" if e.code == "support" and rng.random() > skill else e.code
        end = None if e.end_ms is None else e.end_ms + lag
        events.append(Event(0, e.time_ms + lag, code, e.actor, e.targets, e.modifiers, "", end))
    insert_events(store, attempt, events)  # type: ignore[arg-type]
    return attempt


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from observer.storage.store import open_store
    from observer.workspace.demo import create_demo
    from observer.workspace.practice import MISS
    from ui import style
    from ui.agreement_view import AgreementView
    from ui.practice_view import PracticeFeedbackView

    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    style.apply(app)  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "demo.sqlite3")
        create_demo(store)

        view = AgreementView(store, [4, 5])
        view.resize(1500, 900)
        view.show()
        app.processEvents()
        view.grab().save(str(OUT / "agreement_two.png"))
        view.by.setCurrentIndex(view.by.findData("actor"))
        view.set_codings([3, 4, 5])
        app.processEvents()
        view.grab().save(str(OUT / "agreement_three.png"))
        view.close()

        add_attempt(store, 0.8, 1)
        latest = add_attempt(store, 0.93, 2)
        feedback_view = PracticeFeedbackView(store, latest)
        feedback_view.resize(1500, 900)
        feedback_view.show()
        app.processEvents()
        feedback_view.timeline.draw()
        feedback_view.progress.draw()
        feedback_view.grab().save(str(OUT / "practice_feedback.png"))
        feedback_view.zoom.setChecked(True)
        row = feedback_view.row_of(MISS, 2)
        if row is not None:
            feedback_view.items_list.setCurrentItem(row)
            feedback_view._item_chosen(row)
        feedback_view.timeline.draw()
        app.processEvents()
        feedback_view.grab().save(str(OUT / "practice_feedback_zoom.png"))
        first_view = PracticeFeedbackView(store, 5)
        first_view.resize(1500, 900)
        first_view.show()
        app.processEvents()
        first_view.timeline.draw()
        first_view.progress.draw()
        first_view.grab().save(str(OUT / "practice_feedback_first.png"))
        # Delete the widgets (and their matplotlib canvases) while Qt is still up.
        for widget in (view, feedback_view, first_view):
            widget.close()
            widget.deleteLater()
        app.processEvents()
        store.close()
    for path in sorted(OUT.glob("*.png")):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
