"""Agreement between observers: pick any codings, see every figure and how it came about.

Each figure is shown with one line saying exactly how it was computed (which events,
which window, which unit), so a kappa that moves with the time unit is no mystery.
Below: the confusion table of the aligned events (rows: the first coding, columns: the
second, "nothing" last) and the agreement per code.

Codings of different sessions (a BORIS project imports each observation as a session of
its own) are compared too, with a notice above the figures saying so. Codings of one
session are lined up by their clocks' anchors; the shift the events suggest is offered
in the notice and applied only when "Align by events" is ticked. The figures can be
restricted to chosen codes, categories and people (per-behaviour agreement).

Long codings are compared on a worker thread, with a progress dialog and Cancel; the
list of codings and the figures follow the database's notices (a coding imported or
coded meanwhile).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from observer.analysis.agreement import BY_CHOICES
from observer.analysis.alignment import NOTHING
from observer.analysis.clock_offset import AlignBy
from observer.analysis.filters import known_categories, known_codes
from observer.domain.coding_data import CodingData
from observer.storage.store import Store
from observer.workspace.changes import ChangeSet, Kind, notices_of
from observer.workspace.codings import event_counts, list_codings
from observer.workspace.comparison import TOO_FEW, Comparison, compare_codings
from observer.workspace.progress import Progress
from ui import style
from ui.background import Job, run_in_background
from ui.bridge import bridge_for

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
    ("offset", "Clocks (B moved)"),
)
LINED = {"anchors": "by the anchors", "events": "by the events", "none": "as stored"}
AGREE_BG = "#dcefe6"
NOTHING_BG = "#f7ecec"
LONG = 5_000  # events in the ticked codings: more are compared on a worker thread
SETTLE_MS = 500  # codings recorded into meanwhile: recompute once the keys pause
# What the figures can be restricted to: (the core's name, the tab's title).
RESTRICTIONS = (("codes", "Codes"), ("categories", "Categories"),
                ("actors", "By"), ("targets", "To"))  # fmt: skip
NOTICE_STYLE = "background: #fff4d6; border: 1px solid #e6c66a; padding: 4px;"


def figure_text(key: str, value: Any) -> str:
    """A figure as displayed: kappas to 3 decimals, percentages to 1, timing in seconds."""
    if key == "offset":
        if not value:
            return "–"
        return f"{value['ms'] / 1000:+.3f} s, {LINED[value['method']]}"
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
        self._counts: dict[int, int] = {}
        self.job: Job | None = None  # the comparison running on a worker thread
        self.setWindowTitle("Agreement between observers")

        self.search = QLineEdit(placeholderText="Find a coding: group, session, observer…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._show_found)
        self.codings = QListWidget()
        self.codings.setMinimumWidth(250)
        # Restrict the figures: one ticked list per kind; nothing ticked keeps everything.
        self.only = QTabWidget()
        self.only.setToolTip("Tick to restrict every figure to these; none ticked: all events.")
        self.only_lists: dict[str, QListWidget] = {}
        for kind, title in RESTRICTIONS:
            choices = QListWidget()
            choices.itemChanged.connect(lambda _item: self._restriction_changed())
            self.only_lists[kind] = choices
            self.only.addTab(choices, title)
        self.only.setMaximumHeight(150)
        self._fill_codings(coding_ids or [])
        self.codings.itemChanged.connect(lambda _item: self.compute())
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.compute)
        bridge_for(notices_of(store)).changed.connect(self._on_changes)

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
        self.by_events = QCheckBox("Align by events")
        self.by_events.setToolTip(
            "Line the codings up by the shift their events suggest (the one that pairs the "
            "most events of the same code) when it pairs more than their clocks' anchors."
        )
        self.by_events.toggled.connect(lambda _on: self.compute())
        for widget in (self.tolerance, self.unit):
            widget.valueChanged.connect(lambda _v: self.compute())
        self.by.currentIndexChanged.connect(lambda _i: self.compute())
        self.pair.currentIndexChanged.connect(lambda _i: self._show_pair())

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("muted")
        self.notice = QLabel()  # different sessions, a restriction: said above the figures
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.notice.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.notice.hide()
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
        form.addRow("Clocks", self.by_events)
        form.addRow("Tables show", self.pair)
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(_title("Codings (tick two or more, of any sessions)"))
        left_box.addWidget(self.search)
        left_box.addWidget(self.codings, 1)
        left_box.addLayout(form)
        left_box.addWidget(_title("Only these (none ticked: everything)"))
        left_box.addWidget(self.only)
        left_box.addWidget(self.message)

        tables = QSplitter(Qt.Orientation.Horizontal)
        confusion = QWidget()
        box = QVBoxLayout(confusion)
        box.setContentsMargins(0, 0, 0, 0)
        self.confusion_title = _title("Confusion of the aligned events")
        # It names both codings: wrapped, so long names never widen the window past a
        # 1280-pixel screen (it could not be narrower than 1,608 px).
        self.confusion_title.setWordWrap(True)
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
        # The notice sits above the figures, outside their splitter, so it is never squeezed.
        right_side = self._right_side = QWidget()
        box = QVBoxLayout(right_side)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.notice)
        box.addWidget(right, 1)
        split.addWidget(right_side)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 4)
        split.setSizes([300, 1200])
        layout = QHBoxLayout(self)
        layout.addWidget(split)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_notice()

    def _fit_notice(self) -> None:
        """Tall enough for every wrapped line (a splitter does not ask a label its height)."""
        width = self._right_side.width()
        wanted = self.notice.heightForWidth(width) if self.notice.text() and width > 0 else 0
        self.notice.setMinimumHeight(max(wanted, 0))

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

    def _fill_codings(self, ticked: list[int]) -> None:
        """Every coding of the database, the ``ticked`` ones ticked."""
        self._counts = event_counts(self.store)
        self.codings.blockSignals(True)
        self.codings.clear()
        found = list_codings(self.store)
        several_groups = len({c.session.group_id for c in found}) > 1
        for c in found:
            group = f"{c.session.group.name} · " if several_groups else ""
            text = (
                f"{c.id} · {group}session {c.session.number} · {c.observer.initials} · "
                f"{c.name or c.clock_mode} ({self._counts.get(c.id, 0)} events)"
            )
            item = QListWidgetItem(text)
            item.setToolTip(f"{c.session.group.name}: {text}")
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, c.session_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if c.id in ticked else Qt.CheckState.Unchecked)
            self.codings.addItem(item)
        self.codings.blockSignals(False)
        self._show_found(self.search.text())

    def _show_found(self, text: str) -> None:
        """Only the codings whose line or group holds the text typed (ticked ones stay)."""
        wanted = " ".join(text.casefold().split())
        for row in range(self.codings.count()):
            item = self.codings.item(row)
            ticked = item.checkState() == Qt.CheckState.Checked
            item.setHidden(not ticked and wanted not in item.toolTip().casefold())

    # --- restricting ------------------------------------------------------------------------

    def restriction(self) -> dict[str, list[str]]:
        """The ticked codes, categories and people, by kind, as the core takes them."""
        out: dict[str, list[str]] = {}
        for kind, choices in self.only_lists.items():
            ticked = [
                str(choices.item(r).data(Qt.ItemDataRole.UserRole))
                for r in range(choices.count())
                if choices.item(r).checkState() == Qt.CheckState.Checked
            ]
            if ticked:
                out[kind] = ticked
        return out

    def _restriction_changed(self) -> None:
        for index, (kind, title) in enumerate(RESTRICTIONS):
            n = len(self.restriction().get(kind, []))
            self.only.setTabText(index, f"{title} ({n})" if n else title)
        self.compute()

    def _fill_choices(self, datas: tuple[CodingData, ...]) -> None:
        """What the compared codings hold, to restrict to; ticks kept where still offered."""
        codes: dict[str, str] = {}
        categories: set[str] = set()
        people: dict[str, None] = {}
        for data in datas:
            for code in sorted(known_codes(data)):
                codes.setdefault(code, data.code(code).label or code)
            categories |= known_categories(data)
            people.update((data.label(p.key), None) for p in data.participants)
        offered = {
            "codes": sorted(codes.items(), key=lambda c: c[1].casefold()),
            "categories": [(c, c) for c in sorted(categories)],
            "actors": [(p, p) for p in people],
            "targets": [(p, p) for p in people],
        }
        chosen = self.restriction()
        for kind, items in offered.items():
            choices = self.only_lists[kind]
            shown = [choices.item(r).data(Qt.ItemDataRole.UserRole) for r in range(choices.count())]
            if shown == [value for value, _text in items]:
                continue
            choices.blockSignals(True)
            choices.clear()
            for value, text in items:
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, value)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                on = value in chosen.get(kind, [])
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                choices.addItem(item)
            choices.blockSignals(False)

    def _on_changes(self, changes: ChangeSet) -> None:
        """A coding added or taken away is listed; one coded into is read again."""
        if changes.touches(Kind.CODING, Kind.SESSION):
            self._fill_codings(self.checked_ids())
        recoded = changes.coding_id if changes.touches(Kind.EVENT) else None
        if recoded is not None:
            self._cache.pop(recoded, None)
            if recoded in self.checked_ids():
                self._settle.start()  # not on every key of a live coding

    # --- computing --------------------------------------------------------------------------

    def compute(self) -> None:
        """Recompute every figure for the ticked codings and settings.

        Long codings are compared on a worker thread (a newer request replaces one still
        running); the figures appear, and ``computed`` is emitted, when it is done.
        """
        self._settle.stop()
        ids = self.checked_ids()
        self.result = None
        if self.job is not None:
            self.job.cancel()
            self.job = None
        if len(ids) < 2:
            self._clear(TOO_FEW)
            return
        tolerance, unit, by = self.tolerance.value(), self.unit.value(), self.by.currentData()
        known = dict(self._cache)
        only = self.restriction()
        align_by: AlignBy = "auto" if self.by_events.isChecked() else "anchors"
        events = sum(self._counts.get(i, 0) for i in ids)
        if events <= LONG:
            self._show(
                compare_codings(
                    self.store, ids, tolerance, unit, by, known, only=only, align_by=align_by
                )
            )
            return

        def work(progress: Progress) -> Comparison:
            return compare_codings(
                self.store, ids, tolerance, unit, by, known, progress, only, align_by
            )

        self._clear(f"Comparing {len(ids)} codings ({events:,} events)…")
        job = self.job = run_in_background(
            self, "Agreement", f"Comparing {len(ids)} codings, {events:,} events…", work
        )
        job.done.connect(lambda found: self._show(found) if job is self.job else None)
        job.cancelled.connect(lambda: self._stopped(job, "Cancelled: tick or change a setting "
                                                          "to compute again."))  # fmt: skip
        job.failed.connect(lambda message: self._stopped(job, message, warn=True))

    def _stopped(self, job: Job, why: str, warn: bool = False) -> None:
        if job is not self.job:
            return  # replaced by a newer request
        self.job = None
        self._clear(why)
        if warn:
            QMessageBox.warning(self, "Agreement", why)

    def _show(self, comparison: Comparison) -> None:
        self.job = None
        for data in comparison.codings:
            if data.coding_id is not None:
                self._cache[data.coding_id] = data
        self._fill_choices(comparison.codings)
        if comparison.result is None:
            self._clear(comparison.problem)
            return
        self.result = comparison.result
        notes: list[str] = self.result["notes"]
        self.notice.setText("\n".join(notes))
        self.notice.setVisible(bool(notes))
        self._fit_notice()
        self.message.setText(
            f"{len(comparison.codings)} codings, {comparison.events} events. Every figure "
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
        self.notice.hide()
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
