"""Codings leave the app and come back without loss; bad files write nothing."""

from __future__ import annotations

import csv
import itertools
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from observer.analysis.agreement import closed_events
from observer.domain.errors import InputError
from observer.formats import detect_format, export_coding, export_codings, import_file
from observer.formats.common import count_rows
from observer.storage.read_coding import from_coding
from observer.storage.store import open_store
from observer.workspace.recording import Recorder


def view(events: Any) -> list[tuple[Any, ...]]:
    return [
        (e.time_ms, e.end_ms, e.code, e.actor, tuple(e.targets), dict(e.modifiers), e.note)
        for e in events
    ]


@pytest.fixture
def rich(demo_store: Any) -> tuple[Any, int]:
    """Demo coding 3 with awkward notes, an edit, a deletion, process notes and a running state."""
    recorder = Recorder(demo_store, 3)
    keys = {p.label: p.key for p in recorder.info.participants}
    first = recorder.record(
        4_700_000, "confrontation", keys["Jane"], (keys["Sam"], keys["Priya"]),
        {"valence": "mixed", "intensity": "high"}, 'said "yes, but…"\nthen; paused\tlong',
    )  # fmt: skip
    recorder.record(4_701_000, "support", keys["Ben"], (keys["Jane"],), note="Zoë, ça va — 👍")
    recorder.edit(first.id, note=first.note + " (edited)")
    recorder.delete([recorder.events[5].id])
    recorder.add_note("Jane's disclosure went unanswered", 4_700_500)
    recorder.add_note("pinned", None, "prompt")
    # Notes and phase marks corrected: renamed, moved, deleted, one deleted and brought back.
    recorder.mark_phase("wrok", 4_600_000)
    [phase] = [n.id for n in recorder.notes() if n.kind == "phase"]
    recorder.edit_note(phase, text="work", time_ms=4_650_000)
    recorder.delete_note(recorder.add_note("wrong coding", 4_700_700))
    recorder.delete_note(recorder.add_note("Sam looks at the door", 4_700_800))
    recorder.undo()
    recorder.record(4_702_000, "pairing", "group")  # a state still running at the end
    recorder.close()
    return demo_store, 3


def test_json_export_import_is_identical(rich: tuple[Any, int], tmp_path: Path) -> None:
    store, coding_id = rich
    first = tmp_path / "first.json"
    export_coding(store, coding_id, "json", first)
    elsewhere = open_store(tmp_path / "other.sqlite3")
    try:
        report = import_file(elsewhere, first)
        again = tmp_path / "again.json"
        export_coding(elsewhere, report.coding_ids[0], "json", again)
    finally:
        elsewhere.close()
    a = json.loads(first.read_text(encoding="utf-8"))
    b = json.loads(again.read_text(encoding="utf-8"))
    a.pop("exported_at")
    b.pop("exported_at")
    assert a == b
    assert len(a["audit"]) >= 2
    assert [n["text"] for n in a["process_notes"]] == [
        "Jane's disclosure went unanswered", "pinned", "work", "Sam looks at the door",
    ]  # fmt: skip
    # The notes' trail, each entry naming its note: the phase mark's rename, a note deleted
    # for good (by "gone1"), one deleted and restored.
    assert [(n["note"], n["action"]) for n in a["note_audit"]] == [
        (3, "edit"), ("gone1", "delete"), (4, "delete"), (4, "restore"),
    ]  # fmt: skip
    assert a["note_audit"][0]["before"] == {"time_ms": 4_600_000, "text": "wrok", "kind": "phase"}
    assert a["note_audit"][0]["after"] == {"time_ms": 4_650_000, "text": "work", "kind": "phase"}
    assert a["process_notes"][2]["edited_at"] is not None
    assert any(e["end_ms"] is None and e["code"] == "pairing" for e in a["events"])


def test_json_into_the_same_database_reuses_group_and_session(
    rich: tuple[Any, int], tmp_path: Path
) -> None:
    store, coding_id = rich
    path = tmp_path / "c.json"
    export_coding(store, coding_id, "json", path)
    before = count_rows(store)
    report = import_file(store, path)
    after = count_rows(store)
    assert after["groups"] == before["groups"] and after["sessions"] == before["sessions"]
    assert after["codings"] == before["codings"] + 1
    assert report.session_ids == [3]
    assert view(from_coding(store, report.coding_ids[0]).events) == view(
        from_coding(store, coding_id).events
    )


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xlsx"])
def test_table_export_import_keeps_every_field(
    rich: tuple[Any, int], tmp_path: Path, fmt: str
) -> None:
    store, coding_id = rich
    path = tmp_path / f"events.{fmt}"
    count = export_coding(store, coding_id, fmt, path)
    report = import_file(store, path, session=3, observer="XY")
    assert report.events == count
    original = from_coding(store, coding_id)
    imported = from_coding(store, report.coding_ids[0])
    assert view(imported.events) == view(original.events)
    assert imported.palette is not None
    assert [b.id for b in imported.palette.codebooks] == ["here-and-now", "bion"]


