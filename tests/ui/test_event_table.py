"""The event list: a well-behaved Qt model over the recorder, edited through the core."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import stored_events
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from observer.domain.events import Event
from observer.storage.event_rows import insert_events
from observer.workspace.recording import Recorder
from ui.event_table import ACTOR, CODE, MODIFIERS, NOTE, TARGET, TIME, EventTable, EventTableModel


@pytest.fixture
def recorder(demo_store: Any, fresh_coding: int) -> Any:
    people = ["m1", "m2", "m3", "m4"]
    events = [
        Event(
            0, 1000 * i, "feedback", people[i % 4], (people[(i + 1) % 4],), {"valence": "positive"}
        )
        for i in range(20)
    ]
    insert_events(demo_store, fresh_coding, events)
    rec = Recorder(demo_store, fresh_coding)
    yield rec
    rec.close()


@pytest.fixture
def model(recorder: Recorder, qtmodeltester: Any) -> EventTableModel:
    m = EventTableModel(recorder)
    qtmodeltester.check(m)
    return m


def test_model_passes_the_model_tester_through_changes(
    recorder: Recorder, model: EventTableModel, qtmodeltester: Any
) -> None:
    qtmodeltester.check(model, force_py=True)
    recorder.record(500, "support", "m2", ("m1",))  # lands between rows 0 and 1
    assert model.event_at(1).code == "support"
    recorder.edit(model.event_at(0).id, time_ms=30_000)  # moves to the end
    assert model.event_at(model.rowCount() - 1).time_ms == 30_000
    recorder.delete([model.event_at(2).id])
    qtmodeltester.check(model, force_py=True)
    assert [model.event_at(r).id for r in range(model.rowCount())] == [
        e.id for e in recorder.events
    ]


def test_inserts_are_rows_not_resets(
    recorder: Recorder, model: EventTableModel, qtbot: Any
) -> None:
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsInserted) as got:
        recorder.record(99_000, "question", "m1", ("group",))
    assert got.args[1] == got.args[2] == model.rowCount() - 1


def test_display_is_for_people(model: EventTableModel) -> None:
    index = model.index(0, 0)
    row = [model.data(index.siblingAtColumn(c)) for c in (TIME, ACTOR, TARGET, CODE, MODIFIERS)]
    assert row == ["00:00.0", "Jane", "Sam", "Feedback", "Positive"]


def test_setdata_edits_through_the_recorder(
    recorder: Recorder, model: EventTableModel, demo_store: Any
) -> None:
    first = model.event_at(0)
    assert model.setData(model.index(0, NOTE), "said while looking at the floor")
    assert model.setData(model.index(0, MODIFIERS), "negative")
    assert model.setData(model.index(0, TARGET), "Priya")
    [stored] = [e for e in stored_events(demo_store, recorder.coding_id) if e.id == first.id]
    assert stored.note == "said while looking at the floor"
    assert dict(stored.modifiers) == {"valence": "negative"} and stored.targets == ("m3",)
    assert recorder.can_undo and recorder.undo_label == "Edit targets"


def test_a_refused_edit_changes_nothing_and_says_why(
    recorder: Recorder, model: EventTableModel, qtbot: Any
) -> None:
    with qtbot.waitSignal(model.error) as got:
        assert not model.setData(model.index(0, TARGET), "")  # feedback needs a target
    assert "needs a target" in got.args[0]
    with qtbot.waitSignal(model.error):
        assert not model.setData(model.index(0, TIME), "soon")
    assert model.event_at(0).targets == ("m2",)


def test_time_is_edited_as_text(
    recorder: Recorder, model: EventTableModel, demo_store: Any
) -> None:
    event_id = model.event_at(0).id
    assert model.setData(model.index(0, TIME), "1:02.5")
    assert recorder.event(event_id).time_ms == 62_500
    assert model.row_of(event_id) == model.rowCount() - 1  # it moved to its new place


def test_the_delegate_offers_the_people_of_the_session(model: EventTableModel, qtbot: Any) -> None:
    view = EventTable(model)
    qtbot.addWidget(view)
    view.show()
    index = model.index(0, ACTOR)
    view.setCurrentIndex(index)
    view.edit(index)
    combo = view.findChild(QComboBox)
    assert combo is not None and combo.currentText() == "Jane"
    combo.setCurrentIndex(combo.findText("Tom"))
    view.itemDelegate().setModelData(combo, model, index)
    assert model.data(index) == "Tom"


def test_delete_key_deletes_the_selected_rows(
    recorder: Recorder, model: EventTableModel, qtbot: Any, demo_store: Any
) -> None:
    view = EventTable(model)
    view.delete_requested.connect(recorder.delete)
    qtbot.addWidget(view)
    view.show()
    gone = {model.event_at(3).id, model.event_at(4).id}
    view.selectRow(3)
    view.selectionModel().select(
        model.index(4, 0),
        view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows,
    )
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert not gone & {e.id for e in stored_events(demo_store, recorder.coding_id)}
    assert model.rowCount() == 18 and recorder.undo_label == "Delete 2 events"


def test_a_late_entry_is_brought_into_view(window: Any, qtbot: Any) -> None:
    """An event recorded earlier in time than the rows in view is shown where it lands."""
    recorder, table = window.recorder, window.table
    jane, sam = (p.key for p in recorder.info.participants[:2])
    for i in range(60):
        recorder.record(600_000 + i * 1_000, "question", jane, [sam])
    qtbot.waitUntil(lambda: table.model().rowCount() == 60)
    late = recorder.record(5_000, "support", sam, [jane])
    row = next(r for r in range(60 + 1) if table.model().event_at(r).id == late.id)
    qtbot.waitUntil(
        lambda: table.viewport().rect().intersects(table.visualRect(table.model().index(row, 0)))
    )


def test_rows_end_on_the_list_background_not_the_window_colour(
    recorder: Recorder, qtbot: Any
) -> None:
    """The list's own viewport (made for speed) keeps the white list background below rows."""
    table = EventTable(EventTableModel(recorder))
    qtbot.addWidget(table)
    table.resize(500, 700)  # taller than 20 rows
    table.show()
    qtbot.waitExposed(table)
    image = table.viewport().grab().toImage()
    below = image.pixelColor(image.width() // 2, image.height() - 5)
    assert below == table.palette().color(table.palette().ColorRole.Base)
    assert below != table.palette().color(table.palette().ColorRole.Window)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(
        table.model_.index(3, TIME)).center())  # fmt: skip
    assert table.selected_ids() == [recorder.events[3].id]
