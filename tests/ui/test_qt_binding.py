"""Guard against a Qt binding that corrupts Python's reference counts.

PySide6 6.12.0 on Python 3.11 drops a reference to ``None`` on every Qt call that returns
nothing; after a few thousand repaints Python aborts (``none_dealloc``) and a coding window
would die mid-session. pyproject pins PySide6 below 6.12; this test fails instead of the app
if a broken binding ever comes back.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_repainting_does_not_leak_references_to_none(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for i in range(2_000):
        label.setText(str(i))
        label.update()
    after = sys.getrefcount(None)
    assert abs(after - before) < 100
