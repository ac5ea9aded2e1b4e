"""The coding window's side panels, prompts and charts: loaded after the window is usable.

The live agreement indicator (``ui.agreement_indicator``) joins the status bar at once in
a live coding that has co-observers' codings to compare with.

matplotlib and the prompt rules take about half a second to import: the window is drawn
first, the imports run in a thread, and the charts are built only when their tab is first
shown (an observer who never looks at them does not pay for them).
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea

from ui.agreement_indicator import AgreementIndicator
from ui.focus import leave_keys_to_entry
from ui.menus import chart_sources

if TYPE_CHECKING:
    from ui.charts_panel import ChartsPanel
    from ui.coding_window import CodingWindow

SIDE_MODULES = (
    "ui.prompt_panel",
    "observer.storage.read_coding",
)  # the charts load when first shown


class SidePanels(QObject):
    """Prompts and charts docked beside the process notes of one coding window."""

    def __init__(self, window: CodingWindow) -> None:
        super().__init__(window)
        self.window = window
        self.charts: ChartsPanel | None = None
        self._side_modules: threading.Thread | None = None
        self._charts_loading: threading.Thread | None = None
        self.agreement: AgreementIndicator | None = None
        info = window.recorder.info
        if info.clock_mode == "live" and not info.is_reference and info.practice_of_id is None:
            self.agreement = AgreementIndicator(window.recorder, window.now)
            window.statusBar().addPermanentWidget(self.agreement)
            window.closed.connect(self.agreement.stop)

    def preload_side_panels(self) -> None:
        """Import the side panels' modules (matplotlib: about half a second) in a thread.

        The window stays responsive meanwhile, so a key pressed at once is handled at once
        (and gets its own time); the panels are built here when the imports are done.
        """
        names = [n for n in SIDE_MODULES if importlib.util.find_spec(n) is not None]
        self._side_modules = threading.Thread(
            target=lambda: [importlib.import_module(n) for n in names], daemon=True
        )
        self._side_modules.start()
        self._poll_side_modules()

    def _poll_side_modules(self) -> None:
        if self._side_modules is not None and self._side_modules.is_alive():
            QTimer.singleShot(50, self._poll_side_modules)
            return
        self.load_side_panels()

    def load_side_panels(self) -> None:
        """Charts and prompts load after the window is usable (matplotlib is slow to import).

        Hook: ``ui.charts_panel.ChartsPanel(data_provider)`` and ``ui.prompt_panel.PromptPanel
        (recorder)`` are added as tabbed docks beside the notes when those modules exist.
        """
        docks = [self.window.notes_dock]
        if importlib.util.find_spec("ui.prompt_panel") is not None:
            from ui.prompt_panel import PromptPanel

            prompts = PromptPanel(self.window.recorder)
            leave_keys_to_entry(prompts)
            docks.append(self.window.dock_panel("Prompts", prompts, "promptsDock"))
        charts_dock = None
        if importlib.util.find_spec("ui.charts_panel") is not None:
            # Built when its tab is first shown: the charts need matplotlib (about 90 MB
            # and half a second), which an observer who never looks at them should not pay.
            # Scrolled, so that the charts' own minimum width does not widen the dock.
            self._charts_scroller = QScrollArea()
            self._charts_scroller.setWidgetResizable(True)
            self._charts_scroller.setFrameShape(QFrame.Shape.NoFrame)
            self._charts_scroller.setWidget(QLabel("Loading charts…"))
            charts_dock = self.window.dock_panel("Charts", self._charts_scroller, "chartsDock")
            docks.append(charts_dock)
        for dock in docks[1:]:
            self.window.tabifyDockWidget(docks[0], dock)
            self.window.view_menu.addAction(dock.toggleViewAction())
        docks[0].raise_()
        window = self.window
        window.resizeDocks([window.notes_dock], [window.side_width], Qt.Orientation.Horizontal)
        if charts_dock is not None:
            charts_dock.visibilityChanged.connect(self._charts_shown)

    def _charts_shown(self, shown: bool) -> None:
        """The charts tab came to the front: import the charts in a thread, then build them."""
        if not shown or self.charts is not None or self._charts_loading:
            return
        self._charts_loading = threading.Thread(
            target=lambda: importlib.import_module("ui.charts_panel"), daemon=True
        )
        self._charts_loading.start()
        self._poll_charts()

    def _poll_charts(self) -> None:
        if self._charts_loading is not None and self._charts_loading.is_alive():
            QTimer.singleShot(50, self._poll_charts)
            return
        from ui.charts_panel import ChartsPanel, recorder_source

        sources = chart_sources(self.window.recorder)
        self.charts = ChartsPanel(recorder_source(self.window.recorder), **sources)
        self._charts_scroller.setWidget(self.charts)
        leave_keys_to_entry(self._charts_scroller)
        self.window.notices.changed.connect(lambda _c: self.charts.schedule_refresh())
