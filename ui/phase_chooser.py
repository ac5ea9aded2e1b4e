"""The charts' phase chooser: the whole session, one of its thirds, or a marked phase.

It sits beside the from/to times and names a window; the window itself comes from
``observer.domain.phases.phase_window``, as on the command line, so a third or a phase
is cut the same way everywhere.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from observer.domain.coding_data import CodingData
from observer.domain.errors import InputError
from observer.domain.phases import THIRDS, Phase, named_phases, phase_window
from ui.dialogs.common import refill

WHOLE = ""


class PhaseChooser(QComboBox):
    """Items carry "third:N" or "phase:NAME"; the first, the whole session, carries ""."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Phase")
        self.setToolTip("only a third of the session, or a phase marked with F6")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.addItem("whole session", WHOLE)

    @property
    def chosen(self) -> bool:
        return bool(self.currentData())

    def fill(self, data: CodingData) -> None:
        """The coding's thirds and marked phases (what was chosen stays chosen if there)."""
        items = [(f"third {n}", f"third:{n}") for n in THIRDS]
        items += [(f"phase: {p.name}", f"phase:{p.name}") for p in named_phases(data.phase_marks)]
        if [self.itemData(i) for i in range(1, self.count())] == [v for _, v in items]:
            return
        refill(self, ("whole session", WHOLE), items)

    def phase_of(self, data: CodingData | None) -> Phase | None:
        """The chosen phase's times in this coding (None: the whole session)."""
        value = self.currentData() or WHOLE
        if data is None or not value:
            return None
        kind, _, name = value.partition(":")
        try:
            if kind == "third":
                return phase_window((), data.duration_ms, third=int(name))
            return phase_window(data.phase_marks, data.duration_ms, phase=name)
        except InputError:
            return None  # a phase no longer there: the whole session
