"""Importing our own JSON (written by ``json_format``): one whole coding, all or nothing.

Every value is checked before anything is written, with the one validation of text and
numbers (``observer.domain.limits``), the group writer's rules for members
(``observer.workspace.groups``) and the one set of event rules
(``observer.domain.event_rules``); a problem names the file and the field
(``events[12].time_ms``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from observer.domain import limits
from observer.domain.codebook import Codebook, codebook_from_source, combine
from observer.domain.errors import InputError
from observer.domain.event_rules import EventRules
from observer.domain.events import Event
from observer.domain.participants import COLLECTIVES, member_key
from observer.formats.common import (
    ImportReport,
    Progress,
    insert_rows,
    no_progress,
    parse_json,
    placed,
)
from observer.formats.file_limits import check_rows, read_limited
from observer.formats.json_format import FORMAT_ID, VERSION
from observer.formats.json_notes import add_notes, read_notes
from observer.formats.media_paths import recordings_folder, refused_media
from observer.storage.models import (
    CAPACITIES,
    CLOCK_MODES,
    EVENTS,
    MEMBER_ROLES,
    SETTINGS,
    AuditEntry,
    Coding,
    Group,
    GroupSession,
    MediaFile,
)
from observer.storage.store import Store
from observer.workspace.codings import create_coding
from observer.workspace.groups import (
    MemberSpec,
    create_group,
    create_media,
    create_session,
    session_roster,
)

# --- reading with located messages ---------------------------------------------------------

T = TypeVar("T")


class _Doc:
    """Typed access to the parsed file; every problem names the file and the field.

    Text and numbers go through the one validation of values (``observer.domain.limits``).
    """

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, where: str, message: str) -> InputError:
        return InputError(f"{self.file}: {where}: {message}")

    def placed(self, where: str, check: Callable[..., T], *args: Any) -> T:
        """``check(*args)`` with a refusal placed at ``where`` in this file."""
        return placed(f"{self.file}: {where}", check, *args)

    def obj(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "expected an object")
        return value

    def items(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(where, "expected a list")
        return value

    def text(self, parent: Mapping[str, Any], key: str, where: str, default: str = "") -> str:
        """Free text (notes, descriptions): tabs and line breaks, no control characters."""
        value = parent.get(key, default)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self.fail(f"{where}.{key}", f"expected text, not {value!r}")
        return self.placed(where, limits.note, value, key)

    def line(self, parent: Mapping[str, Any], key: str, where: str, max_length: int) -> str:
        """One line of text that may be empty (a label, a path, a name)."""
        text = self.text(parent, key, where)
        return self.placed(where, limits.single_line, text, key, max_length)

    def integer(
        self, parent: Mapping[str, Any], key: str, where: str, *, optional: bool = False
    ) -> int | None:
        value = parent.get(key)
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{where}.{key}", f"expected a whole number, not {value!r}")
        return value

    def ms(self, parent: Mapping[str, Any], key: str, where: str) -> int | None:
        """Milliseconds, or None when absent: a number, finite (its range is checked on use)."""
        value = parent.get(key)
        return None if value is None else self.placed(where, limits.milliseconds, value, key)

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
    for key in ("time_ms", "end_ms"):
        if out.get(key) is not None:
            d.placed(where, lambda v, k: limits.session_time(limits.milliseconds(v, k), k),
                     out[key], key)  # fmt: skip
    try:
        json.dumps(out, allow_nan=False)
    except ValueError:
        raise d.fail(where, "holds NaN or Infinity, which is not a number") from None
    except TypeError:
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
    events = doc.get("events")
    if isinstance(events, list):
        check_rows(len(events), f"{path}: events")
    return doc


# --- import --------------------------------------------------------------------------------


def _members(d: _Doc, group: Mapping[str, Any]) -> tuple[list[str], list[MemberSpec]]:
    """The members' file references and what to create (checked by the group writer)."""
    refs, specs = [], []
    for i, raw in enumerate(d.items(group.get("members", []), "group.members")):
        at = f"group.members[{i}]"
        m = d.obj(raw, at)
        ref = d.line(m, "ref", at, 100) or f"p{i + 1}"
        if ref in COLLECTIVES:
            raise d.fail(f"{at}.ref", f"{ref!r} is kept for {ref}, not for a member")
        if ref in refs:
            raise d.fail(f"{at}.ref", f"{ref!r} is the ref of another member already")
        refs.append(ref)
        seat = d.integer(m, "seat", at, optional=True)
        specs.append(
            MemberSpec(
                pseudonym=d.text(m, "pseudonym", at),
                initials=d.text(m, "initials", at),
                role=d.choice(m, "role", at, MEMBER_ROLES),
                colour=d.text(m, "colour", at) or "#777777",
                seat=0 if seat is None else seat,
                joined=d.day(m, "joined", at),
                left=d.day(m, "left", at),
            )
        )
    return refs, specs


