"""From the start screen to recordings, agreement and practice.

Attach a recording to a session (file and offset), choose the recording to review a
coding with, compare observers, mark a reference, start a trainee's attempt and show
the feedback on it beside the recording: clicking a miss plays that moment.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from observer.domain.clock import format_time, parse_time
from observer.domain.errors import ObserverError
from observer.storage.coding_info import coding_info
from observer.storage.store import Store
from observer.workspace.changes import Kind
from observer.workspace.codings import list_codings
from observer.workspace.media import coding_media, session_media
from observer.workspace.workspace import Workspace
from ui import style
from ui.layout import splitter
from ui.menus import ask_text


def choose_file(parent: QWidget) -> str:
    """The recording's file ("" when cancelled)."""
    from ui.media.review import choose_media_file

    return choose_media_file(parent, "Attach a recording")


def attach_recording(parent: QWidget, workspace: Workspace, session_id: int) -> int | None:
    """Attach…: a file, then its offset (the session time at its first frame)."""
    path = choose_file(parent)
    if not path:
        return None
    while True:
        text = ask_text(
            parent,
            "Line up the recording",
            "Session time at the recording's first frame (e.g. 2:31, or -0:30 if the "
            "recording started before the session clock). Leave 0 if they started together; "
            "it can be set later by marking one moment.",
            "0",
        )
        if text is None:
            return None
        try:
            offset = parse_time(text or "0")
            break
        except ValueError:
            QMessageBox.warning(parent, "Not a time", f"{text!r} is not a time such as 2:31.")
    label = Path(path).stem
    changes = workspace.attach_media(session_id, str(Path(path).resolve()), offset, label)
    return changes.new(Kind.MEDIA)


def choose_recording(parent: QWidget, workspace: Workspace, coding_id: int) -> int | None:
    """The recording to review a coding with: its own, the only one, or the one chosen.

    A session without a recording is offered to attach one first.
    """
    store = workspace.store
    found = coding_media(store, coding_id)
    if not found:
        answer = QMessageBox.question(
            parent,
            "No recording",
            "This session has no recording yet. Attach one now?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        return attach_recording(parent, workspace, coding_info(store, coding_id).session_id)
    if len(found) == 1:
        return found[0].id
    names = [f"{m.name} (offset {format_time(m.offset_ms)})" for m in found]
    dialog = recording_question(parent, names)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return found[names.index(dialog.textValue())].id


def recording_question(parent: QWidget | None, names: list[str]) -> QInputDialog:
    """Which of a session's recordings to review a coding with."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle("Review with recording")
    dialog.setLabelText("Which recording?")
    dialog.setComboBoxItems(names)
    dialog.setComboBoxEditable(False)
    return dialog


def agreement_window(store: Store, session_id: int) -> QWidget:
    """The agreement view with the session's codings (practice attempts left out) ticked."""
    from ui.agreement_view import AgreementView

    ids = [c.id for c in list_codings(store, session_id) if c.practice_of_id is None]
    view = AgreementView(store, ids)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view.resize(1180, 760)
    return view


def toggle_reference(parent: QWidget, workspace: Workspace, coding_id: int) -> bool:
    """Mark a coding as the reference trainees practise against, or unmark it."""
    info = coding_info(workspace.store, coding_id)
    workspace.set_reference(coding_id, not info.is_reference)
    return not info.is_reference


def start_attempt(parent: QWidget, workspace: Workspace, coding_id: int) -> int | None:
    """Ask the trainee's initials; a new, empty media coding of the reference's session."""
    info = coding_info(workspace.store, coding_id)
    reference = info.practice_of_id if info.practice_of_id is not None else coding_id
    initials = ask_text(
        parent,
        "Start a practice attempt",
        "Trainee's initials (the reference stays hidden while you code):",
    )
    if not initials:
        return None
    try:
        return workspace.start_practice_attempt(reference, initials.upper()).new(Kind.CODING)
    except ObserverError as exc:
        QMessageBox.warning(parent, "Cannot start the attempt", str(exc))
        return None


class FeedbackWindow(QMainWindow):
    """Practice feedback beside the recording: a click on an item plays that moment."""

    def __init__(self, store: Store, attempt_id: int, parent: QWidget | None = None) -> None:
        from ui.media.player import MediaPlayer
        from ui.media.review import TapeReviewController
        from ui.media.transport import TransportBar
        from ui.practice_view import PracticeFeedbackView

        super().__init__(parent)
        style.dress(self)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.view = PracticeFeedbackView(store, attempt_id)
        self.setWindowTitle(self.view.windowTitle())
        self.player = MediaPlayer()
        self.player.setMinimumSize(220, 130)
        self.transport = TransportBar(self.player)
        self.controller = TapeReviewController(store, self.player, parent=self)
        self.controller.problem.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.player.locate_requested.connect(self.locate)
        # The feedback gives session time; the controller maps it onto the recording.
        self.view.seek_requested.connect(self.seek)
        for action in self.transport.actions_by_name.values():
            self.addAction(action)
        close = QAction("Close", self)
        close.setShortcut(QKeySequence(QKeySequence.StandardKey.Close))
        close.triggered.connect(self.close)
        self.addAction(close)

        # The recording above the feedback (whose tables need the full width).
        side = QWidget()
        side.setMaximumWidth(420)
        box = QVBoxLayout(side)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.player, 1)
        box.addWidget(self.transport)
        hint = QLabel(
            "Click an item in the list or a mark on the timeline below: the recording "
            "goes to that moment (the reference's time), ready to play with Ctrl+Space."
        )
        hint.setWordWrap(True)
        hint.setObjectName("muted")
        hint.setAlignment(Qt.AlignmentFlag.AlignTop)
        top = QWidget()
        row = QHBoxLayout(top)
        row.setContentsMargins(8, 8, 8, 0)
        row.addWidget(side, 1)
        row.addWidget(hint, 1)
        self.setCentralWidget(
            splitter(Qt.Orientation.Vertical, [top, self.view], [2, 5], [250, 550])
        )
        self.resize(1280, 800)  # a common laptop screen; narrower ones wrap the titles
        media = coding_media(store, attempt_id) or session_media(
            store, coding_info(store, attempt_id).session_id
        )
        self.controller.open_media(media[0] if media else None)

    def seek(self, session_ms: int) -> None:
        """Go to a moment of the session (the feedback's times) in the recording."""
        if not self.player.ready:
            return
        if not self.controller.seek_to_time(session_ms):
            self.statusBar().showMessage(
                f"{format_time(session_ms)} is outside the recording (check its offset).", 8000
            )

    def locate(self) -> None:
        from ui.media.review import choose_media_file

        path = choose_media_file(self)
        if path and self.controller.media is not None:
            self.controller.locate(path)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.player.close_media()
        super().closeEvent(event)
