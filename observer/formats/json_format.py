"""Our own JSON: one whole coding, lossless and versioned (see ``docs/formats.md``).

This module writes it; ``json_import`` reads it back.

The file carries the group and its members (pseudonyms only), the session with its
media, the observer, the exact codebook texts, every event with its modifiers and
timestamps, the process notes and the audit trail. People are referred to inside the
file by local references (``p1``, ``p2``…) so that nothing depends on database ids;
importing recreates the coding exactly, on this machine or on a colleague's.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from observer import __version__
from observer.domain.participants import COLLECTIVES
from observer.formats.common import CodingSnapshot, Progress, load_snapshot, no_progress
from observer.storage.store import Store

FORMAT_ID = "group-process-observer-coding"
VERSION = 1


# --- export --------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def coding_document(snap: CodingSnapshot) -> dict[str, Any]:
    """The JSON document of a coding (a plain dict, ready for ``json.dump``)."""
    refs = {m.key: f"p{i + 1}" for i, m in enumerate(snap.members)}

    def ref(key: str) -> str:
        return key if key in COLLECTIVES else refs.get(key, key)

    def remap(fields: dict[str, Any] | None) -> dict[str, Any] | None:
        if fields is None:
            return None
        out = dict(fields)
        if isinstance(out.get("actor"), str):
            out["actor"] = ref(out["actor"])
        if isinstance(out.get("targets"), list):
            out["targets"] = [ref(t) if isinstance(t, str) else t for t in out["targets"]]
        return out

    media_refs = {m.id: f"media{i + 1}" for i, m in enumerate(snap.media)}
    event_refs = {e.id: i + 1 for i, e in enumerate(snap.events)}
    gone: dict[int, str] = {}
    for a in snap.audit:
        if a.event_id not in event_refs and a.event_id not in gone:
            gone[a.event_id] = f"gone{len(gone) + 1}"
    return {
        "format": FORMAT_ID,
        "version": VERSION,
        "app_version": __version__,
        "exported_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "group": {
            "name": snap.group_name,
            "modality": snap.group_modality,
            "notes": snap.group_notes,
            "members": [
                {
                    "ref": refs[m.key],
                    "pseudonym": m.pseudonym,
                    "initials": m.initials,
                    "role": m.role,
                    "colour": m.colour,
                    "seat": m.seat,
                    "joined": m.joined,
                    "left": m.left,
                }
                for m in snap.members
            ],
        },
        "session": {
            "number": snap.session_number,
            "starts_at": _iso(snap.session_starts_at),
            "setting": snap.session_setting,
            "notes": snap.session_notes,
            "present": [refs[m.key] for m in snap.members if m.present],
            "media": [
                {
                    "ref": media_refs[m.id],
                    "path": m.path,
                    "offset_ms": m.offset_ms,
                    "duration_ms": m.duration_ms,
                    "label": m.label,
                }
                for m in snap.media
            ],
        },
        "observer": {
            "initials": snap.observer,
            "name": snap.observer_name,
            "capacity": snap.capacity,
        },
        "codebooks": [
            {"id": b.id, "version": b.version, "name": b.name, "source": b.source}
            for b in snap.codebooks
        ],
        "coding": {
            "name": snap.name,
            "clock_mode": snap.clock_mode,
            "media": media_refs.get(snap.media_file_id) if snap.media_file_id else None,
            "is_reference": snap.is_reference,
            "practice_of": (
                {"observer": snap.practice_of[0], "name": snap.practice_of[1]}
                if snap.practice_of
                else None
            ),
            "notes": snap.notes,
            "created_at": _iso(snap.created_at),
            "clock_elapsed_ms": snap.clock_elapsed_ms,
        },
        "events": [
            {
                "ref": event_refs[e.id],
                "time_ms": e.time_ms,
                "end_ms": e.end_ms,
                "code": e.code,
                "actor": ref(e.actor),
                "targets": [ref(t) for t in e.targets],
                "modifiers": dict(e.modifiers),
                "note": e.note,
                "created_at": _iso(created),
                "edited_at": _iso(edited),
            }
            for e, created, edited in zip(snap.events, snap.created, snap.edited, strict=True)
        ],
        "process_notes": [
            {"time_ms": n.time_ms, "text": n.text, "kind": n.kind, "created_at": _iso(n.created_at)}
            for n in snap.process_notes
        ],
        "audit": [
            {
                "event": event_refs.get(a.event_id) or gone[a.event_id],
                "action": a.action,
                "who": a.who,
                "at": _iso(a.at),
                "before": remap(a.before),
                "after": remap(a.after),
            }
            for a in snap.audit
        ],
    }


def export_json(
    store: Store, coding_id: int, path: Path, progress: Progress = no_progress, **_: Any
) -> int:
    """Write one coding as our JSON; returns the number of events."""
    snap = load_snapshot(store, coding_id)
    doc = coding_document(snap)
    progress(0, 1)
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")
    progress(1, 1)
    return len(snap.events)
