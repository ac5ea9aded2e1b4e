"""BORIS projects (``.boris``, project format 7.0): import whole projects, export codings.

Import: the ethogram becomes a codebook, the subjects members of one group, every
observation a session with one coding named after the observation. BORIS writes a
state event twice (start, then stop) without saying which is which: the first
occurrence of a subject + behaviour + modifiers starts it, the next stops it. A start
that is never stopped is kept as a state still running and reported. Events without
a subject are the group as a whole (``group``). Everything is written in one
transaction. Export writes one coding as a project BORIS opens; the event's target
goes into a modifier set named ``target``. Details: ``docs/formats.md``.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from observer.domain.codebook import Codebook, CodebookError, codebook_from_source, combine
from observer.domain.errors import InputError
from observer.domain.events import Event
from observer.domain.participants import GROUP, LEADERS, member_key
from observer.formats.common import (
    ImportReport,
    Progress,
    check_events,
    check_time,
    insert_rows,
    no_progress,
    parse_json,
    read_bytes,
    slugify,
    unique,
)
from observer.storage.models import Group, GroupSession, MediaFile, Member
from observer.storage.store import Store
from observer.workspace.codings import create_coding, stored_codebook

TARGET_SET = "target"
LEADERS_MARK = "Group Process Observer: the leaders together"
_KEYED_VALUE = re.compile(r"^(?P<label>.*?)\s*\((?P<key>[^()\s])\)\s*$")
_NO_VALUE = ("", "none")
SINGLE, MULTIPLE = 0, 1


# --- reading the file ----------------------------------------------------------------------


def load_project(path: Path) -> dict[str, Any]:
    """The project's JSON (plain or gzip-compressed), checked to be a BORIS project."""
    data = read_bytes(path)
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"{path}: damaged compressed BORIS project ({exc})") from exc
    project = parse_json(data, path, "BORIS project")
    if not isinstance(project, dict) or "behaviors_conf" not in project:
        raise InputError(f"{path}: not a BORIS project (no ethogram, 'behaviors_conf')")
    return project


def _ordered(value: Any, where: str) -> list[Any]:
    """BORIS keeps lists as dicts keyed "0", "1", …; in numeric order."""
    if value in ("", None):
        return []
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        raise InputError(f"{where}: expected a list or a numbered mapping")

    def order(k: str) -> tuple[int, Any]:
        return (0, int(k)) if str(k).isdigit() else (1, str(k))

    return [value[k] for k in sorted(value, key=order)]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


@dataclass
class SetMap:
    """How one BORIS modifier set of a behaviour arrives here."""

    name: str
    set_id: str | None  # None: the values go into the event's note
    kind: str  # "values" | "target" | "note"
    multiple: bool = False
    values: dict[str, str] = field(default_factory=dict)  # label (casefolded) -> value id


@dataclass
class Ethogram:
    book: Codebook
    yaml_text: str
    code_of: dict[str, str]
    sets_of: dict[str, list[SetMap]]
    states: set[str]
    added: list[str]


def _split_value(raw: str) -> tuple[str, str]:
    """'happy (h)' -> ('happy', 'h'): BORIS shows a value's shortcut key in parentheses."""
    text = raw.strip()
    found = _KEYED_VALUE.match(text)
    if found and found.group("label").strip():
        return found.group("label").strip(), found.group("key")
    return text, ""


