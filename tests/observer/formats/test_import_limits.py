"""Files too big to import are refused in bounded memory, naming the limit, writing nothing.

Each file is made here, small on disk but past a limit the way the hostile files of the
field were (a workbook of a million rows, a zip bomb, a huge shared text, a table too long,
a file of gigabytes). Each import runs in a child process whose address space is capped
at 500 MB, so a file read whole would fail there rather than be refused; the child checks
that the database did not change. How fast the refusal comes is measured, not asserted
(timed assertions fail on a busy machine and prove little).
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from observer.formats.file_limits import (
    MAX_FIELD_CHARS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MIB,
)
from observer.storage.store import open_store
from tests.observer.helpers import small_coding

ROOT = Path(__file__).resolve().parents[3]
MEMORY_LIMIT = 500 * MIB

CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
    from observer.domain.errors import InputError
    from observer.formats import import_file
    from observer.formats.common import count_rows
    from observer.storage.store import open_store

    store = open_store(sys.argv[1])
    before = count_rows(store)
    options = json.loads(sys.argv[3])
    began = time.perf_counter()
    try:
        report = import_file(store, sys.argv[2], **options)
        outcome = {{"imported": report.events}}
    except InputError as refused:
        outcome = {{"refused": str(refused)}}
    outcome["seconds"] = time.perf_counter() - began
    outcome["unchanged"] = count_rows(store) == before
    print(json.dumps(outcome))
    """
)


@pytest.fixture
def database(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "observer.sqlite3"
    store = open_store(path)
    _coding, _keys = small_coding(store)
    store.close()
    return path, 1  # the session of the coding


def run_import(database: Path, file: Path, **options: object) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", CHILD.format(memory=MEMORY_LIMIT), str(database), str(file),
         json.dumps(options)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    outcome: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    return outcome


def refusal(database: tuple[Path, int], file: Path, **options: object) -> str:
    path, session = database
    outcome = run_import(path, file, session=session, observer="ZZ", **options)
    assert "refused" in outcome, outcome
    assert outcome["unchanged"]
    assert str(outcome["refused"]).endswith("Nothing was imported.")
    return str(outcome["refused"])


# --- workbooks ----------------------------------------------------------------------------------

OOXML = "http://schemas.openxmlformats.org"
SHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
RELS = f"{OOXML}/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Types xmlns="{OOXML}/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{SHEETML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEETML}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHEETML}.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Relationships xmlns="{OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="events" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Relationships xmlns="{OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    '<c r="C1" t="s"><v>2</v></c></row>'
)
SHEET_TAIL = "</sheetData></worksheet>"


