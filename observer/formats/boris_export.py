"""BORIS projects out: codings written as one project (format 7.0), an observation each.

A coding imported from BORIS gives BORIS back its own project: the ethogram, subjects,
variables and observation settings kept with the codebook (``boris:``, see
``boris_ethogram.carried``), with the coding's events. Our own codings: codes become
behaviours, the event's target a modifier set named ``target``, exclusive groups BORIS's
``excluded``. What a file cannot carry is listed by ``boris_notices`` before writing.
Details: ``docs/formats.md``.
"""

from __future__ import annotations

import copy
import json
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from observer.domain.codebook import Codebook, Palette
from observer.domain.coding_data import CodingData, MediaFileView
from observer.domain.deidentify import SharingCodes, removal_note
from observer.domain.errors import InputError
from observer.domain.participants import GROUP, LEADERS
from observer.domain.wording import counted, plural
from observer.formats.boris import LEADERS_MARK
from observer.formats.boris_ethogram import (
    MULTIPLE,
    SINGLE,
    TARGET_SET,
    build_ethogram,
    escaped,
    ordered,
    split_value,
    text_of,
)
from observer.formats.boris_rows import BehaviourOut, SetOut, event_rows
from observer.formats.common import Progress, no_progress, read_for_export
from observer.storage.store import Store

PLAYERS = 8  # BORIS plays at most eight media players side by side
GUESSED_FPS = 25.0


@dataclass
class Export:
    document: dict[str, Any]
    notices: list[str] = field(default_factory=list)  # what the file does not carry as is
    events: int = 0


def _numbered(items: Sequence[Any]) -> dict[str, Any]:
    return {str(n): item for n, item in enumerate(items)}


def _carried(books: Sequence[Codebook]) -> tuple[dict[str, Any], Codebook] | None:
    """The BORIS project a codebook was imported from, if one of these was."""
    for book in books:
        if "\nboris:" in book.source:
            text = yaml.safe_load(book.source).get("boris")
            kept = json.loads(text) if isinstance(text, str) else None
            if isinstance(kept, dict):
                return kept, book
    return None


# --- the ethogram --------------------------------------------------------------------------


def _target_set(who: Sequence[str]) -> dict[str, Any]:
    return {"name": TARGET_SET, "type": MULTIPLE, "values": [escaped(n) for n in who]}


def _own_behaviours(
    palette: Palette, skip: set[str], who: Sequence[str]
) -> dict[str, tuple[dict[str, Any], BehaviourOut]]:
    """Our codes as BORIS behaviours: code id as the BORIS code, targets in a ``target`` set."""
    out = {}
    for code in palette.codes:
        if code.id in skip:
            continue
        mods: list[dict[str, Any]] = []
        sets: list[SetOut] = []
        for set_id in code.modifiers:
            mset = palette.modifier_set(set_id, code)
            if mset is None:
                continue
            values = [f"{v.id} ({v.key})" if v.key else v.id for v in mset.values]
            mods.append({"name": set_id, "type": SINGLE, "values": values})
            sets.append(SetOut(set_id, "values", set_id))
        if code.target != "none":
            mods.append(_target_set(who))
            sets.append(SetOut(TARGET_SET, "target"))
        group = next((g for b in palette.codebooks for g in b.exclusive_groups.values()
                      if code.id in g.codes), None)  # fmt: skip
        entry = {
            "type": "State event" if code.is_state else "Point event",
            "key": code.key,
            "code": code.id,
            "description": code.label + (f": {code.definition}" if code.definition else ""),
            "category": code.category,
            "modifiers": _numbered(mods),
            "excluded": ",".join(c for c in group.codes if c != code.id) if group else "",
            "coding map": "",
        }
        out[code.id] = (entry, BehaviourOut(code.id, code.is_state, sets))
    return out


def _carried_behaviours(
    project: dict[str, Any], book: Codebook
) -> tuple[dict[str, tuple[dict[str, Any], BehaviourOut]], dict[str, str]]:
    """The project's own behaviours by our code id, and the codes of events it lacked."""
    ethogram = build_ethogram(project, Path(book.name), {}, [])
    raw = {text_of(b.get("code")): b for b in ordered(project.get("behaviors_conf"), "boris")
           if isinstance(b, dict)}  # fmt: skip
    out = {}
    for boris_code, code_id in ethogram.code_of.items():
        sets = []
        for m, smap in enumerate(ethogram.sets_of.get(boris_code, [])):
            text: dict[str, str] = {}
            listed = ordered(raw[boris_code].get("modifiers"), "boris")[m].get("values") or []
            for value in listed:
                if isinstance(value, str):
                    found = smap.values.get(split_value(value)[0].casefold())
                    if found is not None:
                        text.setdefault(found, split_value(value)[0])
            sets.append(SetOut(smap.name, smap.kind, smap.set_id, text))
        entry = copy.deepcopy(raw[boris_code])
        out[code_id] = (entry, BehaviourOut(boris_code, boris_code in ethogram.states, sets))
    # Behaviours used in events but missing from the ethogram stay missing, as they were.
    lacking = {c.id: c.label for c in book.codes if c.id not in out}
    return out, lacking


