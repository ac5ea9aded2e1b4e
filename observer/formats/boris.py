"""BORIS projects (``.boris``, project format 7.0): import whole projects, export codings.

Import: the ethogram becomes a codebook (``boris_ethogram``), the subjects members of
one group, every observation a session with one coding named after the observation. BORIS writes a
state event twice (start, then stop) without saying which is which: the first
occurrence of a subject + behaviour + modifiers starts it, the next stops it. A start
that is never stopped is kept as a state still running and reported. Events without
a subject are the group as a whole (``group``). Everything is written in one
transaction. What the app does not use (subject keys, variables, media information) is
kept with the codebook for the export (``boris_export``). Details: ``docs/formats.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from observer.domain import limits
from observer.domain.codebook import combine
from observer.domain.errors import InputError, Refused
from observer.domain.event_rules import EventRules
from observer.domain.events import Event
from observer.domain.participants import COLLECTIVES, GROUP, LEADERS
from observer.domain.wording import counted, plural
from observer.formats.boris_ethogram import (
    Ethogram,
    SetMap,
    build_ethogram,
    ordered,
    split_value,
    text_of,
    unescaped,
)
from observer.formats.common import (
    ImportReport,
    Progress,
    insert_rows,
    no_progress,
    parse_json,
    placed,
)
from observer.formats.file_limits import check_rows, gunzip_limited, read_limited
from observer.formats.media_paths import recordings_folder, refused_media
from observer.storage.private_file import write_private_text
from observer.storage.store import Store
from observer.workspace.codings import create_coding, stored_codebook
from observer.workspace.groups import (
    MemberSpec,
    create_group,
    create_media,
    create_session,
    group_roster,
    session_roster,
)

LEADERS_MARK = "Group Process Observer: the leaders together"
_NO_VALUE = ("", "none")


# --- reading the file ----------------------------------------------------------------------


def load_project(path: Path) -> dict[str, Any]:
    """The project's JSON (plain or gzip-compressed), checked to be a BORIS project."""
    data = read_limited(path)
    if data[:2] == b"\x1f\x8b":
        data = gunzip_limited(data, path)
    project = parse_json(data, path, "BORIS project")
    if not isinstance(project, dict) or "behaviors_conf" not in project:
        raise InputError(f"{path}: not a BORIS project (no ethogram, 'behaviors_conf')")
    return project


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
        try:
            ms = limits.milliseconds(t, "time", per_unit=1000)
        except Refused as exc:
            raise exc.at(where) from None
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
    who: Callable[[str], str | None],
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
                if not name.isascii():  # our look-alikes of BORIS's separators
                    name = unescaped(name)
                key = who(name)
                if key is None:
                    kept.append(f"{smap.name}: {name}")
                    warnings.append(f"{ev.where}: target {name!r} is not a subject; kept in note")
                else:  # oneself, or someone twice, is for the event rules to refuse
                    targets.append(key)
            continue
        if smap.kind == "note" or smap.set_id is None:
            kept.append(f"{smap.name}: {value}")
            continue
        pieces = [p.strip() for p in value.split(",")] if smap.multiple else [value]
        first = smap.values.get(pieces[0].casefold()) or smap.values.get(
            split_value(pieces[0])[0].casefold()
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
    who: Callable[[str], str | None],
    warnings: list[str],
) -> tuple[list[Event], list[str]]:
    """BORIS rows to events: state starts paired with their stops, per subject + modifiers."""
    events: list[Event | None] = []
    where: list[str] = []
    open_states: dict[tuple[str, str, str], int] = {}
    for ev in obs.events:
        actor = (who(ev.subject) or ev.subject) if ev.subject else GROUP
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
        modifiers, targets, kept = _modifiers(ev, sets, who, warnings)
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
    description = text_of(obs.get("description")).strip()
    if description:
        lines += ["", description]
    variables = obs.get("independent_variables")
    if isinstance(variables, dict) and variables:
        lines += ["", "Independent variables:"]
        lines += [f"  {k}: {text_of(v)}" for k, v in variables.items()]
    offset = obs.get("time offset")
    if isinstance(offset, int | float) and offset:
        lines.append(f"Time offset: {offset} s")
    return "\n".join(lines)


def _starts_at(obs: Mapping[str, Any]) -> datetime | None:
    try:
        found = datetime.fromisoformat(text_of(obs.get("date")).strip())
    except ValueError:
        return None
    return found.astimezone()  # BORIS writes local wall time; stored in UTC


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _media(obs: Mapping[str, Any], where: str) -> list[tuple[str, int, int | None, str]]:
    """(path, offset ms, duration ms, label) per file; a player's files play one after another.

    An offset that is not a time is refused; a length that is not one is left unknown.
    """
    files = obs.get("file")
    if not isinstance(files, dict):
        return []
    info = _mapping(obs.get("media_info"))
    lengths = _mapping(info.get("length"))
    offsets = _mapping(info.get("offset"))
    # BORIS times events as the media's time plus the observation's time offset.
    time_offset = obs.get("time offset") or 0
    if not isinstance(time_offset, int | float) or isinstance(time_offset, bool):
        time_offset = 0
    out = []
    for player, paths in files.items():
        if not isinstance(paths, list):
            continue
        try:
            offset = offsets.get(str(player), 0)
            if isinstance(offset, int | float) and not isinstance(offset, bool):
                offset += time_offset
            at = limits.milliseconds(offset, "offset", per_unit=1000)
            limits.offset_time(at, "offset")
        except Refused as exc:
            raise exc.at(f"{where}, media_info.offset of player {player}") from None
        for p in paths:
            if not isinstance(p, str) or not p:
                continue
            length = lengths.get(p)
            duration = None
            if (
                isinstance(length, int | float)
                and not isinstance(length, bool)
                and 0 <= length <= limits.MAX_SESSION_MS / 1000
            ):
                duration = round(length * 1000)
            out.append((p, at, duration, f"player {player}"))
            at += duration or 0
    return out


