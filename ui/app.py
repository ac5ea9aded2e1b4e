"""Start the desktop app (placeholder window until the start screen exists)."""

from __future__ import annotations

import sys


def run(db: str | None) -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("Group Process Observer")
    window.setCentralWidget(QLabel("Group Process Observer"))
    window.resize(1280, 800)
    window.show()
    return int(app.exec())