# --- observations --------------------------------------------------------------------------


def _players(
    media: Sequence[MediaFileView], first: MediaFileView
) -> dict[int, list[MediaFileView]]:
    """Files per BORIS player: as imported ("player N"), else the coding's own first."""
    labelled = [m for m in media if m.label.startswith("player ")]
    if labelled and len(labelled) == len(media) and all(m.label[7:].isdigit() for m in media):
        players: dict[int, list[MediaFileView]] = {}
        for m in sorted(media, key=lambda m: m.offset_ms):
            players.setdefault(int(m.label[7:]), []).append(m)
        return players
    others = [m for m in media if m.id != first.id]
    return {1: [first], **{n: [m] for n, m in enumerate(others, 2)}}


def _media_observation(data: CodingData, notices: list[str]) -> dict[str, Any]:
    info, details = data.record()
    media = next((m for m in details.media if m.id == info.media_file_id), None)
    if info.clock_mode != "media" or media is None:
        return {"file": {}, "type": "LIVE", "time offset": 0.0}
    players = _players(details.media, media)
    dropped = [m.path for p, files in players.items() if p > PLAYERS for m in files]
    if dropped:
        notices.append(
            f"{data.name}: BORIS plays {PLAYERS} players; left out: {', '.join(dropped)}"
        )
    players = {p: files for p, files in players.items() if p <= PLAYERS}
    # BORIS adds the observation's time offset to the media's time: session time.
    start = players[min(players)][0].offset_ms
    files = {str(p): [m.path for m in players.get(p, [])] for p in range(1, max(2, *players) + 1)}
    every = [m for f in players.values() for m in f]
    guessed = [m.path for m in every]
    notices.append(
        f"{data.name}: the frame rate and streams of {', '.join(guessed)} are not known here; "
        f"written as {GUESSED_FPS:g} fps, with audio"
    )
    return {
        "file": files,
        "type": "MEDIA",
        "time offset": start / 1000,
        "media_info": {
            "length": {m.path: m.duration_ms / 1000 for m in every if m.duration_ms},
            "fps": {m.path: GUESSED_FPS for m in every},
            "hasVideo": {m.path: not (mimetypes.guess_type(m.path)[0] or "").startswith("audio")
                         for m in every},
            "hasAudio": {m.path: True for m in every},
            "offset": {str(p): (f[0].offset_ms - start) / 1000 for p, f in players.items()},
        },
    }  # fmt: skip


def _own_observation(data: CodingData, notices: list[str]) -> dict[str, Any]:
    _info, details = data.record()
    return {
        **_media_observation(data, notices),
        # BORIS keeps local wall time, without an offset.
        "date": _local_date(
            details.session_starts_at or details.created_at,
            data.deidentified and not data.dates_shifted,
        ),
        "description": "\n\n".join(t for t in (details.session_notes, details.notes) if t),
        "events": [],
        "observation time interval": [0, 0],
        "independent_variables": {},
        "visualize_spectrogram": False,
        "visualize_waveform": False,
        "close_behaviors_between_videos": False,
        "scan_sampling_time": 0,
        "start_from_current_time": False,
    }


# --- the project ---------------------------------------------------------------------------


