"""The plain events CSV: the format for scripts and for people writing events by hand.

Columns (header row first; order free; more columns may follow and are kept aside):

``time``   seconds (``12.5``) or ``[hh:]mm:ss[.mmm]``
``end``    the same, for state codes; empty for point events
``actor``  a member's pseudonym or initials, ``group`` or ``leaders``
``target`` empty for none, ``group`` for the group as a whole; several joined by ``;``
``code``   a code id
``note``   free text

The tidy export of ``observer.formats`` adds ``time_hms``/``end_hms`` (used when ``time``/
``end`` are absent), ``code_label``, ``category`` and one ``modifier:<set>`` column per
modifier set (read into the events' modifiers); see ``docs/formats.md``.

Commas, semicolons or tabs separate the fields (spreadsheets in many countries save
with semicolons); a UTF-8 byte-order mark is accepted. Every problem names the file,
the line and the column, and a failed import writes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from observer.domain.clock import parse_time
from observer.domain.errors import InputError
from observer.domain.events import Event
from observer.domain.participants import COLLECTIVES
from observer.storage.store import Store

if TYPE_CHECKING:
    from observer.domain.coding_data import CodingData

REQUIRED = ("time", "actor", "code")
COLUMNS = ("time", "end", "actor", "target", "code", "note")
TARGET_SEPARATOR = ";"
MODIFIER_PREFIX = "modifier:"


@dataclass(frozen=True)
class CsvRow:
    """One event row as written, with its line number for messages."""

    line: int
    event: Event
    extra: dict[str, str]


def _seconds(ms: int | None) -> str:
    if ms is None:
        return ""
    return f"{ms / 1000:.3f}"


def parse_rows(
    text: str, file: str, progress: Callable[[int, int], None] | None = None
) -> tuple[list[str], list[CsvRow]]:
    """Parse CSV text into events; raise InputError naming file, line and column.

    ``progress(line, lines)`` is called now and then on long files.
    """
    if not text.strip():
        raise InputError(f"{file}: the file is empty (expected a header row: {', '.join(COLUMNS)})")
    first = text.splitlines()[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise InputError(f"{file}:1: cannot read the header ({exc})") from exc
    for plain in ("time", "end"):
        # The tidy export's clock-time columns stand in when the seconds columns are absent.
        if plain not in header and f"{plain}_hms" in header:
            header[header.index(f"{plain}_hms")] = plain
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(
            f"{file}:1: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(the header has: {', '.join(header) or 'nothing'})"
        )
    index = {name: i for i, name in enumerate(header)}
    rows: list[CsvRow] = []
    lines = text.count("\n") + 1
    try:
        for record in reader:
            line = reader.line_num
            if progress is not None and len(rows) % 5000 == 4999:
                progress(line, lines)
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(header):
                raise InputError(
                    f"{file}:{line}: {len(record)} fields but the header has {len(header)}"
                )

            def cell(name: str, record: list[str] = record) -> str:
                i = index.get(name)
                return record[i].strip() if i is not None and i < len(record) else ""

            rows.append(CsvRow(line, _event(cell, file, line), _extra(header, record)))
    except csv.Error as exc:
        raise InputError(f"{file}:{reader.line_num}: {exc}") from exc
    return header, rows


def _event(get: Callable[[str], str], file: str, line: int) -> Event:
    def time_of(name: str) -> int | None:
        text = get(name)
        if not text:
            return None
        try:
            ms = parse_time(text)
        except ValueError:
            raise InputError(
                f"{file}:{line}: {name}: {text!r} is not a time (seconds or hh:mm:ss.mmm)"
            ) from None
        if ms < 0:
            raise InputError(f"{file}:{line}: {name}: {text!r} is before the session started")
        return ms

    time_ms = time_of("time")
    if time_ms is None:
        raise InputError(f"{file}:{line}: time: empty")
    end_ms = time_of("end")
    if end_ms is not None and end_ms < time_ms:
        raise InputError(f"{file}:{line}: end: the event ends before it starts")
    actor = get("actor")
    if not actor:
        raise InputError(f"{file}:{line}: actor: empty (use 'group' for the group as a whole)")
    code = get("code")
    if not code:
        raise InputError(f"{file}:{line}: code: empty")
    targets = tuple(t.strip() for t in get("target").split(TARGET_SEPARATOR) if t.strip())
    return Event(0, time_ms, code, actor, targets, {}, get("note"), end_ms)


def _extra(header: Sequence[str], record: Sequence[str]) -> dict[str, str]:
    return {
        name: record[i].strip()
        for i, name in enumerate(header)
        if name not in COLUMNS and i < len(record) and record[i].strip()
    }


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV"
        ) from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc


def read_events_csv(path: Path) -> CodingData:
    """A plain events CSV as a :class:`CodingData` (codes and people as written)."""
    from observer.domain.coding_data import CodeInfo, CodingData, participants_from_names

    _header, rows = parse_rows(read_text(path), str(path))
    events = sorted((_with_modifiers(r) for r in rows), key=lambda e: e.time_ms)
    names = {n for e in events for n in (e.actor, *e.targets)}
    codes: dict[str, CodeInfo] = {}
    for row in rows:
        e = row.event
        known = codes.get(e.code)
        state = e.end_ms is not None or (known is not None and known.is_state)
        codes[e.code] = CodeInfo(
            e.code,
            row.extra.get("code_label") or (known.label if known else e.code),
            row.extra.get("category") or (known.category if known else ""),
            "state" if state else "point",
        )
    return CodingData(
        name=path.name,
        events=tuple(events),
        participants=participants_from_names(names),
        codes=codes,
    )


def _with_modifiers(row: CsvRow) -> Event:
    """The row's event with its ``modifier:<set>`` columns as modifiers."""
    found = {
        name.removeprefix(MODIFIER_PREFIX).strip(): value
        for name, value in row.extra.items()
        if name.startswith(MODIFIER_PREFIX) and value
    }
    return replace(row.event, modifiers=found) if found else row.event


