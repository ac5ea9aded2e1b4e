"""Whether a window's labels have the room their text needs: used by the render script and
the tests on every window and dialog they draw."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel, QWidget


def clipped_labels(window: QWidget) -> list[str]:
    """The visible labels of ``window`` that are given less room than their text needs.

    A label is clipped when what it needs (its size hint, or for wrapped text the height
    its width calls for) is more than it was given.
    """
    QApplication.processEvents()
    found = []
    for label in window.findChildren(QLabel):
        if not label.isVisibleTo(window) or not label.text():
            continue
        if label.wordWrap():
            short = label.heightForWidth(label.width()) > label.height()
        else:
            hint = label.sizeHint()
            short = hint.width() > label.width() or hint.height() > label.height()
        if short:
            found.append(f"{label.text()[:60]!r}: {label.width()}x{label.height()}")
    return found