def import_boris(
    store: Store,
    path: Path,
    progress: Progress = no_progress,
    observer: str | None = None,
    capacity: str = "supervisor",
    group_name: str | None = None,
    codebook_out: Path | str | None = None,
    media_folder: str | Path | None = None,
    **_: Any,
) -> ImportReport:
    """Import a whole BORIS project in one transaction; ``warnings`` lists what did not map.

    Relative recording paths must stay inside ``media_folder`` (default: the file's folder).
    """
    inside = recordings_folder(media_folder, path)
    if observer is not None:
        observer = placed("--observer", limits.name, observer, "initials", 20, "the initials")
    project = load_project(path)
    report = ImportReport(str(path), "boris")
    warnings = report.warnings
    observations = []
    raw_obs = project.get("observations") or {}
    if not isinstance(raw_obs, dict):
        raise InputError(f"{path}: observations: expected a mapping of names to observations")
    rows_so_far = 0
    for obs_name, obs in raw_obs.items():
        if not isinstance(obs, dict):
            raise InputError(f"{path}: observation {obs_name!r}: expected an observation")
        observations.append(Observation(str(obs_name), obs, _raw_events(obs, obs_name, path)))
        rows_so_far += len(observations[-1].events)
        check_rows(rows_so_far, f"{path}: observation {obs_name!r}")

    subjects: list[tuple[str, str]] = []  # (name, description)
    for n, raw in enumerate(ordered(project.get("subjects_conf"), f"{path}: subjects_conf")):
        if not isinstance(raw, dict):
            raise InputError(f"{path}: subjects_conf[{n}]: expected a subject")
        name = text_of(raw.get("name")).strip() or f"subject {n + 1}"
        subjects.append((name, text_of(raw.get("description")).strip()))
    known = {s.casefold() for s, _ in subjects}
    behaviours = {
        text_of(b.get("code"))
        for b in ordered(project.get("behaviors_conf"), f"{path}: behaviors_conf")
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
        write_private_text(codebook_out, ethogram.yaml_text)

    with store.session() as s:
        stored = stored_codebook(s, ethogram.book)
        report.codebook_ids.append(stored.id)
        if not observations:
            if subjects:
                warnings.append(
                    f"the project has no observations: its {len(subjects)} subjects were not "
                    "made a group (import a project with observations to create one)"
                )
            ivars = ordered(project.get("independent_variables"), f"{path}: independent_variables")
            if ivars:
                warnings.append(
                    f"{counted(len(ivars), 'independent variable definition')} "
                    f"{plural(len(ivars), 'has', 'have')} no observation to "
                    "be kept with"
                )
            return report
        people, aliases = [], {}
        for name, description in subjects:
            # The leaders of our own exports, and a subject that is the group or the leaders.
            collective = LEADERS if description == LEADERS_MARK else name.casefold()
            if collective in COLLECTIVES:
                aliases[name.casefold()] = collective
                if description != LEADERS_MARK:
                    warnings.append(f"subject {name!r} is taken to be {collective!r}, not a member")
                continue
            people.append((name, description))
        group = create_group(
            s,
            group_name or text_of(project.get("project_name")).strip() or path.stem,
            notes=_group_notes(project, path),
            members=[MemberSpec(name) for name, _ in people],
            places=[f"{path}: subject {name!r}" for name, _ in people],
            where=f"{path}: project",
        )
        report.group_id = group.id
        roster = group_roster(group)

        def who(name: str) -> str | None:
            return aliases.get(name.strip().casefold()) or roster.find(name)

        done = 0
        for number, obs in enumerate(observations, 1):
            where = f"{path}: observation {obs.name!r}"
            events, places = pair_events(obs, ethogram, who, warnings)
            coding_name = placed(where, limits.single_line, obs.name, "name", 200)
            notes = _session_notes(obs.name, obs.raw)
            session = placed(where, create_session, s, group, number, _starts_at(obs.raw),
                             "in person", None, notes)  # fmt: skip
            rules = EventRules(palette, session_roster(s, session.id))
            warnings += rules.check_all(events, places)
            media_id = None
            for media_path, offset, duration, label in _media(obs.raw, where):
                if refusal := refused_media(media_path, path.parent, where, inside):
                    warnings.append(refusal)
                    continue
                media = placed(where, create_media, s, session.id, media_path, offset, duration,
                                label)  # fmt: skip
                media_id = media_id or media.id
            is_media = text_of(obs.raw.get("type")).upper() == "MEDIA"
            coding = create_coding(
                s, session.id, observer or "BORIS", [ethogram.book],
                "media" if is_media else "live", coding_name, capacity,
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
    description = text_of(project.get("project_description")).strip()
    if description:
        lines += ["", description]
    ivars = ordered(project.get("independent_variables"), f"{path}: independent_variables")
    if ivars:
        lines += ["", "Independent variables:"]
        for v in ivars:
            if isinstance(v, dict):
                detail = ", ".join(
                    f"{k}: {text_of(v.get(k))}" for k in ("type", "description", "possible values")
                    if text_of(v.get(k))
                )  # fmt: skip
                lines.append(f"  {text_of(v.get('label'))} ({detail})")
    return "\n".join(lines)
