"""What every import and export shares: checks, bulk writes, reports.

Imports check everything they can before they open a transaction (events with the one set
of rules, ``observer.domain.event_rules``), then write the whole file in one transaction,
so a file that fails half-way leaves the database as it was.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from observer.domain.clock import utcnow
from observer.domain.coding_data import CodingData
from observer.domain.deidentify import SharingCodes, deidentified
from observer.domain.errors import InputError, Refused
from observer.domain.events import Event
from observer.domain.uids import new_uid
from observer.domain.wording import counted, plural
from observer.storage.models import (
    EVENTS,
    AuditEntry,
    CodedEvent,
    Coding,
    GroupSession,
    MediaFile,
    Member,
    NoteAudit,
    ProcessNote,
)
from observer.storage.read_coding import from_coding
from observer.storage.store import Store

Progress = Callable[[int, int], None]
CHUNK = 5_000

T = TypeVar("T")


def read_for_export(
    store: Store,
    coding_id: int,
    details: bool = False,
    deidentify: bool = False,
    codes: SharingCodes | None = None,
    dates: str = "drop",
) -> CodingData:
    """A coding as an export writes it: whole, or de-identified for sharing
    (``domain.deidentify``; ``codes`` shared by the codings of one export, else made for
    this one with its ``dates`` choice)."""
    data = from_coding(store, coding_id, details=details)
    if not deidentify:
        return data
    return deidentified(data, codes or SharingCodes.for_export(dates))


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
            f"Imported {self.file} ({self.format}): {counted(len(self.coding_ids), 'coding')}, "
            f"{counted(self.events, 'event')}."
        ]
        if not self.coding_ids and self.codebook_ids:
            books = plural(len(self.codebook_ids), "codebook")
            lines.append(f"Stored {books} {', '.join(map(str, self.codebook_ids))}.")
        if self.warnings:
            lines.append(f"Not carried over exactly ({len(self.warnings)}):")
            lines.extend(f"  - {w}" for w in self.warnings[:limit])
            if len(self.warnings) > limit:
                lines.append(f"  … and {len(self.warnings) - limit} more")
        return "\n".join(lines)


# --- checking events before anything is written -------------------------------------------


def placed(where: str, check: Callable[..., T], *args: Any) -> T:
    """``check(*args)``, a refusal placed at ``where`` (a file, and a row or field in it)."""
    try:
        return check(*args)
    except Refused as exc:
        raise exc.at(where) from None


def _json_problem(message: str) -> str:
    """Python's 'Unterminated string starting at' (a position follows) as a phrase."""
    phrase = message.removesuffix(" starting at").removesuffix(" at")
    return phrase[:1].lower() + phrase[1:]


def parse_json(data: bytes, path: Path, what: str) -> Any:
    """JSON from a file, or an InputError that names the line and column (``what`` it was)."""
    text = decode_text(data, path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}:{exc.lineno}: not valid JSON at column {exc.colno} "
            f"({_json_problem(exc.msg)}); the {what} may be truncated or damaged"
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
                        new_uid(),
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
    "created_at, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def count_rows(store: Store) -> dict[str, int]:
    """Rows in every table a coding touches (tests compare these around a failed import)."""
    from sqlalchemy import func

    tables = (
        CodedEvent, Coding, GroupSession, Member, MediaFile, ProcessNote, AuditEntry, NoteAudit,
    )  # fmt: skip
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
