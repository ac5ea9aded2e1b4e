"""Phase marks and process notes can be corrected: undone in order with events, renamed,
moved, edited, deleted, every correction audited, and the phases follow at once."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from observer.domain.errors import InputError, NotFound
from observer.domain.phases import PhaseMark
from observer.storage.coding_info import coding_info
from observer.storage.store import Store, open_store
from observer.workspace.changes import ChangeSet, Kind, notices_of
from observer.workspace.recording import Recorder
from tests.observer.helpers import old_coding, old_database, small_coding


def stored(store: Store, sql: str) -> list[tuple[Any, ...]]:
    """Read afresh, on a connection of the test's own."""
    assert store.path is not None
    with closing(sqlite3.connect(store.path)) as conn:
        return list(conn.execute(sql))


def notes_on_disk(store: Store) -> list[tuple[Any, ...]]:
    return stored(store, "SELECT id, time_ms, text, kind FROM process_notes ORDER BY time_ms, id")


def test_undo_takes_back_notes_and_phase_marks_in_order_with_events(store: Store) -> None:
    coding_id, k = small_coding(store)
    recorder = Recorder(store, coding_id)
    recorder.record(1000, "feedback", k["Jane"], [k["Sam"]])
    recorder.mark_phase("work", 2000)
    note = recorder.add_note("Sam looks away", 3000)
    recorder.record(4000, "question", k["Sam"], [k["Jane"]])
    assert recorder.undo_label == "Record Question"
    recorder.undo()
    assert recorder.undo_label == "Add note"
    assert [e.time_ms for e in recorder.events] == [1000]
    recorder.undo()
    assert notes_on_disk(store) == [(stored(store, "SELECT id FROM process_notes")[0][0],
                                     2000, "work", "phase")]  # fmt: skip
    assert recorder.undo_label == "Mark phase work"
    recorder.undo()
    assert notes_on_disk(store) == [] and recorder.info.phase_marks == ()
    assert recorder.undo_label == "Record Feedback"
    recorder.redo()
    recorder.redo()  # the note is back as itself: the same id
    assert [n.id for n in recorder.notes() if n.kind == "note"] == [note]
    assert [(t, x) for _, t, x, _ in notes_on_disk(store)] == [
        (2000, "work"),
        (3000, "Sam looks away"),
    ]
    assert recorder.info.phase_marks == (PhaseMark(2000, "work"),)
    recorder.redo()
    assert [e.time_ms for e in recorder.events] == [1000, 4000]
    recorder.close()


def test_a_new_event_after_undoing_a_note_clears_the_redo(store: Store) -> None:
    coding_id, k = small_coding(store)
    recorder = Recorder(store, coding_id)
    recorder.add_note("first impression", 500)
    recorder.undo()
    assert recorder.redo_label == "Add note"
    recorder.record(1000, "feedback", k["Jane"], [k["Sam"]])
    assert not recorder.can_redo
    recorder.close()


def test_renaming_moving_and_deleting_a_phase_mark_are_audited_and_followed(
    store: Store,
) -> None:
    coding_id, _ = small_coding(store)
    recorder = Recorder(store, coding_id, "MB")
    heard: list[ChangeSet] = []
    notices_of(store).subscribe(heard.append)
    recorder.mark_phase("check-in", 0)
    recorder.mark_phase("wrok", 600_000)
    [_, work] = [n.id for n in recorder.notes()]
    recorder.rename_phase(work, "work")
    assert recorder.undo_label == "Rename phase wrok to work"
    recorder.move_phase(work, 540_000)
    assert recorder.info.phase_marks == (PhaseMark(0, "check-in"), PhaseMark(540_000, "work"))
    # What a chart or filter reads from the database now: the corrected marks.
    assert coding_info(store, coding_id).phase_marks == recorder.info.phase_marks
    assert heard[-1].touches(Kind.NOTE) and heard[-1].ids(Kind.NOTE) == (work,)
    recorder.delete_note(work)
    assert heard[-1].removed[Kind.NOTE] == (work,)
    assert coding_info(store, coding_id).phase_marks == (PhaseMark(0, "check-in"),)
    audit = stored(store, 'SELECT action, who, "before", "after" FROM note_audit ORDER BY id')
    assert [(a, w) for a, w, *_ in audit] == [("edit", "MB"), ("edit", "MB"), ("delete", "MB")]
    assert [json.loads(b)["text"] for _, _, b, _ in audit] == ["wrok", "work", "work"]
    assert json.loads(audit[1][3]) == {"time_ms": 540_000, "text": "work", "kind": "phase"}
    assert audit[2][3] is None
    recorder.undo()  # the mark is back as itself, and that is audited too
    assert [n.id for n in recorder.notes()][-1] == work
    assert stored(store, "SELECT action FROM note_audit ORDER BY id")[-1] == ("restore",)
    assert coding_info(store, coding_id).phase_marks[-1] == PhaseMark(540_000, "work")
    recorder.close()


