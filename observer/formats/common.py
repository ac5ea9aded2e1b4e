"""What every import and export shares: a coding read whole, bulk writes, reports.

Imports check everything they can before they open a transaction (events with the one set
of rules, ``observer.domain.event_rules``), then write the whole file in one transaction,
so a file that fails half-way leaves the database as it was.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from observer.domain.clock import utcnow
from observer.domain.codebook import Codebook, Palette, codebook_from_source, combine
from observer.domain.errors import InputError, NotFound, Refused
from observer.domain.events import Event
from observer.domain.participants import COLLECTIVES, member_key
from observer.storage.event_rows import row_to_event
from observer.storage.models import (
    EVENTS,
    AuditEntry,
    CodedEvent,
    Coding,
    GroupSession,
    MediaFile,
    Member,
    ProcessNote,
)
from observer.storage.store import Store
from observer.storage.times import as_utc

Progress = Callable[[int, int], None]
CHUNK = 5_000


def no_progress(_done: int, _total: int) -> None:
    """The progress callback used when nobody watches."""


def scaled(progress: Progress, start: int, span: int, whole: int) -> Progress:
    """A callback for one stage of a longer job: (done, total) mapped onto start..start+span."""

    def report(done: int, total: int) -> None:
        progress(start + span * min(done, total) // max(total, 1), whole)

    return report


@dataclass
class ImportReport:
    """What an import created, and what it could not carry over (``warnings``)."""

    file: str
    format: str
    coding_ids: list[int] = field(default_factory=list)
    coding_names: list[str] = field(default_factory=list)
    group_id: int | None = None
    session_ids: list[int] = field(default_factory=list)
    codebook_ids: list[int] = field(default_factory=list)
    events: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "codings": [
                {"id": i, "name": n}
                for i, n in zip(self.coding_ids, self.coding_names, strict=True)
            ],
            "group": self.group_id,
            "sessions": self.session_ids,
            "codebooks": self.codebook_ids,
            "events": self.events,
            "warnings": self.warnings,
        }

    def summary(self, limit: int = 25) -> str:
        """A few lines for a person: what was created and what was not mapped."""
        lines = [
            f"Imported {self.file} ({self.format}): {len(self.coding_ids)} coding(s), "
            f"{self.events} events."
        ]
        if not self.coding_ids and self.codebook_ids:
            lines.append(f"Stored codebook(s) {', '.join(map(str, self.codebook_ids))}.")
        if self.warnings:
            lines.append(f"Not carried over exactly ({len(self.warnings)}):")
            lines.extend(f"  - {w}" for w in self.warnings[:limit])
            if len(self.warnings) > limit:
                lines.append(f"  … and {len(self.warnings) - limit} more")
        return "\n".join(lines)


# --- reading a coding whole ----------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    key: str
    pseudonym: str
    initials: str
    role: str
    colour: str
    seat: int
    joined: str | None
    left: str | None
    present: bool


@dataclass(frozen=True)
class MediaRow:
    id: int
    path: str
    offset_ms: int
    duration_ms: int | None
    label: str


@dataclass(frozen=True)
class NoteRow:
    time_ms: int | None
    text: str
    kind: str
    created_at: datetime


@dataclass(frozen=True)
class AuditRow:
    event_id: int
    action: str
    who: str
    at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class CodingSnapshot:
    """Everything about one coding, read in one go and detached from the database."""

    coding_id: int
    name: str
    observer: str
    observer_name: str
    capacity: str
    clock_mode: str
    is_reference: bool
    notes: str
    created_at: datetime
    clock_elapsed_ms: int
    media_file_id: int | None
    practice_of: tuple[str, str] | None  # (observer initials, coding name)
    group_name: str
    group_modality: str
    group_notes: str
    session_number: int
    session_starts_at: datetime | None
    session_setting: str
    session_notes: str
    members: tuple[MemberRow, ...]
    media: tuple[MediaRow, ...]
    codebooks: tuple[Codebook, ...]
    events: tuple[Event, ...]
    created: tuple[datetime, ...]
    edited: tuple[datetime | None, ...]
    process_notes: tuple[NoteRow, ...]
    audit: tuple[AuditRow, ...]

    @functools.cached_property
    def palette(self) -> Palette:
        return combine(self.codebooks)

    @functools.cached_property
    def _names(self) -> dict[str, str]:
        return {m.key: m.pseudonym for m in self.members}

    def name_of(self, key: str) -> str:
        """A participant key as a person reads it: the pseudonym, ``group`` or ``leaders``."""
        if key in COLLECTIVES:
            return key
        return self._names.get(key, key)

    @property
    def title(self) -> str:
        return self.name or f"{self.group_name} session {self.session_number}"


def load_snapshot(store: Store, coding_id: int) -> CodingSnapshot:
    """Read a coding with its group, session, codebooks, events, notes and audit trail."""
    with store.reader() as s:
        coding = s.get(
            Coding,
            coding_id,
            options=[
                selectinload(Coding.observer),
                selectinload(Coding.codebooks),
                selectinload(Coding.session).selectinload(GroupSession.group),
                selectinload(Coding.session).selectinload(GroupSession.present),
                selectinload(Coding.session).selectinload(GroupSession.media),
            ],
        )
        if coding is None:
            raise NotFound(f"No coding {coding_id}.")
        session = coding.session
        group = session.group
        present = {m.id for m in session.present}
        members = s.scalars(
            select(Member).where(Member.group_id == group.id).order_by(Member.seat, Member.id)
        )
        member_rows = tuple(
            MemberRow(
                member_key(m.id), m.pseudonym, m.initials, m.role, m.colour, m.seat,
                m.joined.isoformat() if m.joined else None,
                m.left.isoformat() if m.left else None,
                m.id in present,
            )
            for m in members
        )  # fmt: skip
        media = tuple(
            MediaRow(m.id, m.path, m.offset_ms, m.duration_ms, m.label) for m in session.media
        )
        books = tuple(
            codebook_from_source(b.source, f"{b.codebook_id} {b.version}") for b in coding.codebooks
        )
        if store.is_sqlite:
            events, created, edited = _sqlite_events(s, coding_id)
        else:
            rows = list(
                s.execute(
                    select(EVENTS)
                    .where(EVENTS.c.coding_id == coding_id)
                    .order_by(EVENTS.c.time_ms, EVENTS.c.id)
                )
            )
            events = [row_to_event(r) for r in rows]
            created = [r.created_at for r in rows]
            edited = [r.edited_at for r in rows]
        notes = tuple(
            NoteRow(n.time_ms, n.text, n.kind, n.created_at)
            for n in s.scalars(
                select(ProcessNote)
                .where(ProcessNote.coding_id == coding_id)
                .order_by(ProcessNote.id)
            )
        )
        audit = tuple(
            AuditRow(a.event_id, a.action, a.who, a.at, a.before, a.after)
            for a in s.scalars(
                select(AuditEntry).where(AuditEntry.coding_id == coding_id).order_by(AuditEntry.id)
            )
        )
        practice_of = None
        if coding.practice_of_id is not None:
            ref = s.get(Coding, coding.practice_of_id, options=[selectinload(Coding.observer)])
            if ref is not None:
                practice_of = (ref.observer.initials, ref.name)
        return CodingSnapshot(
            coding_id=coding.id,
            name=coding.name,
            observer=coding.observer.initials,
            observer_name=coding.observer.name,
            capacity=coding.capacity,
            clock_mode=coding.clock_mode,
            is_reference=coding.is_reference,
            notes=coding.notes,
            created_at=coding.created_at,
            clock_elapsed_ms=coding.clock_elapsed_ms,
            media_file_id=coding.media_file_id,
            practice_of=practice_of,
            group_name=group.name,
            group_modality=group.modality,
            group_notes=group.notes,
            session_number=session.number,
            session_starts_at=session.starts_at,
            session_setting=session.setting,
            session_notes=session.notes,
            members=member_rows,
            media=media,
            codebooks=books,
            events=tuple(events),
            created=tuple(created),
            edited=tuple(edited),
            process_notes=notes,
            audit=audit,
        )


def _sqlite_events(
    s: Session, coding_id: int
) -> tuple[list[Event], list[datetime], list[datetime | None]]:
    """The events read straight from SQLite: exports of 100,000 events spend most time here."""
    rows = s.connection().exec_driver_sql(
        "SELECT id, time_ms, end_ms, code, actor, targets, modifiers, note, created_at, "
        "edited_at FROM events WHERE coding_id = ? ORDER BY time_ms, id",
        (coding_id,),
    )
    events, created, edited = [], [], []
    loads, parse = json.loads, datetime.fromisoformat

    def when(text: str) -> datetime:
        return as_utc(parse(text))  # stored in UTC, read back aware as every stored time

    for r in rows:
        events.append(
            Event(r[0], r[1], r[3], r[4], tuple(loads(r[5]) if r[5] else ()),
                  loads(r[6]) if r[6] else {}, r[7] or "", r[2])
        )  # fmt: skip
        created.append(when(r[8]) if isinstance(r[8], str) else r[8])
        edited.append(when(r[9]) if isinstance(r[9], str) else r[9])
    return events, created, edited


# --- reading and writing files ------------------------------------------------------------


def placed(where: str, check: Callable[..., Any], *args: Any) -> Any:
    """``check(*args)``, a refusal placed at ``where`` (a file, and a row or field in it)."""
    try:
        return check(*args)
    except Refused as exc:
        raise exc.at(where) from None


def parse_json(data: bytes, path: Path, what: str) -> Any:
    """JSON from a file, or an InputError that names the line and column (``what`` it was)."""
    text = decode_text(data, path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}:{exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno}); "
            f"the {what} may be truncated or damaged"
        ) from exc
    except RecursionError:
        raise InputError(f"{path}: nested too deeply to be a {what}") from None


def insert_rows(
    s: Session,
    coding_id: int,
    events: Sequence[Event],
    progress: Progress,
    done: int = 0,
    total: int | None = None,
    extra: Sequence[Mapping[str, Any]] | None = None,
) -> int:
    """Insert events in chunks inside the caller's transaction, reporting progress."""
    total = len(events) if total is None else total
    now = utcnow()
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")  # how SQLAlchemy stores a DateTime in SQLite
    conn = s.connection()
    fast = extra is None and conn.dialect.name == "sqlite"
    # Imports repeat the same few target lists and modifier sets: encode each once.
    encoded: dict[Any, str] = {}

    def as_json(value: Any, key: Any) -> str:
        text = encoded.get(key)
        if text is None:
            text = encoded[key] = json.dumps(value)
        return text

    for start in range(0, len(events), CHUNK):
        chunk = events[start : start + CHUNK]
        if fast:
            conn.exec_driver_sql(
                _FAST_INSERT,
                [
                    (
                        coding_id,
                        e.time_ms,
                        e.end_ms,
                        e.code,
                        e.actor,
                        as_json(list(e.targets), ("targets", e.targets)),
                        as_json(dict(e.modifiers), ("modifiers", *sorted(e.modifiers.items()))),
                        e.note,
                        stamp,
                    )
                    for e in chunk
                ],
            )
        else:
            rows = []
            for i, e in enumerate(chunk):
                row = {"coding_id": coding_id, **e.fields(), "created_at": now}
                if extra is not None:
                    row.update(extra[start + i])
                rows.append(row)
            s.execute(EVENTS.insert(), rows)
        done += len(chunk)
        progress(done, total)
    return done


