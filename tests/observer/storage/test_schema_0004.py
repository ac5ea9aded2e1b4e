"""Schema 0004: times in UTC, capacity per coding, event ids never given twice."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from observer.storage.store import Store, open_store
from observer.workspace.recording import Recorder, audit_trail
from tests.observer.helpers import old_database, small_coding
from tests.observer.storage.shapes import schema_of


@pytest.fixture
def berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This computer's clock in Berlin: UTC+2 in October, UTC+1 in December."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def text_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def database_at_0003(path: Path) -> None:
    """Two sessions typed in local time, an observer coding as supervisor, an audit trail."""
    from observer.domain.codebook import shipped_codebook

    book = shipped_codebook("here-and-now")
    engine = old_database(path, "0003")
    with engine.begin() as conn:
        run = conn.exec_driver_sql
        run("INSERT INTO codebooks (id, codebook_id, version, name, digest, source, stored_at) "
            "VALUES (1, ?, ?, ?, ?, ?, '2026-01-01 10:00:00.000000')",
            (book.id, book.version, book.name, book.digest, book.source))  # fmt: skip
        run("INSERT INTO sessions (id, group_id, number, starts_at, setting, notes) VALUES "
            "(1, 1, 1, '2026-10-01 18:00:00.000000', 'in person', ''), "
            "(2, 1, 2, '2026-12-03 18:30:00.000000', 'in person', ''), "
            "(3, 1, 3, NULL, 'in person', '')")  # fmt: skip
        run("INSERT INTO observers (id, initials, name, capacity) VALUES "
            "(1, 'SV', 'Sam V', 'supervisor'), (2, 'TR', '', 'trainee')")  # fmt: skip
        for cid, oid in ((1, 1), (2, 2), (3, 1)):
            run("INSERT INTO codings (id, session_id, observer_id, name, clock_mode, "
                "is_reference, notes, created_at, clock_elapsed_ms) "
                "VALUES (?, 1, ?, '', 'live', 0, '', '2026-10-01 16:05:00.000000', 0)",
                (cid, oid))  # fmt: skip
            run("INSERT INTO coding_codebooks (coding_id, codebook_pk, position) "
                "VALUES (?, 1, 0)", (cid,))  # fmt: skip
        for i in range(1, 6):
            run("INSERT INTO events (id, coding_id, time_ms, code, actor, targets, modifiers, "
                "note, created_at) VALUES (?, 1, ?, 'question', 'm1', '[]', '{}', '', "
                "'2026-10-01 16:10:00.000000')", (i, i * 1000))  # fmt: skip
        # Event 1641 was recorded, then deleted: only the audit trail remembers it.
        run("INSERT INTO event_audit (coding_id, event_id, action, who, at) "
            "VALUES (1, 1641, 'delete', 'SV', '2026-10-01 16:20:00.000000')")  # fmt: skip
    engine.dispose()


# --- times ----------------------------------------------------------------------------------


def test_session_starts_typed_in_local_time_are_stored_in_utc(tmp_path: Path, berlin: None) -> None:
    from observer.workspace.groups import list_sessions

    path = tmp_path / "old.sqlite3"
    database_at_0003(path)
    store = open_store(path)
    assert text_rows(path, "SELECT id, starts_at FROM sessions ORDER BY id") == [
        (1, "2026-10-01 16:00:00.000000"),  # summer time: two hours ahead of UTC
        (2, "2026-12-03 17:30:00.000000"),
        (3, None),
    ]
    # Stamps that were UTC already are not moved.
    assert text_rows(path, "SELECT DISTINCT created_at FROM codings") == [
        ("2026-10-01 16:05:00.000000",)
    ]
    first, second, _ = list_sessions(store)
    assert first.starts_at == datetime(2026, 10, 1, 16, 0, tzinfo=UTC)
    assert f"{first.starts_at.astimezone():%H:%M}" == "18:00"  # shown as it was typed
    assert f"{second.starts_at.astimezone():%d %b %H:%M}" == "03 Dec 18:30"
    store.close()


def test_every_time_read_back_is_aware_and_in_utc(store: Store) -> None:
    from observer.workspace.codings import list_codings

    coding_id, keys = small_coding(store)
    recorder = Recorder(store, coding_id)
    event = recorder.record(1000, "question", keys["Jane"], [keys["Sam"]])
    recorder.delete([event.id])
    recorder.start_clock()
    running_since = Recorder(store, coding_id, read_only=True).saved_clock.running_since
    recorder.close()
    [coding] = list_codings(store)
    [entry] = audit_trail(store, coding_id)
    for moment in (coding.created_at, entry.at, running_since):
        assert moment is not None and moment.tzinfo is not None
        assert moment.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
        assert abs((datetime.now(UTC) - moment).total_seconds()) < 600


def test_a_session_added_in_local_time_is_listed_in_local_time(
    tmp_path: Path, berlin: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from observer.cli.main import main

    db = str(tmp_path / "observer.sqlite3")
    store = open_store(db)
    small_coding(store)
    store.close()
    assert main(["--db", db, "session", "add", "1", "--number", "2", "--date",
                 "2026-11-20T18:00"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["--db", db, "session", "list", "--json"]) == 0
    listed = {s["number"]: s["starts_at"] for s in json.loads(capsys.readouterr().out)}
    assert listed[2] == "2026-11-20T18:00:00+01:00"
    assert main(["--db", db, "session", "list"]) == 0
    assert "2026-11-20 18:00" in capsys.readouterr().out
    assert text_rows(tmp_path / "observer.sqlite3", "SELECT starts_at FROM sessions "
                     "WHERE number = 2") == [("2026-11-20 17:00:00.000000",)]  # fmt: skip


# --- capacity -------------------------------------------------------------------------------


def test_existing_codings_take_their_observers_capacity(tmp_path: Path) -> None:
    from observer.storage.coding_info import coding_info

    path = tmp_path / "old.sqlite3"
    database_at_0003(path)
    store = open_store(path)
    assert [coding_info(store, c).capacity for c in (1, 2, 3)] == [
        "supervisor",
        "trainee",
        "supervisor",
    ]
    columns = {r[1] for r in text_rows(path, "PRAGMA table_info(observers)")}
    assert columns == {"id", "initials", "name"}
    store.close()


def test_one_observer_codes_in_a_different_capacity_each_time(store: Store) -> None:
    """Co-therapist one week, trainee in practice the next: each coding keeps its own."""
    from observer.storage.coding_info import coding_info
    from observer.workspace.codings import latest_capacities, list_codings, new_coding

    first, _keys = small_coding(store)  # coded by RK as co-therapist
    session_id = coding_info(store, first).session_id
    second = new_coding(store, session_id, "RK", ["here-and-now"], capacity="trainee")
    assert coding_info(store, first).capacity == "co-therapist"
    assert coding_info(store, second).capacity == "trainee"
    assert [c.capacity for c in list_codings(store)] == ["co-therapist", "trainee"]
    assert latest_capacities(store) == {"RK": "trainee"}  # offered for RK's next coding


# --- event ids ------------------------------------------------------------------------------


def test_an_undone_events_id_is_never_given_again(store: Store) -> None:
    coding_id, keys = small_coding(store)
    recorder = Recorder(store, coding_id)
    first = recorder.record(1000, "question", keys["Jane"], [keys["Sam"]])
    recorder.undo()
    second = recorder.record(2000, "question", keys["Sam"], [keys["Jane"]])
    recorder.close()
    assert second.id != first.id
    again = Recorder(store, coding_id)  # nor after the coding is opened again
    third = again.record(3000, "question", keys["Jane"], [keys["Sam"]])
    again.close()
    assert third.id > second.id
    deletes = [a for a in audit_trail(store, coding_id) if a.action == "delete"]
    assert [a.event_id for a in deletes] == [first.id]  # still speaks of one event only


def test_the_upgrade_starts_ids_above_every_id_in_the_audit_trail(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    database_at_0003(path)
    store = open_store(path)
    assert (
        "AUTOINCREMENT"
        in text_rows(path, "SELECT sql FROM sqlite_master WHERE name = 'events'")[0][0]
    )  # type: ignore[operator]
    recorder = Recorder(store, 1)
    assert [e.id for e in recorder.events] == [1, 2, 3, 4, 5]  # kept as they were
    event = recorder.record(9000, "question", "m1")
    recorder.close()
    store.close()
    assert event.id == 1642


def test_a_new_database_matches_the_models(tmp_path: Path) -> None:
    """Created by the migrations or straight from the models: the same tables and keys."""
    from sqlalchemy import create_engine

    from observer.storage.models import Base

    migrated = tmp_path / "migrated.sqlite3"
    open_store(migrated).close()
    modelled = tmp_path / "modelled.sqlite3"
    engine = create_engine(f"sqlite:///{modelled}")
    Base.metadata.create_all(engine)
    with engine.begin() as conn:  # the stamp table is Alembic's, not the models'
        conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32))")
    engine.dispose()

    def tables(path: Path) -> dict[str, object]:
        _stamp, shapes = schema_of(path)
        # Column order differs where a migration added a column at the end.
        return {
            s[1]: (sorted(s[2]), s[3], s[4])
            for s in shapes
            if s[0] == "table" and s[1] != "alembic_version"
        }

    assert tables(migrated) == tables(modelled)
