"""File ▸ Import of a call's transcript: which session, and who each call name is.

The dialog reads the transcript once (``observer.formats.transcript_import``) and lists
every name the call used with how much it said, each matched to a member where the group
mapped it before or a pseudonym matches, else left as "not imported" for the person to
choose: nothing is guessed. Cues with no name are counted, never attributed. The words
are dropped unless "Keep the words said" is ticked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from observer.domain.errors import ObserverError
from observer.formats.transcript_import import TranscriptPreview, preview_transcript
from observer.storage.store import Store
from ui import style
from ui.dialogs.common import error_line, ok_cancel

LEFT_OUT = "— not imported —"


class TranscriptImportDialog(QDialog):
    """Session, observer, and a call name → member table for one transcript."""

    def __init__(
        self, store: Store, path: Path, parent: QWidget | None = None, session: int | None = None
    ) -> None:
        from ui.import_export import session_choice

        super().__init__(parent)
        style.dress(self)
        self.store, self.path = store, path
        self.preview: TranscriptPreview | None = None
        self.setWindowTitle("Import call transcript")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        intro = QLabel(
            f"<b>{path.name}</b>: each utterance becomes a speaking turn of the member "
            "who said it. Say who each name in the call is."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.session = session_choice(store, session)
        self.observer = QLineEdit()
        self.observer.setPlaceholderText("your initials")
        self.name = QLineEdit(path.stem)
        form.addRow("Session", self.session)
        form.addRow("Observer", self.observer)
        form.addRow("Coding name", self.name)
        layout.addLayout(form)
        self.speakers = QTableWidget(0, 3)
        self.speakers.setHorizontalHeaderLabels(["Name in the call", "Said", "Member"])
        header = self.speakers.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.speakers.verticalHeader().hide()
        layout.addWidget(self.speakers, 1)
        self.unnamed = QLabel("")
        self.unnamed.setWordWrap(True)
        layout.addWidget(self.unnamed)
        self.keep_text = QCheckBox("Keep the words said (the most identifying data there is)")
        layout.addWidget(self.keep_text)
        self.error = error_line()
        layout.addWidget(self.error)
        self.buttons = buttons = ok_cancel("Import", self._check, self.reject)
        layout.addWidget(buttons)
        self.session.currentIndexChanged.connect(lambda _i: self._read())
        self.resize(620, 520)
        self._read()

    def _read(self) -> None:
        """Read the transcript against the chosen session's people and fill the table."""
        session = self.session.currentData()
        self.speakers.setRowCount(0)
        self.preview = None
        if session is None:
            return
        try:
            self.preview = preview = preview_transcript(self.store, self.path, int(session))
        except ObserverError as exc:
            self.show_error(str(exc))
            return
        self.error.hide()
        people = [p for p in preview.roster.participants if p.role not in ("group", "leaders")]
        self.speakers.setRowCount(len(preview.speakers))
        for row, speaker in enumerate(preview.speakers):
            name = QTableWidgetItem(speaker.call_name)
            said = QTableWidgetItem(_said(speaker.cues, speaker.seconds))
            for item in (name, said):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.speakers.setItem(row, 0, name)
            self.speakers.setItem(row, 1, said)
            member = QComboBox()
            member.addItem(LEFT_OUT, None)
            for p in people:
                member.addItem(p.label, p.key)
            member.addItem("someone (to attribute later)", "group")
            if speaker.member is not None:
                member.setCurrentIndex(member.findData(speaker.member))
            self.speakers.setCellWidget(row, 2, member)
        count = len(preview.unnamed)
        self.unnamed.setText(
            (
                "1 cue names no speaker: it is not imported (never guessed)."
                if count == 1
                else f"{count} cues name no speaker: they are not imported (never guessed)."
            )
            if count
            else "Every cue names its speaker."
        )

    def member_of(self, row: int) -> QComboBox:
        widget = self.speakers.cellWidget(row, 2)
        assert isinstance(widget, QComboBox)
        return widget

    def show_error(self, message: str) -> None:
        """Why the transcript cannot be imported as chosen; what was chosen stays."""
        self.error.setText(message)
        self.error.show()

    def _check(self) -> None:
        if self.session.currentData() is None:
            self.show_error("There is no session to import into: add one first.")
        elif self.preview is None:
            self.show_error(self.error.text() or "The transcript could not be read.")
        elif not self.observer.text().strip():
            self.show_error("Who imports it? Enter your initials.")
        elif not any(self.member_of(r).currentData() for r in range(self.speakers.rowCount())):
            self.show_error("Say who at least one name in the call is.")
        else:
            self.accept()

    def options(self) -> dict[str, Any]:
        """What ``import_file`` needs: every name mapped, as the person chose it."""
        assert self.preview is not None
        names = {}
        for row, speaker in enumerate(self.preview.speakers):
            key = self.member_of(row).currentData()
            if key is not None:
                names[speaker.call_name] = key  # a key names its person exactly
        return {
            "session": int(self.session.currentData()),
            "observer": self.observer.text().strip(),
            "name": self.name.text().strip(),
            "names": names,
            "keep_text": self.keep_text.isChecked(),
        }


def _said(cues: int, seconds: float) -> str:
    length = f"{seconds:.0f} s" if seconds < 60 else f"{seconds / 60:.1f} min"
    return f"{cues} cue{'s' if cues != 1 else ''}, {length}"
