"""What is in a database at a glance: groups, their sessions and the codings of each.

The start screen is the first thing a user sees, so this is read with plain SQL (like
``coding_info``): the database toolkit (SQLAlchemy, about 0.4 s to load) is not needed
until the user sets something up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from observer.domain.clock import ClockState
from observer.domain.resume import stopped_at
from observer.storage.coding_lock import holder_of, lock_clock
from observer.storage.store import Store, parse_stamp, run


@dataclass(frozen=True)
class CodingLine:
    """One coding as listed: who coded it, what kind it is, how many events it holds."""

    id: int
    session_id: int
    name: str
    observer: str
    clock_mode: str
    is_reference: bool
    practice_of_id: int | None
    events: int
    # Set when the app stopped with this coding's clock running (a crash, a kill) and no
    # one has it open now: the session time it had reached, to offer resuming it.
    stopped_at_ms: int | None = None

    @property
    def kind(self) -> str:
        """``reference``, ``practice``, or the clock it was coded against (live, media)."""
        if self.is_reference:
            return "reference"
        return "practice" if self.practice_of_id else self.clock_mode


@dataclass(frozen=True)
class MediaLine:
    """A recording of a session, as listed."""

    id: int
    session_id: int
    path: str
    label: str
    duration_ms: int | None

    @property
    def title(self) -> str:
        return self.label or self.path.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class SessionLine:
    id: int
    group_id: int
    number: int
    starts_at: datetime | None
    present: int
    codings: tuple[CodingLine, ...]
    media: tuple[MediaLine, ...] = ()


@dataclass(frozen=True)
class GroupLine:
    """A group with its current members counted (those who have not left)."""

    id: int
    name: str
    members: int
    sessions: tuple[SessionLine, ...]
    archived: bool = False


def overview(store: Store, archived: bool = False) -> list[GroupLine]:
    """Every group by name, its sessions by number, their codings in the order made.

    Archived groups are left out unless asked for; codings in the trash always are.
    """
    conn = store.connect()
    try:
        return _read(conn, archived)
    finally:
        conn.close()


def has_codings(store: Store) -> bool:
    """Whether the database holds any coding out of the trash (something to export)."""
    conn = store.connect()
    try:
        found = run(conn, "SELECT 1 FROM codings WHERE trashed_at IS NULL LIMIT 1").fetchone()
        return found is not None
    finally:
        conn.close()


def trashed_codings(store: Store) -> int:
    """How many codings are in the trash."""
    conn = store.connect()
    try:
        return int(
            run(conn, "SELECT count(*) FROM codings WHERE trashed_at IS NOT NULL").fetchone()[0]
        )
    finally:
        conn.close()


def _stopped_at(
    conn: Any, coding_id: int, elapsed: int | None, since: Any, last_event: int | None
) -> int | None:
    """Where a coding left with its clock running stopped; None if paused or open now."""
    saved = ClockState(int(elapsed or 0), parse_stamp(since))
    if not saved.was_running:
        return None
    holder = holder_of(conn, coding_id)
    if holder is not None and not holder.gone(lock_clock(conn)):
        return None  # open in a window (here or elsewhere): running, not interrupted
    return stopped_at(saved, last_event)


def _read(conn: Any, archived: bool) -> list[GroupLine]:
    groups = run(
        conn,
        "SELECT g.id, g.name, (SELECT count(*) FROM members m "
        "WHERE m.group_id = g.id AND m.left IS NULL), g.archived_at IS NOT NULL FROM groups g "
        + ("" if archived else "WHERE g.archived_at IS NULL ")
        + "ORDER BY g.name, g.id",
    ).fetchall()
    sessions = run(
        conn,
        "SELECT s.id, s.group_id, s.number, s.starts_at, "
        "(SELECT count(*) FROM attendance a WHERE a.session_id = s.id) "
        "FROM sessions s ORDER BY s.group_id, s.number, s.id",
    ).fetchall()
    counts: dict[int, tuple[int, int]] = {
        cid: (n, last)
        for cid, n, last in run(
            conn, "SELECT coding_id, count(*), max(time_ms) FROM events GROUP BY coding_id"
        ).fetchall()
    }
    codings: dict[int, list[CodingLine]] = {}
    for cid, sid, name, initials, mode, reference, practice_of, elapsed, since in run(
        conn,
        "SELECT c.id, c.session_id, c.name, o.initials, c.clock_mode, c.is_reference, "
        "c.practice_of_id, c.clock_elapsed_ms, c.clock_running_since "
        "FROM codings c JOIN observers o ON o.id = c.observer_id "
        "WHERE c.trashed_at IS NULL ORDER BY c.id",
    ).fetchall():
        events, last_event = counts.get(cid, (0, None))
        line = CodingLine(
            id=int(cid),
            session_id=int(sid),
            name=name or "",
            observer=initials,
            clock_mode=mode,
            is_reference=bool(reference),
            practice_of_id=practice_of,
            events=int(events),
            stopped_at_ms=_stopped_at(conn, cid, elapsed, since, last_event),
        )
        codings.setdefault(line.session_id, []).append(line)
    media: dict[int, list[MediaLine]] = {}
    for mid, sid, path, label, duration in run(
        conn, "SELECT id, session_id, path, label, duration_ms FROM media_files ORDER BY id"
    ).fetchall():
        media.setdefault(int(sid), []).append(MediaLine(int(mid), int(sid), path, label, duration))
    by_group: dict[int, list[SessionLine]] = {}
    for sid, gid, number, starts_at, present in sessions:
        by_group.setdefault(int(gid), []).append(
            SessionLine(
                id=int(sid),
                group_id=int(gid),
                number=int(number),
                starts_at=parse_stamp(starts_at),
                present=int(present),
                codings=tuple(codings.get(int(sid), ())),
                media=tuple(media.get(int(sid), ())),
            )
        )
    return [
        GroupLine(int(gid), name, int(members), tuple(by_group.get(int(gid), ())), bool(old))
        for gid, name, members, old in groups
    ]
