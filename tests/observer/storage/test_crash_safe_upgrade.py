"""A crash while a database is created or upgraded never leaves it half-done or unopenable."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from observer.domain.errors import StoreError
from observer.storage.migrations import HEAD
from observer.storage.store import open_store
from tests.observer.helpers import old_database
from tests.observer.storage.kill_points import FINISH, Killer, killer
from tests.observer.storage.shapes import schema_of

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kills() -> Iterator[Killer]:
    with killer() as driver:
        yield driver


def schema_left_by_a_crash(path: Path, look: Path) -> tuple[Any, ...]:
    """The schema a crash left, read from a copy (reading recovers the journals)."""
    look.mkdir()
    for side in ("", "-wal", "-shm", "-journal"):
        if Path(f"{path}{side}").exists():
            shutil.copy(f"{path}{side}", look / f"{path.name}{side}")
    return schema_of(look / path.name)


def rows_of(path: Path, *tables: str) -> dict[str, list[dict[str, Any]]]:
    """Each table's rows by column name: a later upgrade may add columns, never change one.

    An event's global id is random, so two upgrades of one file differ there: each is
    checked to be a distinct UUID and then left out of the comparison.
    """
    with closing(sqlite3.connect(path)) as conn:
        conn.row_factory = sqlite3.Row
        found = {
            t: [dict(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY 1")] for t in tables
        }
    uids = [row.pop("uid") for row in found.get("events", []) if "uid" in row]
    assert len({str(uuid.UUID(u)) for u in uids}) == len(uids)
    return found


def kept(before: dict[str, list[dict[str, Any]]], after: dict[str, list[dict[str, Any]]]) -> bool:
    """Every row and value there before is there after (new columns aside)."""
    return all(
        len(rows) == len(after[t])
        and all(old.items() <= new.items() for old, new in zip(rows, after[t], strict=True))
        for t, rows in before.items()
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def first_schema_with_a_coding(path: Path) -> None:
    """A database written by the first version: a session, a coding, events, an audit trail."""
    from observer.domain.codebook import shipped_codebook

    book = shipped_codebook("here-and-now")
    engine = old_database(path, "0001")
    with engine.begin() as conn:
        run = conn.exec_driver_sql
        run("INSERT INTO sessions (id, group_id, number, starts_at, setting, notes) "
            "VALUES (1, 1, 1, '2026-10-01 18:00:00.000000', 'in person', '')")  # fmt: skip
        run("INSERT INTO attendance (session_id, member_id) VALUES (1, 1)")
        run("INSERT INTO observers (id, initials, name, capacity) "
            "VALUES (1, 'SV', '', 'supervisor')")  # fmt: skip
        run("INSERT INTO codebooks (id, codebook_id, version, name, digest, source, stored_at) "
            "VALUES (1, ?, ?, ?, ?, ?, '2026-01-01 10:00:00.000000')",
            (book.id, book.version, book.name, book.digest, book.source))  # fmt: skip
        run("INSERT INTO codings (id, session_id, observer_id, name, clock_mode, is_reference, "
            "notes, created_at, clock_elapsed_ms) "
            "VALUES (1, 1, 1, '', 'live', 0, '', '2026-10-01 16:00:00.000000', 0)")  # fmt: skip
        run("INSERT INTO coding_codebooks (coding_id, codebook_pk, position) VALUES (1, 1, 0)")
        for i in range(1, 41):
            run("INSERT INTO events (id, coding_id, time_ms, code, actor, targets, modifiers, "
                "note, created_at) VALUES (?, 1, ?, 'self-disclosure', 'm1', '[\"group\"]', "
                "'{}', '', '2026-10-01 16:01:00.000000')", (i, i * 1000))  # fmt: skip
        run("INSERT INTO event_audit (coding_id, event_id, action, who, at) "
            "VALUES (1, 41, 'delete', 'SV', '2026-10-01 16:02:00.000000')")  # fmt: skip
    engine.dispose()


def test_an_upgrade_killed_at_any_step_leaves_the_old_or_the_new_database(
    kills: Killer, tmp_path: Path
) -> None:
    template = tmp_path / "template.sqlite3"
    first_schema_with_a_coding(template)
    before = schema_of(template)
    original = rows_of(template, "events", "event_audit", "codings", "members")
    reference = tmp_path / "reference" / "observer.sqlite3"
    reference.parent.mkdir()
    shutil.copy(template, reference)
    open_store(reference).close()
    after = schema_of(reference)
    upgraded = rows_of(reference, "events", "event_audit", "codings", "members", "observers")
    assert before != after

    probe = tmp_path / "probe" / "observer.sqlite3"
    probe.parent.mkdir()
    shutil.copy(template, probe)
    points = kills.kill_points(probe, tmp_path / "steps.json")
    assert len(points) > 30  # every change of the upgrade is a kill point
    for step in [*points, FINISH]:
        folder = tmp_path / f"kill-{step}"
        folder.mkdir()
        path = folder / "observer.sqlite3"
        shutil.copy(template, path)
        killed = kills.open_killed_at(step, path)
        assert killed == (step in points), step
        left = schema_left_by_a_crash(path, tmp_path / f"look-{step}")
        assert left in (before, after), f"half-upgraded after a kill at step {step}"
        backup = folder / "observer.sqlite3.before-upgrade-from-0001"
        if backup.exists():  # whole, or not there at all
            assert schema_of(backup) == before, step
            assert rows_of(backup, *original) == original, step
        store = open_store(path)  # always opens, and ends at the newest schema
        store.close()
        assert schema_of(path) == after, step
        assert rows_of(path, *upgraded) == upgraded, step
        assert rows_of(backup, *original) == original, step
        leftovers = {p.name for p in folder.iterdir()} - {path.name, backup.name}
        assert leftovers <= {f"{path.name}-wal", f"{path.name}-shm"}, (step, leftovers)


def test_creating_a_database_killed_at_any_step_leaves_none_or_a_whole_one(
    kills: Killer, tmp_path: Path
) -> None:
    reference = tmp_path / "reference.sqlite3"
    open_store(reference).close()
    whole = schema_of(reference)

    points = kills.kill_points(tmp_path / "probe.sqlite3", tmp_path / "steps.json")
    assert len(points) > 30
    for step in [*points, FINISH]:
        folder = tmp_path / f"kill-{step}"
        folder.mkdir()
        path = folder / "observer.sqlite3"
        killed = kills.open_killed_at(step, path)
        assert killed == (step in points), step
        # The database appears under its name only when it is whole.
        if path.exists():
            assert schema_left_by_a_crash(path, tmp_path / f"look-{step}") == whole, step
        open_store(path).close()
        assert schema_of(path) == whole, step


def test_an_old_database_interrupted_while_indexing_the_audit_trail_opens(
    tmp_path: Path,
) -> None:
    """An earlier version committed 0002's index before the stamp; a crash left both apart."""
    path = tmp_path / "observer.sqlite3"
    first_schema_with_a_coding(path)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE INDEX ix_event_audit_event_id ON event_audit (event_id)")
    events = rows_of(path, "events")
    store = open_store(path)
    store.close()
    assert schema_of(path)[0] == ((HEAD,),)
    assert kept(events, rows_of(path, "events"))


