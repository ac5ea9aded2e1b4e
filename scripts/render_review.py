"""Render the tape review window with the test clip loaded to ``out/media/review.png``.

Offscreen, ``QVideoWidget`` paints nothing a screenshot can see, so the frame that
reached the video sink is painted into the picture where the video sits.

    .venv/bin/python scripts/render_review.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CLIP = ROOT / "tests" / "data" / "clip.mp4"


def render(window: object, target: Path) -> None:
    """Save a picture of the review window, the video's frame included."""
    from ui.media.review import ReviewWindow

    assert isinstance(window, ReviewWindow)
    picture = window.player.grab_window(window)
    target.parent.mkdir(parents=True, exist_ok=True)
    picture.save(str(target))
    print(target)


def main() -> int:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from observer.storage.store import open_store
    from observer.workspace.codings import new_coding
    from observer.workspace.demo import create_demo
    from observer.workspace.groups import attach_media
    from ui.media.review import ReviewWindow

    app = QApplication.instance() or QApplication(sys.argv)
    folder = Path(tempfile.mkdtemp(prefix="gpo-review-"))
    store = open_store(folder / "demo.sqlite3")
    create_demo(store)
    media_id = attach_media(store, 1, str(CLIP), offset_ms=0, label="Session 1 camera")
    coding = new_coding(
        store,
        1,
        "SV",
        ["bion", "here-and-now"],
        clock_mode="media",
        capacity="supervisor",
        media_file_id=media_id,
    )

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    out = ROOT / "out" / "media"
    window = ReviewWindow(store, coding)
    window.resize(1100, 560)
    window.show()
    while not window.player.ready:
        wait(20)
    # Code the clip: states and acts at known places, as a supervisor would.
    for at, key in ((0, "W"), (400, "h"), (800, "D"), (1300, "W")):
        window.player.seek(at)
        wait(60)
        code = window.code_palette.by_key(key)
        assert code is not None
        window.record_code(code.id)
    window.player.set_loop(1200, 1700)
    window.player.seek(1500)
    wait(200)
    render(window, out / "review.png")
    window.close()

    # Reviewing the live coding of the same session: its events shifted by the offset.
    live = ReviewWindow(store, coding, compare_coding_id=1)
    live.resize(1100, 580)
    live.show()
    while not live.player.ready:
        wait(20)
    clap = live.compare[5].time_ms
    live.player.seek(900)
    wait(100)
    live.controller.attach_offset_by_marks(clap)  # this frame is that live event
    live.player.seek(1400)
    wait(200)
    render(live, out / "review-live.png")
    live.close()
    store.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
