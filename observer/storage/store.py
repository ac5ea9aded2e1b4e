"""Opening the database: the open store, its sessions and plain connections.

Clinical records live here, so opening is careful: a file that is not ours, a damaged
database, a read-only or locked one, one with another copy's write-ahead log beside it
or one written by a newer version is refused with a clear message and left exactly as it
was (``observer.storage.opening``). Creating and upgrading are all or nothing
(``observer.storage.upgrade``). New files are readable by their owner only, and every
connection runs in WAL mode with ``synchronous=FULL`` so a committed event survives a
crash or a power cut. The rules are written down in ``docs/storage.md``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from observer.domain.errors import OutsideYourShare, StorageFault, StoreError
from observer.storage.cipher import Passphrase, connect, driver, is_file_connection
from observer.storage.faults import as_fault, watch
from observer.storage.migrations import HEAD
from observer.storage.opening import check_not_locked, inspect_file, remove_stale_drafts
from observer.storage.times import as_utc, from_stored, sqlite_text

if TYPE_CHECKING:  # SQLAlchemy is imported on first use: opening a coding needs only sqlite3
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session, sessionmaker

APP_NAME = "group-process-observer"
# How long a connection waits for another program's write to finish before it reports the
# database busy. Reading and importing may wait; the coding window must not (see
# ``RECORDING_BUSY_MS`` and docs/storage.md, "When saving fails").
BUSY_TIMEOUT_MS = 2000
# The recording connection waits a quarter of a second at most: a write of this app or a
# checkpoint takes milliseconds, so a longer wait means another program holds the file, and
# the coder is better told at once (the entry stays on screen to save again) than left
# with a window that does not answer.
RECORDING_BUSY_MS = 250


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
        self,
        location: str,
        url: str,
        engine: Engine | None = None,
        path: Path | None = None,
        passphrase: Passphrase | None = None,
    ) -> None:
        self.location = location
        self.url = url
        self.path = path
        # Set for an encrypted file: every connection is keyed with it (held in memory only).
        self.passphrase = passphrase
        self._marked = False
        if engine is not None:
            self.__dict__["engine"] = engine  # made by _server_engine: faults are watched

    @functools.cached_property
    def engine(self) -> Engine:
        if self.path is None:
            return _server_engine(self.url)
        return _sqlite_engine(self.path, self.passphrase)

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

    @property
    def encrypted(self) -> bool:
        return self.passphrase is not None

    def connect(self, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Any:
        """A plain DB-API connection, in autocommit mode: the caller runs BEGIN and COMMIT.

        For SQLite it has the same pragmas as the engine's connections (WAL, FULL sync).
        ``busy_timeout_ms``: how long a write waits for another program's to finish (on a
        server: for a row another client has locked). A fault is a ``StorageFault``.
        """
        try:
            if self.path is not None:
                conn = connect(
                    self.path,
                    self.passphrase,
                    isolation_level=None,
                    timeout=busy_timeout_ms / 1000,
                    check_same_thread=False,
                )
                sqlite_pragmas(conn, None, busy_timeout_ms)
                return conn
            raw = self.engine.raw_connection()
            raw.driver_connection.autocommit = True  # type: ignore[union-attr]
            run(raw, f"SET lock_timeout = {int(busy_timeout_ms)}")
            return raw
        except Exception as exc:
            fault = as_fault(exc, "connect")
            if fault is None:
                raise
            raise fault from exc

    def mark_open(self) -> None:
        """Count this file as open in this process (its log is then live, and ours)."""
        from observer.storage.opening import OPEN_HERE

        if self.path is not None and not self._marked:
            key = str(self.path.resolve())
            OPEN_HERE[key] = OPEN_HERE.get(key, 0) + 1
            self._marked = True

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
        if self._marked and self.path is not None:
            from observer.storage.opening import OPEN_HERE

            key = str(self.path.resolve())
            OPEN_HERE[key] = max(0, OPEN_HERE.get(key, 0) - 1)
            self._marked = False


def _sqlite_engine(path: Path, passphrase: Passphrase | None = None) -> Engine:
    from sqlalchemy import create_engine, event

    if passphrase is None:
        engine = create_engine(f"sqlite:///{path}")
    else:
        # SQLAlchemy's SQLite dialect over the SQLCipher driver (its errors are that
        # module's); each connection is keyed as it is made.
        engine = create_engine(
            f"sqlite:///{path}",
            module=driver(passphrase),
            creator=lambda: connect(path, passphrase, check_same_thread=False),
        )
    event.listen(engine, "connect", sqlite_pragmas)
    watch(engine)
    return engine


def _server_engine(url: str) -> Engine:
    from sqlalchemy import create_engine

    # A plain postgresql:// URL means the driver the ``server`` extra installs (psycopg 3);
    # SQLAlchemy before 2.1 would look for psycopg2.
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    engine = create_engine(url, pool_pre_ping=True, connect_args=_network_limits(url))
    watch(engine)
    return engine


# Without these a dropped network leaves a write waiting on TCP retransmits for many
# minutes; with them it fails within about half a minute as "connection lost", which the
# app shows and survives. A URL that sets any of them keeps its own value.
NETWORK_LIMITS = {
    "connect_timeout": 10,  # seconds to reach the server
    "keepalives": 1,
    "keepalives_idle": 10,  # seconds of silence before the first probe
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 30_000,  # milliseconds a sent write may stay unacknowledged
}


def _network_limits(url: str) -> dict[str, int]:
    from sqlalchemy.engine import make_url

    given = make_url(url).query
    return {k: v for k, v in NETWORK_LIMITS.items() if k not in given}


def open_store(
    target: str | os.PathLike[str] | None = None, passphrase: Passphrase | None = None
) -> Store:
    """Open (creating if needed) the database at a path or SQLAlchemy URL, migrated to HEAD.

    ``passphrase`` opens an encrypted file, and encrypts a file created now; a plain file
    opens without it. Without one, an encrypted file raises ``PassphraseNeeded``; with a
    wrong one, ``WrongPassphrase``: in both cases nothing was changed.
    """
    if target is None:
        target = default_database_path()
    text = os.fspath(target)
    if "://" in text and not text.startswith("sqlite"):
        return _open_server(text)
    path = Path(text.removeprefix("sqlite:///")) if text.startswith("sqlite") else Path(text)
    return _open_sqlite_file(path, passphrase)


def _open_server(url: str) -> Store:
    from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError

    from observer.storage.upgrade import migrate_server

    engine = _server_engine(url)
    try:
        with engine.connect() as conn:
            version = _schema_version(conn.exec_driver_sql)
    except OperationalError as exc:
        raise StoreError(f"Cannot reach the database at {_redact(url)}: {exc.orig}") from exc
    except (ProgrammingError, OutsideYourShare) as exc:  # a role that was given nothing
        detail = str(getattr(exc, "orig", None) or exc.detail).splitlines()[0]
        raise StoreError(
            f"Cannot read the database at {_redact(url)}: {detail}. Whoever runs the server "
            "adds each person with 'server add-user' (docs/server.md)."
        ) from exc
    except StorageFault as exc:
        raise StoreError(f"Cannot reach the database at {_redact(url)}: {exc.detail}") from exc
    _check_version(version, _redact(url))
    if version != HEAD:
        try:
            migrate_server(engine)
        except SQLAlchemyError as exc:
            detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise StoreError(
                f"Cannot upgrade the database at {_redact(url)}: {detail}. "
                "Nothing was changed (an upgrade is all or nothing)."
            ) from exc
    return Store(_redact(url), url, engine)


def _open_sqlite_file(path: Path, passphrase: Passphrase | None) -> Store:
    path = path.expanduser()
    if not path.exists():
        from observer.storage.upgrade import create_sqlite

        create_sqlite(path, passphrase)
        store = Store(str(path), f"sqlite:///{path}", path=path, passphrase=passphrase)
        store.mark_open()
        return store
    if not path.is_file():
        raise StoreError(f"{path} is not a file.")
    found = inspect_file(path, passphrase)
    key = passphrase if found.encrypted else None
    store = Store(str(path), f"sqlite:///{path}", path=path, passphrase=key)
    _check_version(found.version, str(path))
    check_not_locked(path, key)
    remove_stale_drafts(path)
    if found.version == HEAD:
        store.mark_open()
        return store  # nothing to migrate: no SQLAlchemy needed to open it
    from observer.storage.upgrade import upgrade_sqlite

    upgrade_sqlite(path, found, key)
    store.mark_open()
    return store


def sqlite_pragmas(dbapi_conn: Any, _record: Any, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
    """Every connection to a local file: WAL and FULL sync, so a commit survives a crash."""
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
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


def _redact(url: str) -> str:
    """A URL fit to show: any password replaced."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def run(conn: Any, sql: str, params: Any = ()) -> Any:
    """Execute SQL written with ``?`` placeholders on a plain connection from ``connect()``.

    A fault of the storage (a full disk, a lost server…) comes out as a ``StorageFault``;
    one at ``COMMIT`` is marked uncertain (the change may have been saved all the same).
    """
    if not is_file_connection(conn):
        sql = sql.replace("?", "%s")  # the server drivers' parameter style
    try:
        cursor = conn.cursor()
        cursor.execute(sql, params)
    except Exception as exc:
        fault = as_fault(exc, sql, committing=sql == "COMMIT")
        if fault is None:
            raise
        raise fault from exc
    return cursor


def run_many(conn: Any, sql: str, rows: list[Any]) -> None:
    """:func:`run` for many rows of parameters at once (the server driver pipelines them)."""
    if not rows:
        return
    if not is_file_connection(conn):
        sql = sql.replace("?", "%s")
    try:
        conn.cursor().executemany(sql, rows)
    except Exception as exc:
        fault = as_fault(exc, sql)
        if fault is None:
            raise
        raise fault from exc


def stamp(conn: Any, moment: datetime) -> Any:
    """A datetime as the connection stores it: in UTC (SQLite keeps SQLAlchemy's text form)."""
    if is_file_connection(conn):
        return sqlite_text(moment)
    return as_utc(moment)


def parse_stamp(value: Any) -> datetime | None:
    """A stored datetime back, aware in UTC (SQLite hands back text)."""
    return from_stored(value)
