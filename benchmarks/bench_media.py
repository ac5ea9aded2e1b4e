"""Tape review with the test clip (2 s, 10 fps), offscreen.

``seek_to_event``: from a click on an event in the review window's list to the frame at
that event reaching the video sink (paused, as when correcting a coding).

``media_time_error``: code keys pressed during playback; ``max_ms`` is the largest
difference between an event's stored media time and the media position at the key
press, measured on the frames' own clock (the start of the frame on screen plus the
time since it arrived, not capped: when the next frame is late this runs ahead of the
picture). ``outside_frame_max_ms`` is how far an event fell outside the frame on screen
(0: always on it). ``backend_max_ms`` compares with ``QMediaPlayer.position()``, which
moves in coarse audio-clock steps.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path
from typing import Any

from benchmarks._timing import scratch_dir, summary

CLIP = Path(__file__).resolve().parents[1] / "tests" / "data" / "clip.mp4"
OFFSET_MS = 90_000
SEEKS = 100
PRESSES = 50


def _app() -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _wait_for(signal: Any, accept: Any = None, timeout_ms: int = 5000) -> bool:
    """Run the event loop until ``signal`` fires with arguments ``accept`` likes."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    hit = [False]

    def on(*args: Any) -> None:
        if accept is None or accept(*args):
            hit[0] = True
            loop.quit()

    signal.connect(on)
    QTimer.singleShot(timeout_ms, loop.quit)
    if not hit[0]:
        loop.exec()
    signal.disconnect(on)
    return hit[0]


def _review_window() -> Any:
    from observer.storage.store import open_store
    from observer.workspace.codings import new_coding
    from observer.workspace.groups import MemberSpec, add_group, add_session, attach_media
    from ui.media.review import ReviewWindow

    store = open_store(scratch_dir() / "bench.sqlite3")
    members = [MemberSpec(f"Member {i}") for i in range(6)] + [MemberSpec("Lead", role="leader")]
    group = add_group(store, "Benchmark group", members=members)
    session = add_session(store, group)
    media = attach_media(store, session, str(CLIP), offset_ms=OFFSET_MS)
    coding = new_coding(store, session, "BM", ["bion", "here-and-now"], clock_mode="media",
                        media_file_id=media)  # fmt: skip
    window = ReviewWindow(store, coding)
    window.resize(1000, 560)
    window.show()
    window.activateWindow()
    if not window.player.ready:
        _wait_for(window.player.loaded)
    return window


def seek_to_event() -> dict[str, Any]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    _app()
    window = _review_window()
    player = window.player
    frame = round(player.frame_ms)
    for at in range(0, 2000, 2 * frame):  # an event every other frame
        player.seek(at)
        window.record_code("humour")
    rng = random.Random(7)
    rows = list(range(window.events_list.count()))
    samples = []
    last = -1
    for _ in range(SEEKS):
        row = rng.choice([r for r in rows if r != last])
        last = row
        event = window.recorder.events[row]
        want = event.time_ms - OFFSET_MS
        item = window.events_list.item(row)
        centre = window.events_list.visualItemRect(item).center()
        began = time.perf_counter()
        QTest.mouseClick(window.events_list.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        shown = _wait_for(player.frame_shown, lambda s, w=want: w <= s + 1 < w + frame + 1)
        if shown:
            samples.append((time.perf_counter() - began) * 1000)
    window.close()
    return summary(samples, missed=SEEKS - len(samples), clip="2 s 64x48 10 fps H.264")


def media_time_error() -> dict[str, Any]:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtTest import QTest

    _app()
    window = _review_window()
    player = window.player
    arrivals: list[tuple[int, float]] = []  # (frame start, when it arrived)
    player.frame_shown.connect(lambda start: arrivals.append((start, time.monotonic())))
    added: list[int] = []
    window.recorder.subscribe(lambda changes: added.extend(e.time_ms for e in changes.added))
    rng = random.Random(3)
    errors: list[float] = []  # from the frame clock at the key press
    outside: list[float] = []  # how far outside the frame on screen (0: on it)
    backend: list[float] = []

    def pause_for(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    while len(errors) < PRESSES:
        player.seek(0)
        arrivals.clear()
        player.play()
        _wait_for(player.frame_shown)  # the clock runs from the first frame of the play
        while player.playing and player.position_ms() < 1800 and len(errors) < PRESSES:
            pause_for(rng.randint(30, 140))
            if not arrivals or not player.playing:
                continue
            start, seen = arrivals[-1]
            truth = start + (time.monotonic() - seen) * 1000 * player.speed
            qt_position = player.backend_position_ms()
            QTest.keyClick(window, "h")  # type: ignore[call-overload]
            stored = added[-1] - OFFSET_MS
            errors.append(abs(stored - truth))
            outside.append(max(0.0, start - stored, stored - (start + player.frame_ms - 1)))
            backend.append(abs(stored - qt_position))
        player.pause()
    window.close()
    return summary(
        errors,
        max_ms=round(max(errors), 3),
        frame_ms=round(player.frame_ms, 3),
        outside_frame_max_ms=round(max(outside), 3),
        backend_max_ms=round(max(backend), 3),
    )


BENCHMARKS = {"seek_to_event": seek_to_event, "media_time_error": media_time_error}