# SQLite's own parameter style: the plain path for the common case of a large import.
_FAST_INSERT = (
    "INSERT INTO events (coding_id, time_ms, end_ms, code, actor, targets, modifiers, note, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def count_rows(store: Store) -> dict[str, int]:
    """Rows in every table a coding touches (tests compare these around a failed import)."""
    from sqlalchemy import func

    tables = (CodedEvent, Coding, GroupSession, Member, MediaFile, ProcessNote, AuditEntry)
    with store.reader() as s:
        out = {t.__tablename__: int(s.scalar(select(func.count()).select_from(t)) or 0)
               for t in tables}  # fmt: skip
        from observer.storage.models import Group, Observer, StoredCodebook

        for t2 in (Group, Observer, StoredCodebook):
            out[t2.__tablename__] = int(s.scalar(select(func.count()).select_from(t2)) or 0)
        return out


# --- names ---------------------------------------------------------------------------------

_NOT_SLUG = re.compile(r"[^a-z0-9_-]+")


def slugify(text: str, fallback: str) -> str:
    """An id a codebook accepts (lower-case letters, digits, - and _), from any label."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-_")
    slug = re.sub(r"-{2,}", "-", slug)
    return slug if slug else fallback


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc


def decode_text(data: bytes, path: Path) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from exc
    if "\x00" in text:
        raise InputError(f"{path}: contains NUL characters (not a text file, or damaged)")
    return text


def seconds(ms: int | None) -> str:
    return "" if ms is None else f"{ms / 1000:.3f}"


def hms(ms: int | None) -> str:
    """hh:mm:ss.mmm, hours always shown (spreadsheets sort it as text correctly)."""
    if ms is None:
        return ""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"
