"""A stored coding read whole for the analyses, its participants named by pseudonym."""

from __future__ import annotations

from dataclasses import replace

from observer.domain.coding_data import CodingData, code_infos
from observer.domain.events import Event
from observer.domain.participants import COLLECTIVES
from observer.storage.store import Store


def from_coding(store: Store, coding_id: int) -> CodingData:
    """A stored coding, its participants renamed from keys to pseudonyms."""
    from observer.storage.coding_info import coding_info
    from observer.storage.event_rows import load_events

    info = coding_info(store, coding_id)
    names: dict[str, str] = {}
    for p in info.participants:
        names[p.key] = p.key if p.key in COLLECTIVES else p.label
    participants = tuple(replace(p, key=names[p.key]) for p in info.participants)
    with store.engine.connect() as conn:
        events = load_events(conn, coding_id)

    renamed_targets: dict[tuple[str, ...], tuple[str, ...]] = {}

    def rename_all(targets: tuple[str, ...]) -> tuple[str, ...]:
        found = renamed_targets.get(targets)
        if found is None:
            found = renamed_targets[targets] = tuple(names.get(t, t) for t in targets)
        return found

    named = tuple(
        Event(
            e.id,
            e.time_ms,
            e.code,
            names.get(e.actor, e.actor),
            rename_all(e.targets),
            e.modifiers,
            e.note,
            e.end_ms,
        )
        for e in events
    )
    return CodingData(
        name=info.name or f"coding {coding_id}",
        events=named,
        participants=participants,
        codes=code_infos(info.palette),
        coding_id=coding_id,
        session_id=info.session_id,
        palette=info.palette,
    )
