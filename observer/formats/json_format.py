"""Our own JSON: one whole coding, lossless and versioned (see ``docs/formats.md``).

The file carries the group and its members (pseudonyms only), the session with its
media, the observer, the exact codebook texts, every event with its modifiers and
timestamps, the process notes and the audit trail. People are referred to inside the
file by local references (``p1``, ``p2``…) so that nothing depends on database ids;
importing recreates the coding exactly, on this machine or on a colleague's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from observer import __version__
from observer.domain.codebook import Codebook, codebook_from_source, combine
from observer.domain.coding_data import CodingData
from observer.domain.errors import InputError
from observer.domain.events import Event
from observer.domain.participants import COLLECTIVES, member_key
from observer.formats.common import (
    ImportReport,
    Progress,
    check_events,
    check_time,
    insert_rows,
    no_progress,
    parse_json,
    read_bytes,
)
from observer.storage.models import (
    CAPACITIES,
    CLOCK_MODES,
    EVENTS,
    MEMBER_ROLES,
    NOTE_KINDS,
    SETTINGS,
    AuditEntry,
    Coding,
    Group,
    GroupSession,
    MediaFile,
    Member,
    ProcessNote,
)
from observer.storage.read_coding import from_coding
from observer.storage.store import Store
from observer.workspace.codings import create_coding

FORMAT_ID = "group-process-observer-coding"
VERSION = 1


# --- export --------------------------------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def coding_document(data: CodingData) -> dict[str, Any]:
    """The JSON document of a coding read with its details (a plain dict, ready for JSON)."""
    info, more = data.record()
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
    return {
        "format": FORMAT_ID,
        "version": VERSION,
        "app_version": __version__,
        "exported_at": datetime.now().astimezone().isoformat(timespec="seconds"),
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
            "created_at": _iso(more.created_at),
            "clock_elapsed_ms": more.clock_elapsed_ms,
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
            for e, created, edited in zip(data.events, more.created, more.edited, strict=True)
        ],
        "process_notes": [
            {"time_ms": n.time_ms, "text": n.text, "kind": n.kind, "created_at": _iso(n.created_at)}
            for n in more.process_notes
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
    }


def export_json(
    store: Store, coding_id: int, path: Path, progress: Progress = no_progress, **_: Any
) -> int:
    """Write one coding as our JSON; returns the number of events."""
    data = from_coding(store, coding_id, details=True)
    doc = coding_document(data)
    progress(0, 1)
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")
    progress(1, 1)
    return len(data.events)


# --- reading with located messages ---------------------------------------------------------


class _Doc:
    """Typed access to the parsed file; every problem names the file and the field."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, where: str, message: str) -> InputError:
        return InputError(f"{self.file}: {where}: {message}")

    def obj(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "expected an object")
        return value

    def items(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(where, "expected a list")
        return value

    def text(self, parent: Mapping[str, Any], key: str, where: str, default: str = "") -> str:
        value = parent.get(key, default)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self.fail(f"{where}.{key}", f"expected text, not {value!r}")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise self.fail(f"{where}.{key}", "contains characters that are not text") from None
        return value

    def integer(
        self, parent: Mapping[str, Any], key: str, where: str, *, optional: bool = False
    ) -> int | None:
        value = parent.get(key)
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{where}.{key}", f"expected a whole number, not {value!r}")
        if abs(value) > 10**12:
            raise self.fail(f"{where}.{key}", f"{value} is out of range")
        return value

    def flag(self, parent: Mapping[str, Any], key: str, where: str) -> bool:
        value = parent.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"{where}.{key}", f"expected true or false, not {value!r}")
        return value

    def when(self, parent: Mapping[str, Any], key: str, where: str) -> datetime | None:
        value = self.text(parent, key, where)
        if not value:
            return None
        try:
            found = datetime.fromisoformat(value)
        except ValueError:
            raise self.fail(f"{where}.{key}", f"{value!r} is not an ISO date and time") from None
        return found.replace(tzinfo=None) if found.tzinfo is None else found

    def day(self, parent: Mapping[str, Any], key: str, where: str) -> date | None:
        value = self.text(parent, key, where)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(f"{where}.{key}", f"{value!r} is not an ISO date") from None

    def choice(
        self, parent: Mapping[str, Any], key: str, where: str, options: tuple[str, ...]
    ) -> str:
        value = self.text(parent, key, where, options[0])
        if value not in options:
            raise self.fail(f"{where}.{key}", f"{value!r} is not one of: {', '.join(options)}")
        return value


