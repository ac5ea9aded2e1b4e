"""The charts beside live coding: network, matrix, participation, timeline, basic assumptions.

Recording never waits for a chart: :meth:`ChartsPanel.schedule_refresh` only marks the
charts out of date and starts a single-shot timer; when it fires (at most about once a
second) only the visible tab is redrawn. Other tabs redraw when they are shown.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from observer.analysis.filters import ChartFilter
from observer.analysis.trends import SessionTrend
from observer.charts import CHARTS
from observer.charts.airtime import AIRTIME_SIZE, draw_airtime
from observer.charts.export import save_figure
from observer.charts.network import NetworkDrawing, draw_network, node_summary
from observer.charts.trends import draw_trends
from observer.domain.clock import parse_time
from observer.domain.coding_data import CodingData
from observer.domain.errors import ObserverError
from observer.domain.participants import GROUP
from observer.workspace.recording import Recorder
from ui.dialogs.common import refill
from ui.phase_chooser import PhaseChooser

if TYPE_CHECKING:
    from ui.dialogs.export_dialog import ExportChoice

REFRESH_MS = 1000
STALE_INTERVALS = 5  # at most this many intervals between redraws while events keep coming
FORMATS = (("PNG", ".png"), ("SVG", ".svg"), ("PDF", ".pdf"))
ALL = ""


@dataclass
class ChartTab:
    """One tab: its figure on a Qt canvas and how to draw it."""

    name: str
    title: str
    figure: Figure
    canvas: FigureCanvasQTAgg
    draw: Callable[..., Any]
    size: tuple[float, float]
    buttons: dict[str, QPushButton]


def recorder_source(recorder: Recorder) -> Callable[[], CodingData]:
    """The coding as the recorder holds it in memory: no database read per redraw.

    Reading a 20,000-event coding back from the database takes longer than drawing it;
    the recorder already has every event, durable, in time order, and the coding's facts.
    """
    return lambda: CodingData.of(recorder.info, recorder.events)


class ChartsPanel(QWidget):
    """Tabs of charts of the current coding, redrawn lazily as events arrive."""

    redrawn = Signal(str)  # the chart's name, after each redraw

    def __init__(
        self,
        source: Callable[[], CodingData | None],
        parent: QWidget | None = None,
        interval_ms: int = REFRESH_MS,
        trends: Callable[[], Sequence[SessionTrend]] | None = None,
        report: Callable[[ExportChoice], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.source = source
        self.trends_source = trends
        # Writes the supervision report as chosen; without it the report has the events only.
        self.report_writer = report
        self.filter: ChartFilter | None = None
        self.draw_counts: Counter[str] = Counter()
        self.drawing: NetworkDrawing | None = None
        self._data: CodingData | None = None
        self._dirty: set[str] = set()
        self._stale_since: float | None = None  # when the first change not yet drawn came
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._redraw_visible)

        self.tabs = QTabWidget(self)
        self.charts: dict[str, ChartTab] = {}
        for name, (title, draw, size) in CHARTS.items():
            self._add_tab(name, title, draw, size)
        if trends is not None:
            self._add_tab("trends", "Trends", self._draw_trends, (11.0, 5.5))
        # Speaking turns of a transcript, voice activity or held keys (docs/airtime.md).
        self._add_tab("airtime", "Airtime", draw_airtime, AIRTIME_SIZE)
        self.tabs.currentChanged.connect(lambda _i: self._show_current())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._filter_bar())
        layout.addWidget(self.tabs, 1)
        self.tabs.setCornerWidget(self.report_button, Qt.Corner.TopRightCorner)
        self._dirty = set(self.charts)
        self.schedule_refresh()

    # --- building ------------------------------------------------------------------------

    def _add_tab(
        self, name: str, title: str, draw: Callable[..., Any], size: tuple[float, float]
    ) -> None:
        figure = Figure(figsize=size)
        canvas = FigureCanvasQTAgg(figure)
        canvas.setMinimumSize(240, 200)
        canvas.setObjectName(f"chart-{name}")
        buttons = {}
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(QLabel("Export:"))
        for label, suffix in FORMATS:
            button = QPushButton(label)
            button.setStyleSheet("padding: 2px 8px;")
            button.setObjectName(f"export-{name}-{suffix[1:]}")
            button.setToolTip(f"Save this chart as {label}")
            button.clicked.connect(lambda _=False, n=name, s=suffix: self.export(n, s))
            row.addWidget(button)
            buttons[suffix] = button
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        if name == "network":
            column.addLayout(self._network_controls())
            # Figures below the network: the panel usually lives in a narrow dock.
            splitter = QSplitter(Qt.Orientation.Vertical)
            splitter.addWidget(canvas)
            splitter.addWidget(self._network_side())
            splitter.setStretchFactor(0, 3)
            splitter.setStretchFactor(1, 1)
            splitter.setSizes([560, 200])
            column.addWidget(splitter, 1)
            canvas.mpl_connect("motion_notify_event", self._hover)
            canvas.mpl_connect("button_press_event", self._click)
        else:
            column.addWidget(canvas, 1)
        column.addLayout(row)
        self.tabs.addTab(page, title)
        self.charts[name] = ChartTab(name, title, figure, canvas, draw, size, buttons)

    def _filter_bar(self) -> QWidget:
        # Two short rows, so the panel still fits a narrow dock beside the coding table.
        bar = QWidget()
        grid = QGridLayout(bar)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(4)
        self.start_edit = QLineEdit(placeholderText="from")
        self.end_edit = QLineEdit(placeholderText="to")
        for edit in (self.start_edit, self.end_edit):
            edit.setMaximumWidth(56)
            edit.setToolTip("mm:ss or seconds")
            edit.editingFinished.connect(self._filter_changed)
        self.code_combo = QComboBox()
        self.actor_combo = QComboBox()
        self.target_combo = QComboBox()
        for combo, tip in (
            (self.code_combo, "only this code or code category"),
            (self.actor_combo, "only acts by this person"),
            (self.target_combo, "only acts addressed to this person"),
        ):
            combo.setToolTip(tip)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(3)
            combo.addItem("all", ALL)
            combo.currentIndexChanged.connect(lambda _i: self._filter_changed())
        self.phase_combo = PhaseChooser()
        self.phase_combo.currentIndexChanged.connect(lambda _i: self._filter_changed())
        times = QHBoxLayout()
        times.addWidget(self.start_edit)
        times.addWidget(self.end_edit)
        times.addWidget(self.phase_combo)
        grid.addWidget(QLabel("Time"), 0, 0)
        grid.addLayout(times, 0, 1)
        grid.addWidget(QLabel("Code"), 0, 2)
        grid.addWidget(self.code_combo, 0, 3)
        grid.addWidget(QLabel("By"), 1, 0)
        grid.addWidget(self.actor_combo, 1, 1)
        grid.addWidget(QLabel("To"), 1, 2)
        grid.addWidget(self.target_combo, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.report_button = QPushButton("Report…")
        self.report_button.setObjectName("reportButton")
        self.report_button.setToolTip("Write the supervision report of this coding as a PDF")
        self.report_button.clicked.connect(lambda _=False: self.write_report())
        return bar

    def _network_controls(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.layout_combo = QComboBox()
        self.layout_combo.addItem("as they sit", "seats")
        self.layout_combo.addItem("force layout", "force")
        self.colour_combo = QComboBox()
        self.colour_combo.addItem("by category", "category")
        self.colour_combo.addItem("by valence", "valence")
        self.colour_combo.setToolTip("colour edges by code category or by valence")
        for combo in (self.layout_combo, self.colour_combo):
            combo.currentIndexChanged.connect(lambda _i: self._redraw("network"))
            row.addWidget(combo)
        row.addStretch(1)
        return row

    def _network_side(self) -> QWidget:
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(4, 0, 0, 0)
        self.node_label = QLabel("Hover or click a person to see their figures.")
        self.node_label.setObjectName("nodeFigures")
        self.node_label.setWordWrap(True)
        self.node_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.metrics_table = QTableWidget(0, 2)
        self.metrics_table.setObjectName("metricsTable")
        self.metrics_table.setHorizontalHeaderLabels(["Measure", "Value"])
        self.metrics_table.verticalHeader().setVisible(False)
        self.metrics_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.metrics_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        column.addWidget(self.node_label)
        column.addWidget(self.metrics_table, 1)
        return side

    # --- refreshing ----------------------------------------------------------------------

    def schedule_refresh(self) -> None:
        """Mark every chart out of date; the visible one redraws when the timer fires.

        Cheap and safe to call after every recorded event: calls while the timer runs
        are folded into the one redraw.
        """
        self._data = None
        self._dirty = set(self.charts)
        # While events keep coming, wait for a pause (a long coding's redraw holds the
        # window for a tenth of a second or more, which a key pressed then would feel),
        # but never leave the charts more than a few intervals behind.
        now = time.monotonic()
        if self._stale_since is None:
            self._stale_since = now
        if not self._timer.isActive() or now - self._stale_since < STALE_INTERVALS * (
            self._timer.interval() / 1000
        ):
            self._timer.start()

    def refresh_now(self) -> None:
        """Redraw the visible chart at once (after a user's own change, not while coding)."""
        self._timer.stop()
        self._dirty.add(self.current_chart())
        self._redraw_visible()

    def current_chart(self) -> str:
        return list(self.charts)[self.tabs.currentIndex()]

    def _show_current(self) -> None:
        if self.current_chart() in self._dirty:
            self._redraw_visible()

    def _redraw_visible(self) -> None:
        # A panel off screen draws nothing; it catches up when shown. A dock tabbed behind
        # another is still "visible" to Qt, with nothing of it on screen: while it is,
        # look again at the next tick (cheap) rather than read and draw the whole coding.
        if not self.isVisible() or self.current_chart() not in self._dirty:
            return
        if self.visibleRegion().isEmpty():
            self._timer.start()
            return
        self._redraw(self.current_chart())

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.current_chart() in self._dirty and not self._timer.isActive():
            self._timer.start()

    def _current_data(self) -> CodingData | None:
        if self._data is None:
            try:
                self._data = self.source()
            except ObserverError:
                self._data = None
            if self._data is not None:
                self._fill_choices(self._data)
                if self.phase_combo.chosen and self.filter is not None:
                    # A third moves as the session grows: cut it again for this drawing.
                    self.filter = self._with_phase(self.filter, self._data)
        return self._data

    def _redraw(self, name: str) -> None:
        chart = self.charts[name]
        self._dirty.discard(name)
        self._stale_since = None
        data = self._current_data() if name != "trends" else None
        if data is None and name != "trends":
            chart.figure.clear()
            chart.canvas.draw_idle()
            return
        if name == "network":
            self.drawing = draw_network(
                chart.figure,
                data,  # type: ignore[arg-type]
                self.filter,
                layout=self.layout_combo.currentData() or "seats",
                colour_by=self.colour_combo.currentData() or "category",
                metrics=False,
            )
            self._fill_metrics()
        elif name == "trends":
            chart.draw(chart.figure)
        elif name == "matrix":
            chart.draw(chart.figure, data, self.filter, fast=True)
        else:
            chart.draw(chart.figure, data, self.filter)
        chart.canvas.draw_idle()
        self.draw_counts[name] += 1
        self.redrawn.emit(name)

    @property
    def draw_count(self) -> int:
        return sum(self.draw_counts.values())

    def _draw_trends(self, figure: Figure, *_args: Any) -> None:
        sessions = self.trends_source() if self.trends_source is not None else []
        data = self._current_data()
        colours = {c.id: c.colour for c in data.codes.values()} if data is not None else {}
        draw_trends(figure, sessions, colours=colours)

    # --- filter --------------------------------------------------------------------------

    def _fill_choices(self, data: CodingData) -> None:
        """Codes, categories and people of the coding in the filter menus (kept if chosen)."""
        categories = sorted(
            {data.category(e.code) for e in data.events}
            | {c.category for c in data.codes.values() if c.category}
        )
        codes = sorted(data.codes) or sorted({e.code for e in data.events})
        code_items = [(f"category: {c}", f"category:{c}") for c in categories]
        code_items += [(data.code(c).label or c, f"code:{c}") for c in codes]
        self.phase_combo.fill(data)
        people = [(data.label(p.key), p.key) for p in data.people] + [("group", GROUP)]
        for combo, items in (
            (self.code_combo, code_items),
            (self.actor_combo, people),
            (self.target_combo, people),
        ):
            if combo.count() - 1 == len(items):
                continue
            refill(combo, ("all", ALL), items)

    def set_filter(self, chart_filter: ChartFilter | None) -> None:
        """Show only what the filter keeps, in every chart."""
        self.filter = None if chart_filter is None or chart_filter.is_empty else chart_filter
        self._dirty = set(self.charts)
        self.refresh_now()

    def _filter_changed(self) -> None:
        def time_of(edit: QLineEdit) -> int | None:
            text = edit.text().strip()
            if not text:
                edit.setStyleSheet("")
                return None
            try:
                value = parse_time(text)
            except ValueError:
                edit.setStyleSheet("background: #fde2e1;")
                return None
            edit.setStyleSheet("")
            return value

        phase = self.phase_combo.phase_of(self._current_data())
        for edit in (self.start_edit, self.end_edit):
            edit.setEnabled(phase is None)  # a phase is a time window of its own
        code = self.code_combo.currentData() or ALL
        actor = self.actor_combo.currentData() or ALL
        target = self.target_combo.currentData() or ALL
        self.set_filter(
            ChartFilter.of(
                time_of(self.start_edit) if phase is None else phase.start_ms,
                time_of(self.end_edit) if phase is None else phase.end_ms,
                [code[5:]] if code.startswith("code:") else [],
                [code[9:]] if code.startswith("category:") else [],
                [actor] if actor else [],
                [target] if target else [],
            )
        )

    def _with_phase(self, chart_filter: ChartFilter, data: CodingData) -> ChartFilter:
        phase = self.phase_combo.phase_of(data)
        if phase is None:
            return chart_filter
        return replace(chart_filter, start_ms=phase.start_ms, end_ms=phase.end_ms)

    # --- network: figures of a node ------------------------------------------------------

    def _fill_metrics(self) -> None:
        drawing = self.drawing
        rows: list[tuple[str, str]] = []
        if drawing is not None:
            m = drawing.network.measures
            rows = [
                ("Density", f"{m.density:.2f}"),
                ("Reciprocity", f"{m.reciprocity:.2f}"),
                ("Degree centralisation", f"{m.degree_centralisation:.2f}"),
                (
                    "  out / in",
                    f"{m.out_degree_centralisation:.2f} / {m.in_degree_centralisation:.2f}",
                ),
                ("Participation Gini", f"{m.participation_gini:.2f}"),
                ("Acts to the group", f"{m.to_group_share:.0%}"),
                ("People / ties / acts", f"{m.people} / {m.ties} / {m.acts}"),
            ]
            rows += [
                (n.label, f"out {n.out_degree}, in {n.in_degree}, betw {n.betweenness:.2f}")
                for n in drawing.network.people
            ]
        self.metrics_table.setRowCount(len(rows))
        for i, (label, value) in enumerate(rows):
            self.metrics_table.setItem(i, 0, QTableWidgetItem(label))
            self.metrics_table.setItem(i, 1, QTableWidgetItem(value))

    def _node_at(self, event: Any) -> str | None:
        if self.drawing is None or event.x is None or event.inaxes is not self.drawing.ax:
            return None
        node = self.drawing.node_at(event.x, event.y)
        return None if node is None else node_summary(node)

    def _hover(self, event: Any) -> None:
        text = self._node_at(event)
        canvas = self.charts["network"].canvas
        if text is None:
            QToolTip.hideText()
            return
        ratio = canvas.device_pixel_ratio or 1
        where = QPoint(int(event.x / ratio), int(canvas.height() - event.y / ratio))
        QToolTip.showText(canvas.mapToGlobal(where), text, canvas)

    def _click(self, event: Any) -> None:
        text = self._node_at(event)
        if text is not None:
            self.node_label.setText(text)

    # --- report -------------------------------------------------------------------------

    def write_report(self) -> Path | None:
        """Ask for the report's options (the one dialog every report is asked with: file,
        de-identified, dates), then write it."""
        from ui.dialogs.export_dialog import ask_report

        data = self._current_data()
        if data is None:
            return None
        choice = ask_report(self, data.stored.title if data.info is not None else data.name)
        if choice is None:
            return None
        try:
            if self.report_writer is not None:
                self.report_writer(choice)
            else:
                from observer.domain.deidentify import SharingCodes, deidentified
                from observer.report import write_report

                shared = SharingCodes.for_export(choice.dates)
                write_report(deidentified(data, shared) if choice.deidentify else data, choice.path)
        except ObserverError as exc:
            QMessageBox.warning(self, "Supervision report", str(exc))
            return None
        return choice.path

    # --- export --------------------------------------------------------------------------

    def export(self, name: str, suffix: str) -> Path | None:
        """Ask where to save a chart and write it in that format (a fresh, full-size figure)."""
        chart = self.charts[name]
        label = dict((s, lbl) for lbl, s in FORMATS)[suffix]
        data = self._current_data()
        stem = (data.name if data is not None else "chart").replace("/", "-").replace(" ", "-")
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            f"Export {chart.title} as {label}",
            f"{stem}-{name}{suffix}",
            f"{label} (*{suffix})",
        )
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        figure = Figure(figsize=chart.size)
        FigureCanvasAgg(figure)
        try:
            if name == "trends":
                chart.draw(figure)
            elif data is not None:
                chart.draw(figure, data, self.filter)
            save_figure(figure, path)
        except ObserverError as exc:
            QMessageBox.warning(self, "Export", str(exc))
            return None
        return path
