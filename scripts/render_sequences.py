"""Render the sequence views to out/sequences/ for looking at them.

- prompt_panel.png: the prompt panel halfway through a live coding of demo session 1
  (the demo coding's events replayed through a recorder, one by one);
- transition_diagram.png, residual_heatmap.png: lag-1 transitions of the four live
  demo codings pooled.

Run: ``.venv/bin/python scripts/render_sequences.py`` (offscreen; no window opens).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "out" / "sequences"


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from observer.analysis.sequences import transitions
    from observer.charts.sequence_charts import residual_heatmap, transition_diagram
    from observer.storage.coding_info import coding_info
    from observer.storage.event_rows import load_events
    from observer.storage.read_coding import from_coding
    from observer.storage.store import open_store
    from observer.workspace.codings import new_coding
    from observer.workspace.demo import create_demo
    from observer.workspace.recording import Recorder
    from ui.prompt_panel import PromptPanel

    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "demo.sqlite3")
        demo = create_demo(store)
        first = demo.coding_ids[0]
        with store.engine.connect() as conn:
            events = load_events(conn, first)
        session_id = coding_info(store, first).session_id
        coding = new_coding(store, session_id, "RK", ["here-and-now", "bion"], name="replay")
        recorder = Recorder(store, coding)
        panel = PromptPanel(recorder)
        panel.resize(440, 760)
        panel.show()
        half = events[-1].time_ms // 2
        for e in events:
            if e.time_ms > half:
                break
            recorder.record(e.time_ms, e.code, e.actor, e.targets, e.modifiers, e.note, e.end_ms)
            app.processEvents()
        app.processEvents()
        panel.grab().save(str(OUT / "prompt_panel.png"))
        print(
            f"prompts at {half // 60_000} min:", *(p.sentence for p in panel.prompts()), sep="\n  "
        )
        panel.detach()
        panel.deleteLater()
        app.processEvents()
        recorder.close()

        live = [from_coding(store, c) for c in (1, 2, 3, 6)]
        result = transitions(live)
        transition_diagram(result).savefig(OUT / "transition_diagram.png", dpi=110)
        residual_heatmap(result).savefig(OUT / "residual_heatmap.png", dpi=110)
        store.close()
    print(f"wrote {OUT}/prompt_panel.png, transition_diagram.png, residual_heatmap.png")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