def _event_fields(d: _Doc, raw: Any, where: str, refs: Mapping[str, str]) -> dict[str, Any] | None:
    """An audit before/after, people mapped from references to this database's keys."""
    if raw is None:
        return None
    out = dict(d.obj(raw, where))
    if isinstance(out.get("actor"), str):
        out["actor"] = refs.get(out["actor"], out["actor"])
    if isinstance(out.get("targets"), list):
        out["targets"] = [refs.get(t, t) if isinstance(t, str) else t for t in out["targets"]]
    try:
        json.dumps(out)
    except (TypeError, ValueError):
        raise d.fail(where, "cannot be stored") from None
    return out


def parse_document(data: bytes, path: Path) -> dict[str, Any]:
    doc = parse_json(data, path, "coding")
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_ID:
        raise InputError(
            f'{path}: not a Group Process Observer coding (no "format": {FORMAT_ID!r})'
        )
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InputError(f"{path}: version: {version!r} is not a format version")
    if version > VERSION:
        raise InputError(
            f"{path}: written by a newer Group Process Observer (format version {version}; "
            f"this one reads up to {VERSION}). Update the application to import it."
        )
    return doc


# --- import --------------------------------------------------------------------------------


def import_json(
    store: Store, path: Path, progress: Progress = no_progress, **_: Any
) -> ImportReport:
    """Recreate the coding in a JSON file, all or nothing."""
    doc = parse_document(read_bytes(path), path)
    d = _Doc(str(path))
    report = ImportReport(str(path), "json")

    group = d.obj(doc.get("group"), "group")
    members = []
    for i, raw in enumerate(d.items(group.get("members", []), "group.members")):
        at = f"group.members[{i}]"
        m = d.obj(raw, at)
        pseudonym = d.text(m, "pseudonym", at).strip()
        if not pseudonym:
            raise d.fail(f"{at}.pseudonym", "empty")
        ref = d.text(m, "ref", at) or f"p{i + 1}"
        if ref in COLLECTIVES:
            raise d.fail(f"{at}.ref", f"{ref!r} is kept for the group as a whole")
        members.append(
            {
                "ref": ref,
                "pseudonym": pseudonym,
                "initials": d.text(m, "initials", at)[:10],
                "role": d.choice(m, "role", at, MEMBER_ROLES),
                "colour": d.text(m, "colour", at, "#777777")[:9] or "#777777",
                "seat": d.integer(m, "seat", at, optional=True) or 0,
                "joined": d.day(m, "joined", at),
                "left": d.day(m, "left", at),
            }
        )
    if len({m["ref"] for m in members}) != len(members):
        raise d.fail("group.members", "two members share a ref")
    group_name = d.text(group, "name", "group").strip()
    if not group_name:
        raise d.fail("group.name", "empty")

    sess = d.obj(doc.get("session"), "session")
    number = d.integer(sess, "number", "session", optional=True) or 1
    starts_at = d.when(sess, "starts_at", "session")
    setting = d.choice(sess, "setting", "session", SETTINGS)
    member_refs = {m["ref"] for m in members}
    present = []
    for i, r in enumerate(d.items(sess.get("present", []), "session.present")):
        if r not in member_refs:
            raise d.fail(f"session.present[{i}]", f"{r!r} is not a member")
        present.append(r)
    media = []
    for i, raw in enumerate(d.items(sess.get("media", []), "session.media")):
        at = f"session.media[{i}]"
        m = d.obj(raw, at)
        media.append(
            {
                "ref": d.text(m, "ref", at) or f"media{i + 1}",
                "path": d.text(m, "path", at),
                "offset_ms": d.integer(m, "offset_ms", at, optional=True) or 0,
                "duration_ms": d.integer(m, "duration_ms", at, optional=True),
                "label": d.text(m, "label", at),
            }
        )

    obs = d.obj(doc.get("observer"), "observer")
    initials = d.text(obs, "initials", "observer").strip()
    if not initials or len(initials) > 20:
        raise d.fail("observer.initials", "needs 1 to 20 characters")
    capacity = d.choice(obs, "capacity", "observer", CAPACITIES)

    books: list[Codebook] = []
    for i, raw in enumerate(d.items(doc.get("codebooks"), "codebooks")):
        at = f"codebooks[{i}]"
        b = d.obj(raw, at)
        books.append(codebook_from_source(d.text(b, "source", at), f"{path} {at}"))
    if not books:
        raise d.fail("codebooks", "a coding needs at least one codebook")
    palette = combine(books)

    cod = d.obj(doc.get("coding"), "coding")
    clock_mode = d.choice(cod, "clock_mode", "coding", CLOCK_MODES)
    media_ref = d.text(cod, "media", "coding") or None
    if media_ref is not None and media_ref not in {m["ref"] for m in media}:
        raise d.fail("coding.media", f"{media_ref!r} is not one of the session's media")
    practice = cod.get("practice_of")
    practice_of = None
    if practice is not None:
        p = d.obj(practice, "coding.practice_of")
        practice_of = (
            d.text(p, "observer", "coding.practice_of"),
            d.text(p, "name", "coding.practice_of"),
        )

    raw_events = d.items(doc.get("events", []), "events")
    events: list[Event] = []
    stamps: list[dict[str, Any]] = []
    refs_seen: dict[Any, int] = {}
    for i, raw in enumerate(raw_events):
        at = f"events[{i}]"
        e = d.obj(raw, at)
        time_ms = check_time(e.get("time_ms"), f"{path}: {at}", "time_ms")
        end_raw = e.get("end_ms")
        end_ms = None if end_raw is None else check_time(end_raw, f"{path}: {at}", "end_ms")
        targets = d.items(e.get("targets", []), f"{at}.targets")
        modifiers = d.obj(e.get("modifiers", {}), f"{at}.modifiers")
        for k, v in modifiers.items():
            if not isinstance(v, str):
                raise d.fail(f"{at}.modifiers.{k}", f"expected text, not {v!r}")
        events.append(
            Event(
                0,
                time_ms,
                d.text(e, "code", at),
                d.text(e, "actor", at),
                tuple(t if isinstance(t, str) else repr(t) for t in targets),
                dict(modifiers),
                d.text(e, "note", at),
                end_ms,
            )
        )
        stamps.append(
            {
                "created_at": d.when(e, "created_at", at) or datetime(1970, 1, 1),
                "edited_at": d.when(e, "edited_at", at),
            }
        )
        r = e.get("ref", i + 1)
        if not isinstance(r, int | str) or isinstance(r, bool) or r in refs_seen:
            raise d.fail(f"{at}.ref", f"{r!r} is not a unique reference")
        refs_seen[r] = i

    notes = []
    for i, raw in enumerate(d.items(doc.get("process_notes", []), "process_notes")):
        at = f"process_notes[{i}]"
        n = d.obj(raw, at)
        t = n.get("time_ms")
        notes.append(
            {
                "time_ms": None if t is None else check_time(t, f"{path}: {at}", "time_ms"),
                "text": d.text(n, "text", at),
                "kind": d.choice(n, "kind", at, NOTE_KINDS),
                "created_at": d.when(n, "created_at", at) or datetime(1970, 1, 1),
            }
        )
    audit = []
    for i, raw in enumerate(d.items(doc.get("audit", []), "audit")):
        at = f"audit[{i}]"
        a = d.obj(raw, at)
        target = a.get("event")
        if not (isinstance(target, int | str) and not isinstance(target, bool)):
            raise d.fail(f"{at}.event", f"{target!r} is not an event reference")
        audit.append(
            {
                "event": target,
                "action": d.choice(a, "action", at, ("edit", "delete", "restore")),
                "who": d.text(a, "who", at)[:20],
                "at": d.when(a, "at", at) or datetime(1970, 1, 1),
                "before": a.get("before"),
                "after": a.get("after"),
                "where": at,
            }
        )

    total = len(events)
    with store.session() as s:
        group_row, key_of, reused = _group(s, group_name, group, members)
        session_row = _session(s, group_row, number, starts_at, setting, sess, present, key_of)
        media_ids = _media(s, session_row, media)
        keys = set(key_of.values()) | set(COLLECTIVES)
        mapped = [
            Event(
                0,
                e.time_ms,
                e.code,
                key_of.get(e.actor, e.actor if e.actor in COLLECTIVES else f"?{e.actor}"),
                tuple(key_of.get(t, t if t in COLLECTIVES else f"?{t}") for t in e.targets),
                e.modifiers,
                e.note,
                e.end_ms,
            )
            for e in events
        ]
        check_events(palette, keys, mapped, [f"{path}: events[{i}]" for i in range(total)])
        coding = create_coding(
            s,
            session_row.id,
            initials,
            books,
            clock_mode,
            d.text(cod, "name", "coding"),
            capacity,
            media_ids.get(media_ref) if media_ref else None,
        )
        if not coding.observer.name:
            coding.observer.name = d.text(obs, "name", "observer")
        coding.is_reference = d.flag(cod, "is_reference", "coding")
        coding.notes = d.text(cod, "notes", "coding")
        coding.created_at = d.when(cod, "created_at", "coding") or coding.created_at
        coding.clock_elapsed_ms = d.integer(cod, "clock_elapsed_ms", "coding", optional=True) or 0
        if practice_of is not None:
            coding.practice_of_id = s.scalar(
                select(Coding.id)
                .join(Coding.observer)
                .where(
                    Coding.session_id == session_row.id,
                    Coding.name == practice_of[1],
                    Coding.id != coding.id,
                )
                .where(Coding.observer.has(initials=practice_of[0]))
                .order_by(Coding.id)
                .limit(1)
            )
            if coding.practice_of_id is None:
                report.warnings.append(
                    f"the reference coding {practice_of[1]!r} by {practice_of[0]} is not in this "
                    "database; the practice link was left out"
                )
        s.flush()
        progress(0, total)
        insert_rows(s, coding.id, mapped, progress, extra=stamps)
        new_ids = list(
            s.scalars(
                select(EVENTS.c.id).where(EVENTS.c.coding_id == coding.id).order_by(EVENTS.c.id)
            )
        )
        by_ref = {r: new_ids[i] for r, i in refs_seen.items()}
        gone: dict[Any, int] = {}
        for a in audit:
            event_id = by_ref.get(a["event"])
            if event_id is None:
                event_id = gone.setdefault(a["event"], -(len(gone) + 1))
            s.add(
                AuditEntry(
                    coding_id=coding.id,
                    event_id=event_id,
                    action=a["action"],
                    who=a["who"],
                    at=a["at"],
                    before=_event_fields(d, a["before"], f"{a['where']}.before", key_of),
                    after=_event_fields(d, a["after"], f"{a['where']}.after", key_of),
                )
            )
        for n in notes:
            s.add(ProcessNote(coding_id=coding.id, **n))
        s.flush()
        report.coding_ids.append(coding.id)
        report.coding_names.append(coding.name)
        report.group_id = group_row.id
        report.session_ids.append(session_row.id)
        report.codebook_ids.extend(b.id for b in coding.codebooks)
        report.events = total
        if reused:
            report.warnings.append(
                f"added to the existing group {group_name!r} (same members), "
                f"session {session_row.number}"
            )
    return report


