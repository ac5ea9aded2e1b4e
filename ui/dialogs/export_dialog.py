"""File → Export and the supervision report: where to, in which format, and whether to share.

The "De-identify" tick writes a copy fit to share with a researcher or a supervision
group (``observer.domain.deidentify``): nobody named, no notes or recordings, and dates
left out or shifted, as chosen beside it. The file itself is chosen with the system's
save dialog (Choose…, or Export when no file was chosen yet). Every place that writes the
report (the start screen, the charts dock) asks with :func:`ask_report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from observer.formats import BY_ID, FORMATS, format_for_suffix
from ui import style
from ui.dialogs.common import ok_cancel
from ui.dialogs.initials_dialog import logged_as

SHARING = (
    "Members become Member A, B…, leaders and observers are numbered and the group is "
    "not named; notes and recordings are left out. Times within the session and the "
    "session number stay. Dates are left out with the times of day, or all moved back by "
    "one secret number of days, kept from everyone, so intervals between sessions stay true."
)
# The dates choice as offered, with what the core calls it (``DATE_CHOICES``).
DATES = (("Leave them out", "drop"), ("Shift them by a secret number of days", "shift"))


@dataclass(frozen=True)
class ExportChoice:
    """What the person chose: the file, its format (None for the report) and sharing."""

    path: Path
    fmt: str | None
    deidentify: bool
    dates: str = "drop"


class ExportDialog(QDialog):
    """The format, the file and the De-identify tick, for an export or (no formats) a report."""

    def __init__(
        self, title: str, stem: str, parent: QWidget | None = None, report: bool = False
    ) -> None:
        super().__init__(parent)
        style.dress(self)
        self.setWindowTitle(title)
        self.report = report
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        form = QFormLayout()
        self.format = QComboBox()
        if report:
            self.format.addItem("Supervision report (PDF)", None)
        for f in () if report else FORMATS:
            self.format.addItem(f.label, f.id)
        if not report:
            self.format.setCurrentIndex(self.format.findData("csv"))  # the spreadsheet table
        self.format.currentIndexChanged.connect(self._format_chosen)
        self.file = QLineEdit(f"{stem}{'.pdf' if report else '.csv'}")
        self.file.setPlaceholderText("where to save it")
        self.choose = QPushButton("Choose…")
        self.choose.clicked.connect(self.choose_file)
        where = QHBoxLayout()
        where.addWidget(self.file, 1)
        where.addWidget(self.choose)
        form.addRow("Format", self.format)
        form.addRow("File", where)
        self.deidentify = QCheckBox("De-identify (to share with a researcher or supervision group)")
        form.addRow(self.deidentify)
        self.dates = QComboBox()
        for label, choice in DATES:
            self.dates.addItem(label, choice)
        self.dates.setEnabled(False)  # only a de-identified copy has a choice
        self.dates.setAccessibleName("Dates")
        self.deidentify.toggled.connect(self.dates.setEnabled)
        form.addRow("Dates", self.dates)
        layout.addLayout(form)
        explained = QLabel(SHARING)
        explained.setObjectName("muted")
        explained.setWordWrap(True)
        layout.addWidget(explained)
        self.logged = QLabel(
            f"The coding's access log will name you as {logged_as()} "
            "(Review ▸ Your initials… on the start screen)."
        )
        self.logged.setObjectName("muted")
        self.logged.setWordWrap(True)
        layout.addWidget(self.logged)
        self.buttons = ok_cancel("Write report" if report else "Export", self._check, self.reject)
        layout.addWidget(self.buttons)
        self.chosen = False  # a file picked in the save dialog, not only the name offered
        self.resize(560, self.sizeHint().height())

    @property
    def fmt(self) -> str | None:
        found: str | None = self.format.currentData()
        return found

    def _suffix(self) -> str:
        return ".pdf" if self.fmt is None else BY_ID[self.fmt].suffixes[0]

    def _format_chosen(self) -> None:
        """The file's suffix follows the format chosen."""
        text = self.file.text().strip()
        if text:
            self.file.setText(str(Path(text).with_suffix(self._suffix())))

    def choose_file(self) -> bool:
        """The system's save dialog, offering the formats with the chosen one first."""
        labels = {f.id: f"{f.label} ({' '.join('*' + s for s in f.suffixes)})" for f in FORMATS}
        if self.report:
            offered = ["PDF (*.pdf)"]
        else:
            offered = [labels[self.fmt or "csv"]]
            offered += [label for fid, label in labels.items() if fid != self.fmt]
        chosen, selected = QFileDialog.getSaveFileName(
            self, self.windowTitle(), self.file.text(), ";;".join(offered)
        )
        if not chosen:
            return False
        path = Path(chosen)
        picked = next((fid for fid, label in labels.items() if label == selected), None)
        fmt = format_for_suffix(path) or picked
        if not self.report and fmt is not None:
            self.format.setCurrentIndex(self.format.findData(fmt))
        if not path.suffix or (self.report and path.suffix.lower() != ".pdf"):
            path = path.with_name(path.name + self._suffix())
        self.file.setText(str(path))
        self.chosen = True
        return True

    def _check(self) -> None:
        if self.chosen or self.choose_file():
            self.accept()

    def choice(self) -> ExportChoice:
        shared = self.deidentify.isChecked()
        dates = str(self.dates.currentData()) if shared else "drop"
        return ExportChoice(Path(self.file.text().strip()), self.fmt, shared, dates)


def ask_report(parent: QWidget | None, title: str) -> ExportChoice | None:
    """The report options (file, de-identified, dates) for the coding called ``title``;
    None when the person cancels."""
    stem = "".join(c if c.isalnum() or c in " -_" else "_" for c in title).strip()
    dialog = ExportDialog("Supervision report", f"{stem or 'coding'} report", parent, report=True)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.choice()
