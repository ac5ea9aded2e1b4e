"""Opening checks: what is not ours, not whole or not writable is refused and left untouched."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from observer.domain.errors import StoreError
from observer.storage.sqlite_file import APPLICATION_ID
from observer.storage.store import open_store
from observer.workspace.recording import Recorder
from tests.observer.helpers import old_database, small_coding


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sides(path: Path) -> set[str]:
    """The files beside a database (its -wal, -shm, -journal), by suffix."""
    return {s for s in ("-wal", "-shm", "-journal") if Path(f"{path}{s}").exists()}


def refused_untouched(path: Path, match: str) -> str:
    before, beside = digest(path), sides(path)
    with pytest.raises(StoreError, match=match) as refused:
        open_store(path)
    assert digest(path) == before
    assert sides(path) == beside
    return str(refused.value)


def sqlite_file(path: Path, *statements: str) -> Path:
    with closing(sqlite3.connect(path)) as conn:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    return path


def application_id(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("PRAGMA application_id").fetchone()[0])


# --- ours or not ----------------------------------------------------------------------------


def test_a_new_database_is_marked_as_ours(tmp_path: Path) -> None:
    path = tmp_path / "observer.sqlite3"
    open_store(path).close()
    assert application_id(path) == APPLICATION_ID
    assert list(tmp_path.iterdir()) == [path]  # no draft left behind


def test_an_upgraded_database_is_marked_as_ours(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old_database(path, "0003").dispose()
    assert application_id(path) == 0
    open_store(path).close()
    assert application_id(path) == APPLICATION_ID


def test_an_empty_file_is_not_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "observer.sqlite3"
    path.touch(mode=0o600)
    message = refused_untouched(path, "empty file")
    assert "delete the empty file" in message


@pytest.mark.parametrize(
    ("statement", "match"),
    [
        ("PRAGMA user_version = 7", "user version 7"),
        ("PRAGMA application_id = 1234", "application id 0x4d2"),
        ("CREATE VIEW recent AS SELECT 1 AS one", "views: recent"),
    ],
)
def test_another_programs_file_without_tables_is_refused_untouched(
    tmp_path: Path, statement: str, match: str
) -> None:
    path = sqlite_file(tmp_path / "other.sqlite3", statement)
    message = refused_untouched(path, "another program")
    assert match in message


def test_another_programs_marked_database_with_our_tables_is_refused(
    tmp_path: Path, demo_template: Path
) -> None:
    path = tmp_path / "other.sqlite3"
    shutil.copy(demo_template, path)
    sqlite_file(path, "PRAGMA application_id = 42")
    refused_untouched(path, "another program")


# --- read-only ------------------------------------------------------------------------------


def test_a_read_only_database_is_refused_without_a_trace(
    demo_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "archive.sqlite3"
    shutil.copy(demo_template, path)
    path.chmod(0o400)
    try:
        message = refused_untouched(path, "read-only")
    finally:
        path.chmod(0o600)
    assert "Make it writable" in message
    assert not sides(path)


# --- journals beside the file ---------------------------------------------------------------


def crash_image(path: Path, into: Path) -> Path:
    """Copies of a database and the files beside it, as a crash at this moment leaves them."""
    into.mkdir()
    for side in ("", "-wal", "-shm", "-journal"):
        if Path(f"{path}{side}").exists():
            shutil.copy(f"{path}{side}", into / f"{path.name}{side}")
    return into / path.name


def test_a_hot_rollback_journal_is_played_back_not_called_damage(
    demo_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, path)
    sqlite_file(path, "PRAGMA journal_mode=DELETE")
    with closing(sqlite3.connect(path)) as conn:
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        conn.execute("PRAGMA cache_size=5")  # a small cache writes pages before the commit
        conn.execute("BEGIN")
        conn.execute("UPDATE events SET note = 'half-written ' || id")
        conn.execute("DELETE FROM events WHERE id % 3 = 0")
        crashed = crash_image(path, tmp_path / "crash")
        conn.execute("ROLLBACK")
    assert sides(crashed) == {"-journal"}
    with closing(sqlite3.connect(f"file:{crashed}?mode=ro&immutable=1", uri=True)) as raw:
        try:  # read as it stands, unplayed: damaged (found by the check, or on reading)
            check = raw.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as exc:
            check = [(str(exc),)]
        assert check != [("ok",)]
    store = open_store(crashed)
    recorder = Recorder(store, 1)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM events").scalar() == events
        assert (
            conn.exec_driver_sql("SELECT count(*) FROM events WHERE note LIKE 'half%'").scalar()
            == 0
        )
    recorder.close()
    store.close()


def test_a_write_ahead_log_of_the_file_itself_is_kept(tmp_path: Path) -> None:
    """After a crash the -wal holds committed events: they are part of the database."""
    path = tmp_path / "live.sqlite3"
    store = open_store(path)
    coding_id, keys = small_coding(store)
    store.close()
    with closing(sqlite3.connect(path, isolation_level=None)) as keeper:
        keeper.execute("PRAGMA wal_autocheckpoint=0")
        store = open_store(path)
        recorder = Recorder(store, coding_id)
        for i in range(40):
            recorder.record(i * 1000, "question", keys["Jane"], [keys["Sam"]])
        crashed = crash_image(path, tmp_path / "crash")
        recorder.close()
        store.close()
    assert "-wal" in sides(crashed)
    reopened = open_store(crashed)
    assert len(Recorder(reopened, coding_id).events) == 40
    reopened.close()


def test_a_write_ahead_log_of_another_copy_is_refused(demo_template: Path, tmp_path: Path) -> None:
    """A copy put in place of a database whose -wal was left beside it: not applied."""
    path = tmp_path / "live.sqlite3"
    store = open_store(path)
    coding_id, keys = small_coding(store)
    store.close()
    with closing(sqlite3.connect(path, isolation_level=None)) as keeper:
        keeper.execute("PRAGMA wal_autocheckpoint=0")
        store = open_store(path)
        recorder = Recorder(store, coding_id)
        for i in range(40):
            recorder.record(i * 1000, "question", keys["Jane"], [keys["Sam"]])
        crashed = crash_image(path, tmp_path / "crash")
        recorder.close()
        store.close()
    shutil.copy(demo_template, crashed)  # the demo copied over the crashed live database
    wal_before = digest(Path(f"{crashed}-wal"))
    message = refused_untouched(crashed, "does not belong")
    assert "Move live.sqlite3-wal away" in message
    assert digest(Path(f"{crashed}-wal")) == wal_before
    Path(f"{crashed}-wal").unlink()  # done as the message says: the copy opens as it is
    Path(f"{crashed}-shm").unlink()
    store = open_store(crashed)
    with store.engine.connect() as conn:
        count = conn.exec_driver_sql("SELECT count(*) FROM events").scalar()
    store.close()
    with closing(sqlite3.connect(demo_template)) as conn:
        assert count == conn.execute("SELECT count(*) FROM events").fetchone()[0]


def test_a_write_ahead_log_partly_copied_into_the_file_is_kept(tmp_path: Path) -> None:
    """A checkpoint that stopped half-way (a reader held an older view): still its own log."""
    path = tmp_path / "live.sqlite3"
    open_store(path).close()
    with (
        closing(sqlite3.connect(path, isolation_level=None)) as writer,
        closing(sqlite3.connect(path, isolation_level=None)) as reader,
    ):
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute("CREATE TABLE notes_of_the_test (body BLOB)")
        for _ in range(5):
            writer.execute("INSERT INTO notes_of_the_test VALUES (randomblob(3000))")
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM notes_of_the_test").fetchone()
        for _ in range(5):
            writer.execute("INSERT INTO notes_of_the_test VALUES (randomblob(3000))")
        _busy, logged, copied = writer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert 0 < copied < logged  # only up to what the reader still sees
        crashed = crash_image(path, tmp_path / "crash")
        reader.execute("ROLLBACK")
    store = open_store(crashed)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM notes_of_the_test").scalar() == 10
    store.close()