def test_an_old_database_interrupted_while_adding_the_parsed_codebooks_opens(
    tmp_path: Path,
) -> None:
    path = tmp_path / "observer.sqlite3"
    first_schema_with_a_coding(path)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE INDEX ix_event_audit_event_id ON event_audit (event_id)")
        conn.execute("UPDATE alembic_version SET version_num = '0002'")
        conn.execute("ALTER TABLE codebooks ADD COLUMN compiled TEXT")  # then the crash
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT compiled IS NOT NULL FROM codebooks").fetchall() == [(1,)]
    assert schema_of(path)[0] == ((HEAD,),)


def test_a_database_whose_creation_an_old_version_left_half_done_is_created_again(
    tmp_path: Path,
) -> None:
    """The stamp table and some empty tables, no stamp: nothing to keep, so made anew."""
    path = tmp_path / "observer.sqlite3"
    old_database(path, "0001").dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM members")
        conn.execute("DELETE FROM groups")
        conn.execute("DELETE FROM alembic_version")
        conn.execute("DROP TABLE process_notes")
        conn.execute("DROP TABLE events")
    open_store(path).close()
    reference = tmp_path / "reference.sqlite3"
    open_store(reference).close()
    assert schema_of(path) == schema_of(reference)


def test_tables_with_records_but_no_schema_stamp_are_explained_and_left_alone(
    tmp_path: Path,
) -> None:
    path = tmp_path / "observer.sqlite3"
    first_schema_with_a_coding(path)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM alembic_version")
    before = digest(path)
    with pytest.raises(StoreError) as refused:
        open_store(path)
    message = str(refused.value)
    assert "no record of its schema version" in message and "Nothing was changed" in message
    assert digest(path) == before


def test_a_truncated_copy_from_an_earlier_upgrade_is_made_again_whole(tmp_path: Path) -> None:
    path = tmp_path / "observer.sqlite3"
    first_schema_with_a_coding(path)
    original = rows_of(path, "events")
    backup = tmp_path / "observer.sqlite3.before-upgrade-from-0001"
    backup.write_bytes(path.read_bytes()[:5000])  # what a kill during the old copy left
    open_store(path).close()
    assert schema_of(backup)[0] == (("0001",),)
    assert rows_of(backup, "events") == original


def test_a_whole_copy_from_an_earlier_upgrade_is_kept(tmp_path: Path) -> None:
    """It may be the only copy from before an interrupted upgrade: never overwritten."""
    path = tmp_path / "observer.sqlite3"
    first_schema_with_a_coding(path)
    backup = tmp_path / "observer.sqlite3.before-upgrade-from-0001"
    shutil.copy(path, backup)
    with sqlite3.connect(backup) as conn:
        conn.execute("DELETE FROM events WHERE id > 10")
    kept = digest(backup)
    open_store(path).close()
    assert digest(backup) == kept
