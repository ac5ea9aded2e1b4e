"""Looking at an existing file before opening it: is it ours, whole, and safe to write?

Everything here reads; the one exception is letting SQLite roll back a hot journal of a
database that is ours (or unmarked and not another program's), which is what SQLite
would do on any open and leaves the file as it was at its last commit. A file that is
refused is left exactly as it was: no lock, no ``-wal``/``-shm`` made beside it.
"""

from __future__ import annotations

import glob
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from observer.domain.errors import PassphraseNeeded, StoreError, WrongPassphrase
from observer.storage.cipher import Passphrase, connect, is_file_error
from observer.storage.sqlite_file import (
    APPLICATION_ID,
    Header,
    hot_journal,
    read_header,
    wal_belongs,
)

BUSY_TIMEOUT_S = 2.0
# A draft of a new database older than this was left by a process that died creating it.
STALE_DRAFT_S = 60.0
State = Literal["ours", "empty", "half-created"]


@dataclass(frozen=True)
class Found:
    """What an existing file holds: our schema at ``version``, nothing yet, or a start."""

    state: State
    version: str | None = None
    encrypted: bool = False


def inspect_file(path: Path, passphrase: Passphrase | None = None) -> Found:
    """Refuse, before anything writes to it, a file that is not a healthy database of ours.

    A file without the SQLite header is taken as encrypted when a passphrase is given
    (and refused as not a database, or not opened by that passphrase, when it is not).
    """
    if path.stat().st_size == 0:
        raise StoreError(
            f"{path} is an empty file that Group Process Observer did not make, so it was "
            "left untouched. To start a new database under that name, delete the empty "
            "file first."
        )
    try:
        header = read_header(path)
    except OSError as exc:
        raise StoreError(f"Cannot read {path}: {exc.strerror}. It was left untouched.") from exc
    if header is None:
        return _inspect_encrypted(path, passphrase)
    _check_writable(path)
    if header.application_id not in (0, APPLICATION_ID):
        raise StoreError(
            f"{path} is an SQLite database of another program (it is marked with "
            f"application id {header.application_id:#x}). It was left untouched."
        )
    if not _wal_belongs(path, header):
        raise StoreError(
            f"{path}-wal does not belong to {path}: it was written on top of another copy "
            "of the file (a database copied or restored while a write-ahead log was left "
            "beside it). Applying it would overwrite records of this copy, so both files "
            f"were left untouched. Move {path.name}-wal away to open the database as it "
            "is, or put back the database it belongs to."
        )
    if hot_journal(path):
        _recover_journal(path, header.application_id)
    objects, stamp, _marks = _read_schema(path)
    return _classify(path, header.application_id, header.user_version, objects, stamp)


def _inspect_encrypted(path: Path, passphrase: Passphrase | None) -> Found:
    """The checks of :func:`inspect_file` for a file whose pages only the key can read.

    Its log cannot be read without the key either, so it is applied as SQLite applies it
    (see docs/encryption.md, "What it does not do").
    """
    if passphrase is None:
        raise PassphraseNeeded(
            f"{path} is not a Group Process Observer database (it is not an SQLite file), "
            "or it is an encrypted one: its passphrase is needed to open it. "
            "It was left untouched."
        )
    _check_writable(path)
    if hot_journal(path):
        _recover_journal(path, APPLICATION_ID, passphrase)
    objects, stamp, (application_id, user_version) = _read_schema(path, passphrase)
    if application_id not in (0, APPLICATION_ID):
        raise StoreError(
            f"{path} is an encrypted SQLite database of another program (it is marked "
            f"with application id {application_id:#x}). It was left untouched."
        )
    found = _classify(path, application_id, user_version, objects, stamp)
    return Found(found.state, found.version, encrypted=True)


# Databases this process has open: their write-ahead log is live, and ours.
OPEN_HERE: dict[str, int] = {}
# SQLite's "dead man switch" in the -shm file: every connection using the log holds a
# shared lock on this byte (os_unix.c: UNIX_SHM_BASE + SQLITE_SHM_NLOCK).
_SHM_DMS_BYTE = 128


