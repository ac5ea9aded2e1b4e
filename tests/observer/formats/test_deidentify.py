"""A de-identified export or report names nobody: no pseudonym, initials, note or date.

Every export format and the PDF report (its text read back with pypdf) are scanned for
everything that could identify the group: its members' pseudonyms and initials, the
leaders', the observer's initials and name, the group's name, every note, the recording's
path, the session's date and today's.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from observer.analysis.network import build_network
from observer.cli.main import main
from observer.domain.deidentify import deidentified, letters
from observer.formats import BY_ID, EXPORT_FORMATS, export_coding, export_codings
from observer.report import report_for_coding
from observer.storage.models import Coding, Group, GroupSession, Member, Observer, ProcessNote
from observer.storage.read_coding import from_coding
from observer.workspace.groups import attach_media
from observer.workspace.recording import Recorder

CODING = 3
NOTES = {
    "event": "She cried when her father was mentioned",
    "process": "He seemed to withdraw after the confrontation",
    "coding": "Coded from the back row, the leader's room",
    "session": "Held in room 4B on Elm Street",
    "group": "Thursday clinic referrals",
}


# Names found nowhere else (the shipped codebooks' examples use the demo's own names).
NAMES = [
    ("Zephyrine", "ZQ"),
    ("Quillon", "QV"),
    ("Xanthe", "XW"),
    ("Wrenna", "WK"),
    ("Kestrel", "KZ"),
    ("Vashti", "VX"),
    ("Ysolde", "YJ"),
    ("Odalys", "OQ"),
    ("Dr Thorne", "TQ"),
    ("Dr Brack", "BX"),
    ("Ilsabet", "IZ"),
    ("Ferelith", "FJ"),
]


@pytest.fixture
def secrets(demo_store: Any) -> list[str]:
    """Coding 3 given every kind of identifying text; the texts and dates to look for."""
    with demo_store.session() as s:
        members = s.scalars(select(Member).order_by(Member.id)).all()
        for member, (name, initials) in zip(members, NAMES, strict=False):
            member.pseudonym, member.initials = name, initials
    recorder = Recorder(demo_store, CODING)
    first = recorder.events[0]
    recorder.edit(first.id, note=NOTES["event"])
    recorder.close()
    data = from_coding(demo_store, CODING, details=True)
    info, more = data.record()
    attach_media(demo_store, info.session_id, "/clinic/recordings/thursday-jane-sam.mp4")
    with demo_store.session() as s:
        s.add(ProcessNote(coding_id=CODING, time_ms=5000, text=NOTES["process"]))
        s.execute(update(Coding).where(Coding.id == CODING).values(notes=NOTES["coding"]))
        s.execute(
            update(GroupSession).where(GroupSession.id == info.session_id)
            .values(notes=NOTES["session"])
        )  # fmt: skip
        s.execute(update(Group).where(Group.id == info.group_id).values(notes=NOTES["group"]))
        s.execute(update(Observer).where(Observer.initials == "RK").values(name="Rosa Kowalski"))
    starts = more.session_starts_at
    assert starts is not None
    people = [p for p in data.people]
    return [
        *(p.label for p in people),
        *(p.initials for p in people),
        info.observer,
        "Rosa Kowalski",
        info.group_name,
        "thursday-jane-sam",
        *NOTES.values(),
        starts.strftime("%Y-%m-%d"),
        starts.astimezone().strftime("%d %b %Y"),
        date.today().isoformat(),
        date.today().strftime("%d %b %Y"),
    ]


def found(text: str, secrets: list[str]) -> list[str]:
    """The secrets in ``text``, each as a whole word (initials "JA" is not found in "JAN")."""
    return [s for s in secrets if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", text)]


def text_of(path: Path) -> str:
    if path.suffix == ".xlsx":
        book = load_workbook(path)
        return "\n".join(
            str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
            if c.value is not None
        )  # fmt: skip
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        reader = PdfReader(path)
        return "\n".join(
            [page.extract_text() for page in reader.pages]
            + [str(v) for v in (reader.metadata or {}).values()]
        )
    return path.read_text(encoding="utf-8")


def test_the_scan_finds_what_an_ordinary_export_holds(
    demo_store: Any, secrets: list[str], tmp_path: Path
) -> None:
    """Without --deidentify the same scan finds names, notes and dates: it can fail."""
    out = tmp_path / "c.json"
    export_coding(demo_store, CODING, "json", out)
    assert set(found(text_of(out), secrets)) >= {"Zephyrine", "ZQ", "RK", *NOTES.values()}


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_no_export_format_names_anyone_or_holds_a_note_or_date(
    demo_store: Any, secrets: list[str], tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"shared{BY_ID[fmt].suffixes[0]}"
    count = export_coding(demo_store, CODING, fmt, out, deidentify=True)
    assert count == export_coding(demo_store, CODING, fmt, tmp_path / out.name[1:])  # all events
    text = text_of(out)
    assert found(text, secrets) == []
    if fmt not in ("sdis",):  # SDIS names codes only
        assert "Member A" in text or "Member_A" in text
    if fmt in ("csv", "tsv", "xlsx", "json"):  # the list of what was removed was scanned too
        assert "De-identified:" in text


def test_the_report_names_nobody(demo_store: Any, secrets: list[str], tmp_path: Path) -> None:
    out = tmp_path / "shared.pdf"
    report_for_coding(demo_store, CODING, out, deidentify=True)
    text = text_of(out)
    assert "Member A" in text and "de-identified" in text
    assert "Process notes are left out of a de-identified report." in text
    assert found(text, secrets) == []


def test_the_report_and_export_from_the_command_line(
    demo_store: Any, secrets: list[str], tmp_path: Path, capsys: Any
) -> None:
    db = str(demo_store.path)
    report, table = tmp_path / "r.pdf", tmp_path / "t.csv"
    assert main(["--db", db, "report", str(CODING), "--out", str(report), "--deidentify"]) == 0
    assert main(["--db", db, "export", str(CODING), "--out", str(table), "--deidentify"]) == 0
    capsys.readouterr()
    assert found(text_of(report), secrets) == [] and found(text_of(table), secrets) == []


def test_codes_are_stable_across_the_codings_pooled_in_one_export(
    demo_store: Any, tmp_path: Path
) -> None:
    out = tmp_path / "pooled.sds"
    export_codings(demo_store, [1, 2, 3], "sdis", out, by_actor=True, deidentify=True)
    text = out.read_text(encoding="utf-8")
    actors = {data_id: from_coding(demo_store, data_id) for data_id in (1, 2, 3)}
    jane = next(p.key for p in actors[1].people if p.label == "Jane")  # the demo's names
    letter = sorted(p.key for p in actors[1].people if not p.is_leader).index(jane)
    for sessions in text.split("<")[1:]:
        # Jane acts in every session, always as the same member.
        assert f"_Member_{letters(letter)}," in sessions


def test_relative_times_session_number_and_analyses_are_kept(demo_store: Any) -> None:
    data = from_coding(demo_store, CODING, details=True)
    shared = deidentified(data)
    assert [(e.time_ms, e.end_ms, e.code) for e in shared.events] == [
        (e.time_ms, e.end_ms, e.code) for e in data.events
    ]
    assert shared.stored.session_number == data.stored.session_number
    assert build_network(shared).measures == build_network(data).measures
    assert sorted(p.label for p in shared.people if not p.is_leader)[:2] == ["Member A", "Member B"]
    assert {p.label for p in shared.people if p.is_leader} == {"Leader 1", "Leader 2"}
    assert shared.stored.observer == "Observer 1" and shared.stored.group_name == "Group"


def test_a_plain_events_csv_is_de_identified_too(demo_store: Any, tmp_path: Path) -> None:
    source = tmp_path / "events.csv"
    export_coding(demo_store, CODING, "csv", source)
    out = tmp_path / "shared.pdf"
    assert main(["report", str(source), "--out", str(out), "--deidentify"]) == 0
    with source.open(encoding="utf-8") as fh:
        names = {row["actor"] for row in csv.DictReader(fh)} - {"group", "leaders"}
    assert names and found(text_of(out), sorted(names)) == []


def test_a_shared_json_says_what_was_removed(demo_store: Any, tmp_path: Path) -> None:
    out = tmp_path / "shared.json"
    export_coding(demo_store, CODING, "json", out, deidentify=True)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["deidentified"].startswith("De-identified:")
    assert doc["exported_at"] is None and doc["session"]["starts_at"] is None
    assert {e["note"] for e in doc["events"]} == {""} and doc["process_notes"] == []
