"""File ▸ Speaking turns from audio…: which session, and whose recording each file is.

One audio file per member (Zoom records them apart), or one recording of the room whose
turns are of "someone" for the observer to attribute, and the session time at which the
audio starts (its offset). The detection itself (``observer.formats.voice_activity``)
runs in a child process (``voice_activity_process``: no decoder or model ever lives in
the app's process), waited for on a worker thread with a progress bar and Cancel
(``ui.background``); a cancelled run terminates the child and writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from observer.domain.clock import parse_time
from observer.domain.participants import GROUP
from observer.formats.common import ImportReport
from observer.storage.store import Store
from observer.workspace.progress import Progress
from observer.workspace.workspace import Workspace
from ui import style
from ui.background import Job, run_in_background
from ui.dialogs.common import error_line, ok_cancel

AUDIO = "Audio and video (*.m4a *.mp3 *.wav *.aac *.ogg *.opus *.flac *.mp4 *.mov *.webm)"


class VoiceActivityDialog(QDialog):
    """Session, observer, and a file for each member (or one for the room)."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        from observer.workspace.groups import list_sessions

        super().__init__(parent)
        style.dress(self)
        self.store = store
        self.setWindowTitle("Speaking turns from audio")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        intro = QLabel(
            "Speaking turns are found in the audio on this computer; nothing is sent "
            "anywhere. Give each member's own recording, or one recording of the room."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.session = QComboBox()
        for s in list_sessions(store):
            self.session.addItem(f"{s.group.name} — session {s.number}", s.id)
        self.observer = QLineEdit()
        self.observer.setPlaceholderText("your initials")
        self.offset = QLineEdit()
        self.offset.setAccessibleName("Offset")
        self.offset.setPlaceholderText("0 (seconds, or mm:ss)")
        self.offset.setMaximumWidth(220)
        self.offset.setToolTip(
            "The session time at which the recordings start: seconds or mm:ss "
            "(as --offset on the command line)"
        )
        form.addRow("Session", self.session)
        form.addRow("Observer", self.observer)
        form.addRow("Audio starts at", self.offset)
        layout.addLayout(form)
        self.files_box = QWidget()
        self.files = QGridLayout(self.files_box)
        self.files.setContentsMargins(0, 6, 0, 6)
        layout.addWidget(self.files_box)
        self.paths: dict[str, QLineEdit] = {}
        self.choosers: dict[str, QPushButton] = {}
        self.error = error_line()
        layout.addWidget(self.error)
        self.buttons = ok_cancel("Find turns", self._check, self.reject)
        layout.addWidget(self.buttons)
        self.session.currentIndexChanged.connect(lambda _i: self._people())
        self._people()
        self.resize(620, self.sizeHint().height())

    def _people(self) -> None:
        from observer.workspace.groups import session_roster

        while self.files.count():
            item = self.files.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.paths, self.choosers = {}, {}
        session = self.session.currentData()
        if session is None:
            return
        with self.store.reader() as s:
            roster = session_roster(s, int(session))
        rows = [(GROUP, "The whole room (someone speaks)")]
        rows += [(p.key, p.label) for p in roster.participants if p.role not in ("group",)
                 and p.key not in (GROUP, "leaders")]  # fmt: skip
        for row, (key, label) in enumerate(rows):
            path = QLineEdit()
            path.setPlaceholderText("no recording")
            browse = QPushButton("Choose…")
            browse.clicked.connect(lambda _c=False, edit=path: self._choose(edit))
            self.files.addWidget(QLabel(label), row, 0)
            self.files.addWidget(path, row, 1)
            self.files.addWidget(browse, row, 2)
            self.paths[key] = path
            self.choosers[key] = browse

    def _choose(self, edit: QLineEdit) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Recording", "", AUDIO)
        if chosen:
            edit.setText(chosen)

    def recordings(self) -> dict[str, Path]:
        return {k: Path(e.text().strip()) for k, e in self.paths.items() if e.text().strip()}

    def _check(self) -> None:
        chosen = self.recordings()
        missing = [str(p) for p in chosen.values() if not p.is_file()]
        if self.session.currentData() is None:
            self._say("There is no session: add one first.")
        elif not self.observer.text().strip():
            self._say("Who finds the turns? Enter your initials.")
        elif not chosen:
            self._say("Choose at least one recording.")
        elif missing:
            self._say(f"No such file: {missing[0]}")
        elif GROUP in chosen and len(chosen) > 1:
            self._say("One recording of the room, or one file per member: not both.")
        elif self.offset_ms() is None:
            self._say(f"Audio starts at: {self.offset.text().strip()!r} is not a time "
                      "(seconds, or mm:ss).")  # fmt: skip
        else:
            self.accept()

    def _say(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def offset_ms(self) -> int | None:
        """The session time at which the audio starts (None if what is typed is no time)."""
        text = self.offset.text().strip()
        try:
            return parse_time(text) if text else 0
        except ValueError:
            return None

    def options(self) -> dict[str, Any]:
        return {
            "session": int(self.session.currentData()),
            "observer": self.observer.text().strip(),
            "offset_ms": self.offset_ms() or 0,
        }


def turns_from_audio(parent: QWidget | None, workspace: Workspace) -> Job | None:
    """Ask which files, then find the turns on a worker thread; the job's result is the
    ``ImportReport`` (None when the person stopped at the question)."""
    from observer.formats.voice_activity import import_voice_activity
    from observer.formats.voice_activity_process import speech_in_child
    from ui.import_export import show_message

    dialog = VoiceActivityDialog(workspace.store, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    recordings, opts = dialog.recordings(), dialog.options()

    def work(progress: Progress) -> ImportReport:
        def write(store: Store) -> ImportReport:
            return import_voice_activity(store, recordings, progress, find=speech_in_child, **opts)

        return workspace.run("Speaking turns from audio", write)[0]

    job = run_in_background(parent, "Speaking turns", "Listening for voices…", work)
    job.done.connect(lambda report: show_message(parent, "Speaking turns found", report.summary()))
    job.cancelled.connect(
        lambda: show_message(parent, "Cancelled", "No speaking turns were written.")
    )
    job.failed.connect(
        lambda message: show_message(
            parent, "Cannot find turns", f"{message}\n\nNothing was written.", warning=True
        )
    )
    return job