def log_in_use(path: Path) -> bool:
    """Whether a live connection (here, or in another program) is using the file's log.

    A live log belongs to its database by definition, and it changes while it is read, so
    the check for a foreign log is only for a log nobody is using (left after a crash, or
    beside a copied file).
    """
    if OPEN_HERE.get(str(path.resolve()), 0) > 0:
        return True
    shm = Path(f"{path}-shm")
    if not shm.exists():
        return False
    import fcntl

    # Never probe a file this process has open: closing the probe would drop SQLite's own
    # POSIX locks on it. (Checked above.)
    try:
        fd = os.open(shm, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE)
    except OSError:
        return True  # another program holds it: the log is live
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE)
        return False
    finally:
        os.close(fd)


def _wal_belongs(path: Path, header: Header) -> bool:
    if log_in_use(path) or wal_belongs(path, header):
        return True
    # Another program may have checkpointed and restarted its log between our reading the
    # file's header and its log: look again before refusing.
    again = read_header(path)
    return again is not None and again != header and wal_belongs(path, again)


def _check_writable(path: Path) -> None:
    # The mode bits as well as access(): an administrator can write a file marked
    # read-only, but the mark says it must not be changed.
    if not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222:
        raise StoreError(
            f"{path} is read-only, so it was not opened and was left untouched. "
            "Make it writable, or copy it to a folder of yours, to open it."
        )
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise StoreError(
            f"The folder {path.parent} is read-only: the database keeps its write-ahead "
            "log beside the file, so it cannot be opened there. It was left untouched; "
            "copy it to a folder of yours to open it."
        )


