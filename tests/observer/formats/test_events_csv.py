"""The events CSV, as earlier versions wrote it for scripts: read by the one CSV format.

Reading, writing, importing all-or-nothing, clear errors.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from observer.domain.errors import InputError
from observer.formats import import_file
from observer.formats.csv_format import read_events_csv, write_events_csv
from observer.storage.models import CodedEvent, Coding
from observer.storage.read_coding import from_coding
from observer.workspace.codings import list_codings
from observer.workspace.recording import Recorder
from tests.observer.helpers import small_coding


def import_events_csv(store, session_id: int, path: Path, observer: str, books: list[str]) -> int:
    """What ``coding import-csv`` does: the one CSV import, as a new coding of the session."""
    report = import_file(
        store, path, fmt="csv", session=session_id, observer=observer, codebooks=books
    )
    [coding_id] = report.coding_ids
    return coding_id


def write(tmp_path: Path, text: str, name: str = "events.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_reads_seconds_and_clock_times_with_people_as_written(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "time,end,actor,target,code,note\n"
        "0,00:05:00,group,,work,\n"
        "12.5,,Jane,group,self-disclosure,first time she spoke\n"
        "00:00:20.250,,Sam,Jane;Priya,feedback,\n",
    )
    data = read_events_csv(path)
    assert [(e.time_ms, e.end_ms, e.actor, e.targets, e.code) for e in data.events] == [
        (0, 300_000, "group", (), "work"),
        (12_500, None, "Jane", ("group",), "self-disclosure"),
        (20_250, None, "Sam", ("Jane", "Priya"), "feedback"),
    ]
    assert data.events[1].note == "first time she spoke"
    assert {p.key for p in data.people} == {"Jane", "Sam", "Priya"}
    assert data.code("work").is_state


def test_semicolons_and_a_byte_order_mark_from_spreadsheets(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufefftime;actor;target;code\n1,5;Jane;Sam;question\n")
    # "1,5" is not a time in our format: the decimal separator is a point.
    with pytest.raises(InputError, match=r"events.csv:2: time: '1,5' is not a time"):
        read_events_csv(path)
    path = write(tmp_path, "\ufefftime;actor;target;code\n1.5;Jane;Sam;question\n")
    assert read_events_csv(path).events[0].time_ms == 1_500


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("when,who,what\n1,Jane,question\n", ":1: missing columns time, actor, code"),
        ("time,actor,code\nsoon,Jane,question\n", ":2: time: 'soon' is not a time"),
        ("time,actor,code\n-3,Jane,question\n", ":2: time: -00:03.000 is before the session"),
        ("time,actor,code\n1,,question\n", ":2: actor: empty"),
        ("time,actor,code\n1,Jane,\n", ":2: code: empty"),
        ("time,end,actor,code\n10,5,group,work\n", r":2: end: the event ends \(00:05.000\) before"),
        ("time,actor,code\n1,Jane,question,extra\n", ":2: 4 fields but the header has 3"),
    ],
)
def test_bad_rows_name_the_file_line_and_column(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_events_csv(write(tmp_path, text))


def test_not_utf8_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("time,actor,code\n1,Zoë,question\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_events_csv(path)


def count_rows(store) -> tuple[int, int]:
    with store.reader() as s:
        return (
            s.scalar(select(func.count()).select_from(Coding)) or 0,
            s.scalar(select(func.count()).select_from(CodedEvent)) or 0,
        )


def test_import_creates_a_coding_with_members_resolved(store, tmp_path: Path) -> None:
    _, keys = small_coding(store)
    session_id = list_codings(store)[0].session_id
    path = write(
        tmp_path,
        "time,end,actor,target,code,note\n"
        "0,,group,,work,\n"
        "3,,jane,SAM,feedback,warm\n"
        "4,,SA,group,subject-change,\n"
        "5,9,Tom,,withdrawal,\n",
    )
    new_id = import_events_csv(store, session_id, path, "TR", ["here-and-now", "bion"])
    recorder = Recorder(store, new_id)
    assert [(e.time_ms, e.actor, e.targets, e.code, e.end_ms) for e in recorder.events] == [
        (0, "group", (), "work", None),
        (3_000, keys["Jane"], (keys["Sam"],), "feedback", None),
        (4_000, keys["Sam"], ("group",), "subject-change", None),
        (5_000, keys["Tom"], (), "withdrawal", 9_000),
    ]
    recorder.close()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("3,,Nobody,group,feedback,", ":3: actor: 'Nobody' is not a member"),
        ("3,,Jane,Ghost,feedback,", ":3: target: 'Ghost' is not a member"),
        ("3,,Jane,group,hugging,", ":3: code: unknown code 'hugging'"),
        ("3,,Jane,,feedback,", ":3: target: Feedback needs a target"),
        ("3,7,Jane,Sam,feedback,", ":3: end: Feedback is a point code"),
    ],
)
def test_a_failed_import_writes_nothing(store, tmp_path: Path, row: str, message: str) -> None:
    small_coding(store)
    session_id = list_codings(store)[0].session_id
    before = count_rows(store)
    path = write(tmp_path, f"time,end,actor,target,code,note\n0,,group,,work,\n{row}\n")
    with pytest.raises(InputError, match=message):
        import_events_csv(store, session_id, path, "TR", ["here-and-now", "bion"])
    assert count_rows(store) == before


def test_export_then_import_keeps_every_event(demo_store, tmp_path: Path) -> None:
    original = from_coding(demo_store, 1)
    path = tmp_path / "coding1.csv"
    write_events_csv(original.events, path)
    new_id = import_events_csv(
        demo_store, original.session_id or 0, path, "RK2", ["here-and-now", "bion"]
    )
    again = from_coding(demo_store, new_id)
    assert [(e.time_ms, e.end_ms, e.actor, e.targets, e.code, e.note) for e in again.events] == [
        (e.time_ms, e.end_ms, e.actor, e.targets, e.code, e.note) for e in original.events
    ]
