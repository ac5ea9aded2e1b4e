"""An open coding window shows corrections made elsewhere: the coding renamed, people renamed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from observer.domain.participants import member_id_of
from observer.workspace.workspace import Workspace
from tests.observer.helpers import two_sams
from tests.ui.conftest import open_window


def test_renaming_the_coding_and_a_member_shows_in_the_open_window(
    store: Any, fake_time: Any, qtbot: Any
) -> None:
    coding_id, keys = two_sams(store)
    window = open_window(store, coding_id, fake_time, qtbot)
    model = window.model
    actors = [model.data(model.index(row, 1), Qt.ItemDataRole.DisplayRole)
              for row in range(model.rowCount())]  # fmt: skip
    assert "Sam (SM)" in " ".join(str(a) for a in actors)

    workspace = Workspace(store)
    workspace.edit_coding(coding_id, name="week 3, live")
    title = "Tuesday group, session 1 — week 3, live (RK)"
    assert window.windowTitle() == f"{title} — Group Process Observer"
    assert window.header.title.text() == title

    samira = member_id_of(keys["SM"])
    assert samira is not None
    workspace.edit_member(samira, pseudonym="Samira")
    names = [name for name, _present in window.timeline.track_names()]
    assert "Samira" in names and "Sam" in names and "Sam (SM)" not in names
    shown = " ".join(
        str(model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole))
        for row in range(model.rowCount())
        for column in range(model.columnCount())
    )
    assert "Samira" in shown and "Sam (SM)" not in shown
    assert "Samira" in [p.label for p in window.chart.people]


def test_moving_the_open_coding_to_its_right_session_shows_in_its_title(
    store: Any, fake_time: Any, qtbot: Any
) -> None:
    from observer.storage.coding_info import coding_info
    from observer.workspace.groups import add_session

    coding_id, _keys = two_sams(store)
    window = open_window(store, coding_id, fake_time, qtbot)
    second = add_session(store, coding_info(store, coding_id).group_id)
    Workspace(store).move_coding(coding_id, second)
    assert window.header.title.text() == "Tuesday group, session 2 — RK"
    assert window.recorder.info.session_id == second
