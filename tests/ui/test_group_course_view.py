"""The group view: a group's sessions, climate and flags; ratings entered from it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from observer.domain.instrument_file import find_instrument
from observer.workspace.groups import list_sessions
from observer.workspace.ratings import add_rating, session_forms
from observer.workspace.workspace import Workspace
from ui.group_course_view import GroupCourseView

GCQ = find_instrument("gcq-s")


def view(qtbot: Any, store: Any) -> GroupCourseView:
    shown = GroupCourseView(Workspace(store), 1)
    qtbot.addWidget(shown)
    shown.resize(1280, 800)
    shown.show()
    return shown


def column(table: Any, title: str) -> list[str]:
    titles = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    col = titles.index(title)
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_a_rating_typed_from_the_group_view_shows_in_it(qtbot: Any, demo_store: Any) -> None:
    sessions = [s.id for s in list_sessions(demo_store, 1)]
    for i, sid in enumerate(sessions[:3]):
        add_rating(demo_store, sid, GCQ, [5 - i] * 12, 1)  # Jane: Engaged 5, 4, 3
    shown = view(qtbot, demo_store)
    assert column(shown.table, "Session") == ["Session 1", "Session 2", "Session 3", "Session 4"]
    assert column(shown.table, "Engaged") == ["5.00", "4.00", "3.00", "—"]
    assert "Jane: engaged fell over Session 1, Session 2, Session 3" in shown.flags.text()

    shown.session_choice.setCurrentIndex(3)
    qtbot.mouseClick(shown.rate_button, Qt.MouseButton.LeftButton)
    grid = shown.grid
    assert grid is not None and grid.isVisible()
    for _ in range(12):  # Jane's form: all 2s
        here = grid.focusWidget()
        qtbot.keyClicks(here, "2")
        qtbot.keyClick(here, Qt.Key.Key_Tab)
    qtbot.mouseClick(
        grid.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    [form] = session_forms(demo_store, [sessions[3]])
    assert (form.member, form.answers) == ("Jane", (2,) * 12)
    assert column(shown.table, "Engaged")[3] == "2.00"  # redrawn on the change notice
    assert "Session 2, Session 3, Session 4" in shown.flags.text()


def test_recording_updates_the_view_once_the_keys_pause(qtbot: Any, demo_store: Any) -> None:
    from observer.workspace.recording import Recorder

    shown = view(qtbot, demo_store)
    before = int(column(shown.table, "Events")[0])
    recorder = Recorder(demo_store, 1)
    try:
        recorder.record(5_000, "feedback", "m1", ("m2",))
        assert int(column(shown.table, "Events")[0]) == before  # not on every key
        qtbot.waitUntil(lambda: int(column(shown.table, "Events")[0]) == before + 1, timeout=10_000)
    finally:
        recorder.close()


def test_the_group_view_and_the_rating_grid_open_from_the_start_screen(
    qtbot: Any, demo_store: Any
) -> None:
    from ui.start_screen import StartScreen

    screen = StartScreen(Workspace(demo_store))
    qtbot.addWidget(screen)
    screen.show()
    actions = screen.start_actions
    screen.tree.setCurrentItem(None)
    assert not actions.course.isEnabled() and actions.course.toolTip() == "Select a group first."
    third = [s.id for s in list_sessions(demo_store, 1)][2]
    screen.select("session", third)
    assert actions.course.isEnabled() and actions.ratings.isEnabled()
    actions.ratings.trigger()
    [shown] = [w for w in actions.windows if isinstance(w, GroupCourseView)]
    assert shown.isVisible() and shown.group_id == 1
    assert shown.grid is not None and shown.grid.isVisible()
    assert shown.grid.session_id == third
    actions.course.trigger()  # the same window again, not a second one
    assert [w for w in actions.windows if isinstance(w, GroupCourseView)] == [shown]


def test_the_leaders_and_observers_scores_stand_beside_the_members_mean(
    qtbot: Any, demo_store: Any, tmp_path: Any
) -> None:
    from observer.workspace.groups import get_group

    first = list_sessions(demo_store, 1)[0].id
    leader = next(m for m in get_group(demo_store, 1).members if m.pseudonym == "Dr Rivera")
    add_rating(demo_store, first, GCQ, [5] * 12, 1)  # Jane
    add_rating(demo_store, first, GCQ, [3] * 12, 2)  # Sam
    add_rating(demo_store, first, GCQ, [6] * 12, leader.id)
    add_rating(demo_store, first, GCQ, [1] * 12, observer="RK")
    shown = view(qtbot, demo_store)
    assert column(shown.table, "Engaged")[0] == "4.00"  # the members' mean alone
    beside = column(shown.table, "Engaged: leaders, observers")
    assert beside == ["Dr Rivera 6.00 · RK 1.00", "—", "—", "—"]
    shown.tabs.setCurrentIndex(2)  # the climate chart: the leader's and observer's lines
    qtbot.waitUntil(lambda: shown.canvases["climate"].isVisible())
    labels = shown.figures["climate"].axes[0].get_legend_handles_labels()[1]
    assert {"Dr Rivera (leader's form)", "RK (observer's form)"} <= set(labels)
    shown.grab().save(str(tmp_path / "group-view-climate.png"))