def workbook(
    path: Path, rows: int = 1, shared_text: str = "", row_xml: str = "", dimension: str = ""
) -> Path:
    """A workbook written part by part (streamed, so a big one costs no memory here)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(
                b'<?xml version="1.0" encoding="UTF-8"?><sst '
                b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<si><t>time</t></si><si><t>actor</t></si><si><t>code</t></si><si><t>"
            )
            for start in range(0, len(shared_text), MIB):
                part.write(shared_text[start : start + MIB].encode())
            part.write(b"</t></si></sst>")
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            head = SHEET_HEAD
            if dimension:
                head = head.replace("<sheetData>", f'<dimension ref="{dimension}"/><sheetData>')
            part.write(head.encode())
            batch: list[str] = []
            for n in range(2, rows + 2):
                batch.append(
                    row_xml
                    or f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}" t="inlineStr">'
                    f'<is><t>group</t></is></c><c r="C{n}" t="inlineStr"><is><t>work</t></is>'
                    "</c></row>"
                )
                if len(batch) == 10_000:
                    part.write("".join(batch).encode())
                    batch = []
            part.write(("".join(batch) + SHEET_TAIL).encode())
    return path


def test_a_workbook_of_a_million_rows_is_refused_by_its_rows(database, tmp_path: Path) -> None:
    row = '<row><c t="inlineStr"><is><t>1</t></is></c></row>'
    book = workbook(tmp_path / "million.xlsx", rows=1_000_000, row_xml=row)
    assert book.stat().st_size < MIB
    message = refusal(database, book)
    assert message == (
        f"{book}: xl/worksheets/sheet1.xml: more than 200,000 events; a file to import may "
        "hold at most 200,000 events (rows). Nothing was imported."
    )


def test_a_workbook_that_unpacks_to_gigabytes_is_refused_unopened(database, tmp_path: Path) -> None:
    row = '<row><c t="inlineStr"><is><t>' + "x" * 1000 + "</t></is></c></row>"
    rows = MAX_UNPACKED_BYTES // len(row) + 10  # fewer rows than the limit, but bigger
    book = workbook(tmp_path / "bomb.xlsx", rows=min(rows, MAX_ROWS - 10), row_xml=row)
    assert book.stat().st_size < 4 * MIB  # a zip bomb: tiny packed
    message = refusal(database, book)
    assert message.startswith(f"{book}: the workbook unpacks to ")
    assert message.endswith("; a workbook may unpack to at most 128 MiB. Nothing was imported.")


def test_a_workbook_with_one_enormous_shared_text_is_refused(database, tmp_path: Path) -> None:
    book = workbook(tmp_path / "text.xlsx", shared_text="x" * (40 * MIB))
    assert book.stat().st_size < MIB
    message = refusal(database, book)
    assert message == (
        f"{book}: xl/sharedStrings.xml: a text of more than 2 MiB; a row or a text may take "
        "at most 2 MiB. Nothing was imported."
    )


def test_a_cell_longer_than_a_field_may_be_is_refused(database, tmp_path: Path) -> None:
    long = "y" * (MAX_FIELD_CHARS + 1)
    row = (
        f'<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>{long}</t></is></c></row>'
    )
    book = workbook(tmp_path / "cell.xlsx", rows=1, row_xml=row)
    message = refusal(database, book)
    assert message == (
        f"{book}: events sheet row 2: a field of 100,001 characters; a field may hold at most "
        "100,000 characters. Nothing was imported."
    )


def test_a_sheet_that_says_it_is_16384_columns_wide_is_refused(database, tmp_path: Path) -> None:
    book = workbook(tmp_path / "wide.xlsx", rows=2, dimension="A1:XFD3")
    message = refusal(database, book)
    assert message == (
        f"{book}: xl/worksheets/sheet1.xml: the sheet is 16,384 columns wide; a row may have "
        "at most 1,000 columns. Nothing was imported."
    )


# --- tables -------------------------------------------------------------------------------------


def test_a_table_past_the_row_limit_is_refused_before_it_is_read(database, tmp_path: Path) -> None:
    table = tmp_path / "long.csv"
    with table.open("w") as fh:
        fh.write("time,actor,code\n")
        fh.writelines(f"{n},group,work\n" for n in range(MAX_ROWS + 1))
    message = refusal(database, table)
    assert message == (
        f"{table}:{MAX_ROWS + 2}: more than 200,000 events; a file to import may hold at most "
        "200,000 events (rows). Nothing was imported."
    )


def test_a_table_of_gigabytes_is_refused_by_its_size(database, tmp_path: Path) -> None:
    table = tmp_path / "huge.csv"
    with table.open("wb") as fh:
        fh.write(b"time,actor,code\n1,group,work\n")
        fh.truncate(2 * 1024 * MIB)  # 2 GiB that take no room on disk
    message = refusal(database, table)
    assert message == (
        f"{table}: the file is 2,048 MiB; a file to import may be at most 64 MiB. "
        "Nothing was imported."
    )
    assert MAX_FILE_BYTES == 64 * MIB


def test_a_table_with_no_line_breaks_is_refused_by_its_line(database, tmp_path: Path) -> None:
    table = tmp_path / "one-line.csv"
    table.write_text("time,actor,code" + ",x" * (5 * MIB))
    message = refusal(database, table)
    assert message == (
        f"{table}:1: the line is longer than 2 MiB; a line may be at most 2 MiB. "
        "Nothing was imported."
    )


def test_an_unclosed_quote_is_refused_by_the_field_limit(database, tmp_path: Path) -> None:
    table = tmp_path / "quote.csv"
    table.write_text('time,actor,code,note\n1,group,work,"' + "z, \n" * 200_000)
    message = refusal(database, table)
    assert message.endswith(
        "a field of more than 100,000 characters; a field may hold at most 100,000 "
        "characters. Nothing was imported."
    )


# --- JSON and BORIS -----------------------------------------------------------------------------


def test_a_coding_of_too_many_events_is_refused(database, tmp_path: Path) -> None:
    coding = tmp_path / "many.json"
    event = {"time_ms": 0, "code": "work", "actor": "group"}
    doc = {"format": "group-process-observer-coding", "version": 1,
           "events": [event] * (MAX_ROWS + 1)}  # fmt: skip
    coding.write_text(json.dumps(doc))
    path, _session = database
    outcome = run_import(path, coding)
    assert outcome["unchanged"]
    assert outcome["refused"] == (
        f"{coding}: events: more than 200,000 events; a file to import may hold at most "
        "200,000 events (rows). Nothing was imported."
    )


def test_a_compressed_project_that_unpacks_too_far_is_refused(database, tmp_path: Path) -> None:
    project = tmp_path / "bomb.boris"
    with gzip.open(project, "wb", compresslevel=1) as fh:
        fh.write(b'{"behaviors_conf": {}, "x": "')
        for _ in range(MAX_UNPACKED_BYTES // MIB + 1):
            fh.write(b" " * MIB)
        fh.write(b'"}')
    assert project.stat().st_size < MIB
    path, _session = database
    outcome = run_import(path, project)
    assert outcome["unchanged"]
    assert outcome["refused"] == (
        f"{project}: it unpacks to more than 128 MiB; a project may unpack to at most "
        "128 MiB. Nothing was imported."
    )


def boris_project(values: list[str]) -> dict[str, object]:
    return {
        "project_format_version": "7.0",
        "project_name": "repeats",
        "behaviors_conf": {
            "0": {
                "code": "talk",
                "type": "Point event",
                "modifiers": {"0": {"name": "tone", "type": 0, "values": values}},
            },
        },
        "subjects_conf": {"0": {"name": "Ann"}},
        "observations": {"week 1": {"events": [[1.0, "Ann", "talk", values[0], ""]]}},
    }


def same_id(n: int) -> str:
    """A value of its own that makes the same id as every other: ``calm`` and punctuation."""
    marks = ""
    while True:
        n, digit = divmod(n, 8)
        marks += "!?.,;:'*"[digit]
        if not n:
            return f"calm {marks}"


@pytest.mark.parametrize(
    "values",
    [["calm"] * 20_000, [same_id(n) for n in range(20_000)]],
    ids=["repeated", "distinct-with-one-id"],
)
def test_a_modifier_set_of_twenty_thousand_values_imports(
    database, tmp_path: Path, values: list[str]
) -> None:
    project = tmp_path / "repeats.boris"
    project.write_text(json.dumps(boris_project(values)))
    path, _session = database
    outcome = run_import(path, project)
    assert outcome == {"imported": 1, "seconds": outcome["seconds"], "unchanged": False}
