"""Events as stored rows: read a coding's events quickly, and add many in one transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from observer.domain.clock import utcnow
from observer.domain.events import Event
from observer.storage.store import Store, run


def row_to_event(row: Any) -> Event:
    return Event(
        id=row.id,
        time_ms=row.time_ms,
        end_ms=row.end_ms,
        code=row.code,
        actor=row.actor,
        targets=tuple(row.targets or ()),
        modifiers=dict(row.modifiers or {}),
        note=row.note or "",
    )


_LOAD = (
    "SELECT id, time_ms, code, actor, targets, modifiers, note, end_ms FROM events "
    "WHERE coding_id = ? ORDER BY time_ms, id"
)


def load_events(conn: Any, coding_id: int) -> list[Event]:
    """Every event of a coding, in time order.

    Read with plain SQL, and each distinct targets/modifiers text decoded once: a coding
    repeats the same few combinations, so 100,000 events load in well under a second and
    share their small tuples and dicts.
    """
    targets_of: dict[str, tuple[str, ...]] = {}
    modifiers_of: dict[str, Mapping[str, str]] = {}
    # Codes and actors are a few dozen names repeated 100,000 times: keep one copy of each.
    names: dict[str, str] = {}
    out = []
    # Read row by row rather than all rows at once: a long coding's rows alone would
    # otherwise take more memory, for a moment, than its events do.
    if hasattr(conn, "exec_driver_sql"):  # an SQLAlchemy connection: read through its driver
        conn = conn.connection.driver_connection
    rows = run(conn, _LOAD, (coding_id,))
    for event_id, time_ms, code, actor, targets, modifiers, note, end_ms in rows:
        code = names.setdefault(code, code)
        actor = names.setdefault(actor, actor)
        # SQLite hands JSON back as text; a server database may already have decoded it.
        t = targets_of.get(targets) if isinstance(targets, str) else None
        if t is None:
            t = tuple(_decoded(targets) or ())
            if isinstance(targets, str):
                targets_of[targets] = t
        m = modifiers_of.get(modifiers) if isinstance(modifiers, str) else None
        if m is None:
            m = dict(_decoded(modifiers) or {})
            if isinstance(modifiers, str):
                modifiers_of[modifiers] = m
        out.append(Event(event_id, time_ms, code, actor, t, m, note or "", end_ms))
    return out


def event_uids(conn: Any, coding_id: int) -> dict[int, str]:
    """Every event's global id in a coding, by event id."""
    rows = run(conn, "SELECT id, uid FROM events WHERE coding_id = ?", (coding_id,))
    return {int(i): str(u) for i, u in rows}


def stored_event(conn: Any, event_id: int) -> Event | None:
    """One event as it is in the database now (None when there is no such row)."""
    row = run(conn, _LOAD.split(" WHERE")[0] + " WHERE id = ?", (event_id,)).fetchone()
    if row is None:
        return None
    event_id, time_ms, code, actor, targets, modifiers, note, end_ms = row
    return Event(event_id, time_ms, code, actor, tuple(_decoded(targets) or ()),
                 dict(_decoded(modifiers) or {}), note or "", end_ms)  # fmt: skip


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def insert_events(store: Store, coding_id: int, events: Iterable[Event]) -> int:
    """Add many events in one transaction (imports, the demo); returns how many."""
    now = utcnow()
    rows = [
        {
            "coding_id": coding_id,
            **e.fields(),
            "created_at": now,
            **({"id": e.id} if e.id else {}),
        }
        for e in events
    ]
    if rows:
        from observer.storage.models import EVENTS

        with store.engine.begin() as conn:
            conn.execute(EVENTS.insert(), rows)
    return len(rows)
