"""Render the app's windows as a user reaches them, into ``out/ui/``.

- ``media-coding.png``: a media coding of the test clip in the coding window (player,
  transport, seating chart, palette, events, the playhead on the timeline), 1280×800;
- ``review-live.png``: the demo's live coding of session 1 reviewed with the clip;
- ``start-screen.png``: the start screen with its review and practice actions;
- ``start-interrupted.png``: the start screen after a crash, the interrupted coding marked;
- ``practice-feedback.png``: the feedback on a practice attempt beside the recording;
- ``practice-demo.png``: the demo trainee's attempt, with the demo's own recording.

Offscreen, ``QVideoWidget`` paints nothing a screenshot can see, so the frame that
reached the video sink is painted into the picture where the video sits.

    .venv/bin/python scripts/render_app.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CLIP = ROOT / "tests" / "data" / "clip.mp4"
OUT = Path(os.environ.get("GPO_RENDER_OUT", ROOT / "out")) / "ui"


def wait(ms: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(test: Any, limit_ms: int = 10_000) -> None:
    spent = 0
    while not test() and spent < limit_ms:
        wait(20)
        spent += 20


def render(window: Any, player: Any, target: Path) -> None:
    """Save a picture of the window, the video's frame included."""
    picture = player.grab_window(window) if player is not None else window.grab()
    target.parent.mkdir(parents=True, exist_ok=True)
    picture.save(str(target))
    print(target)


def press(window: Any, keys: str) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    for key in keys:
        if key == " ":
            QTest.keyClick(window.chart, Qt.Key.Key_Space)
        else:
            QTest.keyClicks(window.chart, key)


def main() -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from observer.storage.store import open_store
    from observer.workspace.codings import new_coding, set_reference
    from observer.workspace.demo import create_demo
    from observer.workspace.groups import attach_media
    from observer.workspace.media import set_media_offset
    from observer.workspace.practice import start_attempt
    from observer.workspace.recording import Recorder
    from observer.workspace.workspace import Workspace
    from ui import style
    from ui.coding_window import CodingWindow
    from ui.media_coding import MediaCoding
    from ui.practice_flow import FeedbackWindow
    from ui.start_screen import StartScreen

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    style.apply(app)
    folder = Path(tempfile.mkdtemp(prefix="gpo-app-"))
    # The windows remember things (the start screen its selection): not in your own settings.
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    store = open_store(folder / "demo.sqlite3")
    create_demo(store)
    media_id = attach_media(store, 1, str(CLIP), offset_ms=0, label="Session 1 camera")
    coding = new_coding(store, 1, "SV", ["here-and-now", "bion"], clock_mode="media",
                        capacity="supervisor", media_file_id=media_id)  # fmt: skip

    # A supervisor codes the clip with the keyboard, as in live coding.
    window = CodingWindow(Recorder(store, coding))
    window.resize(1280, 800)
    window.show()
    media = window.clock
    assert isinstance(media, MediaCoding)
    wait_until(lambda: media.player.ready)
    for at, keys in ((0, " W"), (300, "12f"), (600, "3 q"), (900, "4w"), (1200, " D"),
                     (1500, "21s"), (1800, "5 q")):  # fmt: skip
        media.player.seek(at)
        wait(60)
        press(window, keys)
        wait(20)
        window.finish_modifiers()
    window.timeline.show_all()
    media.player.seek(1350)
    wait(300)
    render(window, media.player, OUT / "media-coding.png")
    window.close()
    window.recorder.close()

    # The live coding of session 1 reviewed with the clip, lined up on its fourth event.
    recorder = Recorder(store, 1)
    review = CodingWindow(recorder, media_id=media_id)
    review.resize(1280, 800)
    review.show()
    tape = review.clock
    assert isinstance(tape, MediaCoding)
    wait_until(lambda: tape.player.ready)
    moment = recorder.events[3].time_ms
    tape.player.seek(800)
    wait(60)
    tape.controller.attach_offset_by_marks(moment)
    tape.player.seek(1000)
    wait(300)
    render(review, tape.player, OUT / "review-live.png")
    review.close()
    recorder.close()

    # The start screen, a practice attempt selected (the clip lined up with coding 7 again).
    set_media_offset(store, media_id, 0)
    set_reference(store, coding)
    attempt = start_attempt(store, coding, "TR")
    recorder = Recorder(store, attempt)
    for at, code, actor, targets in ((50, "work", "group", ()), (700, "question", "m3", ("group",)),
                                     (1250, "dependency", "group", ())):  # fmt: skip
        recorder.record(at, code, actor, targets)
    recorder.close()
    screen = StartScreen(Workspace(store))
    screen.resize(1280, 800)
    screen.show()
    screen.select("coding", attempt)
    wait(100)
    render(screen, None, OUT / "start-screen.png")
    screen.close()

    # After a crash with a live coding's clock running: the list marks it, offers to resume.
    crashed = Recorder(store, 2)
    crashed.start_clock()
    crashed.close()  # the lock goes with the process; the clock stays saved as running
    screen = StartScreen(Workspace(store))
    screen.resize(1280, 800)
    screen.show()
    screen.select("coding", 2)
    wait(100)
    render(screen, None, OUT / "start-interrupted.png")
    screen.close()

    # The feedback on a short attempt, and on the demo trainee's attempt at session 3 with
    # the demo's own recording (a clock and tones), a missed confrontation chosen.
    for attempt_id, kind, name in ((attempt, "miss", "practice-feedback.png"),
                                   (5, "miss", "practice-demo.png")):  # fmt: skip
        feedback = FeedbackWindow(store, attempt_id)
        feedback.resize(1280, 800)
        feedback.show()
        wait_until(lambda f=feedback: f.player.ready)
        rows = [feedback.view.row_of(kind, n) for n in range(40)]
        chosen = [r for r in rows if r is not None and "Confrontation" in r.text(2)] or [
            r for r in rows if r is not None
        ]
        if chosen:
            feedback.view.items_list.setCurrentItem(chosen[0])
            feedback.view._item_chosen(chosen[0])
        wait(300)
        render(feedback, feedback.player, OUT / name)
        feedback.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
