"""Our own JSON: one whole coding, lossless and versioned (see ``docs/formats.md``).

This module writes it; ``json_import`` reads it back.

The file carries the group and its members (pseudonyms only), the session with its
media, the observer, the exact codebook texts, every event with its modifiers and
timestamps, the process notes, and the audit trails of both. People are referred to
inside the file by local references (``p1``, ``p2``…) so that nothing depends on database
ids; importing recreates the coding exactly, on this machine or on a colleague's.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from observer import __version__
from observer.domain.coding_data import CodingData
from observer.domain.deidentify import removal_note
from observer.domain.participants import COLLECTIVES
from observer.formats.common import Progress, no_progress, read_for_export
from observer.storage.store import Store

FORMAT_ID = "group-process-observer-coding"
VERSION = 1


# --- export --------------------------------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def coding_document(data: CodingData) -> dict[str, Any]:
    """The JSON document of a coding read with its details (a plain dict, ready for JSON)."""
    info, more = data.record()
    # Shared de-identified: no moment at all (when it was coded, edited), or shifted ones;
    # never the moment of the export, which would give a shift away.
    stamp = (lambda _when: None) if data.deidentified and not data.dates_shifted else _iso
    refs = {p.key: f"p{i + 1}" for i, p in enumerate(data.people)}

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

    media_refs = {m.id: f"media{i + 1}" for i, m in enumerate(more.media)}
    event_refs = {e.id: i + 1 for i, e in enumerate(data.events)}
    gone: dict[int, str] = {}
    for a in more.audit:
        if a.event_id not in event_refs and a.event_id not in gone:
            gone[a.event_id] = f"gone{len(gone) + 1}"
    # Notes, like events, by their place in the file; a deleted one's trail by "goneN".
    note_refs = {uid: i + 1 for i, uid in enumerate(more.note_uids)}
    gone_notes: dict[str, str] = {}
    for n in more.note_audit:
        if n.note_uid not in note_refs and n.note_uid not in gone_notes:
            gone_notes[n.note_uid] = f"gone{len(gone_notes) + 1}"
    return {
        "format": FORMAT_ID,
        "version": VERSION,
        "app_version": __version__,
        **({"deidentified": removal_note(data)} if data.deidentified else {}),
        "exported_at": None
        if data.deidentified
        else _iso(datetime.now().astimezone().replace(microsecond=0)),
        "group": {
            "name": info.group_name,
            "modality": more.group_modality,
            "notes": more.group_notes,
            "members": [
                {
                    "ref": refs[p.key],
                    "pseudonym": p.label,
                    "initials": p.initials,
                    "role": p.role,
                    "colour": p.colour,
                    "seat": p.seat,
                    "joined": _iso(p.joined),
                    "left": _iso(p.left),
                }
                for p in data.people
            ],
        },
        "session": {
            "number": info.session_number,
            "starts_at": _iso(more.session_starts_at),
            "setting": more.session_setting,
            "notes": more.session_notes,
            "present": [refs[p.key] for p in data.people if p.present],
            "media": [
                {
                    "ref": media_refs[m.id],
                    "path": m.path,
                    "offset_ms": m.offset_ms,
                    "duration_ms": m.duration_ms,
                    "label": m.label,
                }
                for m in more.media
            ],
        },
        "observer": {
            "initials": info.observer,
            "name": more.observer_name,
            "capacity": info.capacity,
        },
        "codebooks": [
            {"id": b.id, "version": b.version, "name": b.name, "source": b.source}
            for b in more.codebooks
        ],
        "coding": {
            "name": info.name,
            "clock_mode": info.clock_mode,
            "media": media_refs.get(info.media_file_id) if info.media_file_id else None,
            "is_reference": info.is_reference,
            "practice_of": (
                {"observer": more.practice_of[0], "name": more.practice_of[1]}
                if more.practice_of
                else None
            ),
            "notes": more.notes,
            "created_at": stamp(more.created_at),
            "clock_elapsed_ms": more.clock_elapsed_ms,
            # The wall time of session time 0: codings of one session line up by it.
            "clock_anchor": stamp(info.clock_anchor),
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
                "created_at": stamp(created),
                "edited_at": stamp(edited),
            }
            for e, created, edited in zip(data.events, more.created, more.edited, strict=True)
        ],
        "process_notes": [
            {
                "ref": i + 1,
                "time_ms": n.time_ms,
                "text": n.text,
                "kind": n.kind,
                "created_at": _iso(n.created_at),
                "edited_at": _iso(edited),
            }
            for i, (n, edited) in enumerate(zip(more.process_notes, more.notes_edited, strict=True))
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
            for a in more.audit
        ],
        "note_audit": [
            {
                "note": note_refs.get(a.note_uid) or gone_notes[a.note_uid],
                "action": a.action,
                "who": a.who,
                "at": _iso(a.at),
                "before": a.before,
                "after": a.after,
            }
            for a in more.note_audit
        ],
    }


def export_json(
    store: Store,
    coding_id: int,
    path: Path,
    progress: Progress = no_progress,
    deidentify: bool = False,
    dates: str = "drop",
    **_: Any,
) -> int:
    """Write one coding as our JSON; returns the number of events."""
    data = read_for_export(store, coding_id, True, deidentify, dates=dates)
    doc = coding_document(data)
    progress(0, 1)
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")
    progress(1, 1)
    return len(data.events)
