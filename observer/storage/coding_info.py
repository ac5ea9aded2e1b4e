"""What a view needs to know about a coding, read with plain SQL.

Opening a coding must be quick (the observer is waiting, the group has started), so
this reads the coding, its people and its codebooks without the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from observer.domain.codebook import Palette, combine
from observer.domain.errors import NotFound
from observer.domain.participants import GROUP, LEADERS, Participant, member_key
from observer.storage.codebook_json import stored_codebook_of
from observer.storage.store import Store, run


@dataclass(frozen=True)
class CodingInfo:
    """A coding detached from the database: who, which session, its people and codes."""

    id: int
    name: str
    session_id: int
    session_number: int
    group_id: int
    group_name: str
    observer: str
    capacity: str
    clock_mode: str
    is_reference: bool
    practice_of_id: int | None
    media_file_id: int | None
    event_count: int
    participants: tuple[Participant, ...]
    palette: Palette

    def participant(self, key: str) -> Participant | None:
        return next((p for p in self.participants if p.key == key), None)

    def label(self, key: str) -> str:
        found = self.participant(key)
        return found.label if found is not None else key

    @property
    def title(self) -> str:
        return f"{self.group_name}, session {self.session_number} — {self.observer}"


_CODING = (
    "SELECT c.id, c.name, c.session_id, s.number, s.group_id, g.name, o.initials, c.capacity, "
    "c.clock_mode, c.is_reference, c.practice_of_id, c.media_file_id "
    "FROM codings c JOIN sessions s ON s.id = c.session_id JOIN groups g ON g.id = s.group_id "
    "JOIN observers o ON o.id = c.observer_id WHERE c.id = ?"
)


def coding_info(store: Store, coding_id: int) -> CodingInfo:
    conn = store.connect()
    try:
        row = run(conn, _CODING, (coding_id,)).fetchone()
        if row is None:
            raise NotFound(f"No coding {coding_id}.")
        count = run(conn, "SELECT count(*) FROM events WHERE coding_id = ?", (coding_id,))
        participants = _participants(conn, int(row[2]), int(row[4]))
        palette = _palette(conn, coding_id)
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
            participants=participants,
            palette=palette,
        )
    finally:
        conn.close()


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
    # The stored parsed form when it is there (no YAML to parse, no PyYAML to load);
    # the source otherwise, e.g. for a row whose JSON is of an older format.
    rows = run(
        conn,
        "SELECT cb.codebook_id, cb.version, cb.source, cb.compiled FROM coding_codebooks cc "
        "JOIN codebooks cb ON cb.id = cc.codebook_pk WHERE cc.coding_id = ? ORDER BY cc.position",
        (coding_id,),
    ).fetchall()
    return combine(
        [
            stored_codebook_of(source, compiled, f"{cid} {version}")
            for cid, version, source, compiled in rows
        ]
    )


def _participants(conn: Any, session_id: int, group_id: int) -> tuple[Participant, ...]:
    present = {
        int(r[0])
        for r in run(conn, "SELECT member_id FROM attendance WHERE session_id = ?", (session_id,))
    }
    members = run(
        conn,
        "SELECT id, pseudonym, initials, role, colour, seat FROM members WHERE group_id = ? "
        "ORDER BY seat, id",
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
        )
        for mid, pseudonym, initials, role, colour, seat in members
    ]
    return (
        *people,
        Participant(GROUP, "Group", "G", role="group", colour="#444444"),
        Participant(LEADERS, "Leaders", "L", role="leaders", colour="#555555"),
    )
