"""A coding's facts, people and codebooks (its ``CodingInfo``), read with plain SQL.

Opening a coding must be quick (the observer is waiting, the group has started), so
this reads the coding, its people and its codebooks without the ORM.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from observer.domain.codebook import Codebook, Palette, combine
from observer.domain.coding_data import CodingInfo
from observer.domain.errors import NotFound
from observer.domain.participants import GROUP, LEADERS, Participant, member_key
from observer.domain.phases import PHASE_NOTE, PhaseMark
from observer.storage.codebook_json import stored_codebook_of
from observer.storage.store import Store, parse_stamp, run

__all__ = [
    "CodingInfo",
    "coding_info",
    "coding_palette",
    "read_info",
    "session_participants",
    "stored_codebooks",
]


_CODING = (
    "SELECT c.id, c.name, c.session_id, s.number, s.group_id, g.name, o.initials, c.capacity, "
    "c.clock_mode, c.is_reference, c.practice_of_id, c.media_file_id, c.clock_anchor "
    "FROM codings c JOIN sessions s ON s.id = c.session_id JOIN groups g ON g.id = s.group_id "
    "JOIN observers o ON o.id = c.observer_id WHERE c.id = ?"
)


def coding_info(store: Store, coding_id: int) -> CodingInfo:
    """The facts, people and codebooks of a coding (refused with NotFound when there is none)."""
    conn = store.connect()
    try:
        return read_info(conn, coding_id)
    finally:
        conn.close()


def read_info(conn: Any, coding_id: int) -> CodingInfo:
    """``coding_info`` on a plain connection the caller holds (and closes)."""
    row = run(conn, _CODING, (coding_id,)).fetchone()
    if row is None:
        raise NotFound(f"No coding {coding_id}.")
    count = run(conn, "SELECT count(*) FROM events WHERE coding_id = ?", (coding_id,))
    return CodingInfo(
        id=int(row[0]),
        name=row[1] or "",
        session_id=int(row[2]),
        session_number=int(row[3]),
        group_id=int(row[4]),
        group_name=row[5],
        observer=row[6],
        capacity=row[7],
        clock_mode=row[8],
        is_reference=bool(row[9]),
        practice_of_id=row[10],
        media_file_id=row[11],
        event_count=int(count.fetchone()[0]),
        participants=_participants(conn, int(row[2]), int(row[4])),
        palette=_palette(conn, coding_id),
        clock_anchor=parse_stamp(row[12]),
        phase_marks=phase_marks(conn, coding_id),
    )


def phase_marks(conn: Any, coding_id: int) -> tuple[PhaseMark, ...]:
    """The phases marked in a coding: its process notes of kind "phase", in time order."""
    rows = run(
        conn,
        "SELECT time_ms, text FROM process_notes WHERE coding_id = ? AND kind = ? "
        "AND time_ms IS NOT NULL ORDER BY time_ms, id",
        (coding_id, PHASE_NOTE),
    )
    return tuple(PhaseMark(int(t), text) for t, text in rows)


def coding_palette(store: Store, coding_id: int) -> Palette:
    """The codebooks exactly as this coding used them."""
    conn = store.connect()
    try:
        if run(conn, "SELECT 1 FROM codings WHERE id = ?", (coding_id,)).fetchone() is None:
            raise NotFound(f"No coding {coding_id}.")
        return _palette(conn, coding_id)
    finally:
        conn.close()


def session_participants(store: Store, session_id: int) -> list[Participant]:
    """Everyone who can act in a session: its members (present or not), the leaders, the group."""
    conn = store.connect()
    try:
        row = run(conn, "SELECT group_id FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise NotFound(f"No session {session_id}.")
        return list(_participants(conn, session_id, int(row[0])))
    finally:
        conn.close()


def _palette(conn: Any, coding_id: int) -> Palette:
    row = run(conn, "SELECT key_overrides FROM codings WHERE id = ?", (coding_id,)).fetchone()
    stored = row[0] if row is not None else None
    # SQLite hands JSON back as text; a server database may already have decoded it.
    overrides = json.loads(stored) if isinstance(stored, str) else (stored or {})
    return combine(stored_codebooks(conn, coding_id), overrides)


def stored_codebooks(conn: Any, coding_id: int) -> list[Codebook]:
    """A coding's codebooks as stored, in the coding's order (not yet combined)."""
    # The stored parsed form when it is there (no YAML to parse, no PyYAML to load);
    # the source otherwise, e.g. for a row whose JSON is of an older format.
    rows = run(
        conn,
        "SELECT cb.codebook_id, cb.version, cb.source, cb.compiled FROM coding_codebooks cc "
        "JOIN codebooks cb ON cb.id = cc.codebook_pk WHERE cc.coding_id = ? ORDER BY cc.position",
        (coding_id,),
    ).fetchall()
    return [
        stored_codebook_of(source, compiled, f"{cid} {version}")
        for cid, version, source, compiled in rows
    ]


def _participants(conn: Any, session_id: int, group_id: int) -> tuple[Participant, ...]:
    present = {
        int(r[0])
        for r in run(conn, "SELECT member_id FROM attendance WHERE session_id = ?", (session_id,))
    }
    members = run(
        conn,
        'SELECT id, pseudonym, initials, role, colour, seat, joined, "left" FROM members '
        "WHERE group_id = ? ORDER BY seat, id",
        (group_id,),
    ).fetchall()
    people = [
        Participant(
            key=member_key(int(mid)),
            label=pseudonym,
            initials=initials or "",
            role=role,
            colour=colour,
            seat=int(seat),
            present=int(mid) in present,
            joined=_date(joined),
            left=_date(left),
        )
        for mid, pseudonym, initials, role, colour, seat, joined, left in members
    ]
    return (
        *people,
        Participant(GROUP, "Group", "G", role="group", colour="#444444"),
        Participant(LEADERS, "Leaders", "L", role="leaders", colour="#555555"),
    )


def _date(value: Any) -> date | None:
    """A stored date back (SQLite hands back text, a server database a date)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
