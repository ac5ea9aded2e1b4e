"""A scripted live coding for the crash test: ``python crash_child.py DB CODING``.

It types events into a real coding window, and after each one is committed and painted it
prints ``ACK <event id>`` — what the observer would have seen on screen. It never stops by
itself: the test kills it with SIGKILL in the middle.
"""

from __future__ import annotations

import itertools
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(db: str, coding_id: int) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from observer.domain.events import Changes
    from observer.storage.store import open_store
    from observer.workspace.recording import Recorder
    from ui.app import make_application
    from ui.coding_window import CodingWindow

    app = make_application()
    recorder = Recorder(open_store(db), coding_id)
    window = CodingWindow(recorder)
    window.show()
    app.processEvents()
    added: list[int] = []

    def note(changes: Changes) -> None:
        added.extend(e.id for e in changes.added)
        added.extend(e.id for e in changes.changed)

    recorder.subscribe(note)
    QTest.keyClick(window.chart, Qt.Key.Key_F5)  # start the clock
    script = ["12f", "n", "3 q", " W", "21s", "4 e", "8w", " F", "5 p", "8w", "63i", "7 h"]
    print("STARTED", flush=True)
    for keys in itertools.cycle(script):
        for ch in keys:
            QTest.keyClick(window.chart, ch)
        app.processEvents()  # painted: the table and the timeline show it now
        for event_id in added:
            print(f"ACK {event_id}", flush=True)
        added.clear()
        QTest.qWait(5)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