def test_csv_columns_one_row_per_state(rich: tuple[Any, int], tmp_path: Path) -> None:
    store, coding_id = rich
    path = tmp_path / "events.csv"
    export_coding(store, coding_id, "csv", path)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [
        "time", "time_hms", "end", "end_hms", "actor", "target", "code", "code_label",
        "category", "modifier:valence", "modifier:intensity", "note",
    ]  # fmt: skip
    original = from_coding(store, coding_id)
    assert len(rows) == len(original.events)
    work = next(r for r in rows if r["code"] == "work")
    assert work["time"] == "0.000" and work["end_hms"].startswith("00:") and work["end"]
    feedback = next(r for r in rows if r["note"].startswith('said "yes'))
    assert feedback["target"] == "Sam;Priya" and feedback["modifier:valence"] == "mixed"
    assert feedback["modifier:intensity"] == "high"
    assert feedback["time_hms"] == "01:18:20.000" and feedback["code_label"] == "Confrontation"


def test_tidy_csv_is_an_analysis_source(rich: tuple[Any, int], tmp_path: Path) -> None:
    from observer.formats.csv_format import read_events_csv

    store, coding_id = rich
    path = tmp_path / "events.csv"
    export_coding(store, coding_id, "csv", path)
    data: Any = read_events_csv(path)
    # The CSV names people; the stored coding keys them by member: named alike they agree.
    assert view(data.events) == view(from_coding(store, coding_id).with_names().events)
    assert data.codes["feedback"].label == "Feedback"


def test_csv_import_reads_labels_initials_and_clock_times(demo_store: Any, tmp_path: Path) -> None:
    path = tmp_path / "hand.csv"
    path.write_text(
        "time_hms,actor,target,code,modifier:valence,note\n"
        "00:00:12.5,JA,Sam,feedback,Positive,by hand\n",
        encoding="utf-8",
    )
    report = import_file(demo_store, path, session=1, observer="HB")
    [event] = from_coding(demo_store, report.coding_ids[0]).with_names().events
    assert (event.time_ms, event.actor, event.targets, dict(event.modifiers)) == (
        12_500, "Jane", ("Sam",), {"valence": "positive"},
    )  # fmt: skip


def test_boris_export_of_a_coding_comes_back(rich: tuple[Any, int], tmp_path: Path) -> None:
    store, coding_id = rich
    path = tmp_path / "c.boris"
    export_coding(store, coding_id, "boris", path)
    project = json.loads(path.read_text(encoding="utf-8"))
    [observation] = project["observations"].values()
    behaviours = {b["code"]: b for b in project["behaviors_conf"].values()}
    assert behaviours["pairing"]["type"] == "State event"
    assert [m["name"] for m in behaviours["confrontation"]["modifiers"].values()] == [
        "valence", "intensity", "target",
    ]  # fmt: skip
    # A state is two rows, start and stop; one still running stops at the coding's end.
    original = from_coding(store, coding_id)
    closed = replace(original, events=tuple(closed_events(original)))
    assert any(e.end_ms is None for e in original.events if original.code(e.code).is_state)
    states = [e for e in closed.events if e.end_ms is not None]
    assert len(observation["events"]) == len(original.events) + len(states)
    assert "stopped at the coding's end" in observation["description"]
    report = import_file(store, path)
    back = from_coding(store, report.coding_ids[0])  # a new group: new members, same names
    assert view(back.with_names().events) == view(closed.with_names().events)
    assert not [w for w in report.warnings if "unpaired" not in w]
    assert report.warnings == []