def _group(
    s: Any, name: str, group: Mapping[str, Any], members: list[dict[str, Any]]
) -> tuple[Group, dict[str, str], bool]:
    """The same group if this database already has it (same name and members), else a new one."""
    wanted = [(m["pseudonym"], m["initials"], m["role"], m["seat"]) for m in members]
    for candidate in s.scalars(select(Group).where(Group.name == name).order_by(Group.id)):
        have = sorted(candidate.members, key=lambda m: (m.seat, m.id))
        if [(m.pseudonym, m.initials, m.role, m.seat) for m in have] == wanted:
            return (
                candidate,
                {m["ref"]: member_key(h.id) for m, h in zip(members, have, strict=True)},
                True,
            )
    row = Group(
        name=name, modality=str(group.get("modality") or ""), notes=str(group.get("notes") or "")
    )
    s.add(row)
    s.flush()
    key_of = {}
    for m in members:
        member = Member(
            group_id=row.id,
            pseudonym=m["pseudonym"],
            initials=m["initials"],
            role=m["role"],
            colour=m["colour"],
            seat=m["seat"],
            joined=m["joined"],
            left=m["left"],
        )
        s.add(member)
        s.flush()
        key_of[m["ref"]] = member_key(member.id)
    return row, key_of, False


def _session(
    s: Any,
    group: Group,
    number: int,
    starts_at: datetime | None,
    setting: str,
    sess: Mapping[str, Any],
    present: list[str],
    key_of: Mapping[str, str],
) -> GroupSession:
    found = s.scalar(
        select(GroupSession).where(
            GroupSession.group_id == group.id,
            GroupSession.number == number,
            GroupSession.starts_at.is_(None)
            if starts_at is None
            else GroupSession.starts_at == starts_at,
        )
    )
    if found is not None:
        return found
    row = GroupSession(
        group_id=group.id,
        number=number,
        starts_at=starts_at,
        setting=setting,
        notes=str(sess.get("notes") or ""),
    )
    ids = {int(key_of[r][1:]) for r in present}
    row.present = [
        m for m in s.scalars(select(Member).where(Member.group_id == group.id)) if m.id in ids
    ]
    s.add(row)
    s.flush()
    return row


def _media(s: Any, session: GroupSession, media: list[dict[str, Any]]) -> dict[str, int]:
    out = {}
    existing = {m.path: m for m in session.media}
    for m in media:
        found = existing.get(m["path"])
        if found is None:
            found = MediaFile(
                session_id=session.id,
                path=m["path"],
                offset_ms=m["offset_ms"],
                duration_ms=m["duration_ms"],
                label=m["label"],
            )
            s.add(found)
            s.flush()
        out[m["ref"]] = found.id
    return out
