"""Creating and upgrading databases: all or nothing, with a whole copy kept first.

Each upgrade runs in ONE transaction with its Alembic stamp: SQLite's schema changes are
transactional, but Python's sqlite3 driver runs them outside any transaction unless it is
told otherwise, which is how an interrupted upgrade used to leave a table or an index
behind without the stamp that says so (and the database unopenable). Here the driver is
told: a crash at any point leaves the file at its old schema or at the new one.

A new SQLite database is built under a draft name beside its final one and put in place
only when whole, so a crash while creating leaves no file that looks like a database.
The copy made before an upgrade is likewise written to a draft, flushed to disk, and
renamed: it is whole or absent, never truncated.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from observer.domain.errors import StoreError
from observer.storage.cipher import Passphrase, connect, driver, is_file_error, salt_of
from observer.storage.migrations import HEAD
from observer.storage.opening import (
    BUSY_TIMEOUT_S,
    Found,
    draft_name,
    locked_error,
    remove_stale_drafts,
)
from observer.storage.private_file import fsync_file, fsync_folder
from observer.storage.sqlite_file import APPLICATION_ID, read_header

MIGRATIONS = Path(__file__).parent / "migrations"
# The tables the first schema (0001) creates: what a creation left half-done can hold.
FIRST_TABLES = frozenset(
    {
        "attendance", "codebooks", "coding_codebooks", "codings", "event_audit", "events",
        "groups", "media_files", "members", "observers", "process_notes", "sessions",
    }
)  # fmt: skip


class _Refused(Exception):
    """The upgrade found a state it must not change (said in words, rolled back)."""


def create_sqlite(path: Path, passphrase: Passphrase | None = None) -> None:
    """A new database at ``path`` (which must not exist), readable by its owner only.

    With ``passphrase`` it is encrypted from its first byte.
    """
    draft = draft_name(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        remove_stale_drafts(path)
        # Clinical records: readable by the owner only, from the very first byte.
        os.close(os.open(draft, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as exc:
        raise StoreError(f"Cannot create {path}: {exc.strerror}. Nothing was changed.") from exc
    try:
        _explained(path, lambda: migrate_sqlite(draft, passphrase=passphrase))
        fsync_file(draft)
        _put_in_place(draft, path)
    finally:
        for leftover in _with_journals(draft):
            leftover.unlink(missing_ok=True)
        fsync_folder(path.parent)


def upgrade_sqlite(path: Path, found: Found, passphrase: Passphrase | None = None) -> None:
    """Bring an existing file to the newest schema, keeping a copy of a populated one first.

    The copy of an encrypted file is encrypted with the same key.
    """
    backup = None
    if found.state == "ours" and found.version is not None:
        backup = backup_before_upgrade(path, found.version, passphrase)
    _explained(path, lambda: migrate_sqlite(path, passphrase=passphrase), backup)


def migrate_sqlite(path: Path, target: str = "head", passphrase: Passphrase | None = None) -> None:
    """Run the migrations up to ``target`` on a file, in one transaction with the stamp.

    Only a database brought to the newest schema is marked as ours (application_id), as a
    database this version creates is.
    """
    engine = _one_transaction_engine(path, passphrase)
    try:
        with engine.begin() as conn:
            problems = _foreign_key_problems(conn)
            _repair_interrupted_upgrade(conn)
            _upgrade(conn, target)
            if _foreign_key_problems(conn) - problems:
                raise _Refused("the upgrade would leave rows pointing at nothing")
            if target in ("head", HEAD):
                conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    finally:
        engine.dispose()


def migrate_server(engine: Engine, target: str = "head") -> None:
    """Upgrade a server database in one transaction, one client at a time."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Two clients opening an old database at once: the second waits, then finds
            # it already upgraded (Alembic reads the stamp inside this transaction).
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({APPLICATION_ID})")
        _upgrade(conn, target)