def project_document(
    store: Store, coding_ids: Sequence[int], deidentify: bool = False, dates: str = "drop"
) -> Export:
    """A BORIS 7.0 project holding these codings, one observation each.

    De-identified (for sharing), a person keeps one name across the codings, and the
    BORIS project a codebook came from is not carried: its subjects, observations and
    dates would name people and times.
    """
    people = SharingCodes.for_export(dates)
    datas = [read_for_export(store, i, True, deidentify, people) for i in coding_ids]
    books = datas[0].record()[1].codebooks
    for d in datas[1:]:
        if [b.digest for b in d.record()[1].codebooks] != [b.digest for b in books]:
            raise InputError(
                f"{d.name} uses other codebooks than {datas[0].name}; one BORIS project has "
                "one ethogram, so export codings with the same codebooks together"
            )
    palette = datas[0].stored.palette
    notices: list[str] = []
    kept = None if deidentify else _carried(books)
    behaviours: dict[str, tuple[dict[str, Any], BehaviourOut]] = {}
    lacking: dict[str, str] = {}
    base: dict[str, Any] = {}
    if kept is not None:
        base, book = kept
        behaviours, lacking = _carried_behaviours(base, book)
    who = list(dict.fromkeys(d.names[p.key] for d in datas for p in d.people))
    who += [GROUP, LEADERS]
    behaviours.update(_own_behaviours(palette, {*behaviours, *lacking}, who))
    outs = {cid: b for cid, (_e, b) in behaviours.items()}
    outs.update({cid: BehaviourOut(label, False, []) for cid, label in lacking.items()})

    subjects = [s for s in ordered(base.get("subjects_conf"), "boris") if isinstance(s, dict)]
    known = {text_of(s.get("name")).strip() for s in subjects}
    observations: dict[str, Any] = {}
    carried_obs: dict[str, Any] = base.get("observations") or {}
    if not isinstance(carried_obs, dict):
        carried_obs = {}
    total = 0
    for data in datas:
        info, details = data.record()
        subject_of = {}
        for p in data.people:
            name = data.names[p.key]
            subject_of[p.key] = name
            if name not in known:
                known.add(name)
                subjects.append({"key": "", "name": name, "description": p.role})
                if kept is not None:
                    notices.append(f"{name!r} is not among the BORIS project's subjects: added")
        if any(e.actor == LEADERS for e in data.events) and LEADERS not in known:
            known.add(LEADERS)
            subjects.append({"key": "", "name": LEADERS, "description": LEADERS_MARK})
        for code in {e.code for e in data.events if e.targets}:
            out = outs.get(code)
            if out is not None and not any(s.kind == "target" for s in out.sets):
                out.sets.append(SetOut(TARGET_SET, "target"))
                entry = behaviours[code][0]
                mods = ordered(entry.get("modifiers"), "boris")
                entry["modifiers"] = _numbered([*mods, _target_set(who)])
                notices.append(f"behaviour {out.code!r} gains a modifier set {TARGET_SET!r}: "
                               "its events have targets")  # fmt: skip
        rows = event_rows(data, outs, subject_of)
        if info.name in carried_obs:
            observation = copy.deepcopy(carried_obs[info.name])
        else:
            observation = _own_observation(data, notices)
        if rows.closed:
            said = (
                f"{counted(len(rows.closed), 'state')} still running "
                f"{plural(len(rows.closed), 'is', 'are')} stopped at the coding's end: "
                + "; ".join(rows.closed)
            )
            notices.append(f"{data.name}: {said}")
            observation["description"] = "\n\n".join(
                t for t in (text_of(observation.get("description")), said) if t
            )
        if rows.escaped:
            notices.append(
                "names holding BORIS's separators '|' or ',' are written with '¦' and '‚' in "
                f"targets: {', '.join(sorted(rows.escaped))}"
            )
        if details.process_notes:
            notices.append(
                f"{data.name}: its {counted(len(details.process_notes), 'process note')}"
            )
        observation["events"] = rows.rows
        total += len(data.events)
        title = info.name if info.name in carried_obs else info.file_title
        while title in observations:
            title += " (2)"
        observations[title] = observation

    for subject in subjects:
        subject.setdefault("key", "")
        subject.setdefault("description", "")
    entries = [entry for entry, _out in behaviours.values()]
    if kept is not None:
        document = {k: v for k, v in base.items() if k != "observations"}
        document["subjects_conf"] = _numbered(subjects)
        document["behaviors_conf"] = _numbered(entries)
        document["observations"] = observations
        return Export(document, list(dict.fromkeys(notices)), total)
    info = datas[0].stored
    categories = list(dict.fromkeys(c.category for c in palette.codes if c.category))
    document = {
        "time_format": "hh:mm:ss",
        "project_date": _local_date(datetime.now().astimezone(), deidentify),
        "project_name": f"{info.group_name} — {info.file_title}" if len(datas) == 1
        else info.group_name,
        "project_description": "Exported from Group Process Observer: "
        + "; ".join(f"{d.stored.group_name}, session {d.stored.session_number}, coded by "
                    f"{d.stored.observer}" for d in datas) + "."
        + (f" {removal_note(datas[0])}" if deidentify else ""),
        "project_format_version": "7.0",
        "subjects_conf": _numbered(subjects),
        "behaviors_conf": _numbered(entries),
        "behavioral_categories": categories,
        "behavioral_categories_conf": _numbered([{"name": c, "color": ""} for c in categories]),
        "observations": observations,
        "independent_variables": {},
        "coding_map": {},
        "behaviors_coding_map": [],
        "converters": {},
    }  # fmt: skip
    return Export(document, list(dict.fromkeys(notices)), total)


def boris_notices(store: Store, coding_ids: Sequence[int], deidentify: bool = False) -> list[str]:
    """What a BORIS project of these codings would not carry as they are."""
    return project_document(store, coding_ids, deidentify).notices


def export_boris_many(
    store: Store,
    coding_ids: Sequence[int],
    path: Path,
    progress: Progress = no_progress,
    deidentify: bool = False,
    dates: str = "drop",
    **_: Any,
) -> int:
    """Write codings as one BORIS project; returns the number of events."""
    progress(0, 1)
    doc = project_document(store, coding_ids, deidentify, dates)
    path.write_text(json.dumps(doc.document, ensure_ascii=False, indent=1), encoding="utf-8")
    progress(1, 1)
    return doc.events


def _local_date(when: datetime, dropped: bool) -> str:
    """BORIS keeps local wall time, without an offset; nothing when dates are dropped."""
    if dropped:
        return ""
    return when.astimezone().replace(tzinfo=None).isoformat(timespec="seconds")


def export_boris(
    store: Store,
    coding_id: int,
    path: Path,
    progress: Progress = no_progress,
    deidentify: bool = False,
    dates: str = "drop",
    **_: Any,
) -> int:
    """Write one coding as a BORIS project; returns the number of events."""
    return export_boris_many(store, [coding_id], path, progress, deidentify=deidentify, dates=dates)
