"""A group's airtime over its sessions: which coding holds each session's speaking turns.

A session's turns are often in a coding of their own (a transcript or the audio imported
beside the observer's live coding), so the course of airtime does not take the coding
the group's trends speak for: it takes, per session, the coding with the most speaking
turns (the first such coding on a tie), and sessions with none are left out.
"""

from __future__ import annotations

from collections.abc import Mapping

from observer.analysis.airtime import SessionAirtime, airtime_course
from observer.domain.codebook import SPEAKING
from observer.domain.coding_data import CodingData
from observer.storage.read_coding import from_coding
from observer.storage.store import Store, run

_MOST_TURNS = (
    "SELECT s.id, c.id, COUNT(e.id) FROM codings c "
    "JOIN sessions s ON s.id = c.session_id JOIN events e ON e.coding_id = c.id "
    "WHERE s.group_id = ? AND c.practice_of_id IS NULL AND c.trashed_at IS NULL "
    "AND e.code IN ({codes}) GROUP BY s.id, c.id ORDER BY s.number, s.id, COUNT(e.id) DESC, c.id"
)


def airtime_codings(store: Store, group_id: int) -> list[int]:
    """Per session of the group that has speaking turns, the coding with the most of them."""
    codes = sorted(SPEAKING)
    sql = _MOST_TURNS.format(codes=", ".join("?" for _ in codes))
    conn = store.connect()
    try:
        rows = run(conn, sql, (group_id, *codes)).fetchall()
    finally:
        conn.close()
    chosen: dict[int, int] = {}
    for session_id, coding_id, _turns in rows:
        chosen.setdefault(session_id, coding_id)
    return list(chosen.values())


def group_airtime(
    store: Store, group_id: int, read: Mapping[int, CodingData] | None = None
) -> list[SessionAirtime]:
    """Each session's airtime, in session order (``read``: codings already read, by id)."""
    read = read or {}
    return airtime_course(
        [read.get(i) or from_coding(store, i) for i in airtime_codings(store, group_id)]
    )