def _recover_journal(path: Path, application_id: int, passphrase: Passphrase | None = None) -> None:
    """Let SQLite roll back the write a crash interrupted (it reads as damage until then)."""
    if application_id != APPLICATION_ID:
        # Unmarked: roll back only what is plainly a database of ours.
        try:
            objects, _stamp, _marks = _schema(path, immutable=True)
        except sqlite3.Error:
            objects = {}
        if "alembic_version" not in objects:
            raise StoreError(
                f"{path} has an unfinished write of another program (a hot rollback "
                "journal beside it) and it is not marked as ours. It was left untouched."
            )
    conn = connect(path, passphrase, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except Exception as exc:
        if not is_file_error(exc):
            raise
        raise _refusal(path, exc, passphrase) from exc
    finally:
        conn.close()


def _read_schema(
    path: Path, passphrase: Passphrase | None = None
) -> tuple[dict[str, str], str | None, tuple[int, int]]:
    # Without a write-ahead log beside it there is nothing to recover, so read the file as
    # immutable: no lock taken and no -wal/-shm file created next to a damaged database.
    immutable = not Path(f"{path}-wal").exists()
    try:
        return _schema(path, immutable, check=True, passphrase=passphrase)
    except StoreError:
        raise
    except Exception as exc:
        if not is_file_error(exc):
            raise
        raise _refusal(path, exc, passphrase) from exc


def _schema(
    path: Path, immutable: bool, check: bool = False, passphrase: Passphrase | None = None
) -> tuple[dict[str, str], str | None, tuple[int, int]]:
    """The file's own objects (name → type), its schema stamp and its marks (application
    id, user version); quick_check if asked."""
    flag = "&immutable=1" if immutable else ""
    conn = connect(f"file:{path}?mode=ro{flag}", passphrase, uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        if check:
            rows = conn.execute("PRAGMA quick_check").fetchall()
            if rows != [("ok",)]:
                detail = "; ".join(str(r[0]) for r in rows[:3])
                raise StoreError(f"{path} is damaged ({detail}). It was left untouched.")
        objects = {
            str(name): str(kind)
            for kind, name in conn.execute(
                "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite%'"
            )
        }
        stamp = None
        if objects.get("alembic_version") == "table":
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            stamp = None if row is None else str(row[0])
        marks = (
            int(conn.execute("PRAGMA application_id").fetchone()[0]),
            int(conn.execute("PRAGMA user_version").fetchone()[0]),
        )
        return objects, stamp, marks
    finally:
        conn.close()


def _refusal(path: Path, exc: BaseException, passphrase: Passphrase | None) -> StoreError:
    """A driver's error on opening, as the refusal to show: locked, wrong key, or damaged."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return locked_error(path)
    if passphrase is not None and "not a database" in text and _no_page_opens(path, passphrase):
        return WrongPassphrase(
            f"The passphrase does not open {path} (or it is not a Group Process Observer "
            "database). It was left untouched; try again."
        )
    if type(exc).__name__ == "OperationalError":
        return StoreError(f"Cannot open {path}: {exc}. Nothing was changed.")
    return _damaged(path, exc)


def _no_page_opens(path: Path, passphrase: Passphrase) -> bool:
    """Whether not one page of the file is authentic under the passphrase's key.

    A wrong key fails every page; damage fails only the pages it touched, so a file
    whose first page is damaged is not mistaken for one opened with the wrong passphrase.
    """
    conn = connect(f"file:{path}?mode=ro&immutable=1", passphrase, uri=True)
    try:
        failed = len(conn.execute("PRAGMA cipher_integrity_check").fetchall())
        page_size = int(conn.execute("PRAGMA cipher_page_size").fetchone()[0])
    except Exception as exc:
        if not is_file_error(exc):
            raise
        return True
    finally:
        conn.close()
    return failed >= max(1, path.stat().st_size // page_size)


def _classify(
    path: Path, application_id: int, user_version: int, objects: dict[str, str], stamp: str | None
) -> Found:
    ours = application_id == APPLICATION_ID
    if not objects:
        if user_version and not ours:
            raise StoreError(
                f"{path} is an SQLite database of another program (it has no tables yet, "
                f"but is marked with user version {user_version}). "
                "It was left untouched."
            )
        return Found("empty")
    if "alembic_version" in objects:
        return Found("ours", stamp) if stamp is not None else Found("half-created")
    if ours:
        raise StoreError(
            f"{path} is damaged: it is a Group Process Observer database without the record "
            "of its schema version. It was left untouched; restore it from a backup "
            "or ask for help recovering it."
        )
    kinds = sorted({kind for kind in objects.values()})
    names = ", ".join(sorted(objects)[:5])
    raise StoreError(
        f"{path} is an SQLite database of another program ({' and '.join(kinds)}s: "
        f"{names}). It was left untouched."
    )


def _damaged(path: Path, exc: BaseException) -> StoreError:
    return StoreError(
        f"{path} is damaged ({exc}). It was left untouched; "
        "restore it from a backup or ask for help recovering it."
    )


def locked_error(path: Path) -> StoreError:
    return StoreError(
        f"{path} is locked by another program that is writing to it. "
        "Close the other program and try again; nothing was changed."
    )


def check_not_locked(path: Path, passphrase: Passphrase | None = None) -> None:
    """Refuse a database another program is writing to, before anything is changed."""
    conn = connect(path, passphrase, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except Exception as exc:
        if type(exc).__name__ != "OperationalError" or not is_file_error(exc):
            raise
        if "locked" in str(exc) or "busy" in str(exc):
            raise locked_error(path) from exc
        raise StoreError(f"Cannot open {path}: {exc}. Nothing was changed.") from exc
    finally:
        conn.close()


def draft_name(path: Path) -> Path:
    """Where a new database is built before it is put in place: hidden, and unique."""
    return path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}.creating")


def remove_stale_drafts(path: Path) -> None:
    """Remove drafts of ``path`` that a process killed while creating it left behind."""
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.creating*"):
        try:
            if time.time() - stale.stat().st_mtime > STALE_DRAFT_S:
                stale.unlink()
        except OSError:
            pass  # gone already, or not ours to remove
