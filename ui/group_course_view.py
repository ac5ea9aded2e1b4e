"""The group view: a group's course over its sessions, with the flags to look at first.

A thin Qt skin over ``observer.workspace.group_course``: the sessions table, the trends,
the climate and the members across sessions, the same charts the course report prints.
From here the leader opens the rating grid for a session and writes the course report.
It redraws when a change to the database is announced (a form saved, a coding recorded).
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from observer.analysis.trends import raters_line
from observer.charts.airtime_course import draw_airtime_course
from observer.charts.course import draw_climate, draw_member_course
from observer.charts.trends import draw_trends
from observer.domain.errors import ObserverError
from observer.domain.instrument_file import find_instrument
from observer.workspace.changes import ChangeSet, Kind
from observer.workspace.group_course import GroupCourse, group_course
from observer.workspace.groups import list_sessions
from observer.workspace.workspace import Workspace
from ui import style

REFRESH_MS = 2000


class GroupCourseView(QWidget):
    """One group across its sessions; ``course`` is what is shown now."""

    def __init__(self, workspace: Workspace, group_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        style.dress(self)
        self.workspace = workspace
        self.group_id = group_id
        self.course: GroupCourse | None = None
        self.grid: QWidget | None = None
        self.setWindowTitle("Course of the group")

        self.heading = QLabel("")
        self.flags = QLabel("")
        self.flags.setWordWrap(True)
        self.session_choice = QComboBox()
        self.session_choice.setAccessibleName("Session to rate")
        self.rate_button = QPushButton("Enter &ratings…")
        self.rate_button.clicked.connect(lambda: self.open_grid())
        self.report_button = QPushButton("Course &report…")
        self.report_button.clicked.connect(lambda: self.write_report())
        bar = QHBoxLayout()
        bar.addWidget(self.heading, 1)
        bar.addWidget(QLabel("Session:"))
        bar.addWidget(self.session_choice)
        bar.addWidget(self.rate_button)
        bar.addWidget(self.report_button)

        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "Sessions")
        self.figures: dict[str, Figure] = {}
        self.canvases: dict[str, FigureCanvasQTAgg] = {}
        for name, title in (("trends", "Trends"), ("climate", "Climate"), ("members", "Members")):
            figure = Figure(figsize=(11, 5.5))
            canvas = FigureCanvasQTAgg(figure)
            self.figures[name], self.canvases[name] = figure, canvas
            self.tabs.addTab(canvas, title)
        self._add_airtime_tab()

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.flags)
        layout.addWidget(self.tabs, 1)
        # A year of sessions takes a moment to read: while a coding is recorded, changes
        # are gathered and the view reads the course once they pause.
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(REFRESH_MS)
        self._later.timeout.connect(self.refresh)
        self._unsubscribe = workspace.subscribe(self._changed)
        self.destroyed.connect(lambda *_: self._unsubscribe())
        self.refresh()

    def refresh(self) -> None:
        """Read the group's course afresh and redraw everything."""
        course = group_course(self.workspace.store, self.group_id)
        self.course = course
        self.heading.setText(f"<b>{course.group}</b> — {len(course.sessions)} coded sessions")
        # On a server: what this reading of it lacks, above the flags.
        behind = f"Left out: {course.not_on_server}<br>" if course.not_on_server else ""
        if course.flags:
            lines = "<br>".join(f"⚑ {f.sentence()}" for f in course.flags[-6:])
            more = len(course.flags) - 6
            tail = f"<br>… {more} earlier flags in the report." if more > 0 else ""
            self.flags.setText(f"<span style='color:#b42318'>{behind}{lines}{tail}</span>")
        else:
            none = "<span style='color:#444'>No flags.</span>"
            self.flags.setText(f"<span style='color:#b42318'>{behind}</span>{none}")
        chosen = self.session_choice.currentData()
        self.session_choice.clear()
        for s in list_sessions(self.workspace.store, self.group_id):
            self.session_choice.addItem(f"Session {s.number}", s.id)
        if chosen is not None:
            self.session_choice.setCurrentIndex(max(0, self.session_choice.findData(chosen)))
        self._fill_table(course)
        low, high = (course.instrument.low, course.instrument.high) if course.instrument else (0, 6)
        draw_trends(self.figures["trends"], course.sessions)
        draw_climate(
            self.figures["climate"], course.sessions, course.scales, course.flags, low, high
        )
        draw_member_course(self.figures["members"], course.sessions)
        draw_airtime_course(self.figures["airtime"], course.airtime)
        for canvas in self.canvases.values():
            canvas.draw_idle()

    def _add_airtime_tab(self) -> None:
        """Speaking time per member over the sessions, and its Gini (docs/airtime.md)."""
        figure = Figure(figsize=(11, 5.5))
        canvas = FigureCanvasQTAgg(figure)
        canvas.setObjectName("airtimeCourse")
        self.figures["airtime"], self.canvases["airtime"] = figure, canvas
        self.tabs.addTab(canvas, "Airtime")

    def _fill_table(self, course: GroupCourse) -> None:
        scales = course.scales
        # Each scale: the members' mean, then the leaders' and observers' own scores beside it.
        climate = [h for label in scales.values() for h in (label, f"{label}: leaders, observers")]
        header = ["Session", "Events", "Density", "Gini", "Feedback 2+ peers", *climate]
        self.table.setColumnCount(len(header))
        self.table.setHorizontalHeaderLabels(header)
        self.table.setRowCount(len(course.sessions))
        for row, s in enumerate(course.sessions):
            means = s.climate_mean
            values = [
                s.label,
                str(s.events),
                f"{s.density:.2f}",
                f"{s.participation_gini:.2f}",
                f"{s.consensual_validation:.0%}",
                *(
                    cell
                    for k in scales
                    for cell in (_score(means.get(k)), raters_line(s.raters, k))
                ),
            ]
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()

    def _changed(self, changes: ChangeSet) -> None:
        if changes.touches(Kind.EVENT):
            self._later.start()  # recording: once the keys pause
        elif changes.touches(Kind.SESSION, Kind.CODING, Kind.MEMBER, Kind.GROUP):
            self._later.stop()
            self.refresh()  # a form saved, a record corrected: at once

    def open_grid(self, session_id: int | None = None) -> QWidget:
        """The rating grid of the chosen session (GCQ-S unless the group uses another)."""
        from ui.dialogs.rating_grid import RatingGrid

        chosen = session_id if session_id is not None else self.session_choice.currentData()
        instrument = self.course.instrument if self.course and self.course.instrument else None
        self.grid = RatingGrid(
            self.workspace, int(chosen), instrument or find_instrument("gcq-s"), parent=self
        )
        self.grid.open()
        return self.grid

    def write_report(self, path: Path | None = None) -> None:
        """Write the course report, asking where unless told."""
        from observer.course_report import write_course_report

        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Course report", "course-of-the-group.pdf", "PDF (*.pdf)"
            )
            if not chosen:
                return
            path = Path(chosen)
        try:
            assert self.course is not None
            pages = write_course_report(self.course, path)
        except ObserverError as exc:
            QMessageBox.warning(self, "Course report", str(exc))
            return
        self.heading.setText(f"{self.heading.text()} — wrote {path.name} ({pages} pages)")


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
