"""Encryption at rest: what an encrypted file shows without its passphrase, and what it keeps."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest

from observer.domain.errors import PassphraseNeeded, StoreError, WrongPassphrase
from observer.storage import encryption
from observer.storage.cipher import Passphrase
from observer.storage.store import Store, open_store
from observer.workspace.recording import Recorder
from tests.observer.helpers import small_coding

SECRET = "correct horse battery staple"
NOTE = "Jane spoke of her brother"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def every_row(path: Path, passphrase: Passphrase | None) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, field by field."""
    store = open_store(path, passphrase)
    try:
        with store.engine.connect() as conn:
            names = [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
            ]
            return {
                name: sorted(map(tuple, conn.exec_driver_sql(f'SELECT * FROM "{name}"').all()),
                             key=repr)
                for name in names
            }  # fmt: skip
    finally:
        store.close()


def recorded(store: Store) -> None:
    coding_id, keys = small_coding(store)
    recorder = Recorder(store, coding_id)
    recorder.record(1_000, "feedback", keys["Jane"], [keys["Sam"]], note=NOTE)
    recorder.close()


@pytest.fixture
def encrypted(tmp_path: Path) -> Path:
    path = tmp_path / "observer.sqlite3"
    store = open_store(path, Passphrase(SECRET))
    recorded(store)
    store.close()
    return path


def test_a_new_encrypted_database_shows_nothing_without_its_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "observer.sqlite3"
    store = open_store(path, Passphrase(SECRET))
    recorded(store)
    # Read the bytes while the store is open, so the write-ahead log is still there.
    files = [path, Path(f"{path}-wal")]
    seen = b"".join(f.read_bytes() for f in files if f.exists())
    store.close()
    seen += path.read_bytes()
    assert not path.read_bytes().startswith(b"SQLite format 3")
    for text in ("Jane", "Priya", "Dr Lee", "feedback", "brother", "Tuesday group"):
        assert text.encode() not in seen
    assert every_row(path, Passphrase(SECRET))["events"]


def test_without_a_passphrase_it_is_asked_for_and_the_file_untouched(encrypted: Path) -> None:
    before = digest(encrypted)
    with pytest.raises(PassphraseNeeded, match="passphrase is needed"):
        open_store(encrypted)
    assert digest(encrypted) == before


def test_a_wrong_passphrase_is_told_apart_and_changes_nothing(encrypted: Path) -> None:
    before, beside = digest(encrypted), sorted(encrypted.parent.iterdir())
    with pytest.raises(WrongPassphrase, match="passphrase does not open"):
        open_store(encrypted, Passphrase("not the passphrase"))
    assert digest(encrypted) == before
    assert sorted(encrypted.parent.iterdir()) == beside


def test_a_damaged_encrypted_file_is_damaged_not_a_wrong_passphrase(encrypted: Path) -> None:
    data = bytearray(encrypted.read_bytes())
    data[100] ^= 0xFF  # inside the first page: it no longer authenticates
    encrypted.write_bytes(bytes(data))
    before = digest(encrypted)
    with pytest.raises(StoreError, match="is damaged") as refused:
        open_store(encrypted, Passphrase(SECRET))
    assert not isinstance(refused.value, WrongPassphrase)
    assert digest(encrypted) == before


def test_a_plain_database_opens_plain_even_when_a_passphrase_is_given(tmp_path: Path) -> None:
    path = tmp_path / "plain.sqlite3"
    open_store(path).close()
    store = open_store(path, Passphrase(SECRET))
    assert not store.encrypted
    store.close()
    assert path.read_bytes().startswith(b"SQLite format 3")


def test_an_encrypted_file_keeps_wal_and_full_sync(encrypted: Path) -> None:
    store = open_store(encrypted, Passphrase(SECRET))
    conn = store.connect()
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    finally:
        conn.close()
        store.close()


def test_encrypt_rekey_decrypt_keep_every_row(tmp_path: Path, demo_template: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, path)
    rows = every_row(path, None)
    first, second = Passphrase("first passphrase"), Passphrase("second passphrase")

    done = encryption.encrypt(path, first)
    assert sum(done.rows.values()) == sum(len(r) for r in rows.values())
    assert not path.read_bytes().startswith(b"SQLite format 3")
    assert every_row(path, first) == rows

    encryption.rekey(path, first, second)
    with pytest.raises(WrongPassphrase):
        open_store(path, first)
    assert every_row(path, second) == rows

    encryption.decrypt(path, second)
    assert path.read_bytes().startswith(b"SQLite format 3")
    assert every_row(path, None) == rows
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_encrypting_names_the_plain_copies_left_beside(tmp_path: Path) -> None:
    path = tmp_path / "observer.sqlite3"
    open_store(path).close()
    copy = tmp_path / "observer.sqlite3.before-upgrade-from-0007"
    shutil.copy(path, copy)
    done = encryption.encrypt(path, Passphrase(SECRET))
    assert done.plain_copies == [copy]
    assert copy.name in done.summary()


def test_a_database_open_here_is_not_rewritten(encrypted: Path) -> None:
    store = open_store(encrypted, Passphrase(SECRET))
    before = digest(encrypted)
    try:
        with pytest.raises(StoreError, match="is open"):
            encryption.decrypt(encrypted, Passphrase(SECRET))
    finally:
        store.close()
    assert digest(encrypted) == before


def test_rewriting_with_a_wrong_passphrase_changes_nothing(encrypted: Path) -> None:
    before = digest(encrypted)
    with pytest.raises(WrongPassphrase):
        encryption.rekey(encrypted, Passphrase("not it at all"), Passphrase("new one here"))
    assert digest(encrypted) == before


def test_an_encrypted_database_is_upgraded_with_an_encrypted_copy_kept(tmp_path: Path) -> None:
    from observer.storage.migrations import HEAD
    from observer.storage.upgrade import migrate_sqlite

    path = tmp_path / "old.sqlite3"
    path.touch(mode=0o600)
    migrate_sqlite(path, "0006", passphrase=Passphrase(SECRET))
    store = open_store(path, Passphrase(SECRET))
    try:
        with store.engine.connect() as conn:
            stamp = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    finally:
        store.close()
    assert stamp == HEAD
    assert not path.read_bytes().startswith(b"SQLite format 3")


STEPS = ("checkpoint", "export", "written", "verified", "replace", "replaced")


@pytest.mark.slow
@pytest.mark.parametrize("change", ["encrypt", "decrypt", "rekey"])
def test_a_kill_at_any_step_leaves_a_usable_database(
    change: str, tmp_path: Path, demo_template: Path
) -> None:
    import subprocess
    import sys

    from tests.observer.storage.rewrite_killed import NEW, OLD

    root = Path(__file__).resolve().parents[3]
    plain = tmp_path / "plain.sqlite3"
    shutil.copy(demo_template, plain)
    rows = every_row(plain, None)
    before = None if change == "encrypt" else OLD
    if before is not None:
        encryption.encrypt(plain, OLD)
    after = {"encrypt": OLD, "decrypt": None, "rekey": NEW}[change]
    for step in STEPS:
        path = tmp_path / step / "demo.sqlite3"
        path.parent.mkdir()
        shutil.copy(plain, path)
        result = subprocess.run(
            [sys.executable, "-m", "tests.observer.storage.rewrite_killed", step, change,
             str(path)],
            cwd=root, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == -9, result.stderr
        swapped = step == "replaced"
        assert every_row(path, after if swapped else before) == rows, step
