"""The rating grid: a session's paper forms typed in, one row per member, digits only.

Tab moves cell by cell along a row, then to the next member; a cell takes one answer on
the instrument's scale and nothing else. Each row shows its scale scores and whether the
form counts as you type (scored by the instrument, ``observer.domain.instrument``). Absent
members are shown and cannot be typed into. Save writes the whole session at once, or
nothing, with the refusal shown above the buttons.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator, QShowEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QWidget

from observer.domain.errors import Refused
from observer.domain.instrument import Answers, Instrument
from observer.workspace.changes import Kind
from observer.workspace.ratings import rating_sheet, save_session_forms
from observer.workspace.workspace import Workspace
from ui.dialogs.common import SetupDialog

CELL_WIDTH = 34


class RatingGrid(SetupDialog):
    """Every member's form of one session on one instrument, typed from the keyboard."""

    def __init__(
        self,
        workspace: Workspace,
        session_id: int,
        instrument: Instrument,
        observer: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Ratings — {instrument.name}", parent)
        self.workspace = workspace
        self.session_id = session_id
        self.instrument = instrument
        self.sheet = rating_sheet(workspace.store, session_id, instrument)
        self.observer = observer.strip()
        anchors = "   ".join(f"<b>{k}</b> {v}" for k, v in instrument.anchors.items())
        head = QLabel(
            f"<b>{self.sheet.title}</b> — {instrument.name}<br>"
            f"<span style='color:#444'>{anchors}</span><br>"
            f"<span style='color:#444'>Digits only; Tab moves to the next cell, Shift+Tab "
            f"back. A blank cell is an unanswered item; more than {instrument.max_missing} "
            f"blank and the form does not count.</span>"
        )
        head.setWordWrap(True)
        self.body.addWidget(head)

        grid = QGridLayout()
        grid.setHorizontalSpacing(3)
        grid.setVerticalSpacing(3)
        for col, item in enumerate(instrument.items, start=1):
            number = QLabel(str(item.number))
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            number.setToolTip(item.text)
            grid.addWidget(number, 0, col)
        grid.addWidget(QLabel("<b>Scores</b>"), 0, len(instrument.items) + 1)
        pattern = QRegularExpression(f"[{instrument.low}-{instrument.high}]")
        self._validator = QRegularExpressionValidator(pattern, self)
        # Row key: a member id, or "observer" for the observer's own form.
        self.cells: dict[int | str, list[QLineEdit]] = {}
        self.scores: dict[int | str, QLabel] = {}
        order: list[QLineEdit] = []
        rows: list[tuple[int | str, str, bool, Answers]] = [
            (r.member_id, r.label, r.present, r.answers) for r in self.sheet.rows
        ]
        if self.observer:
            blank: Answers = (None,) * len(instrument.items)
            answers = self.sheet.observer_forms.get(self.observer, blank)
            rows.append(("observer", f"Observer ({self.observer})", True, answers))
        for row, (key, label, present, answers) in enumerate(rows, start=1):
            name = QLabel(label if present else f"{label} — absent")
            if not present:
                name.setStyleSheet("color: #888;")
            grid.addWidget(name, row, 0)
            cells = []
            for col, (item, answer) in enumerate(zip(instrument.items, answers, strict=True), 1):
                cell = QLineEdit("" if answer is None else str(answer))
                cell.setValidator(self._validator)
                cell.setMaxLength(len(str(instrument.high)))
                cell.setFixedWidth(CELL_WIDTH)
                cell.setAlignment(Qt.AlignmentFlag.AlignCenter)
                cell.setAccessibleName(f"{label}, item {item.number}")
                cell.setToolTip(f"{item.number}. {item.text}")
                cell.setEnabled(present)
                cell.textChanged.connect(lambda _t, k=key: self._rescore(k))
                grid.addWidget(cell, row, col)
                cells.append(cell)
                if present:
                    order.append(cell)
            self.cells[key] = cells
            score = QLabel("")
            score.setMinimumWidth(260)
            grid.addWidget(score, row, len(instrument.items) + 1)
            self.scores[key] = score
            self._rescore(key)
        self.body.addLayout(grid)
        self.body.addStretch(1)
        # Along a row, then the next member's row (once the cells are in this window).
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)
        self.finish_layout("Save ratings")
        # Typing starts in the first form's first cell, however the grid was opened.
        self.first_cell = order[0] if order else None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.first_cell is not None:
            self.first_cell.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def answers(self, key: int | str) -> Answers:
        """A row as typed: a number per filled cell, None per blank one."""
        return tuple(int(c.text()) if c.text() else None for c in self.cells[key])

    def _rescore(self, key: int | str) -> None:
        label = self.scores.get(key)
        if label is None:
            return
        answers = self.answers(key)
        if all(a is None for a in answers):
            label.setText("<span style='color:#888'>no form</span>")
            return
        try:
            score = self.instrument.score(answers)
        except Refused as exc:
            label.setText(f"<span style='color:#b42318'>{exc}</span>")
            return
        parts = "  ".join(
            f"{s.label} {'—' if (v := score.scales[s.id]) is None else f'{v:.1f}'}"
            for s in self.instrument.scales
        )
        verdict = (
            ""
            if score.valid
            else f" <b style='color:#b42318'>{score.missing} blank: not counted</b>"
        )
        label.setText(parts + verdict)

    def make(self) -> int:
        forms = {k: self.answers(k) for k in self.cells if isinstance(k, int)}
        observer = (self.observer, self.answers("observer")) if self.observer else None

        def write(store: object) -> None:
            save_session_forms(
                self.workspace.store, self.session_id, self.instrument, forms, observer
            )

        self.workspace.run("Enter ratings", write, changed={Kind.SESSION: (self.session_id,)})
        return self.session_id