def build_ethogram(
    project: Mapping[str, Any], file: Path, missing: Mapping[str, int], warnings: list[str]
) -> Ethogram:
    """The ethogram as a codebook (validated YAML), plus how BORIS names map onto it."""
    name = _text(project.get("project_name")).strip() or file.stem
    ident = "boris-" + slugify(name, "project")[:60]
    categories: dict[str, str] = {}
    cat_ids: dict[str, str] = {}
    set_specs: dict[str, dict[str, Any]] = {}
    set_by_content: dict[tuple[str, tuple[str, ...]], str] = {}
    codes: list[dict[str, Any]] = []
    code_of: dict[str, str] = {}
    sets_of: dict[str, list[SetMap]] = {}
    states: set[str] = set()
    taken_codes: set[str] = set()
    taken_keys: set[str] = set()
    taken_sets: set[str] = {TARGET_SET}
    for n, raw in enumerate(_ordered(project.get("behaviors_conf"), f"{file}: behaviors_conf")):
        where = f"{file}: behaviors_conf[{n}]"
        if not isinstance(raw, dict):
            raise InputError(f"{where}: expected a behaviour")
        boris_code = _text(raw.get("code"))
        if not boris_code.strip():
            warnings.append(f"behaviour {n + 1} of the ethogram has no code and was left out")
            continue
        if boris_code in code_of:
            warnings.append(f"behaviour {boris_code!r} appears twice in the ethogram; kept once")
            continue
        cid = unique(slugify(boris_code, f"code-{n + 1}")[:90], taken_codes)
        code_of[boris_code] = cid
        kind = "state" if "state" in _text(raw.get("type")).lower() else "point"
        if kind == "state":
            states.add(boris_code)
        entry: dict[str, Any] = {"id": cid, "label": boris_code.strip(), "kind": kind}
        description = _text(raw.get("description")).strip()
        if description:
            entry["definition"] = description
        colour = _text(raw.get("color")).strip()
        if re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
            entry["colour"] = colour
        key = _text(raw.get("key"))
        if len(key) == 1 and not key.isdigit() and not key.isspace() and key not in taken_keys:
            entry["key"] = key
            taken_keys.add(key)
        elif key:
            warnings.append(f"the key {key!r} of behaviour {boris_code!r} could not be kept")
        category = _text(raw.get("category")).strip()
        if category:
            if category not in cat_ids:
                cat_ids[category] = unique(slugify(category, "category"), set(categories))
                categories[cat_ids[category]] = category
            entry["category"] = cat_ids[category]
        mapped: list[SetMap] = []
        used: list[str] = []
        for m, mraw in enumerate(_ordered(raw.get("modifiers"), f"{where}.modifiers")):
            if not isinstance(mraw, dict):
                raise InputError(f"{where}.modifiers[{m}]: expected a modifier set")
            set_name = _text(mraw.get("name")).strip() or f"modifier {m + 1}"
            values = [v for v in (mraw.get("values") or []) if isinstance(v, str) and v.strip()]
            mtype = mraw.get("type", SINGLE)
            if set_name.casefold() == TARGET_SET:
                mapped.append(SetMap(set_name, None, "target", True))
                continue
            if mtype not in (SINGLE, MULTIPLE) or not values:
                mapped.append(SetMap(set_name, None, "note"))
                warnings.append(
                    f"modifier set {set_name!r} of {boris_code!r} has no fixed values "
                    "(numeric or free); its values are kept in the event notes"
                )
                continue
            content = (set_name, tuple(v.strip() for v in values))
            set_id = set_by_content.get(content)
            smap = SetMap(set_name, None, "values", mtype == MULTIPLE)
            if set_id is None:
                set_id = unique(slugify(set_name, f"modifier-{m + 1}")[:90], taken_sets)
                set_by_content[content] = set_id
                value_specs: list[dict[str, str]] = []
                value_ids: set[str] = set()
                value_keys: set[str] = set()
                for v, value in enumerate(values):
                    label, vkey = _split_value(value)
                    vid = unique(slugify(label, f"v{v + 1}")[:90], value_ids)
                    spec = {"id": vid, "label": label or vid}
                    if vkey and vkey not in value_keys:
                        spec["key"] = vkey
                        value_keys.add(vkey)
                    value_specs.append(spec)
                set_specs[set_id] = {"label": set_name, "values": value_specs}
            smap.set_id = set_id
            for value, spec in zip(values, set_specs[set_id]["values"], strict=True):
                smap.values[spec["label"].casefold()] = spec["id"]
                smap.values.setdefault(value.strip().casefold(), spec["id"])
            mapped.append(smap)
            if set_id not in used:
                used.append(set_id)
        if used:
            entry["modifiers"] = used
        sets_of[boris_code] = mapped
        codes.append(entry)
    added = []
    for boris_code, count in missing.items():
        if boris_code in code_of:
            continue
        cid = unique(slugify(boris_code, "code")[:90], taken_codes)
        code_of[boris_code] = cid
        sets_of[boris_code] = []
        codes.append({"id": cid, "label": boris_code.strip() or cid, "kind": "point",
                      "definition": "Not in the BORIS ethogram; added on import."})  # fmt: skip
        added.append(boris_code)
        warnings.append(
            f"behaviour {boris_code!r} is not in the ethogram ({count} events): "
            "added to the codebook as a point code"
        )
    if not codes:
        raise InputError(f"{file}: the ethogram has no behaviours")
    doc: dict[str, Any] = {
        "codebook": ident,
        "name": f"{name} (BORIS ethogram)",
        "version": "1.0",
        "description": (
            _text(project.get("project_description")).strip()
            + f"\nImported from the BORIS project {file.name}."
        ).strip(),
    }
    if categories:
        doc["categories"] = categories
    if set_specs:
        doc["modifier_sets"] = set_specs
    doc["codes"] = codes
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    try:
        book = codebook_from_source(text, f"{file} (ethogram)")
    except CodebookError as exc:  # pragma: no cover - the generator keeps to the format
        raise InputError(f"{file}: the ethogram cannot be turned into a codebook: {exc}") from exc
    return Ethogram(book, text, code_of, sets_of, states, added)


