"""De-identified with ``dates="shift"``: every date moved by one secret whole number of
days, the same in the whole export, written nowhere; ``drop`` (the default) leaves none.

The scan of ``test_deidentify`` (names, notes, the real dates) runs over every format and
the report with shifted dates too.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from observer.cli.main import main
from observer.domain.deidentify import REMOVED, SHIFT_DAYS, SHIFTED
from observer.formats import BY_ID, EXPORT_FORMATS, export_coding, export_codings, import_file
from observer.formats.csv_format import read_events_csv
from observer.report import report_for_coding
from observer.storage.access_log import access_log
from observer.storage.read_coding import from_coding
from observer.workspace.groups import MemberSpec, add_group, add_session
from tests.observer.formats.test_deidentify import CODING, found, secrets, text_of

__all__ = ["secrets"]  # the fixture, used by name below


def starts(store: Any, coding_id: int) -> datetime:
    _info, more = from_coding(store, coding_id, details=True).record()
    assert more.session_starts_at is not None
    return more.session_starts_at


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_shifted_no_export_format_holds_a_real_date_or_a_name(
    demo_store: Any, secrets: list[str], tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"shared{BY_ID[fmt].suffixes[0]}"
    export_coding(demo_store, CODING, fmt, out, deidentify=True, dates="shift")
    assert found(text_of(out), secrets) == []


def test_shifted_the_report_holds_no_real_date(
    demo_store: Any, secrets: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "shared.pdf"
    report_for_coding(demo_store, CODING, out, deidentify=True, dates="shift")
    text = text_of(out)
    assert "dates shifted" in text and found(text, secrets) == []
    shown = (starts(demo_store, CODING) - timedelta(days=SHIFT_DAYS[0])).year
    assert any(str(year) in text for year in range(shown - 10, shown + 1))  # a shifted date


def test_one_secret_shift_of_whole_days_for_every_date_in_the_file(
    demo_store: Any, tmp_path: Path
) -> None:
    out = tmp_path / "shared.json"
    export_coding(demo_store, CODING, "json", out, deidentify=True, dates="shift")
    doc = json.loads(out.read_text(encoding="utf-8"))
    real = from_coding(demo_store, CODING, details=True)
    _info, more = real.record()
    assert more.session_starts_at is not None
    shift = datetime.fromisoformat(doc["session"]["starts_at"]) - more.session_starts_at
    assert shift.seconds == 0 and shift.microseconds == 0  # whole days: times of day kept
    assert SHIFT_DAYS[0] <= -shift.days <= SHIFT_DAYS[1]
    assert datetime.fromisoformat(doc["coding"]["created_at"]) == more.created_at + shift
    assert [datetime.fromisoformat(e["created_at"]) for e in doc["events"]] == [
        c + shift for c in more.created
    ]
    assert doc["exported_at"] is None  # the moment of export would give the shift away
    assert "secret number of days" in doc["deidentified"]
    assert str(-shift.days) not in json.dumps(doc["deidentified"])


def test_the_intervals_between_sessions_pooled_in_one_export_are_kept(
    demo_store: Any, tmp_path: Path
) -> None:
    out = tmp_path / "pooled.boris"
    export_codings(demo_store, [1, 3], "boris", out, deidentify=True, dates="shift")
    project = json.loads(out.read_text(encoding="utf-8"))
    shown = sorted(datetime.fromisoformat(o["date"]) for o in project["observations"].values())
    real = sorted(starts(demo_store, i).astimezone().replace(tzinfo=None) for i in (1, 3))
    assert shown[1] - shown[0] == real[1] - real[0] != timedelta(0)
    assert shown[0] != real[0] and project["project_date"] == ""


def test_dropped_by_default_no_date_at_all(demo_store: Any, tmp_path: Path) -> None:
    out = tmp_path / "pooled.boris"
    export_codings(demo_store, [1, 3], "boris", out, deidentify=True)
    project = json.loads(out.read_text(encoding="utf-8"))
    assert {o["date"] for o in project["observations"].values()} == {""}


def test_the_command_line_takes_the_dates_choice_and_logs_it(
    demo_store: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, out = str(demo_store.path), tmp_path / "shared.json"
    args = ["--db", db, "export", str(CODING), "--out", str(out), "--deidentify"]
    assert main([*args, "--dates", "shift"]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["session"]["starts_at"] is not None
    assert main([*args, "--dates", "drop"]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["session"]["starts_at"] is None
    report = ["--db", db, "report", str(CODING), "--out", str(tmp_path / "r.pdf")]
    assert main([*report, "--deidentify", "--dates", "shift"]) == 0
    details = [a.detail for a in access_log(demo_store, CODING)]
    assert details == [
        "json, de-identified, dates shifted",
        "json, de-identified",
        "de-identified, dates shifted",
    ]
    capsys.readouterr()


@pytest.mark.parametrize("command", ["export", "report"])
def test_dates_without_deidentify_is_refused_and_writes_nothing(
    demo_store: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    out = tmp_path / ("a.pdf" if command == "report" else "a.json")
    args = ["--db", str(demo_store.path), command, str(CODING), "--out", str(out)]
    assert main([*args, "--dates", "shift"]) == 2
    assert "--dates goes with --deidentify" in capsys.readouterr().err
    assert not out.exists() and access_log(demo_store, CODING) == []


# --- the removal list at the top of a CSV or TSV ------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_a_shared_table_lists_what_was_removed_above_its_header(
    demo_store: Any, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"shared.{fmt}"
    count = export_coding(demo_store, CODING, fmt, out, deidentify=True)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# De-identified:") and "notes" in lines[0]
    assert lines[1].split("," if fmt == "csv" else "\t")[:3] == ["time", "time_hms", "end"]
    # Read back by our own importer: the comment is skipped, every event is there.
    data = read_events_csv(out)
    assert len(data.events) == count > 0
    assert {p.label for p in data.people} >= {"Member A", "Member B"}


@pytest.mark.parametrize(("dates", "note"), [("drop", REMOVED), ("shift", SHIFTED)])
def test_a_shared_workbook_opens_on_what_was_removed_and_imports_unchanged(
    demo_store: Any, tmp_path: Path, dates: str, note: str
) -> None:
    out = tmp_path / "shared.xlsx"
    count = export_coding(demo_store, CODING, "xlsx", out, deidentify=True, dates=dates)
    book = load_workbook(out, read_only=True)
    try:
        assert book.sheetnames == ["About this file", "events", "codebook", "members"]
        about = [row for row in book.worksheets[0].iter_rows(values_only=True)]
        people = list(book["members"].iter_rows(min_row=2, values_only=True))
    finally:
        book.close()
    assert about == [(line,) for line in note.splitlines()]  # the CSV's words
    # Our importer reads the events sheet as exported (the list is not taken for events),
    # into the session of a group of the codes the file gives its people.
    group = add_group(demo_store, "Shared", members=[MemberSpec(p[0], role=p[2]) for p in people])
    session = add_session(demo_store, group)
    shared_csv = tmp_path / "shared.csv"
    export_coding(demo_store, CODING, "csv", shared_csv, deidentify=True, dates=dates)
    from_xlsx = import_file(demo_store, out, session=session, observer="HB")
    from_csv = import_file(demo_store, shared_csv, session=session, observer="HB")
    assert from_xlsx.events == from_csv.events == count > 0

    def stored(report: Any) -> list[tuple[Any, ...]]:
        data = from_coding(demo_store, report.coding_ids[0]).with_names()
        return [(e.time_ms, e.end_ms, e.actor, e.targets, e.code) for e in data.events]

    assert stored(from_xlsx) == stored(from_csv)


def test_an_identifiable_workbook_has_no_about_sheet(demo_store: Any, tmp_path: Path) -> None:
    out = tmp_path / "plain.xlsx"
    export_coding(demo_store, CODING, "xlsx", out)
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["events", "codebook", "members"]
    book.close()


def test_an_identifiable_table_has_no_comment(demo_store: Any, tmp_path: Path) -> None:
    out = tmp_path / "plain.csv"
    export_coding(demo_store, CODING, "csv", out)
    assert out.read_text(encoding="utf-8").startswith("time,")


def test_an_import_skips_the_comments_and_counts_lines_as_the_file_has_them(
    demo_store: Any, tmp_path: Path
) -> None:
    path = tmp_path / "commented.csv"
    path.write_text(
        '# De-identified: names replaced\n# second, "quoted" comment\n'
        "time,actor,target,code\n12.5,JA,Sam,feedback\n",
        encoding="utf-8",
    )
    report = import_file(demo_store, path, session=1, observer="HB")
    [event] = from_coding(demo_store, report.coding_ids[0]).with_names().events
    assert (event.time_ms, event.actor, event.code) == (12_500, "Jane", "feedback")
    bad = tmp_path / "bad.csv"
    bad.write_text("# removed: notes\ntime,actor,code\n12.5,Nobody,feedback\n", encoding="utf-8")
    with pytest.raises(Exception, match=rf"{bad.name}:3"):
        import_file(demo_store, bad, session=1, observer="HB")


def test_a_shared_csv_reports_like_its_source(demo_store: Any, tmp_path: Path) -> None:
    out = tmp_path / "shared.csv"
    export_coding(demo_store, CODING, "csv", out, deidentify=True)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(line for line in fh if not line.startswith("#")))
    assert main(["report", str(out), "--out", str(tmp_path / "r.pdf")]) == 0
    assert len(rows) - 1 == len(read_events_csv(out).events)
