"""BORIS projects out: one coding written as a project (format 7.0) that BORIS opens.

The event's target goes into a multiple-choice modifier set named ``target``; a state
becomes BORIS's start and stop rows. Details: ``docs/formats.md``.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from observer.domain.deidentify import REMOVED
from observer.domain.participants import GROUP, LEADERS
from observer.formats.boris import LEADERS_MARK
from observer.formats.boris_ethogram import MULTIPLE, SINGLE, TARGET_SET
from observer.formats.common import Progress, no_progress, read_for_export
from observer.storage.store import Store


def project_document(store: Store, coding_id: int, deidentify: bool = False) -> dict[str, Any]:
    """A BORIS 7.0 project holding one observation: this coding (de-identified if asked)."""
    data = read_for_export(store, coding_id, details=True, deidentify=deidentify)
    info, details = data.record()
    palette = info.palette
    names = data.names
    participants = [names[p.key] for p in data.people]
    target_values = [*participants, GROUP, LEADERS]
    subjects: dict[str, dict[str, str]] = {}
    for p in data.people:
        subjects[str(len(subjects))] = {"key": "", "name": names[p.key], "description": p.role}
    if any(e.actor == LEADERS for e in data.events):
        subjects[str(len(subjects))] = {"key": "", "name": LEADERS, "description": LEADERS_MARK}
    behaviours: dict[str, dict[str, Any]] = {}
    categories: list[str] = []
    set_order: dict[str, list[str]] = {}
    for code in palette.codes:
        mods: dict[str, dict[str, Any]] = {}
        order = []
        for set_id in code.modifiers:
            mset = palette.modifier_set(set_id, code)
            if mset is None:
                continue
            values = [f"{v.id} ({v.key})" if v.key else v.id for v in mset.values]
            mods[str(len(mods))] = {"name": set_id, "type": SINGLE, "values": values}
            order.append(set_id)
        if code.target != "none":
            mods[str(len(mods))] = {"name": TARGET_SET, "type": MULTIPLE, "values": target_values}
            order.append(TARGET_SET)
        set_order[code.id] = order
        if code.category and code.category not in categories:
            categories.append(code.category)
        behaviours[str(len(behaviours))] = {
            "type": "State event" if code.is_state else "Point event",
            "key": code.key,
            "code": code.id,
            "description": code.label + (f": {code.definition}" if code.definition else ""),
            "category": code.category,
            "modifiers": mods,
            "excluded": "",
            "coding map": "",
        }
    media = next((m for m in details.media if m.id == info.media_file_id), None)
    is_media = info.clock_mode == "media" and media is not None
    # BORIS times a media observation on the media: session time minus the media's offset.
    shift = media.offset_ms if is_media and media else 0
    if any(e.time_ms < shift for e in data.events):
        is_media, shift = False, 0
    rows: list[tuple[int, int, list[Any]]] = []
    for n, e in enumerate(data.events):
        subject = "" if e.actor == GROUP else names.get(e.actor, e.actor)
        parts = []
        for set_id in set_order.get(e.code, []):
            if set_id == TARGET_SET:
                parts.append(",".join(names.get(t, t) for t in e.targets) or "None")
            else:
                parts.append(str(e.modifiers.get(set_id) or "None"))
        mods_text = "|".join(parts)
        start, end = e.time_ms - shift, None if e.end_ms is None else e.end_ms - shift
        rows.append((start, n * 2, [start / 1000, subject, e.code, mods_text, e.note]))
        if end is not None:
            rows.append((end, n * 2 + 1, [end / 1000, subject, e.code, mods_text, ""]))
    rows.sort(key=lambda r: (r[0], r[1]))
    observation: dict[str, Any] = {
        "file": {"1": [media.path], "2": []} if is_media and media else {},
        "type": "MEDIA" if is_media else "LIVE",
        # BORIS keeps local wall time, without an offset.
        "date": _local_date(details.session_starts_at or details.created_at, data.deidentified),
        "description": "\n\n".join(t for t in (details.session_notes, details.notes) if t),
        "time offset": 0.0,
        "events": [r[2] for r in rows],
        "observation time interval": [0, 0],
        "independent_variables": {},
        "visualize_spectrogram": False,
        "visualize_waveform": False,
        "close_behaviors_between_videos": False,
        "scan_sampling_time": 0,
        "start_from_current_time": False,
    }
    if is_media and media:
        observation["media_info"] = {
            "length": {media.path: media.duration_ms / 1000} if media.duration_ms else {},
            "fps": {},
            "hasVideo": {},
            "hasAudio": {},
            "offset": {"1": 0.0},
        }
    title = info.file_title
    return {
        "time_format": "hh:mm:ss",
        "project_date": _local_date(datetime.now().astimezone(), data.deidentified),
        "project_name": f"{info.group_name} — {title}",
        "project_description": (
            f"Exported from Group Process Observer: {info.group_name}, session "
            f"{info.session_number}, coded by {info.observer}."
            + (f" {REMOVED}" if data.deidentified else "")
        ),
        "project_format_version": "7.0",
        "subjects_conf": subjects,
        "behaviors_conf": behaviours,
        "behavioral_categories": categories,
        "observations": {title: observation},
        "independent_variables": {},
        "coding_map": {},
        "behaviors_coding_map": [],
        "converters": {},
    }


def _local_date(when: datetime, deidentified: bool) -> str:
    """BORIS keeps local wall time, without an offset; nothing when shared de-identified."""
    if deidentified:
        return ""
    return when.astimezone().replace(tzinfo=None).isoformat(timespec="seconds")


def export_boris(
    store: Store,
    coding_id: int,
    path: Path,
    progress: Progress = no_progress,
    deidentify: bool = False,
    **_: Any,
) -> int:
    """Write one coding as a BORIS project; returns the number of events."""
    progress(0, 1)
    doc = project_document(store, coding_id, deidentify)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    progress(1, 1)
    return sum(len(o["events"]) for o in doc["observations"].values())