def test_a_note_is_edited_and_deleted_and_the_audit_names_it_by_uid(store: Store) -> None:
    coding_id, _ = small_coding(store)
    recorder = Recorder(store, coding_id)
    note = recorder.add_note("Jane silent", 61_000)
    recorder.edit_note(note, text="Jane silent since the break", time_ms=60_000)
    assert notes_on_disk(store) == [(note, 60_000, "Jane silent since the break", "note")]
    assert stored(store, "SELECT edited_at IS NOT NULL FROM process_notes") == [(1,)]
    recorder.edit_note(note, time_ms=None)  # about the whole session
    recorder.delete_note(note)
    assert notes_on_disk(store) == []
    [(uid,)] = stored(store, "SELECT DISTINCT note_uid FROM note_audit")
    recorder.undo()
    assert stored(store, "SELECT uid FROM process_notes") == [(uid,)]
    recorder.close()


def test_bad_corrections_are_refused_and_change_nothing(store: Store) -> None:
    coding_id, _ = small_coding(store)
    recorder = Recorder(store, coding_id)
    mark = recorder.mark_phase("work", 1000)
    phase = recorder.notes()[0].id
    note = recorder.add_note("a note", 2000)
    before = notes_on_disk(store)
    with pytest.raises(InputError, match="needs a name"):
        recorder.rename_phase(phase, "  ")
    with pytest.raises(InputError, match="needs a time"):
        recorder.edit_note(phase, time_ms=None)
    with pytest.raises(InputError, match="is empty"):
        recorder.edit_note(note, text=" ")
    with pytest.raises(InputError, match="not a phase mark"):
        recorder.rename_phase(note, "work")
    with pytest.raises(NotFound):
        recorder.delete_note(note + 100)
    assert notes_on_disk(store) == before
    assert recorder.info.phase_marks == (mark,)
    assert stored(store, "SELECT count(*) FROM note_audit") == [(0,)]
    recorder.close()


def test_a_database_at_0013_gains_note_uids_and_the_note_audit(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old_database(path, "0013").dispose()
    with closing(sqlite3.connect(path)) as conn, conn:
        old_coding(conn)
        conn.executemany(
            "INSERT INTO process_notes (coding_id, time_ms, text, kind, created_at) "
            "VALUES (1, ?, ?, ?, '2026-01-01 10:00:00')",
            [(0, "check-in", "phase"), (5000, "quiet start", "note")],
        )
    store = open_store(path)
    try:
        uids = stored(store, "SELECT uid FROM process_notes")
        assert len({u for (u,) in uids}) == 2 and all(len(u) == 36 for (u,) in uids)
        recorder = Recorder(store, 1)
        [phase, note] = recorder.notes()
        recorder.rename_phase(phase.id, "arrival")
        recorder.delete_note(note.id)
        assert stored(store, "SELECT action FROM note_audit ORDER BY id") == [
            ("edit",),
            ("delete",),
        ]
        recorder.close()
    finally:
        store.close()