# --- events --------------------------------------------------------------------------------


@dataclass
class RawEvent:
    time_ms: int
    subject: str
    code: str
    modifiers: str
    comment: str
    where: str


def _raw_events(obs: Mapping[str, Any], obs_name: str, file: Path) -> list[RawEvent]:
    out = []
    events = obs.get("events", [])
    if not isinstance(events, list):
        raise InputError(f"{file}: observation {obs_name!r}: events: expected a list")
    for i, ev in enumerate(events):
        where = f"{file}: observation {obs_name!r}, event {i + 1}"
        if not isinstance(ev, list) or len(ev) < 3:
            raise InputError(f"{where}: expected [time, subject, behaviour, modifiers, comment]")
        t = ev[0]
        if isinstance(t, str):
            try:
                t = float(t)
            except ValueError:
                raise InputError(f"{where}: time: {ev[0]!r} is not a number") from None
        ms = check_time(t * 1000 if isinstance(t, int | float) and not isinstance(t, bool) else t,
                        where, "time")  # fmt: skip
        for pos, label in ((1, "subject"), (2, "behaviour")):
            if not isinstance(ev[pos], str):
                raise InputError(f"{where}: {label}: {ev[pos]!r} is not text")
        mods = ev[3] if len(ev) > 3 else ""
        comment = ev[4] if len(ev) > 4 else ""
        if not isinstance(mods, str) or not isinstance(comment, str):
            raise InputError(f"{where}: modifiers and comment must be text")
        out.append(RawEvent(ms, ev[1].strip(), ev[2], mods, comment, where))
    # BORIS keeps events in time order; a hand-edited file may not.
    out.sort(key=lambda e: e.time_ms)
    return out


@dataclass
class Observation:
    name: str
    raw: Mapping[str, Any]
    events: list[RawEvent]


def _modifiers(
    ev: RawEvent,
    sets: list[SetMap],
    names: Mapping[str, str],
    warnings: list[str],
) -> tuple[dict[str, str], tuple[str, ...], list[str]]:
    """Modifier values, targets, and what had to go into the note, from 'a|b|None'."""
    parts = ev.modifiers.split("|") if ev.modifiers.strip() else []
    chosen: dict[str, str] = {}
    targets: list[str] = []
    kept: list[str] = []
    if len(parts) > len(sets):
        kept.extend(p.strip() for p in parts[len(sets) :] if p.strip())
        warnings.append(f"{ev.where}: more modifier values than the behaviour has sets")
    for smap, part in zip(sets, parts, strict=False):
        value = part.strip()
        if value.casefold() in _NO_VALUE:
            continue
        if smap.kind == "target":
            for name in (v.strip() for v in value.split(",")):
                key = names.get(name.casefold())
                if key is None:
                    kept.append(f"{smap.name}: {name}")
                    warnings.append(f"{ev.where}: target {name!r} is not a subject; kept in note")
                elif key != names.get(ev.subject.casefold(), GROUP) and key not in targets:
                    targets.append(key)
            continue
        if smap.kind == "note" or smap.set_id is None:
            kept.append(f"{smap.name}: {value}")
            continue
        pieces = [p.strip() for p in value.split(",")] if smap.multiple else [value]
        first = smap.values.get(pieces[0].casefold()) or smap.values.get(
            _split_value(pieces[0])[0].casefold()
        )
        if first is None:
            kept.append(f"{smap.name}: {value}")
            warnings.append(
                f"{ev.where}: {value!r} is not a value of {smap.name!r}; kept in the note"
            )
            continue
        chosen[smap.set_id] = first
        if len(pieces) > 1:
            kept.append(f"{smap.name}: {value}")
            warnings.append(
                f"{ev.where}: several values of {smap.name!r} ({value}); the first is the "
                "modifier, all are in the note"
            )
    return chosen, tuple(targets), kept


