"""The feedback view after a practice attempt: where the trainee and the reference differ.

Reference and attempt share one timeline; matches, mix-ups, misses and false alarms are
marked by shape as well as colour (so they read in greyscale too) and listed below.
Clicking one in the list (or on the timeline) emits ``seek_requested(ms)`` so the media
player can jump to that moment. Per code: precision and recall against the reference;
in plain words: what the trainee codes too often, too rarely, too late. A small chart
shows the trainee's agreement over all their attempts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from observer.analysis.clock_offset import AlignBy
from observer.charts.clock_ticks import tick_clock
from observer.domain.clock import format_clock
from observer.domain.coding_data import CodingData
from observer.domain.events import Event
from observer.storage.store import Store
from observer.workspace.practice import (
    FALSE_ALARM,
    KINDS,
    MATCH,
    MISS,
    MIXUP,
    Attempt,
    FeedbackItem,
    PracticeFeedback,
    attempts,
    feedback,
)
from ui import style
from ui.clock_note import TO_APPLY, ClockNote


@dataclass(frozen=True)
class Mark:
    """How one kind of item is drawn: a shape that differs in greyscale, and a colour."""

    marker: str
    colour: str
    filled: bool
    title: str


MARKS = {
    MATCH: Mark("o", "#2a9d8f", True, "match"),
    MIXUP: Mark("D", "#e9a23b", True, "mix-up (other code)"),
    MISS: Mark("s", "#c0392b", False, "miss (only the reference)"),
    FALSE_ALARM: Mark("X", "#6c4ba3", True, "false alarm (only you)"),
}
REFERENCE_ROW, ATTEMPT_ROW = 1.0, 0.0
ZOOM_MS = 60_000
CLICK_SLOP_PX = 8


def percent(value: float | None) -> str:
    """A share as shown in the tables: '67 %', or '–' when undefined."""
    return "–" if value is None else f"{round(100 * value)} %"


def _mmss(ms: float, _pos: object = None) -> str:
    seconds = int(ms // 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"


def _mmss_tenths(ms: float, _pos: object = None) -> str:
    """For short spans, where whole seconds would label several ticks alike."""
    tenths = round(ms / 100)
    seconds, tenth = divmod(tenths, 10)
    return f"{seconds // 60}:{seconds % 60:02d}.{tenth}"


class PracticeFeedbackView(QWidget):
    """Feedback on one practice attempt; emits ``seek_requested(ms)`` for the media player."""

    seek_requested = Signal(int)

    def __init__(
        self,
        store: Store,
        attempt_id: int,
        tolerance_s: float = 2.0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.attempt_id = attempt_id
        self.tolerance_s = tolerance_s
        self.setWindowTitle(f"Practice feedback — attempt {attempt_id}")
        self.feedback: PracticeFeedback  # both set by refresh()
        self.history: list[Attempt] = []
        self._selected: FeedbackItem | None = None
        self._shown: list[FeedbackItem] = []  # the items listed, in list order

        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        # Lined up by the clocks' anchors until the trainee accepts the events' shift.
        self.align_by: AlignBy = "anchors"
        self.clock_note = ClockNote()
        self.clock_note.accepted.connect(self.use_offered_shift)

        self.timeline_figure = Figure(figsize=(12, 2.2), layout="constrained")
        self.timeline = FigureCanvasQTAgg(self.timeline_figure)
        self.timeline.setMinimumHeight(150)
        self.timeline.mpl_connect("button_press_event", self._timeline_clicked)
        self.zoom = QCheckBox(f"Zoom to the selected item (±{ZOOM_MS // 1000} s)")
        self.zoom.toggled.connect(lambda _on: self._draw_timeline())

        self.kind_filter = QComboBox()
        self.kind_filter.addItem("Everything", "")
        for kind in (MISS, FALSE_ALARM, MIXUP, MATCH):
            self.kind_filter.addItem(MARKS[kind].title.capitalize(), kind)
        self.kind_filter.currentIndexChanged.connect(lambda _i: self._fill_items())
        self.items_list = QTreeWidget()
        self.items_list.setHeaderLabels(["Time", "What", "Reference", "You", "Lag"])
        self.items_list.setRootIsDecorated(False)
        self.items_list.setUniformRowHeights(True)
        self.items_list.setAlternatingRowColors(True)
        self.items_list.itemClicked.connect(self._item_chosen)
        self.items_list.itemActivated.connect(self._item_chosen)

        self.code_table = QTableWidget(0, 7)
        self.code_table.setHorizontalHeaderLabels(
            ["Code", "Ref.", "You", "Agreed", "Precision", "Recall", "Lag"]
        )
        self.code_table.setMinimumWidth(520)
        for column, tip in enumerate(
            (
                "",
                "Events of this code in the reference",
                "Events of this code in your attempt",
                "Paired with a reference event of the same code",
                "Of your events of this code, the share the reference agrees with",
                "Of the reference's events of this code, the share you found",
                "Median of your time minus the reference's, over the agreed pairs",
            )
        ):
            header_item = self.code_table.horizontalHeaderItem(column)
            if header_item is not None and tip:
                header_item.setToolTip(tip)
        self.code_table.verticalHeader().hide()
        self.code_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.code_table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.advice.setTextFormat(Qt.TextFormat.RichText)
        self.advice.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.progress_figure = Figure(figsize=(4, 2.4), layout="constrained")
        self.progress = FigureCanvasQTAgg(self.progress_figure)
        self.progress.setMinimumHeight(180)

        self._lay_out()
        self.refresh()

    # --- layout ---------------------------------------------------------------------------

    def _lay_out(self) -> None:
        top = QVBoxLayout()
        top.addWidget(self.title)
        top.addWidget(self.summary)
        top.addWidget(self.clock_note)
        # The plain-language feedback first and whole: it is what a trainee reads.
        top.addWidget(self.advice)
        top.addWidget(self.timeline)
        top.addWidget(self.zoom)

        items = QWidget()
        items_box = QVBoxLayout(items)
        items_box.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self._section("Matches and misses — click one to see the moment"))
        row.addStretch(1)
        row.addWidget(QLabel("Show"))
        row.addWidget(self.kind_filter)
        items_box.addLayout(row)
        items_box.addWidget(self.items_list)

        codes = QWidget()
        codes_box = QVBoxLayout(codes)
        codes_box.setContentsMargins(0, 0, 0, 0)
        codes_box.addWidget(self._section("Per code, against the reference"))
        codes_box.addWidget(self.code_table, 1)

        history = QWidget()
        history_box = QVBoxLayout(history)
        history_box.setContentsMargins(0, 0, 0, 0)
        history_box.addWidget(self._section("Your attempts at this reference"))
        history_box.addWidget(self.progress)
        history_box.addStretch(1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(items)
        split.addWidget(codes)
        split.addWidget(history)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 4)
        split.setStretchFactor(2, 3)
        split.setSizes([600, 560, 340])
        split.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    @staticmethod
    def _section(text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("sectionTitle")
        label.setWordWrap(True)  # a narrow screen wraps the title rather than widen the window
        return label

    # --- content --------------------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute from the database (after more events were recorded) and redraw."""
        references: dict[int, CodingData] = {}  # the reference is read once for both
        self.feedback = feedback(
            self.store, self.attempt_id, self.tolerance_s, references, self.align_by, TO_APPLY
        )
        self.history = attempts(
            self.store,
            self.feedback.trainee,
            self.feedback.reference_id,
            tolerance_s=self.tolerance_s,
            references=references,
            # This attempt scored as its feedback is: with the shift the trainee accepted.
            lined_up={self.attempt_id: self.align_by},
        )
        fb = self.feedback
        self.title.setText(
            f"Practice attempt {fb.attempt_id} by {fb.trainee} — reference coding {fb.reference_id}"
        )
        kappa = "undefined" if fb.kappa is None else f"{fb.kappa:.2f}"
        agreement = "–" if fb.percent_agreement is None else f"{fb.percent_agreement:.0f} %"
        counts = " · ".join(f"{fb.count(k)} {MARKS[k].title.split(' (')[0]}" for k in KINDS)
        self.summary.setText(
            f"Kappa {kappa} (events paired within ±{fb.tolerance_ms / 1000:g} s; unpaired "
            f"events count as 'nothing') · agreement {agreement} · {counts}"
        )
        self.clock_note.show_note(fb.notes, fb.offered)
        self._fill_items()
        self._fill_codes()
        self._fill_advice()
        self._draw_timeline()
        self._draw_progress()

    def use_offered_shift(self) -> None:
        """Line the attempt up by the shift its events suggest (as ``--align auto``)."""
        self.align_by = "auto"
        self.refresh()

    def _describe(self, e: Event | None) -> str:
        if e is None:
            return ""
        return f"{self.feedback.label(e.code)} ({self.feedback.who(e)})"

    def _fill_items(self) -> None:
        wanted = self.kind_filter.currentData() or ""
        self.items_list.clear()
        rows = []
        for item in self.feedback.items:
            if wanted and item.kind != wanted:
                continue
            lag = item.lag_ms
            row = QTreeWidgetItem(
                [
                    format_clock(item.time_ms, tenths=True),
                    MARKS[item.kind].title.split(" (")[0],
                    self._describe(item.reference),
                    self._describe(item.attempt),
                    "" if lag is None else f"{lag / 1000:+.1f} s",
                ]
            )
            row.setData(0, Qt.ItemDataRole.UserRole, item.time_ms)
            row.setForeground(1, QColor(MARKS[item.kind].colour))
            rows.append(row)
            row.setData(1, Qt.ItemDataRole.UserRole, len(rows) - 1)
        self._shown = [i for i in self.feedback.items if not wanted or i.kind == wanted]
        self.items_list.addTopLevelItems(rows)
        header = self.items_list.header()
        header.setStretchLastSection(False)
        for column, mode in enumerate(("fit", "fit", "stretch", "stretch", "fit")):
            header.setSectionResizeMode(
                column,
                QHeaderView.ResizeMode.Stretch
                if mode == "stretch"
                else QHeaderView.ResizeMode.ResizeToContents,
            )

    def _fill_codes(self) -> None:
        per_code = self.feedback.per_code
        self.code_table.setRowCount(len(per_code))
        for r, c in enumerate(per_code):
            lag = "" if c.median_lag_ms is None else f"{c.median_lag_ms / 1000:+.1f} s"
            cells = [
                c.label,
                str(c.reference_n),
                str(c.attempt_n),
                str(c.agreed),
                percent(c.precision),
                percent(c.recall),
                lag,
            ]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if col:
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if col == 0:
                    cell.setData(Qt.ItemDataRole.UserRole, c.code)
                    cell.setToolTip(c.label)
                self.code_table.setItem(r, col, cell)
        header = self.code_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _fill_advice(self) -> None:
        fb = self.feedback
        parts = []
        for title, lines in (
            ("Too often", fb.too_often),
            ("Too rarely", fb.too_rarely),
            ("Too late", fb.too_late),
            ("Too early", fb.too_early),
            ("Mixed up", fb.mixups[:3]),
        ):
            if lines:
                body = "; ".join(_escape(line.rstrip(".")) for line in lines[:3])
                more = f" (and {len(lines) - 3} more)" if len(lines) > 3 else ""
                parts.append(f"<b>{title}:</b> {body}{more}.")
        if not parts:
            parts.append("<b>No pattern to point out</b>: as often, as early as the reference.")
        # How it was scored (the stretch of a recording, a clock lined up) is said once, in
        # the clock note above, beside its offer.
        self.advice.setText("<br>".join(parts))

    # --- charts ---------------------------------------------------------------------------

    def _draw_timeline(self) -> None:
        fig = self.timeline_figure
        fig.clear()
        ax = fig.add_subplot()
        fb = self.feedback
        for kind in KINDS:
            mark = MARKS[kind]
            ref_x = [i.reference.time_ms for i in fb.items if i.kind == kind and i.reference]
            att_x = [i.attempt.time_ms for i in fb.items if i.kind == kind and i.attempt]
            style_: dict[str, Any] = {
                "marker": mark.marker,
                "s": 42 if kind != MATCH else 30,
                "linewidths": 1.4,
                "edgecolors": mark.colour,
                "facecolors": mark.colour if mark.filled else "none",
                "zorder": 3,
            }
            if ref_x:
                ax.scatter(ref_x, [REFERENCE_ROW] * len(ref_x), label=mark.title, **style_)
            if att_x:
                ax.scatter(
                    att_x,
                    [ATTEMPT_ROW] * len(att_x),
                    label=None if ref_x else mark.title,
                    **style_,
                )
            for item in fb.items:
                if item.kind == kind and item.reference and item.attempt:
                    ax.plot(
                        [item.reference.time_ms, item.attempt.time_ms],
                        [REFERENCE_ROW, ATTEMPT_ROW],
                        color=mark.colour,
                        linewidth=0.6,
                        alpha=0.5,
                        linestyle="-" if kind == MATCH else "--",
                        zorder=2,
                    )
        if self._selected is not None:
            ax.axvline(self._selected.time_ms, color=style.SELECT, linewidth=2.5, zorder=1)
        ax.set_yticks([ATTEMPT_ROW, REFERENCE_ROW], [f"You ({fb.trainee})", "Reference"])
        ax.set_ylim(-0.6, 1.6)
        end = max(fb.duration_ms, 1000)
        if self.zoom.isChecked() and self._selected is not None:
            centre = self._selected.time_ms
            ax.set_xlim(centre - ZOOM_MS, centre + ZOOM_MS)
            # Close up there is room to name the codes.
            for item in fb.items:
                for e, y, above in (
                    (item.reference, REFERENCE_ROW, True),
                    (item.attempt, ATTEMPT_ROW, False),
                ):
                    if e is not None and abs(e.time_ms - centre) <= ZOOM_MS:
                        ax.annotate(
                            e.code,
                            (e.time_ms, y),
                            xytext=(0, 7 if above else -7),
                            textcoords="offset points",
                            ha="center",
                            va="bottom" if above else "top",
                            fontsize=7.5,
                            color="#444444",
                        )
        else:
            # Scored over what the recording shows: that stretch, not the whole session.
            start, end = fb.stretch if fb.stretch is not None else (0, end)
            margin = (end - start) * 0.01
            ax.set_xlim(start - margin, end + margin)
        low, high = ax.get_xlim()
        ax.xaxis.set_major_formatter(FuncFormatter(_mmss if high - low > 20_000 else _mmss_tenths))
        tick_clock(ax.xaxis, low, high)
        ax.set_xlabel("session time (min:s)")
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", color="#eef1f4")
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, 1.32), ncol=4, frameon=False, fontsize=8.5
        )
        self.timeline.draw_idle()

    def _draw_progress(self) -> None:
        fig = self.progress_figure
        fig.clear()
        ax = fig.add_subplot()
        scored = [a for a in self.history if a.kappa is not None]
        xs = list(range(1, len(scored) + 1))
        ys = [a.kappa or 0.0 for a in scored]
        if scored:
            ax.plot(xs, ys, color=style.ACCENT, marker="o", linewidth=1.5)
            for x, a in zip(xs, scored, strict=True):
                if a.coding_id == self.attempt_id:
                    kappa = a.kappa or 0.0
                    ax.scatter([x], [kappa], s=90, color=style.SELECT, zorder=4)
                    # Named beside the point itself: a legend's ring read as one more attempt.
                    ax.annotate(
                        f"this attempt ({kappa:.2f})",
                        (x, kappa),
                        xytext=(0, -14 if kappa > 0.5 else 10),
                        textcoords="offset points",
                        ha="center",
                        fontsize=8,
                        color="#333333",
                    )
            ax.set_xticks(
                xs,
                [f"#{n}\n{a.created_at:%d %b}" for n, a in enumerate(scored, 1)],
                fontsize=7.5,
            )
        ax.set_ylim(-0.05, 1.05)
        ax.set_xlim(0.5, max(len(scored), 1) + 0.5)
        ax.axhline(0.6, color="#bbbbbb", linewidth=0.8, linestyle=":")
        ax.set_ylabel("kappa")  # the section title says: with this reference
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        self.progress.draw_idle()

    # --- choosing an item -----------------------------------------------------------------

    def _item_chosen(self, row: QTreeWidgetItem, _column: int = 0) -> None:
        index = row.data(1, Qt.ItemDataRole.UserRole)
        self._select(self._shown[int(index)])

    def _select(self, item: FeedbackItem) -> None:
        self._selected = item
        self._draw_timeline()
        self.seek_requested.emit(int(item.time_ms))

    def _timeline_clicked(self, event: object) -> None:
        x = getattr(event, "x", None)
        ydata = getattr(event, "ydata", None)
        axes = getattr(event, "inaxes", None)
        if axes is None or x is None or ydata is None:
            return
        row_y = REFERENCE_ROW if ydata >= 0.5 else ATTEMPT_ROW
        best: tuple[float, FeedbackItem] | None = None
        for item in self.feedback.items:
            e = item.reference if row_y == REFERENCE_ROW else item.attempt
            if e is None:
                continue
            px = axes.transData.transform((e.time_ms, row_y))[0]
            distance = abs(px - x)
            if best is None or distance < best[0]:
                best = (distance, item)
        if best is not None and best[0] <= CLICK_SLOP_PX * self.devicePixelRatioF():
            self._select(best[1])
            self._highlight_in_list(best[1])

    def _highlight_in_list(self, item: FeedbackItem) -> None:
        if item not in self._shown:
            self.kind_filter.setCurrentIndex(0)
        row = self.items_list.topLevelItem(self._shown.index(item))
        if row is not None:
            self.items_list.setCurrentItem(row)
            self.items_list.scrollToItem(row)

    def row_of(self, kind: str, n: int = 0) -> QTreeWidgetItem | None:
        """The n-th list row of a kind (for tests and keyboard shortcuts)."""
        found = [i for i, item in enumerate(self._shown) if item.kind == kind]
        return self.items_list.topLevelItem(found[n]) if n < len(found) else None

    def shown_item(self, row: QTreeWidgetItem) -> FeedbackItem:
        return self._shown[int(row.data(1, Qt.ItemDataRole.UserRole))]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