def write_events_csv(rows: Iterable[Event], path: Path | io.StringIO) -> None:
    """Write events (people already named) as a plain events CSV."""
    own = isinstance(path, Path)
    fh = path.open("w", encoding="utf-8", newline="") if isinstance(path, Path) else path
    try:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for e in rows:
            writer.writerow(
                [
                    _seconds(e.time_ms),
                    _seconds(e.end_ms),
                    e.actor,
                    TARGET_SEPARATOR.join(e.targets),
                    e.code,
                    e.note,
                ]
            )
    finally:
        if own:
            fh.close()


def resolve_names(
    events: Iterable[tuple[int, Event]], lookup: dict[str, str], file: str
) -> list[Event]:
    """Names to participant keys (pseudonym or initials, any case); unknown names refused."""
    out = []
    for line, e in events:

        def key(name: str, fld: str, line: int = line) -> str:
            found = lookup.get(name.casefold())
            if found is None:
                known = ", ".join(sorted({k for k in lookup if k not in COLLECTIVES})[:12])
                raise InputError(
                    f"{file}:{line}: {fld}: {name!r} is not a member of this session's group "
                    f"(known: {known}, group, leaders)"
                )
            return found

        out.append(
            Event(
                0,
                e.time_ms,
                e.code,
                key(e.actor, "actor"),
                tuple(key(t, "target") for t in e.targets),
                e.modifiers,
                e.note,
                e.end_ms,
            )
        )
    return out


def import_events_csv(
    store: Store,
    session_id: int,
    path: Path,
    observer: str,
    codebooks: Sequence[str],
    name: str = "",
) -> int:
    """Create a coding of a session from an events CSV, all or nothing; returns its id."""
    from observer.domain.codebook import combine, shipped_codebook
    from observer.storage.coding_info import session_participants
    from observer.storage.models import EVENTS
    from observer.workspace.codings import create_coding

    file = str(path)
    _header, rows = parse_rows(read_text(path), file)
    books = [shipped_codebook(b) for b in codebooks]
    palette = combine(books)
    lookup: dict[str, str] = {}
    for p in session_participants(store, session_id):
        lookup[p.key.casefold()] = p.key
        lookup[p.label.casefold()] = p.key
        if p.initials:
            lookup.setdefault(p.initials.casefold(), p.key)
    events = resolve_names(((r.line, r.event) for r in rows), lookup, file)
    for row, event in zip(rows, events, strict=True):
        code = palette.code(event.code)
        if code is None:
            raise InputError(
                f"{file}:{row.line}: code: unknown code {event.code!r} "
                f"(not in {', '.join(codebooks)})"
            )
        if code.target == "required" and not event.targets:
            raise InputError(f"{file}:{row.line}: target: {code.label} needs a target")
        if code.target == "none" and event.targets:
            raise InputError(f"{file}:{row.line}: target: {code.label} takes no target")
        if event.end_ms is not None and not code.is_state:
            raise InputError(f"{file}:{row.line}: end: {code.label} is a point code")
    with store.session() as s:
        coding = create_coding(s, session_id, observer, books, name=name or path.stem)
        if events:
            s.execute(EVENTS.insert(), [{"coding_id": coding.id, **e.fields()} for e in events])
        return coding.id