def pair_events(
    obs: Observation,
    ethogram: Ethogram,
    names: Mapping[str, str],
    warnings: list[str],
) -> tuple[list[Event], list[str]]:
    """BORIS rows to events: state starts paired with their stops, per subject + modifiers."""
    events: list[Event | None] = []
    where: list[str] = []
    open_states: dict[tuple[str, str, str], int] = {}
    for ev in obs.events:
        actor = names[ev.subject.casefold()] if ev.subject else GROUP
        sets = ethogram.sets_of.get(ev.code, [])
        is_state = ev.code in ethogram.states
        if is_state:
            key = (ev.subject, ev.code, "|".join(p.strip() for p in ev.modifiers.split("|")))
            started = open_states.pop(key, None)
            if started is not None:
                first = events[started]
                assert first is not None
                events[started] = Event(
                    0, first.time_ms, first.code, first.actor, first.targets, first.modifiers,
                    first.note, ev.time_ms,
                )  # fmt: skip
                continue
            open_states[key] = len(events)
        modifiers, targets, kept = _modifiers(ev, sets, names, warnings)
        note = ev.comment.strip()
        if kept:
            note = (note + " " if note else "") + "[" + "; ".join(kept) + "]"
        events.append(
            Event(0, ev.time_ms, ethogram.code_of[ev.code], actor, targets, modifiers, note)
        )
        where.append(ev.where)
    for (subject, code, _mods), index in open_states.items():
        e = events[index]
        assert e is not None
        warnings.append(
            f"observation {obs.name!r}: state {code!r} of "
            f"{subject or 'No focal subject'} started at {e.time_ms / 1000:.3f} s is never "
            "stopped (unpaired); kept as a state still running"
        )
    return [e for e in events if e is not None], where


# --- import --------------------------------------------------------------------------------


def _session_notes(name: str, obs: Mapping[str, Any]) -> str:
    lines = [f"BORIS observation: {name}"]
    description = _text(obs.get("description")).strip()
    if description:
        lines += ["", description]
    variables = obs.get("independent_variables")
    if isinstance(variables, dict) and variables:
        lines += ["", "Independent variables:"]
        lines += [f"  {k}: {_text(v)}" for k, v in variables.items()]
    offset = obs.get("time offset")
    if isinstance(offset, int | float) and offset:
        lines.append(f"Time offset: {offset} s")
    return "\n".join(lines)


def _starts_at(obs: Mapping[str, Any]) -> datetime | None:
    try:
        found = datetime.fromisoformat(_text(obs.get("date")).strip())
    except ValueError:
        return None
    return found.astimezone()  # BORIS writes local wall time; stored in UTC


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _media(obs: Mapping[str, Any]) -> list[tuple[str, int, int | None, str]]:
    """(path, offset ms, duration ms, label) per file; a player's files play one after another."""
    files = obs.get("file")
    if not isinstance(files, dict):
        return []
    info = _mapping(obs.get("media_info"))
    lengths = _mapping(info.get("length"))
    offsets = _mapping(info.get("offset"))
    out = []
    for player, paths in files.items():
        if not isinstance(paths, list):
            continue
        base = offsets.get(str(player), 0.0)
        at = float(base) if isinstance(base, int | float) and not isinstance(base, bool) else 0.0
        for p in paths:
            if not isinstance(p, str) or not p:
                continue
            length = lengths.get(p)
            duration = None
            if isinstance(length, int | float) and not isinstance(length, bool):
                duration = round(length * 1000) if 0 <= length < 1e9 else None
            out.append((p, round(at * 1000), duration, f"player {player}"))
            at += (duration or 0) / 1000
    return out


