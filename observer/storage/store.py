"""Opening, creating and migrating the database, safely.

Clinical records live here, so opening is careful: a file that is not ours, a
damaged database, a locked one or one written by a newer version is refused with a
clear message and left exactly as it was. New files are created readable by their
owner only, and every connection runs in WAL mode with ``synchronous=FULL`` so a
committed event survives a crash or a power cut.
"""

from __future__ import annotations

import functools
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from observer.domain.errors import StoreError
from observer.storage.migrations import HEAD

if TYPE_CHECKING:  # SQLAlchemy is imported on first use: opening a coding needs only sqlite3
    from sqlalchemy.engine import Engine
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session, sessionmaker

APP_NAME = "group-process-observer"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 2000


def default_database_path() -> Path:
    """The embedded default: one file in the user's data directory."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "observer.sqlite3"


def database_exists(target: str | os.PathLike[str] | None) -> bool:
    """Whether opening ``target`` (a path, a URL, None for the default) finds a database.

    A server URL is taken to exist (asking would mean connecting); a file exists or not.
    """
    if target is None:
        return default_database_path().exists()
    text = os.fspath(target)
    if "://" in text and not text.startswith("sqlite"):
        return True
    return Path(text.removeprefix("sqlite:///")).expanduser().exists()


class Store:
    """An open database: sessions scoped to one user action each, and plain connections.

    For an SQLite file the SQLAlchemy engine is made on first use, so that opening a coding
    and recording into it (plain ``sqlite3``) does not wait for SQLAlchemy to load.
    """

    def __init__(
        self, location: str, url: str, engine: Engine | None = None, path: Path | None = None
    ) -> None:
        self.location = location
        self.url = url
        self.path = path
        if engine is not None:
            self.__dict__["engine"] = engine

    @functools.cached_property
    def engine(self) -> Engine:
        return _sqlite_engine(self.path) if self.path is not None else _server_engine(self.url)

    @functools.cached_property
    def _sessions(self) -> sessionmaker[Session]:
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.engine, expire_on_commit=False)

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
        return self.path is not None

    def connect(self) -> Any:
        """A plain DB-API connection, in autocommit mode: the caller runs BEGIN and COMMIT.

        For SQLite it has the same pragmas as the engine's connections (WAL, FULL sync).
        """
        if self.path is not None:
            conn = sqlite3.connect(
                self.path,
                isolation_level=None,
                timeout=BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
            )
            _sqlite_pragmas(conn, None)
            return conn
        raw = self.engine.raw_connection()
        raw.driver_connection.autocommit = True  # type: ignore[union-attr]
        return raw

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()


def _sqlite_engine(path: Path) -> Engine:
    from sqlalchemy import create_engine, event

    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _server_engine(url: str) -> Engine:
    from sqlalchemy import create_engine

    # A plain postgresql:// URL means the driver the ``server`` extra installs (psycopg 3);
    # SQLAlchemy before 2.1 would look for psycopg2.
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return create_engine(url, pool_pre_ping=True)


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
    from sqlalchemy.exc import OperationalError

    engine = _server_engine(url)
    try:
        with engine.connect() as conn:
            version = _schema_version(conn.exec_driver_sql)
    except OperationalError as exc:
        raise StoreError(f"Cannot reach the database at {_redact(url)}: {exc.orig}") from exc
    _check_version(version, _redact(url))
    if version != HEAD:
        _migrate(engine)
    return Store(_redact(url), url, engine)


def _open_sqlite_file(path: Path) -> Store:
    path = path.expanduser()
    version: str | None = None
    created = False
    if path.exists():
        if not path.is_file():
            raise StoreError(f"{path} is not a file.")
        version = _inspect_existing(path)
        _check_version(version, str(path))
        _check_not_locked(path)
    else:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Clinical records: readable by the owner only, from the very first byte.
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        created = True
    store = Store(str(path), f"sqlite:///{path}", path=path)
    if version == HEAD:
        return store  # nothing to migrate: no SQLAlchemy needed to open it
    from sqlalchemy.exc import OperationalError

    try:
        if version is not None and not created:
            _backup(path, version)
        _migrate(store.engine)
    except OperationalError as exc:
        store.close()
        raise _explain(exc, path) from exc
    return store


def _check_not_locked(path: Path) -> None:
    """Refuse a database another program is writing to, before anything is changed."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise _locked(path) from exc
        raise StoreError(f"Cannot open {path}: {exc}. Nothing was changed.") from exc
    finally:
        conn.close()


def _inspect_existing(path: Path) -> str | None:
    """Refuse, before anything writes to it, a file that is not a healthy database.

    Returns its schema version (None for an empty file).
    """
    size = path.stat().st_size
    if size == 0:
        return None
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
        stamp = (
            conn.execute("SELECT version_num FROM alembic_version").fetchone()
            if "alembic_version" in tables
            else None
        )
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise _locked(path) from exc
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
    return None if stamp is None else str(stamp[0])


def _locked(path: Path) -> StoreError:
    return StoreError(
        f"{path} is locked by another program that is writing to it. "
        "Close the other program and try again; nothing was changed."
    )


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _schema_version(execute: Any) -> str | None:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    try:
        row = execute("SELECT version_num FROM alembic_version").first()
    except (OperationalError, ProgrammingError) as exc:
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
        return _locked(path)
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


def run(conn: Any, sql: str, params: Any = ()) -> Any:
    """Execute SQL written with ``?`` placeholders on a plain connection from ``connect()``."""
    if not isinstance(conn, sqlite3.Connection):
        sql = sql.replace("?", "%s")  # the server drivers' parameter style
    cursor = conn.cursor()
    cursor.execute(sql, params)
    return cursor


def stamp(conn: Any, moment: Any) -> Any:
    """A datetime as the connection stores it: SQLite keeps SQLAlchemy's text form."""
    if isinstance(conn, sqlite3.Connection):
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f")
    return moment


def parse_stamp(value: Any) -> Any:
    """A stored datetime back (SQLite hands back text)."""
    if isinstance(value, str):
        from datetime import datetime

        return datetime.fromisoformat(value)
    return value