def backup_before_upgrade(path: Path, version: str, passphrase: Passphrase | None = None) -> Path:
    """A whole copy of the database as it is, kept beside it before an upgrade changes it.

    Made once per schema version: a whole copy already there is kept (it may be the one
    from before an earlier, interrupted upgrade); a damaged one is made again.
    """
    target = path.with_name(f"{path.name}.before-upgrade-from-{version}")
    if _whole_copy(target, version, passphrase):
        return target
    draft = target.with_name(f"{target.name}.partial")
    for leftover in _with_journals(draft):
        leftover.unlink(missing_ok=True)
    try:
        os.close(os.open(draft, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        # SQLite's backup copies what is committed, including what is still in the -wal.
        source = connect(path, passphrase, timeout=BUSY_TIMEOUT_S)
        # Keyed as its original is (same key, same salt): the same passphrase opens it.
        copy = connect(draft, passphrase, salt=salt_of(path))
        try:
            source.backup(copy)
            # One self-contained file, not a write-ahead-log database like its original.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
            source.close()
        fsync_file(draft)
        os.replace(draft, target)
    except Exception as exc:
        if not (isinstance(exc, OSError) or is_file_error(exc)):
            raise
        raise StoreError(
            f"Cannot keep a copy of {path} before upgrading it ({exc}). Nothing was changed."
        ) from exc
    finally:
        for leftover in _with_journals(draft):
            leftover.unlink(missing_ok=True)
        fsync_folder(path.parent)
    return target


# --- inside the one transaction -----------------------------------------------------------


def _one_transaction_engine(path: Path, passphrase: Passphrase | None = None) -> Engine:
    def connection() -> Any:
        # isolation_level=None: the driver must not decide where transactions begin.
        return connect(path, passphrase, isolation_level=None, timeout=BUSY_TIMEOUT_S)

    engine = create_engine(
        "sqlite://", creator=connection, poolclass=NullPool, module=driver(passphrase)
    )

    def pragmas(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        # As every connection of the app has it; set before the transaction, as it must be.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        # foreign_keys stays OFF: rebuilding a table must not cascade into the rows that
        # point at it. What the upgrade leaves is checked before it commits instead.
        cursor.close()

    def begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock first: no upgrade half-way

    event.listen(engine, "connect", pragmas)
    event.listen(engine, "begin", begin)
    return engine


def _upgrade(conn: Connection, target: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, target)


def _foreign_key_problems(conn: Connection) -> set[tuple[Any, ...]]:
    return {tuple(row) for row in conn.exec_driver_sql("PRAGMA foreign_key_check")}


def _repair_interrupted_upgrade(conn: Connection) -> None:
    """Take back what an older version's interrupted upgrade left without its stamp.

    Before this version, each upgrade's first schema changes were committed at once and
    its stamp only at the end, so a crash could leave exactly these (each is then made
    again by the migration that owns it, in this transaction):
    - creating a database: the stamp table and some of the first tables, all empty;
    - 0001 → 0002: the index of the audit trail by event;
    - 0002 → 0003: the column for the codebooks' parsed form, not yet filled.
    """
    objects: dict[str, str] = dict(
        conn.exec_driver_sql(
            "SELECT name, type FROM sqlite_master WHERE name NOT LIKE 'sqlite%'"
        ).all()
    )
    if "alembic_version" not in objects:
        return
    row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    version = None if row is None else row[0]
    if version is None:
        tables = {n for n, kind in objects.items() if kind == "table"} - {"alembic_version"}
        if not tables:
            return
        if not tables <= FIRST_TABLES or any(
            conn.exec_driver_sql(f'SELECT 1 FROM "{name}" LIMIT 1').first() for name in tables
        ):
            raise _Refused(
                "it holds tables but no record of its schema version, so it cannot be "
                "told which upgrades it needs"
            )
        for name in tables:
            conn.exec_driver_sql(f'DROP TABLE "{name}"')
    elif version == "0001" and "ix_event_audit_event_id" in objects:
        conn.exec_driver_sql("DROP INDEX ix_event_audit_event_id")
    elif version == "0002":
        columns = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(codebooks)")}
        if "compiled" in columns:
            conn.exec_driver_sql("ALTER TABLE codebooks DROP COLUMN compiled")


# --- files ----------------------------------------------------------------------------------


def _explained(path: Path, work: Any, backup: Path | None = None) -> None:
    """Run ``work``, turning any failure into one message that says nothing was changed."""
    kept = f" A copy from before the upgrade is kept at {backup}." if backup else ""
    try:
        work()
    except _Refused as exc:
        raise StoreError(f"Cannot upgrade {path}: {exc}. Nothing was changed.{kept}") from exc
    except Exception as exc:
        if not isinstance(exc, SQLAlchemyError | CommandError) and not is_file_error(exc):
            raise
        text = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        if "locked" in text or "busy" in text:
            raise locked_error(path) from exc
        if "readonly" in text or "read-only" in text:
            raise StoreError(f"{path} cannot be written (read-only). Nothing was changed.") from exc
        raise StoreError(
            f"Cannot open {path}: {text}. Nothing was changed (an upgrade is all or nothing).{kept}"
        ) from exc


def _with_journals(draft: Path) -> list[Path]:
    return [draft, *(Path(f"{draft}{side}") for side in ("-journal", "-wal", "-shm"))]


def _whole_copy(copy: Path, version: str, passphrase: Passphrase | None = None) -> bool:
    """Whether ``copy`` is a healthy database stamped ``version`` (encrypted if keyed)."""
    try:
        if (read_header(copy) is None) != (passphrase is not None):
            return False
        conn = connect(f"file:{copy}?mode=ro&immutable=1", passphrase, uri=True)
        try:
            whole = conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
            stamp = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except Exception as exc:
        if not (isinstance(exc, OSError) or is_file_error(exc)):
            raise
        return False
    return bool(whole and stamp == (version,))


def _put_in_place(draft: Path, path: Path) -> None:
    try:
        os.link(draft, path)  # never replaces a file that appeared meanwhile
    except FileExistsError:
        raise StoreError(
            f"{path} was created by another program while this one was creating it. "
            "Nothing was changed; open it again."
        ) from None
    except FileNotFoundError:
        raise StoreError(f"Cannot create {path}: its draft disappeared. Open it again.") from None
    except OSError:  # a file system without hard links
        if path.exists():
            raise StoreError(
                f"{path} appeared while it was being created; open it again."
            ) from None
        os.rename(draft, path)
