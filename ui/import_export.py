"""File → Import and File → Export: choose a file, watch a progress bar, read what happened.

The questions are asked here; the import or export itself runs on a worker thread
(``ui.background``) inside its own database transaction, so the window keeps drawing, and
Cancel rolls the whole import back. The import is announced by the workspace once it is
committed: the windows that list codings hear of it from the bridge.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from observer.domain.errors import InputError
from observer.formats import (
    BY_ID,
    FORMATS,
    detect_format,
    not_carried_over,
    relative_recordings,
)
from observer.formats.common import ImportReport
from observer.storage.store import Store
from observer.workspace.progress import Progress
from observer.workspace.workspace import Workspace
from ui import style
from ui.background import Job, run_in_background
from ui.dialogs.common import error_line, ok_cancel
from ui.dialogs.export_dialog import ExportDialog
from ui.settings import keyboard_initials

AUTO = "(found from the codes)"


def _filters(importable: bool) -> list[tuple[str, str]]:
    out = []
    for f in FORMATS:
        if (importable and not f.can_import) or (not importable and not f.exporter):
            continue
        patterns = " ".join(f"*{s}" for s in f.suffixes)
        out.append((f.id, f"{f.label} ({patterns})"))
    return out


class TableImportDialog(QDialog):
    """What a CSV, TSV or Excel file does not say: which session, who coded, which codebooks."""

    def __init__(
        self, store: Store, path: Path, parent: QWidget | None = None, session: int | None = None
    ) -> None:
        from observer.domain.codebook import shipped_codebooks

        super().__init__(parent)
        style.dress(self)
        self.setWindowTitle("Import events table")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        intro = QLabel(f"<b>{path.name}</b> holds events only. Which session were they coded in?")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.session = session_choice(store, session)
        self.observer = QLineEdit()
        self.observer.setPlaceholderText("initials of who coded it")
        self.name = QLineEdit(path.stem)
        self.codebook = QComboBox()
        self.codebook.addItem(AUTO, None)
        for book in shipped_codebooks():
            self.codebook.addItem(book.name, book.id)
        form.addRow("Session", self.session)
        form.addRow("Observer", self.observer)
        form.addRow("Coding name", self.name)
        form.addRow("Codebook", self.codebook)
        layout.addLayout(form)
        self.error = error_line()
        layout.addWidget(self.error)
        self.buttons = buttons = ok_cancel("Import", self._check, self.reject)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def _check(self) -> None:
        if self.session.currentData() is None:
            self.error.setText("There is no session to import into: add one first.")
        elif not self.observer.text().strip():
            self.error.setText("Whose coding is it? Enter the observer's initials.")
        else:
            self.accept()
            return
        self.error.show()

    def show_error(self, message: str) -> None:
        """Why the import failed; what was typed stays for another try."""
        self.error.setText(message)
        self.error.setWordWrap(True)
        self.error.show()

    def options(self) -> dict[str, Any]:
        opts: dict[str, Any] = {
            "session": int(self.session.currentData()),
            "observer": self.observer.text().strip(),
            "name": self.name.text().strip(),
        }
        if self.codebook.currentData():
            opts["codebooks"] = [self.codebook.currentData()]
        return opts


def session_choice(store: Store, chosen: int | None) -> QComboBox:
    """Every session of the database, ``chosen`` (the one selected on the start screen) first
    chosen, else the first."""
    from observer.workspace.groups import list_sessions

    box = QComboBox()
    for s in list_sessions(store):
        when = f", {s.starts_at.astimezone():%d %b %Y}" if s.starts_at else ""
        box.addItem(f"{s.group.name} — session {s.number}{when}", s.id)
    if chosen is not None and (at := box.findData(chosen)) >= 0:
        box.setCurrentIndex(at)
    return box


def _questions(fmt: str) -> Any:
    """The dialog that asks what a file of this format does not say."""
    if fmt == "transcript":
        from ui.transcript_import import TranscriptImportDialog

        return TranscriptImportDialog
    return TableImportDialog


def show_message(parent: QWidget | None, title: str, text: str, details: str = "",
                 warning: bool = False) -> None:  # fmt: skip
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information)
    box.setText(text)
    if details:
        box.setDetailedText(details)
    box.exec()


def ask_to_export(parent: QWidget | None, text: str) -> bool:
    """Say what the file will not carry over; True when the person exports anyway."""
    return export_question(parent, text).exec() == QMessageBox.StandardButton.Save


def export_question(parent: QWidget | None, text: str) -> QMessageBox:
    """'3 things will not be carried over:' with the list, Export anyway or Cancel."""
    box = QMessageBox(parent)
    box.setWindowTitle("Export")
    box.setIcon(QMessageBox.Icon.Warning)
    first, _, rest = text.partition("\n")
    box.setText(first)
    box.setInformativeText(rest)
    box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Save).setText("Export anyway")
    return box


def import_with_progress(
    parent: QWidget | None,
    workspace: Workspace,
    path: str | Path | None = None,
    selected_session: int | None = None,
    **opts: Any,
) -> Job | None:
    """File → Import: pick a file, ask what it does not say, import it all or nothing.

    The questions offer ``selected_session`` first. Returns the running job (None when the
    person stopped at a question); its ``result`` is the ``ImportReport``.
    """

    if path is None:
        filters = _filters(importable=True)
        everything = (
            "All importable files ("
            + " ".join(f"*{s}" for f in FORMATS if f.can_import for s in f.suffixes)
            + ")"
        )
        chosen, _ = QFileDialog.getOpenFileName(
            parent, "Import", "", ";;".join([everything, *(label for _, label in filters)])
        )
        if not chosen:
            return None
        path = chosen
    source = Path(path)
    try:
        fmt = detect_format(source)
    except InputError as exc:
        show_message(parent, "Cannot import", str(exc), warning=True)
        return None
    dialog = None
    if BY_ID[fmt].needs_session and "session" not in opts:
        dialog = _questions(fmt)(workspace.store, source, parent, session=selected_session)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
    elif "media_folder" not in opts and (relative := relative_recordings(source, fmt)):
        from ui.dialogs.recordings_folder import RecordingsFolderDialog

        dialog = RecordingsFolderDialog(source, relative, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
    return _import(parent, workspace, source, fmt, opts, dialog)


def _import(
    parent: QWidget | None,
    workspace: Workspace,
    source: Path,
    fmt: str,
    given: dict[str, Any],
    dialog: Any,
) -> Job:
    """Import with the answers of ``dialog`` (if any); if it fails, ask again, as typed."""
    from observer.formats import import_file

    opts = {**given, **(dialog.options() if dialog is not None else {})}

    def work(progress: Progress) -> ImportReport:
        def write(store: Store) -> ImportReport:
            return import_file(store, source, progress, fmt=fmt, **opts)

        return workspace.run(f"Import {source.name}", write)[0]

    job = run_in_background(parent, "Import", f"Importing {source.name}…", work)
    job.done.connect(lambda report: _imported(parent, report))
    job.cancelled.connect(
        lambda: show_message(
            parent, "Import cancelled", f"{source.name} was not imported; nothing was written."
        )
    )

    def failed(message: str) -> None:
        if dialog is None:
            show_message(
                parent, "Cannot import", f"{message}\n\nNothing was written.", warning=True
            )
            return
        dialog.show_error(f"{message}\nNothing was written: change what is wrong, or Cancel.")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            _import(parent, workspace, source, fmt, given, dialog)

    job.failed.connect(failed)
    return job


def _imported(parent: QWidget | None, report: ImportReport) -> None:
    head, _, rest = report.summary().partition("\n")
    if report.warnings:
        head += f"\n\n{not_carried_over(len(report.warnings), imported=True)}: see Show Details."
    show_message(parent, "Imported", head, rest)


def export_with_progress(
    parent: QWidget | None,
    store: Store,
    coding_id: int,
    path: str | Path | None = None,
    fmt: str | None = None,
    deidentify: bool = False,
    dates: str = "drop",
) -> Job | None:
    """File → Export: pick a format, a file name and whether to de-identify, write the
    coding, say where it went.

    Returns the running job (None when the person cancelled); its ``result`` is the path
    written and the number of events in it.
    """
    from observer.domain.errors import InputError
    from observer.formats import (
        carried_over_message,
        export_coding,
        export_notices,
        format_for_suffix,
    )
    from observer.storage.coding_info import coding_info

    if path is None:
        info = coding_info(store, coding_id)
        stem = "".join(c if c.isalnum() or c in " -_" else "_" for c in info.title).strip()
        dialog = ExportDialog("Export coding", stem or "coding", parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        choice = dialog.choice()
        path, fmt, deidentify = choice.path, fmt or choice.fmt, choice.deidentify
        dates = choice.dates
    target = Path(path)
    chosen_fmt = fmt or format_for_suffix(target) or "csv"
    shared = ""
    if deidentify:
        shared = ", de-identified" + (", dates shifted" if dates == "shift" else "")
    try:  # said before writing, never discovered later
        said = carried_over_message(export_notices(store, [coding_id], chosen_fmt, deidentify))
    except InputError as exc:
        show_message(parent, "Cannot export", str(exc), warning=True)
        return None
    if said and not ask_to_export(parent, said):
        return None

    unlogged: list[str] = []  # the file is kept even when its access cannot be logged

    def work(progress: Progress) -> tuple[Path, int]:
        count = export_coding(
            store, coding_id, chosen_fmt, target, progress,
            who=keyboard_initials(), unlogged=unlogged.append, deidentify=deidentify,
            dates=dates,
        )  # fmt: skip
        return target, count

    job = run_in_background(parent, "Export", f"Writing {target.name}…", work)

    def exported(written: tuple[Path, int]) -> None:
        said = f"Wrote {written[1]} events to {written[0]} ({BY_ID[chosen_fmt].label}{shared})."
        show_message(parent, "Exported", " ".join([said, *unlogged]))

    job.done.connect(exported)
    job.cancelled.connect(
        lambda: show_message(parent, "Export cancelled", f"{target.name} was not written.")
    )
    job.failed.connect(lambda message: show_message(parent, "Cannot export", message, warning=True))
    return job
