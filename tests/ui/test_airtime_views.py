"""Airtime in the app: the Charts panel's Airtime tab and the group view's airtime course."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from observer.storage.read_coding import from_coding
from observer.storage.store import open_store
from observer.workspace.workspace import Workspace
from tests.observer.airtime_sessions import airtime_group
from ui.charts_panel import ChartsPanel
from ui.group_course_view import GroupCourseView


def texts(figure: Any) -> str:
    found = [t.get_text() for ax in figure.axes for t in ax.texts]
    found += [ax.get_title(loc=loc) for ax in figure.axes for loc in ("left", "center")]
    found += [t.get_text() for ax in figure.axes for t in ax.get_yticklabels()]
    found += [t.get_text() for ax in figure.axes if ax.get_legend() for t in ax.get_legend().texts]
    return " ".join(found + [t.get_text() for t in figure.texts])


def click_tab(qtbot: Any, tabs: Any, title: str) -> None:
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == title)
    qtbot.mouseClick(tabs.tabBar(), Qt.MouseButton.LeftButton,
                     pos=tabs.tabBar().tabRect(index).center())  # fmt: skip


def test_the_airtime_tab_draws_each_persons_speaking_time(qtbot: Any, tmp_path: Path) -> None:
    store = open_store(tmp_path / "group.sqlite3")
    airtime_group(store, sessions=1)
    panel = ChartsPanel(lambda: from_coding(store, 1), interval_ms=40)
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    click_tab(qtbot, panel.tabs, "Airtime")
    qtbot.waitUntil(lambda: panel.draw_counts["airtime"] == 1)
    drawn = texts(panel.charts["airtime"].figure)
    assert "Speaking time (Gini 0.60)" in drawn and "Who speaks after whom" in drawn
    assert "Jane" in drawn and "59%" in drawn  # 300 of 510 s


def test_the_group_view_shows_airtime_over_the_sessions(qtbot: Any, tmp_path: Path) -> None:
    store = open_store(tmp_path / "group.sqlite3")
    group_id, _keys = airtime_group(store)
    view = GroupCourseView(Workspace(store), group_id)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    click_tab(qtbot, view.tabs, "Airtime")
    drawn = texts(view.figures["airtime"])
    assert "Gini of the members' speaking time" in drawn
    assert all(g in drawn for g in ("0.60", "0.38", "0.09"))  # more equal session by session
    assert view.tabs.currentWidget() is view.canvases["airtime"]
