"""Opening databases safely: permissions, migrations, and refusing what is not ours."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from observer.domain.errors import StoreError
from observer.storage.migrations import HEAD
from observer.storage.store import open_store


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "clinic" / "observer.sqlite3"
    store = open_store(path)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("SELECT count(*) FROM events").scalar()
        # The write-ahead log and shared-memory files hold the same records.
        for side in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert stat.S_IMODE(side.stat().st_mode) == 0o600, side
    store.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_new_database_uses_wal_and_full_sync(store) -> None:
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_head_constant_matches_the_migration_scripts() -> None:
    from alembic.script import ScriptDirectory

    import observer.storage.migrations

    scripts = ScriptDirectory(str(Path(observer.storage.migrations.__file__).parent))
    assert scripts.get_current_head() == HEAD


def test_models_match_the_migrated_schema(store) -> None:
    """The newest migration creates exactly what the models describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from observer.storage.models import Base

    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_migrating_an_empty_file_creates_the_schema(tmp_path: Path) -> None:
    """Empty and new: an SQLite file with no tables, marked by no program.

    (A 0-byte file is not taken over: see test_opening.py.)
    """
    from observer.storage.sqlite_file import APPLICATION_ID

    path = tmp_path / "empty.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.execute("DROP TABLE t")
    conn.close()
    store = open_store(path)
    with store.engine.connect() as conn:
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        assert conn.exec_driver_sql("PRAGMA application_id").scalar() == APPLICATION_ID
    store.close()
    assert version == HEAD


def test_a_populated_database_opens_again_with_its_data(demo_store, tmp_path: Path) -> None:
    from observer.workspace.codings import list_codings

    path = Path(demo_store.location)
    demo_store.close()
    reopened = open_store(path)
    assert len(list_codings(reopened)) == 6
    reopened.close()


def test_upgrading_a_populated_database_from_the_first_schema(tmp_path: Path) -> None:
    """A database written at the first schema keeps its rows when upgraded to the newest."""
    from observer.workspace.groups import list_groups
    from tests.observer.helpers import old_database

    path = tmp_path / "old.sqlite3"
    old_database(path, "0001").dispose()
    store = open_store(path)
    groups = list_groups(store)
    assert [g.name for g in groups] == ["Tuesday group"]
    assert [m.pseudonym for m in groups[0].members] == ["Jane"]
    # The file as it was before the upgrade is kept beside it.
    backup = tmp_path / "old.sqlite3.before-upgrade-from-0001"
    assert backup.exists()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    with store.engine.connect() as conn:
        indexes = {r[1] for r in conn.exec_driver_sql("PRAGMA index_list(event_audit)")}
    assert "ix_event_audit_event_id" in indexes
    store.close()


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    before = digest(path)
    with pytest.raises(StoreError, match="newer version"):
        open_store(path)
    assert digest(path) == before


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_text("Session notes, not a database\n" * 20)
    before = digest(path)
    with pytest.raises(StoreError, match="not an SQLite file"):
        open_store(path)
    assert digest(path) == before


def test_another_programs_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    before = digest(path)
    with pytest.raises(StoreError, match="another program"):
        open_store(path)
    assert digest(path) == before


def test_a_damaged_database_is_refused_untouched(demo_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "damaged.sqlite3"
    data = bytearray(demo_template.read_bytes())
    page = 4096
    # Scribble over a few pages in the middle, keeping the header intact.
    for offset in range(page * 3, page * 6):
        data[offset] = 0x5A
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(StoreError, match="damaged"):
        open_store(path)
    assert digest(path) == before
    assert not Path(f"{path}-wal").exists()
    assert not Path(f"{path}-shm").exists()


def test_a_database_locked_by_another_writer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "busy.sqlite3"
    open_store(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked by another program"):
            open_store(path)
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not a file"):
        open_store(tmp_path)


def test_default_location_is_in_the_users_data_folder(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    from observer.storage.store import default_database_path

    path = default_database_path()
    assert str(path).startswith(str(tmp_path / "data"))
    store = open_store()
    store.close()
    assert path.exists()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_database_exists_says_whether_opening_would_create_one(tmp_path: Path) -> None:
    from observer.storage.store import database_exists

    path = tmp_path / "observer.sqlite3"
    assert not database_exists(path) and not database_exists(f"sqlite:///{path}")
    open_store(path).close()
    assert database_exists(path) and database_exists(f"sqlite:///{path}")
    assert database_exists("postgresql://clinic-server/observer")  # not asked: taken to exist
