"""Encrypting, decrypting and changing the passphrase of an existing database, safely.

The database is written again beside itself under a hidden draft name, with the new key
(or none), while the original is held against writers. The draft is then opened on its
own with the new key and checked: every table holds as many rows as the original's and
SQLite's integrity check finds nothing. Only then, flushed to disk, does it replace the
original in one atomic rename. A failure or a crash at any step before the rename
leaves the original as it was (and usable); after it, the new file is whole.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from observer.domain.errors import StoreError
from observer.storage.cipher import Passphrase, attach_key, connect, is_file_error
from observer.storage.opening import (
    BUSY_TIMEOUT_S,
    OPEN_HERE,
    check_not_locked,
    draft_name,
    inspect_file,
    locked_error,
    log_in_use,
)
from observer.storage.private_file import fsync_file, fsync_folder
from observer.storage.sqlite_file import read_header

Change = Literal["encrypt", "decrypt", "rekey"]
_DONE = {
    "encrypt": "encrypted",
    "decrypt": "decrypted (it is now a plain file)",
    "rekey": "given its new passphrase",
}


@dataclass(frozen=True)
class Rewritten:
    """What a change of encryption did: the file, its tables' rows, and plain copies left."""

    path: Path
    change: Change
    rows: dict[str, int]
    # Copies kept before upgrades, beside the file: still readable without a passphrase.
    plain_copies: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        total = sum(self.rows.values())
        text = f"{self.path} was {_DONE[self.change]}: {total} rows in {len(self.rows)} tables."
        if self.plain_copies and self.change != "decrypt":
            names = ", ".join(p.name for p in self.plain_copies)
            text += (
                f" Copies kept before upgrades are still plain and readable by anyone with "
                f"the files: {names}. Delete them if they are not needed."
            )
        return text


def encrypt(path: Path, passphrase: Passphrase) -> Rewritten:
    """Encrypt a plain database in place under ``passphrase``."""
    return _rewrite(path, "encrypt", None, passphrase)


def decrypt(path: Path, passphrase: Passphrase) -> Rewritten:
    """Turn an encrypted database (opened by ``passphrase``) back into a plain one."""
    return _rewrite(path, "decrypt", passphrase, None)


def rekey(path: Path, current: Passphrase, new: Passphrase) -> Rewritten:
    """Give an encrypted database a new passphrase (the old one no longer opens it)."""
    return _rewrite(path, "rekey", current, new)


def _step(name: str) -> None:
    """A named point of the rewrite (a test stops the process at each one)."""


def _rewrite(
    path: Path, change: Change, current: Passphrase | None, new: Passphrase | None
) -> Rewritten:
    path = path.expanduser()
    if not path.is_file():
        raise StoreError(f"{path} does not exist. Nothing was changed.")
    encrypted = read_header(path) is None
    if change == "encrypt" and encrypted:
        raise StoreError(f"{path} is encrypted already. Nothing was changed.")
    if change != "encrypt" and not encrypted:
        raise StoreError(f"{path} is not encrypted. Nothing was changed.")
    inspect_file(path, current)  # ours, whole, writable, and the passphrase opens it
    if OPEN_HERE.get(str(path.resolve()), 0) or log_in_use(path):
        raise StoreError(
            f"{path} is open (in this app or in another program). Close it first; "
            "nothing was changed."
        )
    check_not_locked(path, current)
    draft = draft_name(path)
    try:
        os.close(os.open(draft, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        return _write_verify_swap(path, draft, change, current, new)
    except OSError as exc:
        raise StoreError(
            f"Cannot write the new copy of {path} ({exc.strerror}). Nothing was changed."
        ) from exc
    finally:
        for leftover in (draft, *(Path(f"{draft}{s}") for s in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)


def _write_verify_swap(
    path: Path, draft: Path, change: Change, current: Passphrase | None, new: Passphrase | None
) -> Rewritten:
    source = connect(path, current, sqlcipher=True, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    try:
        try:
            _step("checkpoint")
            # Everything committed into the file itself, so the rewrite needs no log.
            busy = source.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            if busy:
                raise locked_error(path)
            source.execute("ATTACH DATABASE ? AS rewritten KEY ?", (str(draft), attach_key(new)))
            source.execute("BEGIN IMMEDIATE")  # no other writer while it is copied
            _step("export")
            source.execute("SELECT sqlcipher_export('rewritten')")
            for mark in ("application_id", "user_version"):
                value = int(source.execute(f"PRAGMA main.{mark}").fetchone()[0])
                source.execute(f"PRAGMA rewritten.{mark} = {value}")
            source.execute("PRAGMA rewritten.journal_mode = DELETE")
            rows = _row_counts(source, "main")
            version = source.execute("PRAGMA data_version").fetchone()[0]
            source.execute("COMMIT")  # the copy is written; the original was not changed
            source.execute("DETACH DATABASE rewritten")
            _step("written")
            source.execute("BEGIN IMMEDIATE")  # held again, until the swap
            if source.execute("PRAGMA data_version").fetchone()[0] != version:
                raise StoreError(
                    f"{path} was changed by another program while it was being rewritten. "
                    "Nothing was changed; close the other program and try again."
                )
        except Exception as exc:
            if not is_file_error(exc):
                raise
            raise StoreError(
                f"Cannot write the new copy of {path} ({exc}). Nothing was changed."
            ) from exc
        _verify(path, draft, new, rows)
        _step("verified")
        fsync_file(draft)
        _step("replace")
        os.replace(draft, path)
        fsync_folder(path.parent)
        _step("replaced")
        source.execute("ROLLBACK")
    finally:
        source.close()
    return Rewritten(path, change, rows, _plain_copies(path))


def _verify(path: Path, draft: Path, new: Passphrase | None, rows: dict[str, int]) -> None:
    """Open the draft on its own, with the new key, and compare it with the original."""
    problem = ""
    try:
        copy = connect(f"file:{draft}?mode=ro", new, uri=True)
        try:
            check = copy.execute("PRAGMA integrity_check").fetchall()
            found = _row_counts(copy, "main")
        finally:
            copy.close()
    except Exception as exc:
        if not is_file_error(exc):
            raise
        problem = str(exc)
    else:
        if check != [("ok",)]:
            problem = "; ".join(str(r[0]) for r in check[:3])
        elif found != rows:
            differ = sorted(n for n in rows.keys() | found.keys() if rows.get(n) != found.get(n))
            problem = f"row counts differ in {', '.join(differ)}"
    if problem:
        raise StoreError(
            f"The new copy of {path} did not check out ({problem}), so it was discarded. "
            "Nothing was changed."
        )


def _row_counts(conn: Any, schema: str) -> dict[str, int]:
    names = [
        str(r[0])
        for r in conn.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    return {
        name: int(conn.execute(f'SELECT count(*) FROM {schema}."{name}"').fetchone()[0])
        for name in names
    }


def _plain_copies(path: Path) -> list[Path]:
    return sorted(
        p
        for p in path.parent.glob(f"{path.name}.before-upgrade-from-*")
        if p.is_file() and read_header(p) is not None
    )