def _events(
    d: _Doc, raw_events: list[Any]
) -> tuple[list[Event], list[dict[str, Any]], dict[Any, int]]:
    events: list[Event] = []
    stamps: list[dict[str, Any]] = []
    refs_seen: dict[Any, int] = {}
    for i, raw in enumerate(raw_events):
        at = f"events[{i}]"
        e = d.obj(raw, at)
        time_ms = d.ms(e, "time_ms", at)
        if time_ms is None:
            raise d.fail(f"{at}.time_ms", "missing")
        targets = d.items(e.get("targets", []), f"{at}.targets")
        modifiers = d.obj(e.get("modifiers", {}), f"{at}.modifiers")
        for k, v in modifiers.items():
            if not isinstance(v, str):
                raise d.fail(f"{at}.modifiers.{k}", f"expected text, not {v!r}")
        events.append(
            Event(
                0, time_ms, d.line(e, "code", at, 100), d.line(e, "actor", at, 100),
                tuple(t if isinstance(t, str) else repr(t) for t in targets), dict(modifiers),
                d.text(e, "note", at), d.ms(e, "end_ms", at),
            )
        )  # fmt: skip
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
    return events, stamps, refs_seen


def import_json(
    store: Store,
    path: Path,
    progress: Progress = no_progress,
    media_folder: str | Path | None = None,
    **_: Any,
) -> ImportReport:
    """Recreate the coding in a JSON file, all or nothing; relative recording paths must
    stay inside ``media_folder`` (default: the file's folder)."""
    inside = recordings_folder(media_folder, path)
    doc = parse_document(read_limited(path), path)
    d = _Doc(str(path))
    report = ImportReport(str(path), "json")

    group = d.obj(doc.get("group"), "group")
    refs, members = _members(d, group)
    group_name = d.text(group, "name", "group")

    sess = d.obj(doc.get("session"), "session")
    number = d.integer(sess, "number", "session", optional=True)
    starts_at = d.when(sess, "starts_at", "session")
    if starts_at is not None and starts_at.tzinfo is None:
        starts_at = starts_at.astimezone()  # earlier files: local wall time, no offset
    setting = d.choice(sess, "setting", "session", SETTINGS)
    present = []
    for i, r in enumerate(d.items(sess.get("present", []), "session.present")):
        if r not in refs:
            raise d.fail(f"session.present[{i}]", f"{r!r} is not a member")
        present.append(r)
    media = []
    for i, raw in enumerate(d.items(sess.get("media", []), "session.media")):
        at = f"session.media[{i}]"
        m = d.obj(raw, at)
        offset = d.integer(m, "offset_ms", at, optional=True)
        media.append(
            {
                "ref": d.line(m, "ref", at, 100) or f"media{i + 1}",
                "path": d.text(m, "path", at),
                "offset_ms": offset or 0,
                "duration_ms": d.integer(m, "duration_ms", at, optional=True),
                "label": d.text(m, "label", at),
                "where": at,
            }
        )

    obs = d.obj(doc.get("observer"), "observer")
    initials = d.placed("observer", limits.name, d.text(obs, "initials", "observer"),
                        "initials", 20, "the observer's initials")  # fmt: skip
    observer_name = d.line(obs, "name", "observer", 200)
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
    refusals = {m["ref"]: refused_media(str(m["path"]), path.parent, f"{path}: {m['where']}",
                                        inside) for m in media}  # fmt: skip
    report.warnings += [why for why in refusals.values() if why]
    media = [m for m in media if not refusals[m["ref"]]]
    practice = cod.get("practice_of")
    practice_of = None
    if practice is not None:
        p = d.obj(practice, "coding.practice_of")
        practice_of = (
            d.text(p, "observer", "coding.practice_of"),
            d.text(p, "name", "coding.practice_of"),
        )
    coding_name = d.line(cod, "name", "coding", 200)
    elapsed = d.integer(cod, "clock_elapsed_ms", "coding", optional=True) or 0
    d.placed("coding", limits.session_time, elapsed, "clock_elapsed_ms")

    events, stamps, refs_seen = _events(d, d.items(doc.get("events", []), "events"))

    notes = read_notes(d, doc)
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
                "who": d.line(a, "who", at, 20),
                "at": d.when(a, "at", at) or datetime(1970, 1, 1),
                "before": a.get("before"),
                "after": a.get("after"),
                "where": at,
            }
        )

    total = len(events)
    with store.session() as s:
        group_row, key_of, reused = _group(s, d, group_name, group, refs, members)
        session_row = _session(s, d, group_row, number, starts_at, setting, sess, present, key_of)
        media_ids = _media(s, d, session_row, media)
        mapped = [
            Event(0, e.time_ms, e.code, key_of.get(e.actor, e.actor),
                  tuple(key_of.get(t, t) for t in e.targets), e.modifiers, e.note, e.end_ms)
            for e in events
        ]  # fmt: skip
        rules = EventRules(palette, session_roster(s, session_row.id))
        report.warnings += rules.check_all(mapped, [f"{path}: events[{i}]" for i in range(total)])
        coding = create_coding(
            s,
            session_row.id,
            initials,
            books,
            clock_mode,
            coding_name,
            capacity,
            media_ids.get(media_ref) if media_ref else None,
        )
        if not coding.observer.name:
            coding.observer.name = observer_name
        coding.is_reference = d.flag(cod, "is_reference", "coding")
        coding.notes = d.text(cod, "notes", "coding")
        coding.created_at = d.when(cod, "created_at", "coding") or coding.created_at
        coding.clock_elapsed_ms = elapsed
        coding.clock_anchor = d.when(cod, "clock_anchor", "coding")
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
        add_notes(s, coding.id, notes)
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
    s: Any,
    d: _Doc,
    name: str,
    group: Mapping[str, Any],
    refs: list[str],
    members: list[MemberSpec],
) -> tuple[Group, dict[str, str], bool]:
    """The same group if this database already has it (same name and members), else a new one."""
    wanted = [(m.pseudonym.strip(), m.initials.strip(), m.role, m.seat) for m in members]
    for candidate in s.scalars(select(Group).where(Group.name == name.strip()).order_by(Group.id)):
        have = sorted(candidate.members, key=lambda m: (m.seat, m.id))
        if [(m.pseudonym, m.initials, m.role, m.seat) for m in have] == wanted:
            return (
                candidate,
                {ref: member_key(h.id) for ref, h in zip(refs, have, strict=True)},
                True,
            )
    row = create_group(
        s,
        name,
        d.line(group, "modality", "group", 100),
        d.text(group, "notes", "group"),
        members,
        [f"{d.file}: group.members[{i}]" for i in range(len(refs))],
        f"{d.file}: group",
    )
    # The writer keeps the order given: the n-th member made is the n-th of the file.
    key_of = {ref: member_key(m.id) for ref, m in zip(refs, row.members, strict=True)}
    return row, key_of, False


def _session(
    s: Session,
    d: _Doc,
    group: Group,
    number: int | None,
    starts_at: datetime | None,
    setting: str,
    sess: Mapping[str, Any],
    present: list[str],
    key_of: Mapping[str, str],
) -> GroupSession:
    number = 1 if number is None else number
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
    ids = {int(key_of[r][1:]) for r in present}
    attending = [m for m in group.members if m.id in ids]
    return d.placed(
        "session", create_session, s, group, number, starts_at, setting, attending,
        d.text(sess, "notes", "session"),
    )  # fmt: skip


def _media(s: Any, d: _Doc, session: GroupSession, media: list[dict[str, Any]]) -> dict[str, int]:
    out = {}
    existing = {m.path: m for m in session.media}
    for m in media:
        found: MediaFile | None = existing.get(m["path"])
        if found is None:
            found = d.placed(
                m["where"], create_media, s, session.id, m["path"], m["offset_ms"],
                m["duration_ms"], m["label"],
            )  # fmt: skip
        assert found is not None
        out[m["ref"]] = found.id
    return out
