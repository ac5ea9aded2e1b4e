"""File → Import and File → Export: choose a file, watch a progress bar, read what happened.

The import runs in the GUI thread inside its single database transaction; the progress
callback keeps the window alive (``processEvents``) and lets the person cancel, which
rolls the whole import back. A progress dialog only appears for work that takes longer
than a moment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from observer.domain.errors import InputError, ObserverError
from observer.formats import BY_ID, FORMATS, detect_format
from observer.formats.common import ImportReport
from observer.storage.store import Store
from ui import style

SHOW_AFTER_MS = 400
AUTO = "(found from the codes)"


class Cancelled(InputError):
    """The person cancelled; the transaction is rolled back and nothing is written."""


def _filters(importable: bool) -> list[tuple[str, str]]:
    out = []
    for f in FORMATS:
        if importable and not f.can_import:
            continue
        patterns = " ".join(f"*{s}" for s in f.suffixes)
        out.append((f.id, f"{f.label} ({patterns})"))
    return out


class TableImportDialog(QDialog):
    """What a CSV, TSV or Excel file does not say: which session, who coded, which codebooks."""

    def __init__(self, store: Store, path: Path, parent: QWidget | None = None) -> None:
        from observer.domain.codebook import shipped_codebooks
        from observer.workspace.groups import list_sessions

        super().__init__(parent)
        style.dress(self)
        self.setWindowTitle("Import events table")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        intro = QLabel(f"<b>{path.name}</b> holds events only. Which session were they coded in?")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.session = QComboBox()
        for s in list_sessions(store):
            when = f", {s.starts_at.astimezone():%d %b %Y}" if s.starts_at else ""
            self.session.addItem(f"{s.group.name} — session {s.number}{when}", s.id)
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
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b42318;")
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Import")
        ok.setObjectName("primary")
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
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

    def options(self) -> dict[str, Any]:
        opts: dict[str, Any] = {
            "session": int(self.session.currentData()),
            "observer": self.observer.text().strip(),
            "name": self.name.text().strip(),
        }
        if self.codebook.currentData():
            opts["codebooks"] = [self.codebook.currentData()]
        return opts


class ProgressRunner:
    """A progress dialog fed by the core's ``progress(done, total)`` callback."""

    def __init__(self, parent: QWidget | None, title: str, label: str) -> None:
        self.dialog = QProgressDialog(label, "Cancel", 0, 100, parent)
        self.dialog.setWindowTitle(title)
        style.dress(self.dialog)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumWidth(380)
        self.dialog.setValue(0)

    def __call__(self, done: int, total: int) -> None:
        if total <= 0:  # how much is left is not known yet: a busy bar
            if self.dialog.maximum() != 0:
                self.dialog.setRange(0, 0)
        else:
            if self.dialog.maximum() != total:
                self.dialog.setRange(0, total)
            self.dialog.setValue(min(done, total))
        QApplication.processEvents()
        if self.dialog.wasCanceled():
            raise Cancelled("Cancelled; nothing was written.")

    def finish(self) -> None:
        self.dialog.setValue(self.dialog.maximum())
        self.dialog.close()


def show_message(parent: QWidget | None, title: str, text: str, details: str = "",
                 warning: bool = False) -> None:  # fmt: skip
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information)
    box.setText(text)
    if details:
        box.setDetailedText(details)
    box.exec()


def import_with_progress(
    parent: QWidget | None, store: Store, path: str | Path | None = None, **opts: Any
) -> ImportReport | None:
    """File → Import: pick a file, ask what it does not say, import it all or nothing."""
    from observer.formats import import_file

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
    path = Path(path)
    try:
        fmt = detect_format(path)
    except InputError as exc:
        show_message(parent, "Cannot import", str(exc), warning=True)
        return None
    if BY_ID[fmt].needs_session and "session" not in opts:
        dialog = TableImportDialog(store, path, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        opts.update(dialog.options())
    runner = ProgressRunner(parent, "Import", f"Importing {path.name}…")
    try:
        report = import_file(store, path, runner, fmt=fmt, **opts)
    except Cancelled:
        runner.dialog.close()
        show_message(
            parent, "Import cancelled", f"{path.name} was not imported; nothing was written."
        )
        return None
    except ObserverError as exc:
        runner.dialog.close()
        show_message(parent, "Cannot import", f"{exc}\n\nNothing was written.", warning=True)
        return None
    runner.finish()
    head, _, rest = report.summary().partition("\n")
    if report.warnings:
        head += (
            f"\n\n{len(report.warnings)} thing(s) could not be carried over exactly: "
            "see Show Details."
        )
    show_message(parent, "Imported", head, rest)
    return report


def export_with_progress(
    parent: QWidget | None,
    store: Store,
    coding_id: int,
    path: str | Path | None = None,
    fmt: str | None = None,
) -> Path | None:
    """File → Export: pick a format and a file name, write the coding, say where it went."""
    from observer.formats import export_coding, format_for_suffix
    from observer.storage.coding_info import coding_info

    if path is None:
        info = coding_info(store, coding_id)
        stem = "".join(c if c.isalnum() or c in " -_" else "_" for c in info.title).strip()
        filters = _filters(importable=False)
        chosen, selected = QFileDialog.getSaveFileName(
            parent, "Export coding", f"{stem or 'coding'}.csv", ";;".join(f for _, f in filters)
        )
        if not chosen:
            return None
        path = Path(chosen)
        fmt = fmt or next((i for i, label in filters if label == selected), None)
        if fmt is not None and not path.suffix:
            path = path.with_suffix(BY_ID[fmt].suffixes[0])
    path = Path(path)
    fmt = fmt or format_for_suffix(path) or "csv"
    runner = ProgressRunner(parent, "Export", f"Writing {path.name}…")
    try:
        count = export_coding(store, coding_id, fmt, path, runner)
    except Cancelled:
        runner.dialog.close()
        show_message(parent, "Export cancelled", f"{path.name} was not written.")
        return None
    except ObserverError as exc:
        runner.dialog.close()
        show_message(parent, "Cannot export", str(exc), warning=True)
        return None
    runner.finish()
    show_message(parent, "Exported", f"Wrote {count} events to {path} ({BY_ID[fmt].label}).")
    return path
