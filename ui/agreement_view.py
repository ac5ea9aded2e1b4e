"""Agreement between observers: pick codings of a session, see every figure and how it came about.

Each figure is shown with one line saying exactly how it was computed (which events,
which window, which unit), so a kappa that moves with the time unit is no mystery.
Below: the confusion table of the aligned events (rows: the first coding, columns: the
second, "nothing" last) and the agreement per code.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from observer.analysis.agreement import BY_CHOICES, agreement
from observer.analysis.alignment import NOTHING
from observer.domain.coding_data import CodingData
from observer.domain.errors import ObserverError
from observer.storage.read_coding import from_coding
from observer.storage.store import Store
from observer.workspace.codings import event_counts, list_codings
from ui import style

FIGURES = (
    ("event_kappa", "Event kappa"),
    ("event_kappa_matched", "Event kappa, matched only"),
    ("percent_agreement", "Agreement"),
    ("percent_agreement_matched", "Agreement, matched only"),
    ("time_unit_kappa", "Time-unit kappa"),
    ("time_unit_percent_agreement", "Time-unit agreement"),
    ("krippendorff_alpha", "Krippendorff's alpha"),
    ("krippendorff_alpha_nothing", "Alpha, 'nothing' as a value"),
    ("offsets", "Timing (B − A)"),
)
AGREE_BG = "#dcefe6"
NOTHING_BG = "#f7ecec"


def figure_text(key: str, value: Any) -> str:
    """A figure as displayed: kappas to 3 decimals, percentages to 1, timing in seconds."""
    if key == "offsets":
        if not value or not value.get("n"):
            return "–"
        return f"{value['median_ms'] / 1000:+.2f} s, IQR {value['iqr_ms'] / 1000:.2f} s"
    if value is None:
        return "undefined"
    if "percent" in key:
        return f"{value:.1f} %"
    return f"{value:.3f}"


class AgreementView(QWidget):
    """Pick two or more codings, a tolerance, a time unit and what to compare; read the figures."""

    computed = Signal()

    def __init__(
        self,
        store: Store,
        coding_ids: list[int] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        style.dress(self)
        self.store = store
        self.result: dict[str, Any] | None = None
        self._cache: dict[int, CodingData] = {}
        self.setWindowTitle("Agreement between observers")

        self.codings = QListWidget()
        self.codings.setMinimumWidth(250)
        counts = event_counts(store)
        for c in list_codings(store):
            text = (
                f"{c.id} · session {c.session.number} · {c.observer.initials} · "
                f"{c.name or c.clock_mode} ({counts.get(c.id, 0)} events)"
            )
            item = QListWidgetItem(text)
            item.setToolTip(f"{c.session.group.name}: {text}")
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, c.session_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked
                if coding_ids and c.id in coding_ids
                else Qt.CheckState.Unchecked
            )
            self.codings.addItem(item)
        self.codings.itemChanged.connect(lambda _item: self.compute())

        self.tolerance = QDoubleSpinBox()
        self.tolerance.setRange(0.0, 60.0)
        self.tolerance.setSingleStep(0.5)
        self.tolerance.setDecimals(1)
        self.tolerance.setValue(2.0)
        self.tolerance.setSuffix(" s")
        self.tolerance.setToolTip("How far apart two observers' events may be and still pair.")
        self.unit = QDoubleSpinBox()
        self.unit.setRange(0.1, 600.0)
        self.unit.setSingleStep(0.5)
        self.unit.setDecimals(1)
        self.unit.setValue(1.0)
        self.unit.setSuffix(" s")
        self.unit.setToolTip("The length of a time unit for the time-unit kappa.")
        self.by = QComboBox()
        for choice in BY_CHOICES:
            self.by.addItem(
                {"code": "the code", "actor": "who acts", "target": "to whom"}[choice], choice
            )
        self.pair = QComboBox()
        # Pair names are long; let the combo box shrink rather than widen the panel.
        self.pair.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.pair.setMinimumContentsLength(16)
        self.pair.setToolTip("With more than two codings: which pair the tables show.")
        for widget in (self.tolerance, self.unit):
            widget.valueChanged.connect(lambda _v: self.compute())
        self.by.currentIndexChanged.connect(lambda _i: self.compute())
        self.pair.currentIndexChanged.connect(lambda _i: self._show_pair())

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("muted")
        self.alignment = QLabel()
        self.alignment.setWordWrap(True)

        self.figures = QTableWidget(0, 3)
        self.figures.setHorizontalHeaderLabels(["Figure", "Value", "How it was computed"])
        self.figures.verticalHeader().hide()
        self.figures.setWordWrap(True)
        # Wrapped explanations need their rows re-measured whenever the columns change width.
        self.figures.horizontalHeader().sectionResized.connect(lambda *_: self._fit_rows())
        self.confusion = QTableWidget()
        self.per_code = QTableWidget(0, 7)
        self.per_code.setHorizontalHeaderLabels(
            ["", "A", "B", "Agreed", "Agreement", "Precision", "Recall"]
        )
        self.per_code.verticalHeader().hide()
        self.per_code.setMinimumWidth(460)
        for table in (self.figures, self.confusion, self.per_code):
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.setAlternatingRowColors(table is not self.confusion)

        self._lay_out()
        self.compute()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Pair events within ±", self.tolerance)
        form.addRow("Time unit", self.unit)
        form.addRow("Compare", self.by)
        form.addRow("Tables show", self.pair)
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(_title("Codings of one session (tick two or more)"))
        left_box.addWidget(self.codings, 1)
        left_box.addLayout(form)
        left_box.addWidget(self.message)

        tables = QSplitter(Qt.Orientation.Horizontal)
        confusion = QWidget()
        box = QVBoxLayout(confusion)
        box.setContentsMargins(0, 0, 0, 0)
        self.confusion_title = _title("Confusion of the aligned events")
        box.addWidget(self.confusion_title)
        box.addWidget(self.confusion)
        codes = QWidget()
        box = QVBoxLayout(codes)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(_title("Per code"))
        box.addWidget(self.per_code)
        tables.addWidget(confusion)
        tables.addWidget(codes)
        tables.setStretchFactor(0, 3)
        tables.setStretchFactor(1, 2)

        right = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        box = QVBoxLayout(top)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.alignment)
        box.addWidget(self.figures)
        right.addWidget(top)
        right.addWidget(tables)
        right.setStretchFactor(0, 2)
        right.setStretchFactor(1, 3)

        tables.setSizes([640, 560])
        right.setSizes([380, 520])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 4)
        split.setSizes([300, 1200])
        layout = QHBoxLayout(self)
        layout.addWidget(split)

    def _fit_rows(self) -> None:
        self.figures.resizeRowsToContents()
        self._fit_figures()

    # --- choosing ---------------------------------------------------------------------------

    def checked_ids(self) -> list[int]:
        out = []
        for row in range(self.codings.count()):
            item = self.codings.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def set_codings(self, coding_ids: list[int]) -> None:
        self.codings.blockSignals(True)
        for row in range(self.codings.count()):
            item = self.codings.item(row)
            wanted = int(item.data(Qt.ItemDataRole.UserRole)) in coding_ids
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
        self.codings.blockSignals(False)
        self.compute()

    def _data(self, coding_id: int) -> CodingData:
        if coding_id not in self._cache:
            self._cache[coding_id] = from_coding(self.store, coding_id)
        return self._cache[coding_id]

    # --- computing --------------------------------------------------------------------------

    def compute(self) -> None:
        """Recompute every figure for the ticked codings and settings."""
        ids = self.checked_ids()
        self.result = None
        if len(ids) < 2:
            self._clear("Tick two or more codings of the same session.")
            return
        datas = [self._data(i) for i in ids]
        if len({d.session_id for d in datas}) > 1:
            self._clear("These codings are of different sessions: agreement needs one session.")
            return
        try:
            self.result = agreement(
                datas, self.tolerance.value(), self.unit.value(), self.by.currentData()
            )
        except ObserverError as exc:
            self._clear(str(exc))
            return
        self.message.setText(
            f"{len(ids)} codings, {sum(len(d.events) for d in datas)} events. Every figure "
            f"is recomputed when you change a setting."
        )
        self.pair.blockSignals(True)
        self.pair.clear()
        for n, pair in enumerate(self.result["pairs"]):
            self.pair.addItem(" vs ".join(pair["codings"]), n)
        self.pair.setEnabled(len(self.result["pairs"]) > 1)
        self.pair.blockSignals(False)
        self._show_pair()
        self.computed.emit()

    def _clear(self, why: str) -> None:
        self.message.setText(why)
        self.alignment.setText("")
        for table in (self.figures, self.confusion, self.per_code):
            table.setRowCount(0)
        self.confusion.setColumnCount(0)
        self.pair.clear()

    def current_pair(self) -> dict[str, Any] | None:
        if self.result is None:
            return None
        index = max(self.pair.currentIndex(), 0)
        pairs: list[dict[str, Any]] = self.result["pairs"]
        return pairs[index] if index < len(pairs) else None

    def _show_pair(self) -> None:
        pair = self.current_pair()
        if pair is None or self.result is None:
            return
        a, b = pair["codings"]
        self.alignment.setText(
            f"<b>A</b> = {a}, <b>B</b> = {b}. {pair['explanations']['alignment']}"
        )
        self._fill_figures(pair)
        self._fill_confusion(pair)
        self._fill_per_code(pair)

    def _fill_figures(self, pair: dict[str, Any]) -> None:
        assert self.result is not None
        several = len(self.result["codings"]) > 2
        rows: list[tuple[str, str, str]] = []
        for key, title in FIGURES:
            source = self.result if several and key.startswith("krippendorff") else pair
            explanations = source["explanations"]
            label = title + (" (all codings)" if source is self.result and several else "")
            rows.append((label, figure_text(key, source.get(key)), explanations.get(key, "")))
        self.figures.setRowCount(len(rows))
        for r, (title, value, how) in enumerate(rows):
            cells = [QTableWidgetItem(title), QTableWidgetItem(value), QTableWidgetItem(how)]
            cells[1].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            cells[0].setData(Qt.ItemDataRole.UserRole, FIGURES[r][0])
            cells[2].setToolTip(how)
            font = cells[1].font()
            font.setBold(True)
            cells[1].setFont(font)
            for c, cell in enumerate(cells):
                self.figures.setItem(r, c, cell)
        header = self.figures.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.figures.resizeRowsToContents()
        self._fit_figures()

    def _fit_figures(self) -> None:
        """Tall enough to show every figure without scrolling (within reason)."""
        height = self.figures.horizontalHeader().height() + 2 * self.figures.frameWidth()
        height += sum(self.figures.rowHeight(r) for r in range(self.figures.rowCount()))
        self.figures.setMinimumHeight(min(height, 460))

    def _fill_confusion(self, pair: dict[str, Any]) -> None:
        labels: list[str] = pair["confusion"]["labels"]
        matrix: list[list[int]] = pair["confusion"]["matrix"]
        names = {r["code"]: r["label"] for r in pair["per_code"]}
        a, b = pair["codings"]
        self.confusion_title.setText(
            f"Confusion of the aligned events — rows: A ({a}), columns: B ({b})"
        )
        self.confusion.clear()
        self.confusion.setRowCount(len(labels))
        self.confusion.setColumnCount(len(labels))
        self.confusion.setHorizontalHeaderLabels(labels)
        self.confusion.setVerticalHeaderLabels([names.get(x, x) for x in labels])
        for i, label in enumerate(labels):
            head_item = self.confusion.horizontalHeaderItem(i)
            if head_item is not None:
                head_item.setToolTip(names.get(label, label))
        for r, row in enumerate(matrix):
            for c, n in enumerate(row):
                cell = QTableWidgetItem(str(n) if n else "·")
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if r == c and labels[r] != NOTHING:
                    cell.setBackground(QColor(AGREE_BG))
                elif NOTHING in (labels[r], labels[c]) and n:
                    cell.setBackground(QColor(NOTHING_BG))
                if not n:
                    cell.setForeground(QColor(style.FAINT))
                self.confusion.setItem(r, c, cell)
        self.confusion.resizeColumnsToContents()
        self.confusion.resizeRowsToContents()

    def _fill_per_code(self, pair: dict[str, Any]) -> None:
        rows = pair["per_code"]
        header = {"code": "Code", "actor": "Actor", "target": "Target"}[pair["by"]]
        self.per_code.setHorizontalHeaderLabels(
            [header, "A", "B", "Agreed", "Agreement", "Precision", "Recall"]
        )
        self.per_code.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = [
                row["label"],
                str(row["a"]),
                str(row["b"]),
                str(row["agreed"]),
                _share(row["agreement"]),
                _share(row["precision"]),
                _share(row["recall"]),
            ]
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if c:
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                else:
                    cell.setToolTip(text)
                self.per_code.setItem(r, c, cell)
        head = self.per_code.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        agreement_header = self.per_code.horizontalHeaderItem(4)
        if agreement_header is not None:
            agreement_header.setToolTip(pair["explanations"]["per_code"])


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label
