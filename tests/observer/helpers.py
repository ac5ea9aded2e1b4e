"""Small builders shared by core tests."""

from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import Any

from observer.domain.participants import member_key
from observer.storage.store import Store
from observer.workspace.codings import new_coding
from observer.workspace.groups import MemberSpec, add_group, add_session, get_group

PEOPLE = ["Jane", "Sam", "Priya", "Tom"]


def small_coding(
    store: Store, codebooks: tuple[str, ...] = ("here-and-now", "bion")
) -> tuple[int, dict[str, str]]:
    """A group of four members and a leader, one session, one live coding.

    Returns the coding id and the participant keys by pseudonym.
    """
    specs = [MemberSpec(n) for n in PEOPLE] + [MemberSpec("Dr Lee", role="leader")]
    group_id = add_group(store, "Tuesday group", "process", members=specs)
    keys = {m.pseudonym: member_key(m.id) for m in get_group(store, group_id).members}
    session_id = add_session(store, group_id)
    return new_coding(store, session_id, "RK", list(codebooks)), keys


def two_sams(store: Store) -> tuple[int, dict[str, str]]:
    """A coding of a group in which two members are both called Sam (initials SK and SM).

    The pseudonym is shared as a database made before pseudonyms had to be unique holds
    it (written straight into the table). Dr Lee (DL) leads. Sam (SK) gives Sam (SM)
    feedback at 10 s, Sam (SM) gives Dr Lee feedback at 20 s, the group is in work from
    0 s. Returns the coding id and the participant keys by initials.
    """
    from observer.workspace.recording import Recorder

    specs = [
        MemberSpec("Sam", initials="SK"),
        MemberSpec("Sammy", initials="SM"),
        MemberSpec("Dr Lee", role="leader", initials="DL"),
    ]
    group_id = add_group(store, "Tuesday group", "process", members=specs)
    keys = {m.initials: member_key(m.id) for m in get_group(store, group_id).members}
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE members SET pseudonym = 'Sam' WHERE group_id = ? AND initials = 'SM'",
            (group_id,),
        )
    coding_id = new_coding(store, add_session(store, group_id), "RK", ["here-and-now", "bion"])
    recorder = Recorder(store, coding_id)
    recorder.record(0, "work", "group")
    recorder.record(10_000, "feedback", keys["SK"], [keys["SM"]])
    recorder.record(20_000, "feedback", keys["SM"], [keys["DL"]])
    recorder.close()
    return coding_id, keys


def old_database(path: Path, revision: str) -> Any:
    """A database file at an earlier schema ``revision`` holding one group with Jane.

    Returns its SQLAlchemy engine, for the caller to add rows and dispose of. Like a
    database of that time, it is not marked as ours (no application_id).
    """
    from sqlalchemy import create_engine

    from observer.storage.upgrade import migrate_sqlite

    path.touch(mode=0o600)
    migrate_sqlite(path, revision)
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO groups (id, name, modality, notes, created_at) "
            "VALUES (1, 'Tuesday group', 'process', '', '2026-01-01 10:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO members (id, group_id, pseudonym, initials, role, colour, seat) "
            "VALUES (1, 1, 'Jane', 'JA', 'member', '#1f77b4', 0)"
        )
    return engine


def old_coding(conn: Any) -> None:
    """Session 1 of the old database's group, observer RK, and its live coding 1 (rows as
    a schema from 0007 on holds them), through a plain ``sqlite3`` connection."""
    conn.execute(
        "INSERT INTO sessions (id, group_id, number, setting, notes) VALUES (1, 1, 1, '', '')"
    )
    conn.execute("INSERT INTO observers (id, initials, name) VALUES (1, 'RK', '')")
    conn.execute(
        "INSERT INTO codings (id, session_id, observer_id, capacity, name, clock_mode, "
        "is_reference, notes, created_at, clock_elapsed_ms) "
        "VALUES (1, 1, 1, 'co-therapist', '', 'live', 0, '', '2026-01-01 10:00:00', 0)"
    )


def pdf_text(raw: bytes) -> str:
    """The text shown on the pages of a matplotlib PDF (its streams inflated, strings joined)."""
    parts: list[str] = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S):
        try:
            stream = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        for array in re.findall(rb"\[(.*?)\]\s*TJ", stream, re.S):
            parts.append(b"".join(re.findall(rb"\(((?:[^()\\]|\\.)*)\)", array)).decode("latin-1"))
        parts += [s.decode("latin-1") for s in re.findall(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", stream)]
    return " ".join(parts).replace("\\(", "(").replace("\\)", ")")
