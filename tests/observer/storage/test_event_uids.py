"""Every event carries a globally unique id, given once, when it is first written."""

from __future__ import annotations

import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

from observer.storage.store import Store, open_store
from observer.workspace.recording import Recorder
from tests.observer.helpers import old_coding, old_database, small_coding


def uids_of(path: Path) -> dict[int, str]:
    with closing(sqlite3.connect(path)) as conn:
        return {i: u for i, u in conn.execute("SELECT id, uid FROM events ORDER BY id")}


def test_a_database_at_0011_gives_every_event_its_own_uid(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old_database(path, "0011").dispose()
    with closing(sqlite3.connect(path)) as conn, conn:
        old_coding(conn)
        conn.executemany(
            "INSERT INTO events (coding_id, time_ms, code, actor, targets, modifiers, note, "
            "created_at) VALUES (1, ?, 'feedback', 'm1', '[]', '{}', '', '2026-01-01 10:00:00')",
            [(t,) for t in range(0, 50_000, 1000)],
        )
    open_store(path).close()
    uids = uids_of(path)
    assert len(uids) == 50
    assert len({str(uuid.UUID(u)) for u in uids.values()}) == 50
    assert all(uuid.UUID(u).version == 4 for u in uids.values())
    again = open_store(path)  # opening again gives no new ones
    again.close()
    assert uids_of(path) == uids


def test_recording_gives_each_new_event_a_uid_that_undo_and_redo_keep(store: Store) -> None:
    coding_id, people = small_coding(store)
    recorder = Recorder(store, coding_id)
    first = recorder.record(1000, "feedback", people["Jane"], [people["Sam"]])
    second = recorder.record(2000, "feedback", people["Sam"], [people["Jane"]])
    assert store.path is not None
    before = uids_of(store.path)
    assert len(set(before.values())) == 2
    recorder.delete([first.id])
    assert set(uids_of(store.path)) == {second.id}
    recorder.undo()  # the same event is back: same id, same uid
    assert uids_of(store.path) == before
    recorder.close()


def test_the_same_file_imported_twice_gets_new_uids_each_time(store: Store, tmp_path: Path) -> None:
    from observer.formats import export_coding
    from observer.formats.json_import import import_json

    coding_id, people = small_coding(store)
    recorder = Recorder(store, coding_id)
    for t in range(5):
        recorder.record(t * 1000, "feedback", people["Jane"], [people["Sam"]])
    recorder.close()
    exported = tmp_path / "coding.json"
    export_coding(store, coding_id, "json", exported)
    import_json(store, exported)
    import_json(store, exported)  # an import is a copy: its events are new events
    assert store.path is not None
    uids = list(uids_of(store.path).values())
    assert len(uids) == 15 == len(set(uids))