def test_sdis_one_coding_and_pooled(demo_store: Any, tmp_path: Path) -> None:
    one = tmp_path / "one.sds"
    count = export_coding(demo_store, 1, "sdis", one)
    text = one.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.startswith("%")]
    assert lines[0].startswith("Timed (") and lines[0].endswith(";")
    assert lines[1].startswith("<") and lines[-1].endswith("/")
    events = [ln for ln in lines[3:-1]]
    assert len(events) == count == len(from_coding(demo_store, 1).events)
    assert any("-" in ln.split(",", 1)[1] for ln in events)  # states carry onset-offset
    pooled = tmp_path / "pooled.sds"
    export_codings(demo_store, [1, 2, 3], "sdis", pooled, by_actor=True)
    body = pooled.read_text(encoding="utf-8")
    assert body.count("/\n") == 3 and "feedback_" in body
    with pytest.raises(InputError, match="Only SDIS"):
        export_codings(demo_store, [1, 2], "csv", tmp_path / "x.csv")


def test_eaf_tiers_vocabulary_and_media(demo_store: Any, tmp_path: Path) -> None:
    from observer.workspace.groups import attach_media

    attach_media(demo_store, 1, "/recordings/session1.mp4")
    path = tmp_path / "c.eaf"
    count = export_coding(demo_store, 1, "eaf", path)
    root = ET.parse(path).getroot()
    assert root.tag == "ANNOTATION_DOCUMENT" and root.get("FORMAT") == "3.0"
    media = root.find("HEADER/MEDIA_DESCRIPTOR")
    assert media is not None and media.get("MEDIA_URL") == "file:///recordings/session1.mp4"
    slots = {s.get("TIME_SLOT_ID"): int(s.get("TIME_VALUE", "0")) for s in root.iter("TIME_SLOT")}
    code_tiers = [t for t in root.findall("TIER") if t.get("LINGUISTIC_TYPE_REF") == "code"]
    assert {t.get("PARTICIPANT") for t in code_tiers} >= {"Jane", "group"}
    total = 0
    for tier in code_tiers:
        spans = sorted(
            (slots[a.get("TIME_SLOT_REF1", "")], slots[a.get("TIME_SLOT_REF2", "")])
            for a in tier.iter("ALIGNABLE_ANNOTATION")
        )
        total += len(spans)
        assert all(start < end for start, end in spans)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), tier.get("TIER_ID")
    assert total == count
    cv = [e.text for e in root.iter("CVE_VALUE")]
    assert "feedback" in cv and "work" in cv


def test_format_is_known_from_the_file(tmp_path: Path, demo_store: Any) -> None:
    for fmt, name in [
        ("json", "a.json"),
        ("boris", "b.boris"),
        ("xlsx", "c.xlsx"),
        ("csv", "d.csv"),
    ]:
        export_coding(demo_store, 1, fmt, tmp_path / name)
        assert detect_format(tmp_path / name) == fmt
    # A BORIS project saved as .json, and files without a telling suffix.
    (tmp_path / "p.json").write_bytes((tmp_path / "b.boris").read_bytes())
    assert detect_format(tmp_path / "p.json") == "boris"
    (tmp_path / "noext").write_bytes((tmp_path / "c.xlsx").read_bytes())
    assert detect_format(tmp_path / "noext") == "xlsx"


BAD_ROWS = [
    ("12.5,Jane,Sam,nonsense,", "code: unknown code 'nonsense'"),
    ("soon,Jane,Sam,feedback,", "time: 'soon' is not a time"),
    ("-3,Jane,Sam,feedback,", "before the session started"),
    ("12,Nobody,Sam,feedback,", "actor: 'Nobody' is not a member"),
]


@pytest.mark.parametrize(("row", "message"), BAD_ROWS)
def test_bad_rows_name_file_and_line_and_write_nothing(
    demo_store: Any, tmp_path: Path, row: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "time,actor,target,code,note\n1,Jane,Sam,feedback,\n" + row + "\n", encoding="utf-8"
    )
    before = count_rows(demo_store)
    with pytest.raises(InputError) as caught:
        import_file(demo_store, path, session=1, observer="ZZ")
    assert str(path) in str(caught.value) and ":3" in str(caught.value)
    assert message in str(caught.value)
    assert count_rows(demo_store) == before


def test_bad_boris_time_names_observation_and_event(store: Any, tmp_path: Path) -> None:
    project = {
        "project_format_version": "7.0",
        "behaviors_conf": {"0": {"type": "Point event", "key": "p", "code": "p", "modifiers": {}}},
        "subjects_conf": {},
        "observations": {
            "first": {"type": "LIVE", "events": [[1.0, "", "p", "", ""]]},
            "second": {"type": "LIVE", "events": [[1.0, "", "p", "", ""], ["NA", "", "p", "", ""]]},
        },
    }
    path = tmp_path / "bad.boris"
    path.write_text(json.dumps(project), encoding="utf-8")
    before = count_rows(store)
    with pytest.raises(InputError, match=r"observation 'second', event 2: time: 'NA'"):
        import_file(store, path)
    assert count_rows(store) == before