def import_boris(
    store: Store,
    path: Path,
    progress: Progress = no_progress,
    observer: str | None = None,
    capacity: str = "supervisor",
    group_name: str | None = None,
    codebook_out: Path | str | None = None,
    **_: Any,
) -> ImportReport:
    """Import a whole BORIS project in one transaction; ``warnings`` lists what did not map."""
    project = load_project(path)
    report = ImportReport(str(path), "boris")
    warnings = report.warnings
    observations = []
    raw_obs = project.get("observations") or {}
    if not isinstance(raw_obs, dict):
        raise InputError(f"{path}: observations: expected a mapping of names to observations")
    for obs_name, obs in raw_obs.items():
        if not isinstance(obs, dict):
            raise InputError(f"{path}: observation {obs_name!r}: expected an observation")
        observations.append(Observation(str(obs_name), obs, _raw_events(obs, obs_name, path)))

    subjects: list[tuple[str, str]] = []  # (name, description)
    for n, raw in enumerate(_ordered(project.get("subjects_conf"), f"{path}: subjects_conf")):
        if not isinstance(raw, dict):
            raise InputError(f"{path}: subjects_conf[{n}]: expected a subject")
        name = _text(raw.get("name")).strip() or f"subject {n + 1}"
        subjects.append((name, _text(raw.get("description")).strip()))
    known = {s.casefold() for s, _ in subjects}
    behaviours = {
        _text(b.get("code"))
        for b in _ordered(project.get("behaviors_conf"), f"{path}: behaviors_conf")
        if isinstance(b, dict)
    }
    missing: dict[str, int] = {}
    for obs in observations:
        for ev in obs.events:
            if ev.code not in behaviours:
                missing[ev.code] = missing.get(ev.code, 0) + 1
            if ev.subject and ev.subject.casefold() not in known:
                known.add(ev.subject.casefold())
                subjects.append((ev.subject, ""))
                warnings.append(
                    f"subject {ev.subject!r} is not in the project's subjects (first at "
                    f"{ev.where}); added as a member"
                )
    ethogram = build_ethogram(project, path, missing, warnings)
    palette = combine([ethogram.book])
    total = sum(len(o.events) for o in observations)
    if codebook_out:
        Path(codebook_out).write_text(ethogram.yaml_text, encoding="utf-8")

    with store.session() as s:
        stored = stored_codebook(s, ethogram.book)
        report.codebook_ids.append(stored.id)
        if not observations:
            if subjects:
                warnings.append(
                    f"the project has no observations: its {len(subjects)} subjects were not "
                    "made a group (import a project with observations to create one)"
                )
            ivars = _ordered(project.get("independent_variables"), f"{path}: independent_variables")
            if ivars:
                warnings.append(
                    f"{len(ivars)} independent variable definition(s) have no observation to "
                    "be kept with"
                )
            return report
        group = Group(
            name=(group_name or _text(project.get("project_name")).strip() or path.stem)[:200],
            modality="",
            notes=_group_notes(project, path),
        )
        s.add(group)
        s.flush()
        report.group_id = group.id
        names: dict[str, str] = {"": GROUP}
        members = []
        for seat, (name, description) in enumerate(subjects):
            if description == LEADERS_MARK:
                names[name.casefold()] = LEADERS
                continue
            member = Member(
                group_id=group.id, pseudonym=name[:100], initials=_initials(name), seat=seat,
                colour=_colour(seat),
            )  # fmt: skip
            s.add(member)
            s.flush()
            members.append(member)
            names.setdefault(name.casefold(), member_key(member.id))
        keys = set(names.values())
        # Our own exports name the collectives as targets "group" and "leaders".
        names.setdefault(GROUP, GROUP)
        names.setdefault(LEADERS, LEADERS)
        keys |= {GROUP, LEADERS}
        done = 0
        for number, obs in enumerate(observations, 1):
            events, where = pair_events(obs, ethogram, names, warnings)
            check_events(palette, keys, events, where)
            session = GroupSession(
                group_id=group.id,
                number=number,
                starts_at=_starts_at(obs.raw),
                notes=_session_notes(obs.name, obs.raw),
            )
            session.present = list(members)
            s.add(session)
            s.flush()
            media_id = None
            for media_path, offset, duration, label in _media(obs.raw):
                media = MediaFile(
                    session_id=session.id, path=media_path, offset_ms=offset,
                    duration_ms=duration, label=label,
                )  # fmt: skip
                s.add(media)
                s.flush()
                media_id = media_id or media.id
            is_media = _text(obs.raw.get("type")).upper() == "MEDIA"
            coding = create_coding(
                s, session.id, observer or "BORIS", [ethogram.book],
                "media" if is_media else "live", obs.name[:200], capacity,
                media_id if is_media else None,
            )  # fmt: skip
            done = insert_rows(s, coding.id, events, progress, done, total)
            report.session_ids.append(session.id)
            report.coding_ids.append(coding.id)
            report.coding_names.append(coding.name)
            report.events += len(events)
    return report


def _group_notes(project: Mapping[str, Any], path: Path) -> str:
    lines = [f"Imported from the BORIS project {path.name}."]
    description = _text(project.get("project_description")).strip()
    if description:
        lines += ["", description]
    ivars = _ordered(project.get("independent_variables"), f"{path}: independent_variables")
    if ivars:
        lines += ["", "Independent variables:"]
        for v in ivars:
            if isinstance(v, dict):
                detail = ", ".join(
                    f"{k}: {_text(v.get(k))}" for k in ("type", "description", "possible values")
                    if _text(v.get(k))
                )  # fmt: skip
                lines.append(f"  {_text(v.get('label'))} ({detail})")
    return "\n".join(lines)


def _initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w]
    if len(words) > 1:
        return "".join(w[0] for w in words).upper()[:3]
    return name[:2].upper()


def _colour(seat: int) -> str:
    from observer.domain.participants import MEMBER_COLOURS

    return MEMBER_COLOURS[seat % len(MEMBER_COLOURS)]
