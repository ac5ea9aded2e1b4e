"""Excel workbooks: an ``events`` sheet (the tidy table), a ``codebook`` and a ``members`` sheet.

A de-identified workbook opens on a first sheet, "About this file", that says what was
removed, in the words a CSV's ``#`` lines use. Import reads the ``events`` sheet (or, in a
workbook without one, the first sheet) with the same columns as the CSV.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

from observer.domain.deidentify import removal_note
from observer.domain.errors import InputError
from observer.formats.common import ImportReport, Progress, no_progress, read_for_export
from observer.formats.csv_format import Header, header, import_rows, modifier_sets, table_rows
from observer.formats.file_limits import (
    MAX_COLUMNS,
    check_field,
    check_rows,
    check_workbook,
    refused,
)
from observer.formats.spreadsheet_cells import neutralised_row
from observer.storage.store import Store

CODEBOOK_COLUMNS = (
    "codebook", "code", "label", "kind", "category", "target", "key", "modifiers",
    "exclusive_group", "definition",
)  # fmt: skip
MEMBER_COLUMNS = ("pseudonym", "initials", "role", "seat", "present")
# The first sheet of a de-identified workbook: what was removed (the importer reads "events").
ABOUT_SHEET = "About this file"


def export_xlsx(
    store: Store,
    coding_id: int,
    path: Path,
    progress: Progress = no_progress,
    deidentify: bool = False,
    dates: str = "drop",
    **_: Any,
) -> int:
    """Write a coding as a workbook; numbers stay numbers so the sheet can compute."""
    from openpyxl import Workbook

    data = read_for_export(store, coding_id, True, deidentify, dates=dates)
    info, details = data.record()
    total = len(data.events)
    book = Workbook(write_only=True)
    if data.deidentified:  # the sheet a person sees first on opening the workbook
        about = book.create_sheet(ABOUT_SHEET)
        about.column_dimensions["A"].width = 100
        for line in removal_note(data).splitlines():
            about.append(neutralised_row([line]))
    events = book.create_sheet("events")
    sets = modifier_sets(info.palette)
    events.append(neutralised_row(header(sets)))
    codes = {c.id: c for c in info.palette.codes}
    for i, row in enumerate(table_rows(data.events, data.name_of, codes, sets), 1):
        # Text that a spreadsheet would run is quoted; the times stay numbers.
        cells: list[Any] = neutralised_row(row)
        cells[0] = float(row[0])
        cells[2] = float(row[2]) if row[2] else None
        events.append(cells)
        if i % 5000 == 0:
            progress(i, total)
    codes = book.create_sheet("codebook")
    codes.append(CODEBOOK_COLUMNS)
    for b in details.codebooks:
        for c in b.codes:
            codes.append(neutralised_row(
                [b.id, c.id, c.label, c.kind, c.category, c.target, c.key, ", ".join(c.modifiers),
                 c.exclusive_group or "", c.definition]
            ))  # fmt: skip
    members = book.create_sheet("members")
    members.append(MEMBER_COLUMNS)
    for m in data.people:
        members.append(
            neutralised_row([m.label, m.initials, m.role, m.seat, "yes" if m.present else "no"])
        )
    book.save(path)
    progress(total, total)
    return total


def _text(value: Any) -> str:
    """A cell as the text a CSV would hold (times typed in Excel included)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.time):
        return f"{value.hour}:{value.minute:02d}:{value.second:02d}.{value.microsecond // 1000:03d}"
    if isinstance(value, dt.timedelta):
        return f"{value.total_seconds():.3f}"
    if isinstance(value, dt.datetime):
        # A time of day that Excel stored as a date-time on its epoch day.
        return _text(value.time())
    return str(value).strip()


def import_xlsx(
    store: Store, path: Path, progress: Progress = no_progress, **opts: Any
) -> ImportReport:
    """Import the events sheet of a workbook as a new coding of ``session``."""
    from openpyxl import load_workbook

    file = str(path)
    check_workbook(path)  # too big a workbook is refused before it is opened
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError, EOFError) as exc:
        raise InputError(f"{file}: not a readable Excel workbook ({exc})") from exc
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise InputError(f"{file}: not a readable Excel workbook ({type(exc).__name__})") from exc
    try:
        sheet = book["events"] if "events" in book.sheetnames else book.worksheets[0]
        try:
            # How many rows there are is often not recorded: a busy bar (total 0) meanwhile.
            progress(0, 0)
            grid: list[list[str]] = []
            # A sheet stating more columns than the limit was refused before it was opened
            # (check_workbook), so rows padded to the stated width stay short.
            for row in sheet.iter_rows(values_only=True):
                number = len(grid) + 1
                cells = [_text(v) for v in row]
                if len(cells) > MAX_COLUMNS and any(cells[MAX_COLUMNS:]):
                    most = f"{MAX_COLUMNS:,}"
                    raise refused(
                        f"{file}: events sheet row {number}",
                        f"more columns than {most}",
                        f"a row may have at most {most}",
                    )
                for cell in cells:
                    check_field(cell, f"{file}: events sheet row {number}")
                grid.append(cells[:MAX_COLUMNS])
                check_rows(number - 1, f"{file}: events sheet row {number}")
                if number % 2000 == 0:
                    progress(0, 0)
        except InputError:
            raise
        except Exception as exc:  # damaged sheet XML
            raise InputError(f"{file}: the events sheet cannot be read ({exc})") from exc
        listed: list[str] = []
        if "codebook" in book.sheetnames and not opts.get("codebooks"):
            try:
                for row in book["codebook"].iter_rows(min_row=2, values_only=True):
                    if row and row[0] and str(row[0]) not in listed:
                        listed.append(str(row[0]))
            except Exception:
                listed = []
    finally:
        book.close()
    while grid and not any(grid[-1]):
        grid.pop()
    if not grid:
        raise InputError(f"{file}: the events sheet is empty")

    def where(row: int) -> str:
        return f"{file}: events sheet row {row}"

    head = Header(grid[0], where(1))
    rows = [
        head.row(record, number, where(number))
        for number, record in enumerate(grid[1:], 2)
        if any(record)
    ]
    if listed and not opts.get("codebooks"):
        from observer.domain.codebook import shipped_codebooks

        shipped = {b.id for b in shipped_codebooks()}
        if all(b in shipped for b in listed):
            opts["codebooks"] = listed
    return import_rows(store, file, rows, "xlsx", progress, where=where, **opts)
