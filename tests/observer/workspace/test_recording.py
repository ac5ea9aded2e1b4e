"""Recording: durable events, states, edits, undo/redo, audit trail and change notices."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from observer.domain.errors import InputError
from observer.domain.events import Changes
from observer.storage.models import CodedEvent, ProcessNote
from observer.workspace.recording import Recorder, audit_trail, event_history
from tests.observer.helpers import small_coding


def stored(store, coding_id: int) -> list[tuple]:
    with store.reader() as s:
        rows = s.scalars(
            select(CodedEvent).where(CodedEvent.coding_id == coding_id).order_by(CodedEvent.time_ms)
        )
        return [(e.time_ms, e.code, e.actor, tuple(e.targets), e.end_ms) for e in rows]


@pytest.fixture
def desk(store):
    coding_id, keys = small_coding(store)
    recorder = Recorder(store, coding_id)
    yield recorder, keys
    recorder.close()


def test_an_event_is_in_the_database_when_record_returns(desk, store) -> None:
    recorder, k = desk
    event = recorder.record(1_500, "feedback", k["Jane"], [k["Sam"]], {"valence": "positive"})
    assert event.id > 0
    assert stored(store, recorder.coding_id) == [(1_500, "feedback", k["Jane"], (k["Sam"],), None)]


def test_listeners_hear_only_after_the_commit(desk, store) -> None:
    recorder, k = desk
    seen: list[list[tuple]] = []

    def listener(changes: Changes) -> None:
        # What a view would show must already be durable when the notice arrives.
        seen.append(stored(store, recorder.coding_id))

    recorder.subscribe(listener)
    recorder.record(2_000, "support", k["Sam"], [k["Jane"]])
    assert seen == [[(2_000, "support", k["Sam"], (k["Jane"],), None)]]


def test_modifier_defaults_are_filled_in(desk) -> None:
    recorder, k = desk
    event = recorder.record(0, "self-disclosure", k["Jane"], ["group"])
    assert event.modifiers == {"intensity": "medium"}


@pytest.mark.parametrize(
    ("code", "targets", "modifiers", "message"),
    [
        ("no-such-code", [], {}, "unknown code 'no-such-code'"),
        ("feedback", [], {}, "needs a target"),
        ("withdrawal", ["group"], {}, "takes no target"),
        ("feedback", ["m999"], {}, "'m999' is not a member"),
        ("feedback", ["SELF"], {}, "own target"),
        ("feedback", ["group"], {"valence": "lukewarm"}, "not a value"),
        ("feedback", ["group"], {"intensity": "high"}, "no modifier"),
    ],
)
def test_bad_events_are_refused_and_nothing_is_written(
    desk, store, code, targets, modifiers, message
) -> None:
    recorder, k = desk
    targets = [k["Jane"] if t == "SELF" else t for t in targets]
    with pytest.raises(InputError, match=message):
        recorder.record(1_000, code, k["Jane"], targets, modifiers)
    assert stored(store, recorder.coding_id) == []
    assert recorder.events == []


def test_an_event_before_the_session_start_is_refused(desk) -> None:
    recorder, k = desk
    with pytest.raises(InputError, match="before the session"):
        recorder.record(-5, "question", k["Jane"], [k["Sam"]])


def test_basic_assumption_states_are_exclusive(desk, store) -> None:
    recorder, _ = desk
    recorder.record(0, "work", "group")
    recorder.record(60_000, "fight-flight", "group")
    recorder.record(90_000, "dependency", "group")
    assert stored(store, recorder.coding_id) == [
        (0, "work", "group", (), 60_000),
        (60_000, "fight-flight", "group", (), 90_000),
        (90_000, "dependency", "group", (), None),
    ]
    current = recorder.current_state("basic-assumption", "group")
    assert current is not None and current.code == "dependency"


def test_a_running_state_stops_when_recorded_again(desk, store) -> None:
    recorder, k = desk
    recorder.record(10_000, "withdrawal", k["Tom"])
    recorder.record(40_000, "withdrawal", k["Tom"])
    assert stored(store, recorder.coding_id) == [(10_000, "withdrawal", k["Tom"], (), 40_000)]
    assert recorder.running_states() == []


def test_undo_and_redo_of_record_edit_delete(desk, store) -> None:
    recorder, k = desk
    first = recorder.record(1_000, "question", k["Jane"], [k["Sam"]])
    recorder.edit(first.id, code="feedback", note="warm")
    assert recorder.undo_label == "Edit code, note"
    recorder.delete([first.id])
    assert stored(store, recorder.coding_id) == []

    recorder.undo()  # the deletion
    assert stored(store, recorder.coding_id) == [(1_000, "feedback", k["Jane"], (k["Sam"],), None)]
    assert recorder.event(first.id).note == "warm"
    recorder.undo()  # the edit
    assert stored(store, recorder.coding_id)[0][1] == "question"
    recorder.undo()  # the recording
    assert stored(store, recorder.coding_id) == []
    assert not recorder.can_undo

    recorder.redo()
    recorder.redo()
    assert stored(store, recorder.coding_id) == [(1_000, "feedback", k["Jane"], (k["Sam"],), None)]
    assert recorder.events[0].id == first.id  # the same row comes back
    recorder.redo()
    assert stored(store, recorder.coding_id) == []
    assert not recorder.can_redo


def test_undo_of_a_state_switch_restarts_the_previous_state(desk, store) -> None:
    recorder, _ = desk
    recorder.record(0, "work", "group")
    recorder.record(30_000, "pairing", "group")
    recorder.undo()
    assert stored(store, recorder.coding_id) == [(0, "work", "group", (), None)]


def test_a_new_change_clears_redo(desk) -> None:
    recorder, k = desk
    recorder.record(1_000, "question", k["Jane"], [k["Sam"]])
    recorder.undo()
    recorder.record(2_000, "support", k["Sam"], [k["Jane"]])
    assert not recorder.can_redo


def test_edits_deletions_and_restorations_are_audited(desk, store) -> None:
    recorder, k = desk
    event = recorder.record(1_000, "question", k["Jane"], [k["Sam"]])
    recorder.edit(event.id, time_ms=1_400)
    recorder.delete([event.id])
    recorder.undo()
    trail = audit_trail(store, recorder.coding_id)
    assert [(a.action, a.who) for a in trail] == [
        ("edit", "RK"),
        ("delete", "RK"),
        ("restore", "RK"),
    ]
    assert trail[0].before["time_ms"] == 1_000 and trail[0].after["time_ms"] == 1_400
    assert trail[1].before["code"] == "question" and trail[1].after is None
    assert [a.action for a in event_history(store, event.id)] == ["edit", "delete", "restore"]


def test_events_stay_in_time_order(desk) -> None:
    recorder, k = desk
    for t in (5_000, 1_000, 3_000):
        recorder.record(t, "question", k["Jane"], [k["Sam"]])
    moved = recorder.events[0]
    recorder.edit(moved.id, time_ms=9_000)
    assert [e.time_ms for e in recorder.events] == [3_000, 5_000, 9_000]


def test_a_reopened_coding_shows_every_event(desk, store) -> None:
    recorder, k = desk
    recorder.record(1_000, "question", k["Jane"], [k["Sam"]])
    recorder.record(0, "work", "group")
    again = Recorder(store, recorder.coding_id, read_only=True)
    assert [(e.time_ms, e.code) for e in again.events] == [(0, "work"), (1_000, "question")]
    again.close()


def test_clock_state_survives_for_resuming(desk, store) -> None:
    recorder, _ = desk
    recorder.resume_clock_at(125_000, running=True)
    again = Recorder(store, recorder.coding_id, read_only=True)
    assert again.saved_clock.was_running
    assert again.saved_clock.elapsed_if_continued() >= 125_000
    recorder.pause_clock()
    paused = Recorder(store, recorder.coding_id, read_only=True)
    assert not paused.saved_clock.was_running
    again.close()
    paused.close()


def test_process_notes_are_durable_and_timestamped(desk, store) -> None:
    recorder, _ = desk
    recorder.add_note("Jane looked at Dr Lee after each disclosure", 95_000)
    with store.reader() as s:
        notes = list(s.scalars(select(ProcessNote)))
    assert [(n.time_ms, n.kind) for n in notes] == [(95_000, "note")]
    assert recorder.notes()[0].text.startswith("Jane looked")
    with pytest.raises(InputError):
        recorder.add_note("   ")
