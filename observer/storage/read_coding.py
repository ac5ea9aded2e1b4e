"""A stored coding read whole into the one read model, :class:`CodingData`, with plain SQL.

The analyses read a coding's facts, people and events; the exports and the report also
its details (when each event was recorded and edited, process notes, audit trail,
recordings). Plain SQL, as when a coding is opened: no ORM objects are built for
100,000 events, and the same statements serve SQLite and a server database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from observer.domain.coding_data import (
    AuditView,
    CodingData,
    CodingDetails,
    CodingInfo,
    MediaFileView,
    NoteAuditView,
)
from observer.domain.errors import NotFound
from observer.domain.events import Event, ProcessNoteView
from observer.storage.coding_info import read_info, stored_codebooks
from observer.storage.event_rows import load_events
from observer.storage.store import Store, parse_stamp, run


def from_coding(store: Store, coding_id: int, details: bool = False) -> CodingData:
    """A stored coding: its facts, people and events; with ``details`` what exports need."""
    conn = store.connect()
    try:
        info = read_info(conn, coding_id)
        if not details:
            return CodingData.of(info, load_events(conn, coding_id))
        events, created, edited = _events_with_stamps(conn, coding_id)
        return CodingData.of(info, events, _details(conn, info, created, edited))
    finally:
        conn.close()


def each_coding(store: Store, coding_ids: list[int]) -> Iterator[CodingData]:
    """Several stored codings (facts, people, events), one at a time over one connection.

    A group's year of sessions should not pay for fifty connections, nor hold fifty
    codings' events at once when each is done with before the next is read.
    """
    conn = store.connect()
    try:
        for coding_id in coding_ids:
            yield CodingData.of(read_info(conn, coding_id), load_events(conn, coding_id))
    finally:
        conn.close()


_EVENTS = (
    "SELECT id, time_ms, code, actor, targets, modifiers, note, end_ms, created_at, edited_at "
    "FROM events WHERE coding_id = ? ORDER BY time_ms, id"
)


def _events_with_stamps(
    conn: Any, coding_id: int
) -> tuple[list[Event], list[datetime], list[datetime | None]]:
    """Every event with when it was recorded and last edited: exports spend most time here.

    As in ``load_events``, each distinct targets/modifiers text is decoded once, and each
    distinct stamp parsed once (an import stamps all its events alike).
    """
    targets_of: dict[Any, tuple[str, ...]] = {}
    modifiers_of: dict[Any, Mapping[str, str]] = {}
    names: dict[str, str] = {}
    stamps: dict[Any, Any] = {None: None}
    events, created, edited = [], [], []
    for event_id, time_ms, code, actor, targets, modifiers, note, end_ms, made, changed in run(
        conn, _EVENTS, (coding_id,)
    ):
        key_t = targets if isinstance(targets, str) else None
        t = targets_of.get(key_t) if key_t is not None else None
        if t is None:
            t = tuple(_decoded(targets) or ())
            if key_t is not None:
                targets_of[key_t] = t
        key_m = modifiers if isinstance(modifiers, str) else None
        m = modifiers_of.get(key_m) if key_m is not None else None
        if m is None:
            m = dict(_decoded(modifiers) or {})
            if key_m is not None:
                modifiers_of[key_m] = m
        code = names.setdefault(code, code)
        actor = names.setdefault(actor, actor)
        events.append(Event(event_id, time_ms, code, actor, t, m, note or "", end_ms))
        if made not in stamps:
            stamps[made] = parse_stamp(made)
        if changed not in stamps:
            stamps[changed] = parse_stamp(changed)
        created.append(stamps[made])
        edited.append(stamps[changed])
    return events, created, edited


def _decoded(value: Any) -> Any:
    """JSON as SQLite hands it back (text); a server database may have decoded it already."""
    return json.loads(value) if isinstance(value, str) else value


_FACTS = (
    "SELECT o.name, c.notes, c.created_at, c.clock_elapsed_ms, ref_o.initials, ref.name, "
    "g.modality, g.notes, s.starts_at, s.setting, s.notes "
    "FROM codings c JOIN observers o ON o.id = c.observer_id "
    "JOIN sessions s ON s.id = c.session_id JOIN groups g ON g.id = s.group_id "
    "LEFT JOIN codings ref ON ref.id = c.practice_of_id "
    "LEFT JOIN observers ref_o ON ref_o.id = ref.observer_id "
    "WHERE c.id = ?"
)


def _details(
    conn: Any,
    info: CodingInfo,
    created: list[datetime],
    edited: list[datetime | None],
) -> CodingDetails:
    row = run(conn, _FACTS, (info.id,)).fetchone()
    if row is None:  # deleted between reading its facts and its details
        raise NotFound(f"No coding {info.id}.")
    (observer_name, notes, made, elapsed, ref_observer, ref_name,
     modality, group_notes, starts_at, setting, session_notes) = row  # fmt: skip
    media = tuple(
        MediaFileView(int(i), path, int(offset or 0), duration, label or "")
        for i, path, offset, duration, label in run(
            conn,
            "SELECT id, path, offset_ms, duration_ms, label FROM media_files "
            "WHERE session_id = ? ORDER BY id",
            (info.session_id,),
        )
    )
    note_rows = run(
        conn,
        "SELECT id, time_ms, text, kind, created_at, uid, edited_at FROM process_notes "
        "WHERE coding_id = ? ORDER BY id",
        (info.id,),
    ).fetchall()
    process_notes = tuple(
        ProcessNoteView(int(i), time_ms, text, kind, parse_stamp(at))
        for i, time_ms, text, kind, at, _uid, _edited in note_rows
    )
    note_audit = tuple(
        NoteAuditView(action, who, _stamp(at), _decoded(old), _decoded(new), note_uid=str(uid))
        for uid, action, who, at, old, new in run(
            conn,
            'SELECT note_uid, action, who, at, "before", "after" FROM note_audit '
            "WHERE coding_id = ? ORDER BY id",
            (info.id,),
        )
    )
    audit = tuple(
        AuditView(action, who, _stamp(at), _decoded(old), _decoded(new), event_id=int(event_id))
        for event_id, action, who, at, old, new in run(
            conn,
            'SELECT event_id, action, who, at, "before", "after" FROM event_audit '
            "WHERE coding_id = ? ORDER BY id",
            (info.id,),
        )
    )
    return CodingDetails(
        observer_name=observer_name or "",
        notes=notes or "",
        created_at=_stamp(made),
        clock_elapsed_ms=int(elapsed or 0),
        practice_of=(ref_observer, ref_name or "") if ref_observer is not None else None,
        group_modality=modality or "",
        group_notes=group_notes or "",
        session_starts_at=parse_stamp(starts_at),
        session_setting=setting or "",
        session_notes=session_notes or "",
        codebooks=tuple(stored_codebooks(conn, info.id)),
        media=media,
        created=tuple(created),
        edited=tuple(edited),
        process_notes=process_notes,
        audit=audit,
        note_uids=tuple(str(n[5]) for n in note_rows),
        notes_edited=tuple(parse_stamp(n[6]) for n in note_rows),
        note_audit=note_audit,
    )


def _stamp(value: Any) -> datetime:
    """A stamp the schema requires (NOT NULL), back as an aware UTC datetime."""
    found = parse_stamp(value)
    if found is None:
        raise NotFound("A stored time is missing; the database may be damaged.")
    return found
