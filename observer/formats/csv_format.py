"""The tidy events table: CSV and TSV (and the rows of the XLSX events sheet).

One row per event; a state code is one row with its start and end. Columns, in order:
``time, time_hms, end, end_hms, actor, target, code, code_label, category``, one
``modifier:<set id>`` column per modifier set of the coding's codebooks, and ``note``.
Import reads the same columns (and the plain events CSV): ``time`` or ``time_hms``,
people by pseudonym or initials, modifier values by id or label.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from observer.domain.codebook import Codebook, Palette, combine, load_codebook, shipped_codebook
from observer.domain.coding_data import CodingData
from observer.domain.errors import InputError
from observer.domain.events import Event
from observer.domain.participants import COLLECTIVES
from observer.formats.common import (
    ImportReport,
    Progress,
    check_events,
    decode_text,
    hms,
    insert_rows,
    no_progress,
    participant_lookup,
    read_bytes,
    scaled,
    seconds,
    session_keys,
)
from observer.formats.events_csv import MODIFIER_PREFIX, CsvRow, parse_rows
from observer.storage.read_coding import from_coding
from observer.storage.store import Store
from observer.workspace.codings import create_coding

TARGET_SEPARATOR = ";"
BASE = ("time", "time_hms", "end", "end_hms", "actor", "target", "code", "code_label", "category")


def modifier_sets(palette: Palette) -> list[str]:
    """Every modifier set id a code uses, in the order the codebooks declare them, once each."""
    used = {m for c in palette.codes for m in c.modifiers}
    seen: list[str] = []
    for book in palette.codebooks:
        for set_id in book.modifier_sets:
            if set_id in used and set_id not in seen:
                seen.append(set_id)
    return seen


def header(palette: Palette) -> list[str]:
    return [*BASE, *(MODIFIER_PREFIX + m for m in modifier_sets(palette)), "note"]


def table_rows(data: CodingData) -> Iterator[list[str]]:
    """The tidy rows of a coding (without the header), people named."""
    palette = data.palette or Palette(())
    sets = modifier_sets(palette)
    codes = {c.id: c for c in palette.codes}
    names = data.names
    for e in data.events:
        code = codes.get(e.code)
        yield [
            seconds(e.time_ms),
            hms(e.time_ms),
            seconds(e.end_ms),
            hms(e.end_ms),
            names.get(e.actor, e.actor),
            TARGET_SEPARATOR.join(names.get(t, t) for t in e.targets),
            e.code,
            code.label if code else "",
            code.category if code else "",
            *(str(e.modifiers.get(m, "")) for m in sets),
            e.note,
        ]


def export_table(
    store: Store,
    coding_id: int,
    path: Path,
    progress: Progress = no_progress,
    delimiter: str = ",",
    **_: Any,
) -> int:
    """Write a coding as tidy CSV (or TSV with ``delimiter='\\t'``); returns the event count."""
    data = from_coding(store, coding_id)
    total = len(data.events)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header(data.palette or Palette(())))
        for i, row in enumerate(table_rows(data), 1):
            writer.writerow(row)
            if i % 5000 == 0:
                progress(i, total)
    progress(total, total)
    return total


def export_tsv(store: Store, coding_id: int, path: Path, progress: Progress = no_progress,
               **opts: Any) -> int:  # fmt: skip
    return export_table(store, coding_id, path, progress, delimiter="\t")


# --- import --------------------------------------------------------------------------------


def resolve_codebooks(
    specs: Sequence[str | Codebook] | None,
    codes: set[str],
    rows: Sequence[CsvRow] = (),
    file: str = "",
) -> list[Codebook]:
    """Codebooks named (shipped ids or YAML files), or the shipped ones that hold every code."""
    if specs:
        books = []
        for spec in specs:
            if isinstance(spec, Codebook):
                books.append(spec)
            elif spec.endswith((".yaml", ".yml")) or Path(spec).is_file():
                books.append(load_codebook(spec))
            else:
                books.append(shipped_codebook(spec))
        return books
    from observer.domain.codebook import shipped_codebooks

    chosen: list[Codebook] = []
    left = set(codes)
    for book in shipped_codebooks():
        ids = {c.id for c in book.codes}
        if left & ids and not any(ids & {c.id for b in chosen for c in b.codes}):
            chosen.append(book)
            left -= ids
    if left and rows:
        row = next(r for r in rows if r.event.code in left)
        raise InputError(
            f"{file}:{row.line}: code: unknown code {row.event.code!r} (in no shipped codebook; "
            "name the codebook(s) to import against with --codebook ID or a YAML file)"
        )
    if left or not chosen:
        raise InputError(
            f"No shipped codebook has the code(s) {', '.join(sorted(left)[:8])}; "
            "name the codebook(s) to import against (--codebook ID or a YAML file)"
        )
    return chosen


def import_rows(
    store: Store,
    file: str,
    header_row: list[str],
    rows: list[CsvRow],
    fmt: str,
    progress: Progress = no_progress,
    session: int | None = None,
    observer: str | None = None,
    codebooks: Sequence[str | Codebook] | None = None,
    name: str = "",
    capacity: str = "co-therapist",
    **_: Any,
) -> ImportReport:
    """Create a coding from parsed table rows (CSV, TSV or the XLSX events sheet)."""
    if session is None:
        raise InputError(f"{file}: which session is this coding of? (give --session ID)")
    if not observer:
        raise InputError(f"{file}: who coded it? (give --observer INITIALS)")
    books = resolve_codebooks(codebooks, {r.event.code for r in rows}, rows, file)
    palette = combine(books)
    report = ImportReport(file, fmt)
    with store.session() as s:
        lookup = participant_lookup(session_keys(s, session))
        events: list[Event] = []
        where: list[str] = []
        # Progress: checking the rows is the first half of the work, writing them the second.
        total = 2 * len(rows)
        for i, row in enumerate(rows, 1):
            at = f"{file}:{row.line}"
            events.append(_resolved(row, lookup, palette, at))
            where.append(at)
            if i % 5000 == 0:
                progress(i, total)
        check_events(palette, set(lookup.values()), events, where)
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


def _resolved(row: CsvRow, lookup: dict[str, str], palette: Palette, at: str) -> Event:
    e = row.event

    def key(name: str, fld: str) -> str:
        found = lookup.get(name.casefold())
        if found is None:
            known = sorted({k for k in lookup if k not in COLLECTIVES and not k.startswith("m")})
            raise InputError(
                f"{at}: {fld}: {name!r} is not a member of this session's group "
                f"(known: {', '.join(known[:12])}, group, leaders)"
            )
        return found

    modifiers: dict[str, str] = {}
    code = palette.code(e.code)
    for column, value in row.extra.items():
        if not column.startswith(MODIFIER_PREFIX) or not value:
            continue
        set_id = column[len(MODIFIER_PREFIX) :].strip()
        mset = palette.modifier_set(set_id, code) if code and set_id in code.modifiers else None
        if mset is None:
            label = code.label if code else e.code
            raise InputError(f"{at}: {column}: {label} has no modifier set {set_id!r}")
        chosen = mset.value(value) or next(
            (v for v in mset.values if v.label.casefold() == value.casefold()), None
        )
        if chosen is None:
            values = ", ".join(v.id for v in mset.values)
            raise InputError(f"{at}: {column}: {value!r} is not one of its values ({values})")
        modifiers[set_id] = chosen.id
    return Event(
        0,
        e.time_ms,
        e.code,
        key(e.actor, "actor"),
        tuple(key(t, "target") for t in e.targets),
        modifiers,
        e.note,
        e.end_ms,
    )


def import_table(
    store: Store, path: Path, progress: Progress = no_progress, **opts: Any
) -> ImportReport:
    """Import a tidy CSV or TSV file as a new coding of ``session``."""
    text = decode_text(read_bytes(path), path)
    # Progress: reading the file is a third of the work, checking and writing the rest.
    lines = max(text.count("\n"), 1)
    header_row, rows = parse_rows(text, str(path), scaled(progress, 0, lines, 3 * lines))
    fmt = "tsv" if path.suffix.lower() in (".tsv", ".tab") else "csv"
    rest = scaled(progress, lines, 2 * lines, 3 * lines)
    return import_rows(store, str(path), header_row, rows, fmt, rest, **opts)