def test_export_failure_leaves_no_file(demo_store: Any, tmp_path: Path) -> None:
    from observer.domain.errors import NotFound

    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(NotFound):
        export_coding(demo_store, 999, "json", folder / "x.json")
    assert list(folder.iterdir()) == []


def test_cli_export_then_import(demo_store: Any, tmp_path: Path, capsys: Any) -> None:
    from observer.cli.main import main

    db = demo_store.location
    out = tmp_path / "one.tsv"
    assert main(["--db", db, "export", "2", "--out", str(out)]) == 0
    assert "events to" in capsys.readouterr().out
    assert main(["--db", db, "import", str(out), "--json"]) == 2
    assert "--session" in capsys.readouterr().err
    args = ["--db", db, "import", str(out), "--session", "2", "--observer", "CL", "--json"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["format"] == "tsv"
    assert report["events"] == len(from_coding(demo_store, 2).events)
    assert main(["--db", db, "export", "2", "--out", str(tmp_path / "x.unknown")]) == 2


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xlsx"])
def test_two_members_called_sam_come_back_as_two_people(
    store: Any, tmp_path: Path, fmt: str
) -> None:
    """Exports write "Sam (SK)" and "Sam (SM)"; the import finds each, and refuses plain "Sam"."""
    from tests.observer.helpers import two_sams

    coding_id, _keys = two_sams(store)
    session = from_coding(store, coding_id).session_id
    path = tmp_path / f"sams.{fmt}"
    export_coding(store, coding_id, fmt, path)
    report = import_file(store, path, session=session, observer="XY")
    original = from_coding(store, coding_id)
    imported = from_coding(store, report.coding_ids[0])
    assert [(e.time_ms, e.code, e.actor, e.targets) for e in imported.events] == [
        (e.time_ms, e.code, e.actor, e.targets) for e in original.events
    ]
    if fmt == "csv":
        plain = tmp_path / "plain.csv"
        plain.write_text(path.read_text().replace("Sam (SK)", "Sam"))
        before = count_rows(store)
        with pytest.raises(InputError, match=r"plain\.csv:\d+: actor: 'Sam' could be"):
            import_file(store, plain, session=session, observer="XY")
        assert count_rows(store) == before


def test_phase_marks_travel_in_the_json_format(demo_store: Any, tmp_path: Path) -> None:
    recorder = Recorder(demo_store, 3)
    recorder.mark_phase("check-in", 0)
    recorder.mark_phase("work", 600_000)
    recorder.close()
    path = tmp_path / "phased.json"
    export_coding(demo_store, 3, "json", path)
    elsewhere = open_store(tmp_path / "other.sqlite3")
    try:
        [coding] = import_file(elsewhere, path).coding_ids
        marks = from_coding(elsewhere, coding).phase_marks
    finally:
        elsewhere.close()
    assert [(m.time_ms, m.name) for m in marks] == [(0, "check-in"), (600_000, "work")]


def test_json_carries_the_clock_anchor_and_de_identified_drops_it(
    demo_store: Any, tmp_path: Path
) -> None:
    from observer.storage.coding_info import coding_info

    recorder = Recorder(demo_store, 3)
    recorder.start_clock()  # the first start anchors the coding's session time 0
    recorder.pause_clock()
    recorder.close()
    anchor = coding_info(demo_store, 3).clock_anchor
    assert anchor is not None
    path = tmp_path / "anchored.json"
    export_coding(demo_store, 3, "json", path)
    assert json.loads(path.read_text(encoding="utf-8"))["coding"]["clock_anchor"] == (
        anchor.isoformat()
    )
    elsewhere = open_store(tmp_path / "other.sqlite3")
    try:
        [imported] = import_file(elsewhere, path).coding_ids
        assert coding_info(elsewhere, imported).clock_anchor == anchor
    finally:
        elsewhere.close()
    shared = tmp_path / "shared.json"
    export_coding(demo_store, 3, "json", shared, deidentify=True)
    assert json.loads(shared.read_text(encoding="utf-8"))["coding"]["clock_anchor"] is None
