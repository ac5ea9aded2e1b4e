"""Every driver error that is a fault of the storage reaches the app as a typed fault in words."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from observer.domain.errors import (
    ConnectionLost,
    DatabaseBusy,
    DatabaseDamaged,
    DiskError,
    DiskFull,
    ReadOnlyDatabase,
    StorageFault,
)
from observer.storage.faults import as_fault
from observer.storage.store import open_store
from observer.workspace.groups import add_group, list_groups
from tests.observer.injected import BUSY, CANTOPEN, FSYNC, FULL, IOERR, READONLY, inject

psycopg = pytest.importorskip("psycopg")


@pytest.mark.parametrize(
    ("fault", "kind"),
    [(BUSY, DatabaseBusy), (FULL, DiskFull), (IOERR, DiskError), (READONLY, ReadOnlyDatabase),
     (CANTOPEN, DiskError), (("database disk image is malformed", 11), DatabaseDamaged),
     (("file is not a database", 26), DatabaseDamaged)],
)  # fmt: skip
def test_sqlite_faults_by_their_result_code_and_by_their_words(fault, kind) -> None:
    words, code = fault
    coded = sqlite3.OperationalError(words)
    coded.sqlite_errorcode = code  # type: ignore[attr-defined]
    for error in (coded, sqlite3.OperationalError(words)):
        found = as_fault(error, "INSERT INTO events VALUES (1)")
        assert type(found) is kind and found.saving and not found.uncertain


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (psycopg.errors.AdminShutdown, ConnectionLost),
        (psycopg.errors.ConnectionFailure, ConnectionLost),
        (psycopg.errors.DiskFull, DiskFull),
        (psycopg.errors.IoError, DiskError),
        (psycopg.errors.LockNotAvailable, DatabaseBusy),
        (psycopg.errors.QueryCanceled, DatabaseBusy),
        (psycopg.errors.DeadlockDetected, DatabaseBusy),
        (psycopg.errors.ReadOnlySqlTransaction, ReadOnlyDatabase),
        (psycopg.errors.DataCorrupted, DatabaseDamaged),
        (psycopg.OperationalError, ConnectionLost),  # the driver's own: the link is gone
    ],
)
def test_server_faults_by_their_sqlstate(error, kind) -> None:
    assert type(as_fault(error("boom"), "UPDATE codings SET name = ''")) is kind


def test_only_silence_from_a_server_leaves_a_commit_uncertain() -> None:
    lost = as_fault(psycopg.errors.AdminShutdown("gone"), "COMMIT", committing=True)
    refused = as_fault(psycopg.errors.DiskFull("full"), "COMMIT", committing=True)
    assert lost is not None and lost.uncertain
    assert refused is not None and not refused.uncertain


def test_a_busy_sqlite_commit_is_certain_and_an_io_error_is_not() -> None:
    busy, io = (sqlite3.OperationalError(w) for w in ("database is locked", "disk I/O error"))
    assert not as_fault(busy, "COMMIT", committing=True).uncertain  # type: ignore[union-attr]
    assert as_fault(io, "COMMIT", committing=True).uncertain  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.OperationalError("no such table: nothing"),
        sqlite3.IntegrityError("UNIQUE constraint failed: groups.name"),
        sqlite3.ProgrammingError("Cannot operate on a closed database."),
        psycopg.errors.UndefinedTable("relation does not exist"),
        ValueError("not a database error"),
    ],
)
def test_mistakes_in_the_app_are_not_dressed_up_as_faults(error) -> None:
    assert as_fault(error, "INSERT INTO groups VALUES (1)") is None


def test_readings_are_worded_as_readings() -> None:
    fault = as_fault(sqlite3.OperationalError("disk I/O error"), "SELECT 1")
    assert fault is not None and not fault.saving
    assert str(fault).startswith("Cannot read the database: the disk could not be read")


# --- through SQLAlchemy: every workspace operation --------------------------------------------


@pytest.fixture
def faulty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    faults = inject(monkeypatch)
    store = open_store(tmp_path / "observer.sqlite3")
    yield store, faults
    faults.clear()
    store.close()


@pytest.mark.parametrize(
    ("fault", "kind", "words"),
    [
        (FULL, DiskFull, "Not saved: the disk is full. Free some space, then try again."),
        (BUSY, DatabaseBusy, "Not saved: another program is writing to the database"),
        (READONLY, ReadOnlyDatabase, "Not saved: the database file cannot be written any"),
    ],
)
def test_a_workspace_operation_that_fails_says_so_and_writes_nothing(
    faulty, fault, kind, words
) -> None:
    store, faults = faulty
    faults.fail(fault, at="write")
    with pytest.raises(kind) as caught:
        add_group(store, "Tuesday group")
    faults.clear()
    assert str(caught.value).startswith(words) and not caught.value.uncertain
    assert list_groups(store) == []


def test_a_workspace_commit_that_failed_uncertainly_says_perhaps(faulty) -> None:
    store, faults = faulty
    faults.fail(FSYNC, at="after-commit", times=1)
    with pytest.raises(StorageFault) as caught:
        add_group(store, "Tuesday group")
    assert caught.value.uncertain
    assert str(caught.value).startswith(
        "Perhaps not saved: the disk could not be written (an input/output error) at the "
        "moment of saving, so whether the change reached the database is not known"
    )


def test_a_failed_reading_says_it_could_not_read(faulty) -> None:
    store, faults = faulty
    faults.fail(IOERR, at="read")
    with pytest.raises(DiskError, match=r"^Cannot read the database: the disk could not be read"):
        list_groups(store)
