"""The events table, CSV and TSV: the one tabular format (and the rows of the XLSX sheet).

Written with one row per event; a state code is one row with its start and end. Columns,
in order: ``time, time_hms, end, end_hms, actor, target, code, code_label, category``,
one ``modifier:<set id>`` column per modifier set, and ``note``.

Read with the same columns in any order, so also the plain ``time, end, actor, target,
code, note`` files of earlier versions: ``time`` (or ``time_hms``) in seconds or
``[hh:]mm:ss[.mmm]``; people by pseudonym or initials, any case; modifier values by id or
label. Commas, semicolons or tabs separate the fields; a UTF-8 byte-order mark is
accepted. Lines starting with ``#`` before the header are comments: a de-identified
export lists there what it removed, and reading skips them. Every problem names the
file, the line and the column, and a failed import writes nothing. ``import``/``export``
and ``coding import-csv``/``export-csv`` both use this module, and an analysis given the
path of such a file reads it with :func:`read_events_csv`. Details: ``docs/formats.md``.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from observer.domain import limits
from observer.domain.codebook import Codebook, Palette, combine, load_codebook
from observer.domain.deidentify import removal_note
from observer.domain.errors import InputError, Refused
from observer.domain.event_rules import EventRules, check_span
from observer.domain.events import Event
from observer.domain.wording import plural
from observer.formats.common import (
    ImportReport,
    Progress,
    hms,
    insert_rows,
    no_progress,
    placed,
    read_for_export,
    scaled,
    seconds,
)
from observer.formats.file_limits import (
    MAX_COLUMNS,
    MAX_FIELD_CHARS,
    check_field,
    check_rows,
    refused,
    text_lines,
)
from observer.formats.spreadsheet_cells import neutralised_row, restored
from observer.storage.private_file import written_whole
from observer.storage.store import Store

if TYPE_CHECKING:
    from observer.domain.coding_data import CodeInfo, CodingData

REQUIRED = ("time", "actor", "code")
BASE = ("time", "time_hms", "end", "end_hms", "actor", "target", "code", "code_label", "category")
# What earlier versions wrote for scripts; still read, and a row's other cells kept aside.
PLAIN = ("time", "end", "actor", "target", "code", "note")
TARGET_SEPARATOR = ";"
# Starts a comment line before the header (what a de-identified file removed).
COMMENT = "#"
MODIFIER_PREFIX = "modifier:"


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvRow:
    """One event row as written (people and modifier values as in the file), and its line."""

    line: int
    event: Event
    extra: dict[str, str]


class Header:
    """The columns of a table, and how to read one of its rows as an event."""

    def __init__(self, names: Sequence[str], where: str) -> None:
        names = [n.strip().lower() for n in names]
        for plain in ("time", "end"):
            # The clock-time columns stand in when the seconds columns are absent.
            if plain not in names and f"{plain}_hms" in names:
                names[names.index(f"{plain}_hms")] = plain
        missing = [c for c in REQUIRED if c not in names]
        if missing:
            raise InputError(
                f"{where}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                f"(the header has: {', '.join(n for n in names if n) or 'nothing'})"
            )
        self.names = names
        self.index = {name: i for i, name in enumerate(names)}

    def row(self, record: Sequence[str], line: int, where: str) -> CsvRow:
        """The event of one row, located at ``where`` (file and line) in every message."""

        def cell(name: str) -> str:
            i = self.index.get(name)
            return restored(record[i].strip()) if i is not None and i < len(record) else ""

        modifiers = {
            name.removeprefix(MODIFIER_PREFIX).strip(): value
            for name in self.names
            if name.startswith(MODIFIER_PREFIX) and (value := cell(name))
        }
        try:
            event = _event(cell, modifiers)
        except Refused as exc:
            raise exc.at(where) from None
        extra = {
            name: restored(record[i].strip())
            for i, name in enumerate(self.names)
            if name not in PLAIN and i < len(record) and record[i].strip()
        }
        return CsvRow(line, event, extra)


def _event(cell: Callable[[str], str], modifiers: dict[str, str]) -> Event:
    text = cell("time")
    if not text:
        raise Refused("time", "empty")
    time_ms = limits.time_from_text(text, "time")
    end_text = cell("end")
    end_ms = limits.time_from_text(end_text, "end") if end_text else None
    check_span(time_ms, end_ms)
    actor = cell("actor")
    if not actor:
        raise Refused("actor", "empty (use 'group' for the group as a whole)")
    code = cell("code")
    if not code:
        raise Refused("code", "empty")
    targets = tuple(t.strip() for t in cell("target").split(TARGET_SEPARATOR) if t.strip())
    return Event(0, time_ms, code, actor, targets, modifiers, cell("note"), end_ms)


def parse_rows(
    path: Path, progress: Callable[[int, int], None] | None = None
) -> tuple[Header, list[CsvRow]]:
    """Read a CSV/TSV file into rows of events; InputError naming file, line and column.

    The file is read twice, a line at a time: first only counted, so one too big (rows,
    columns, a field, a line: ``observer.formats.file_limits``) is refused before anything
    is kept; then read into events. ``progress(line, lines)`` is called now and then.
    """
    file = str(path)
    lines = _check_table(path)
    reader = _reader(path)
    try:
        first = next(record for record in reader if any(cell.strip() for cell in record))
        header = Header(first, f"{file}:{reader.line_num}")
    except csv.Error as exc:
        raise InputError(f"{file}:{reader.line_num}: cannot read the header ({exc})") from exc
    rows: list[CsvRow] = []
    try:
        for record in reader:
            line = reader.line_num
            if progress is not None and len(rows) % 5000 == 4999:
                progress(line, lines)
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(header.names):
                raise InputError(
                    f"{file}:{line}: {len(record)} fields but the header has {len(header.names)}"
                )
            rows.append(header.row(record, line, f"{file}:{line}"))
    except csv.Error as exc:
        raise InputError(f"{file}:{reader.line_num}: {exc}") from exc
    return header, rows


def _reader(path: Path) -> Any:
    """A CSV reader over the file's lines; commas, semicolons or tabs, as the header has.

    The comments before the header are read as empty lines, so line numbers stay true.
    """
    lines = (text for _number, text in text_lines(path))
    before: list[str] = []
    first = ""
    for text in lines:
        if text.startswith(COMMENT):
            before.append("\n")
        elif not text.strip():
            before.append(text)
        else:
            first = text
            break
    delimiter = max(",;\t", key=first.count)
    return csv.reader(itertools.chain(before, [first], lines), delimiter=delimiter)


def _check_table(path: Path) -> int:
    """Count the rows of a table as it streams past, refusing one too big; its lines."""
    reader = _reader(path)
    events = 0
    content = False
    try:
        for record in reader:
            line = reader.line_num
            if len(record) > MAX_COLUMNS:
                raise refused(f"{path}:{line}", f"{len(record):,} fields",
                              f"a row may have at most {MAX_COLUMNS:,}")  # fmt: skip
            for cell in record:
                check_field(cell, f"{path}:{line}")
            if not any(cell.strip() for cell in record):
                continue
            if content:  # the rows after the header
                events += 1
                check_rows(events, f"{path}:{line}")
            content = True
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            most = f"{MAX_FIELD_CHARS:,} characters"
            raise refused(
                f"{path}:{reader.line_num}",
                f"a field of more than {most}",
                f"a field may hold at most {most}",
            ) from exc
        raise InputError(f"{path}:{reader.line_num}: {exc}") from exc
    if not content:
        raise InputError(f"{path}: the file is empty (expected a header row: {', '.join(BASE)})")
    return max(int(reader.line_num), 1)


def read_events_csv(path: Path) -> CodingData:
    """An events table as a :class:`CodingData` for an analysis (codes and people as written)."""
    from observer.domain.coding_data import CodeInfo, CodingData, participants_from_names

    _header, rows = parse_rows(path)
    events = sorted((r.event for r in rows), key=lambda e: e.time_ms)
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


# --- writing -----------------------------------------------------------------------------------


def modifier_sets(palette: Palette) -> list[str]:
    """Every modifier set id a code uses, in the order the codebooks declare them, once each."""
    used = {m for c in palette.codes for m in c.modifiers}
    seen: list[str] = []
    for book in palette.codebooks:
        for set_id in book.modifier_sets:
            if set_id in used and set_id not in seen:
                seen.append(set_id)
    return seen


def header(sets: Sequence[str]) -> list[str]:
    return [*BASE, *(MODIFIER_PREFIX + m for m in sets), "note"]


def table_rows(
    events: Iterable[Event],
    name_of: Callable[[str], str],
    codes: Mapping[str, Any],
    sets: Sequence[str],
) -> Iterator[list[str]]:
    """The rows of events (without the header); ``codes``: code id -> its label and category."""
    for e in events:
        code = codes.get(e.code)
        yield [
            seconds(e.time_ms),
            hms(e.time_ms),
            seconds(e.end_ms),
            hms(e.end_ms),
            name_of(e.actor),
            TARGET_SEPARATOR.join(name_of(t) for t in e.targets),
            e.code,
            code.label if code else "",
            code.category if code else "",
            *(str(e.modifiers.get(m, "")) for m in sets),
            e.note,
        ]


def write_table(
    fh: Any, rows: Iterable[list[str]], sets: Sequence[str], delimiter: str = ",",
    progress: Progress = no_progress, total: int = 0, comments: Sequence[str] = (),
) -> int:  # fmt: skip
    """The one writer: ``comments`` as ``#`` lines, the header, then the rows; returns
    how many rows.

    No cell can start a formula in a spreadsheet (``spreadsheet_cells``).
    """
    for comment in comments:
        for line in comment.splitlines():
            fh.write(f"{COMMENT} {line}\r\n")
    writer = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(neutralised_row(header(sets)))
    count = 0
    for count, row in enumerate(rows, 1):
        writer.writerow(neutralised_row(row))
        if count % 5000 == 0:
            progress(count, total)
    progress(total, total)
    return count


def export_table(
    store: Store,
    coding_id: int,
    path: Path,
    progress: Progress = no_progress,
    delimiter: str = ",",
    deidentify: bool = False,
    dates: str = "drop",
    **_: Any,
) -> int:
    """Write a coding as CSV (or TSV with ``delimiter='\\t'``); returns the event count."""
    data = read_for_export(store, coding_id, deidentify=deidentify, dates=dates)
    palette = data.palette or Palette(())
    sets = modifier_sets(palette)
    codes = {c.id: c for c in palette.codes}
    with path.open("w", encoding="utf-8", newline="") as fh:
        rows = table_rows(data.events, data.name_of, codes, sets)
        removed = [removal_note(data)] if data.deidentified else []
        return write_table(fh, rows, sets, delimiter, progress, len(data.events), removed)


def export_tsv(store: Store, coding_id: int, path: Path, progress: Progress = no_progress,
               **opts: Any) -> int:  # fmt: skip
    return export_table(store, coding_id, path, progress, **{**opts, "delimiter": "\t"})


def write_events_csv(
    events: Iterable[Event], path: Path | io.StringIO, codes: Mapping[str, CodeInfo] | None = None
) -> int:
    """Write events whose people are already named (a script's, an analysis's) as CSV."""
    events = list(events)
    sets = list(dict.fromkeys(m for e in events for m in e.modifiers))
    rows = table_rows(events, str, codes or {}, sets)
    if isinstance(path, Path):
        with written_whole(path) as partial, partial.open("w", encoding="utf-8", newline="") as fh:
            return write_table(fh, rows, sets)
    return write_table(path, rows, sets)


# --- import ------------------------------------------------------------------------------------


def resolve_codebooks(
    store: Store,
    specs: Sequence[str | Codebook] | None,
    rows: Sequence[CsvRow],
    file: str,
) -> list[Codebook]:
    """Codebooks named (ids this database can use, or YAML files), else the shipped ones
    that hold every code."""
    from observer.workspace.codings import find_codebook

    if specs:
        books = []
        for spec in specs:
            if isinstance(spec, Codebook):
                books.append(spec)
            elif spec.endswith((".yaml", ".yml")) or Path(spec).is_file():
                books.append(load_codebook(spec))
            else:
                books.append(find_codebook(store, spec))
        return books
    from observer.domain.codebook import shipped_codebooks

    chosen: list[Codebook] = []
    left = {r.event.code for r in rows}
    for book in shipped_codebooks():
        ids = {c.id for c in book.codes}
        if left & ids and not any(ids & {c.id for b in chosen for c in b.codes}):
            chosen.append(book)
            left -= ids
    if left and rows:
        row = next(r for r in rows if r.event.code in left)
        raise InputError(
            f"{file}:{row.line}: code: unknown code {row.event.code!r} (in no shipped codebook; "
            "name the codebooks to import against with --codebook ID or a YAML file)"
        )
    if left or not chosen:
        raise InputError(
            f"{file}: no shipped codebook has the {plural(len(left), 'code')} "
            f"{', '.join(sorted(left)[:8])}; name the codebooks to import against "
            "(--codebook ID or a YAML file)"
        )
    return chosen


def import_rows(
    store: Store,
    file: str,
    rows: list[CsvRow],
    fmt: str,
    progress: Progress = no_progress,
    session: int | None = None,
    observer: str | None = None,
    codebooks: Sequence[str | Codebook] | None = None,
    name: str = "",
    capacity: str = "co-therapist",
    where: Callable[[int], str] | None = None,
    **_: Any,
) -> ImportReport:
    """Create a coding from rows of a table (CSV, TSV or the XLSX events sheet), all or nothing.

    ``where(line)`` places a row in messages (default ``file:line``).
    """
    from observer.workspace.codings import create_coding
    from observer.workspace.groups import session_roster

    place = where or (lambda line: f"{file}:{line}")
    if session is None:
        raise InputError(f"{file}: which session is this coding of? (give --session ID)")
    if not observer:
        raise InputError(f"{file}: who coded it? (give --observer INITIALS)")
    observer = placed("--observer", limits.name, observer, "initials", 20, "the initials")
    books = resolve_codebooks(store, codebooks, rows, file)
    palette = combine(books)
    report = ImportReport(file, fmt)
    with store.session() as s:
        rules = EventRules(palette, session_roster(s, session))
        events: list[Event] = []
        # Progress: checking the rows is the first half of the work, writing them the second.
        total = 2 * len(rows)
        for i, row in enumerate(rows, 1):
            try:
                events.append(_resolved(row.event, rules))
            except Refused as refused:  # a name two people share: which one is meant
                raise refused.at(place(row.line)) from None
            if i % 5000 == 0:
                progress(i, total)
        report.warnings += rules.check_all(events, [place(r.line) for r in rows])
        coding = create_coding(
            s, session, observer, books, name=name or Path(file).stem, capacity=capacity
        )
        progress(len(rows), total)
        insert_rows(s, coding.id, events, progress, len(rows), total)
        report.coding_ids.append(coding.id)
        report.coding_names.append(coding.name)
        report.session_ids.append(session)
        report.events = len(events)
    return report


def _resolved(e: Event, rules: EventRules) -> Event:
    """People as keys and modifier values as ids: what the file wrote, in the coding's terms.

    What cannot be resolved is left as written for the rules to refuse in their words.
    """
    code = rules.palette.code(e.code)
    modifiers = dict(e.modifiers)
    for set_id, value in e.modifiers.items():
        if code is None or set_id not in code.modifiers:
            continue
        mset = rules.palette.modifier_set(set_id, code)
        if mset is not None and mset.value(value) is None:
            label = value.casefold()
            by_label = next((v for v in mset.values if v.label.casefold() == label), None)
            if by_label is not None:
                modifiers[set_id] = by_label.id
    find = rules.roster.find
    return replace(
        e,
        actor=find(e.actor, "actor") or e.actor,
        targets=tuple(find(t, "target") or t for t in e.targets),
        modifiers=modifiers,
    )


def import_table(
    store: Store, path: Path, progress: Progress = no_progress, **opts: Any
) -> ImportReport:
    """Import a CSV or TSV file as a new coding of ``session``."""
    # Progress: reading the file is a third of the work, checking and writing the rest.
    _header, rows = parse_rows(path, scaled(progress, 0, 1000, 3000))
    fmt = "tsv" if path.suffix.lower() in (".tsv", ".tab") else "csv"
    rest = scaled(progress, 1000, 2000, 3000)
    return import_rows(store, str(path), rows, fmt, rest, **opts)
