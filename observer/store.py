"""Opening, creating and migrating the database, safely.

Clinical records live here, so opening is careful: a file that is not ours, a
damaged database, a locked one or one written by a newer version is refused with a
clear message and left exactly as it was. New files are created readable by their
owner only, and every connection runs in WAL mode with ``synchronous=FULL`` so a
committed event survives a crash or a power cut.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from observer.errors import StoreError
from observer.migrations import HEAD

APP_NAME = "group-process-observer"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 2000


def default_database_path() -> Path:
    """The embedded default: one file in the user's data directory."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "observer.sqlite3"


class Store:
    """An open database: the engine, and sessions scoped to one user action each."""

    def __init__(self, engine: Engine, location: str) -> None:
        self.engine = engine
        self.location = location
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back if it raises."""
        with self._sessions() as session, session.begin():
            yield session

    def reader(self) -> Session:
        """A session for reading only; the caller closes it."""
        return self._sessions()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def close(self) -> None:
        self.engine.dispose()


def open_store(target: str | os.PathLike[str] | None = None) -> Store:
    """Open (creating if needed) the database at a path or SQLAlchemy URL, migrated to HEAD."""
    if target is None:
        target = default_database_path()
    text = os.fspath(target)
    if "://" in text and not text.startswith("sqlite"):
        return _open_server(text)
    path = Path(text.removeprefix("sqlite:///")) if text.startswith("sqlite") else Path(text)
    return _open_sqlite_file(path)


def _open_server(url: str) -> Store:
    engine = create_engine(url, pool_pre_ping=True)
    try:
        with engine.connect() as conn:
            version = _schema_version(conn.exec_driver_sql)
    except OperationalError as exc:
        raise StoreError(f"Cannot reach the database at {_redact(url)}: {exc.orig}") from exc
    _check_version(version, _redact(url))
    if version != HEAD:
        _migrate(engine)
    return Store(engine, _redact(url))


def _open_sqlite_file(path: Path) -> Store:
    path = path.expanduser()
    created = False
    if path.exists():
        if not path.is_file():
            raise StoreError(f"{path} is not a file.")
        _inspect_existing(path)
    else:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Clinical records: readable by the owner only, from the very first byte.
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        created = True

    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _sqlite_pragmas)
    try:
        with engine.connect() as conn:
            version = _schema_version(conn.exec_driver_sql)
        _check_version(version, str(path))
        if version != HEAD:
            if version is not None and not created:
                _backup(path, version)
            _migrate(engine)
    except OperationalError as exc:
        engine.dispose()
        raise _explain(exc, path) from exc
    return Store(engine, str(path))


def _inspect_existing(path: Path) -> None:
    """Refuse, before anything writes to it, a file that is not a healthy database."""
    size = path.stat().st_size
    if size == 0:
        return
    with path.open("rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise StoreError(
            f"{path} is not a Group Process Observer database (it is not an SQLite file). "
            "It was left untouched."
        )
    # Without a write-ahead log beside it there is nothing to recover, so read the file as
    # immutable: no lock taken and no -wal/-shm file created next to a damaged database.
    immutable = "&immutable=1" if not Path(f"{path}-wal").exists() else ""
    try:
        conn = sqlite3.connect(
            f"file:{path}?mode=ro{immutable}", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
    except sqlite3.Error as exc:
        raise StoreError(f"Cannot open {path}: {exc}. It was left untouched.") from exc
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise StoreError(
                f"{path} is locked by another program that is writing to it. "
                "Close the other program and try again; nothing was changed."
            ) from exc
        raise StoreError(f"{path} is damaged ({exc}). It was left untouched.") from exc
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"{path} is damaged ({exc}). It was left untouched; "
            "restore it from a backup or ask for help recovering it."
        ) from exc
    finally:
        conn.close()
    if rows != [("ok",)]:
        detail = "; ".join(str(r[0]) for r in rows[:3])
        raise StoreError(f"{path} is damaged ({detail}). It was left untouched.")
    if tables and "alembic_version" not in tables:
        raise StoreError(
            f"{path} is an SQLite database of another program (tables: "
            f"{', '.join(sorted(tables)[:5])}). It was left untouched."
        )


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _schema_version(execute: Any) -> str | None:
    try:
        row = execute("SELECT version_num FROM alembic_version").first()
    except OperationalError as exc:
        if "no such table" in str(exc) or "does not exist" in str(exc):
            return None
        raise
    return None if row is None else str(row[0])


def _check_version(version: str | None, where: str) -> None:
    if version is None or version == HEAD:
        return
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(Path(__file__).parent / "migrations"))
    known = {rev.revision for rev in scripts.walk_revisions()}
    if version not in known:
        raise StoreError(
            f"{where} was written by a newer version of Group Process Observer "
            f"(schema {version}; this version knows up to {HEAD}). "
            "It was not changed: update the application to open it."
        )


def _migrate(engine: Engine, target: str = "head") -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)


def _backup(path: Path, version: str) -> None:
    """Keep a copy of a database before a migration changes it."""
    target = path.with_name(f"{path.name}.before-upgrade-from-{version}")
    if not target.exists():
        shutil.copy2(path, target)
        os.chmod(target, 0o600)


def _explain(exc: OperationalError, path: Path) -> StoreError:
    text = str(exc.orig)
    if "locked" in text:
        return StoreError(
            f"{path} is locked by another program that is writing to it. "
            "Close the other program and try again; nothing was changed."
        )
    if "readonly" in text or "read-only" in text:
        return StoreError(f"{path} cannot be written (read-only). Nothing was changed.")
    return StoreError(f"Cannot open {path}: {text}. Nothing was changed.")


def _redact(url: str) -> str:
    """A URL fit to show: any password replaced."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url
