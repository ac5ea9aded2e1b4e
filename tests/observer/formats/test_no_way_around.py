"""What one way in refused, another let through: each of these once got past (issues 12, 15).

Every test here goes through public ways in only (recording, ``import``, the commands),
so each failed on the code as it was: the value was stored, or a traceback came out.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from observer.cli.main import main
from observer.domain.errors import InputError
from observer.formats import export_coding, import_file
from observer.formats.common import count_rows
from observer.storage.read_coding import from_coding
from observer.workspace.codings import list_codings
from observer.workspace.groups import MemberSpec, add_group
from observer.workspace.recording import Recorder
from tests.observer.helpers import small_coding


@pytest.fixture
def coded(store: Any) -> tuple[Any, int, dict[str, str], int]:
    """A coding of Jane, Sam, Priya, Tom and Dr Lee's session; its id, keys and session."""
    coding_id, keys = small_coding(store)
    return store, coding_id, keys, list_codings(store)[0].session_id


def csv_file(tmp_path: Path, *rows: str, name: str = "events.csv") -> Path:
    path = tmp_path / name
    path.write_text("time,end,actor,target,code,note\n" + "\n".join(rows) + "\n", "utf-8")
    return path


def refused(store: Any, path: Path, message: str, **opts: Any) -> None:
    """The import is refused with ``message`` (file, line, field) and writes nothing."""
    before = count_rows(store)
    with pytest.raises(InputError) as caught:
        import_file(store, path, **opts)
    assert message in str(caught.value)
    assert count_rows(store) == before


def command(capsys: Any, store: Any, *args: str) -> tuple[int, str]:
    code = main(["--db", store.location, *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, (err or out).strip()


# --- issue 12: three validators that disagreed -------------------------------------------------


def test_recording_refuses_an_end_on_a_point_code_as_every_import_does(coded: Any) -> None:
    store, coding_id, keys, _ = coded
    recorder = Recorder(store, coding_id)
    with pytest.raises(InputError, match="Question is a point code and has no end"):
        recorder.record(1_000, "question", keys["Jane"], [keys["Sam"]], end_ms=2_000)
    assert recorder.events == [] and from_coding(store, coding_id).events == ()
    recorder.close()


def test_import_refuses_feedback_without_the_target_recording_requires(
    coded: Any, tmp_path: Path
) -> None:
    store, _, _, session = coded
    path = csv_file(tmp_path, "1,,Jane,,feedback,")
    refused(
        store, path, "events.csv:2: target: Feedback needs a target", session=session, observer="IM"
    )


def test_coding_import_csv_refuses_a_self_target_as_import_does(
    coded: Any, tmp_path: Path, capsys: Any
) -> None:
    store, _, _, session = coded
    path = csv_file(tmp_path, "1,,Jane,Jane,question,")
    before = count_rows(store)
    code, err = command(
        capsys,
        store,
        "coding",
        "import-csv",
        str(session),
        str(path),
        "--observer",
        "CI",
        "--codebook",
        "here-and-now",
    )
    assert code == 2 and err.endswith(":2: target: Jane cannot be their own target")
    assert count_rows(store) == before


def test_coding_import_csv_refuses_an_event_at_10_to_the_18_ms(
    coded: Any, tmp_path: Path, capsys: Any
) -> None:
    store, _, _, session = coded
    path = csv_file(tmp_path, "1000000000000000,,Jane,Sam,question,")
    before = count_rows(store)
    code, err = command(
        capsys,
        store,
        "coding",
        "import-csv",
        str(session),
        str(path),
        "--observer",
        "CI",
        "--codebook",
        "here-and-now",
    )
    assert code == 2 and ":2: time: " in err and "after 24:00:00.000" in err
    assert count_rows(store) == before


def test_coding_export_csv_and_import_csv_keep_every_modifier(
    coded: Any, tmp_path: Path, capsys: Any
) -> None:
    store, coding_id, k, session = coded
    recorder = Recorder(store, coding_id)
    recorder.record(1_000, "feedback", k["Jane"], [k["Sam"]], {"valence": "negative"})
    recorder.record(
        2_000, "confrontation", k["Sam"], [k["Jane"]], {"valence": "mixed", "intensity": "high"}
    )
    recorder.record(3_000, "self-disclosure", k["Priya"], ["group"], {"intensity": "low"})
    recorder.close()
    path = tmp_path / "out.csv"
    assert command(capsys, store, "coding", "export-csv", str(coding_id), str(path))[0] == 0
    code, out = command(
        capsys,
        store,
        "coding",
        "import-csv",
        str(session),
        str(path),
        "--observer",
        "CI",
        "--codebook",
        "here-and-now",
        "--json",
    )
    assert code == 0
    again = from_coding(store, json.loads(out)["id"])
    assert [dict(e.modifiers) for e in again.events] == [
        {"valence": "negative"},
        {"valence": "mixed", "intensity": "high"},
        {"intensity": "low"},
    ]
    # And the file is the one ``export --format csv`` writes.
    other = tmp_path / "export.csv"
    export_coding(store, coding_id, "csv", other)
    assert other.read_bytes() == path.read_bytes()


def test_one_name_resolver_finds_members_by_initials_everywhere(store: Any, capsys: Any) -> None:
    add_group(
        store,
        "Monday group",
        members=[MemberSpec("Jane", initials="JA"), MemberSpec("Sam", initials="SM")],
    )
    code, out = command(capsys, store, "session", "add", "1", "--absent", "sm", "--json")
    assert code == 0
    code, out = command(capsys, store, "session", "list", "--json")
    assert json.loads(out)[0]["present"] == ["Jane"]
    code, err = command(capsys, store, "session", "add", "1", "--absent", "Nobody")
    assert code == 2 and "--absent: 'Nobody' is not a member of this session's group" in err


# --- issue 15, item 7: numbers and characters that crashed or corrupted -------------------------


@pytest.mark.parametrize("time", ["1e308", "1e307:00:00", "-1e400", "nan"])
@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_absurd_times_in_a_table_are_refused_in_words(
    coded: Any, tmp_path: Path, time: str, suffix: str, capsys: Any
) -> None:
    store, _, _, session = coded
    path = tmp_path / f"times{suffix}"
    sep = "\t" if suffix == ".tsv" else ","
    path.write_text(
        sep.join(["time", "actor", "target", "code"])
        + "\n"
        + sep.join([time, "Jane", "Sam", "question"])
        + "\n",
        "utf-8",
    )
    refused(store, path, f":2: time: '{time}' is not a time", session=session, observer="IM")
    code, err = command(
        capsys, store, "import", str(path), "--session", str(session), "--observer", "IM"
    )
    assert code == 2 and err.count("\n") == 0


@pytest.mark.parametrize("time", [1e308, float("inf"), "1e307:00:00"])
def test_absurd_times_in_a_workbook_are_refused_in_words(
    coded: Any, tmp_path: Path, time: Any
) -> None:
    from openpyxl import Workbook

    store, _, _, session = coded
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["time", "actor", "target", "code"])
    sheet.append([time, "Jane", "Sam", "question"])
    path = tmp_path / "times.xlsx"
    book.save(path)
    refused(store, path, "events sheet row 2: time: ", session=session, observer="IM")


def boris_project(offset: Any = 0.0, **observation: Any) -> dict[str, Any]:
    return {
        "project_format_version": "7.0",
        "behaviors_conf": {"0": {"type": "Point event", "code": "talk", "modifiers": {}}},
        "subjects_conf": {"0": {"name": "Jane"}},
        "observations": {
            "first": {
                "type": "MEDIA",
                "file": {"1": ["session.mp4"]},
                "media_info": {"length": {"session.mp4": 60.0}, "offset": {"1": offset}},
                "events": [[1.0, "Jane", "talk", "", ""]],
                **observation,
            }
        },
    }


@pytest.mark.parametrize("offset", ["Infinity", "-Infinity", "NaN", "1e308"])
def test_a_boris_media_offset_that_is_no_time_is_refused_in_words(
    store: Any, tmp_path: Path, offset: str
) -> None:
    path = tmp_path / "p.boris"
    path.write_text(
        json.dumps(boris_project()).replace('"offset": {"1": 0.0}', f'"offset": {{"1": {offset}}}'),
        "utf-8",
    )
    refused(store, path, "observation 'first', media_info.offset of player 1: offset: ")


def test_control_characters_are_refused_in_names_and_notes(
    coded: Any, tmp_path: Path, capsys: Any
) -> None:
    store, coding_id, k, _ = coded
    recorder = Recorder(store, coding_id)
    with pytest.raises(InputError, match="U\\+0007"):
        recorder.record(1_000, "question", k["Jane"], [k["Sam"]], note="ring\x07")
    with pytest.raises(InputError, match="U\\+0001"):
        recorder.add_note("\x01 hidden")
    assert recorder.events == [] and recorder.notes() == []
    recorder.close()
    before = count_rows(store)
    code, err = command(capsys, store, "group", "add", "Thursday", "--member", "Ja\x0bne")
    assert code == 2 and "member 1: pseudonym: contains the control character U+000B" in err
    code, err = command(capsys, store, "group", "add", "Thurs\nday", "--member", "Jane")
    assert code == 2 and "contains a line break at position 6" in err
    assert count_rows(store) == before
    # What could be stored can be written to Excel and ELAN files.
    export_coding(store, coding_id, "xlsx", tmp_path / "c.xlsx")
    export_coding(store, coding_id, "eaf", tmp_path / "c.eaf")


@pytest.mark.parametrize("name", ["group", "Leaders", "GROUP"])
def test_a_member_cannot_be_called_group_or_leaders(store: Any, capsys: Any, name: str) -> None:
    code, err = command(capsys, store, "group", "add", "Thursday", "--member", name)
    assert code == 2 and f"pseudonym: {name!r} cannot name a member: it means the" in err
    with pytest.raises(InputError, match="initials: 'group' cannot name a member"):
        add_group(store, "Thursday", members=[MemberSpec("Gro", initials="group")])
    assert count_rows(store)["members"] == 0


def test_pseudonyms_and_initials_tell_members_apart(store: Any) -> None:
    with pytest.raises(InputError, match="member 2: pseudonym: another member is already called"):
        add_group(store, "Thursday", members=[MemberSpec("Jane"), MemberSpec("jane")])
    with pytest.raises(InputError, match="member 2: initials: 'ja' already names Jane"):
        add_group(
            store,
            "Thursday",
            members=[MemberSpec("Jane", initials="JA"), MemberSpec("Jack", initials="ja")],
        )
    with pytest.raises(InputError, match="member 2: pseudonym: 'Al' already names Alice"):
        add_group(
            store,
            "Thursday",
            members=[MemberSpec("Alice", initials="AL"), MemberSpec("Al", initials="AX")],
        )
    assert count_rows(store)["groups"] == 0
    # Initials made up from the pseudonym are made unique: Anna AN, Andy AND.
    group_id = add_group(store, "Thursday", members=[MemberSpec("Anna"), MemberSpec("Andy")])
    from observer.workspace.groups import get_group

    assert [m.initials for m in get_group(store, group_id).members] == ["AN", "AND"]


# --- issue 15, item 8: imports accepted what the recorder or the codebook forbids -------------


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["1,,Jane,,feedback,"], ":2: target: Feedback needs a target"),
        (
            ["0,60,group,,work,", "30,90,group,,fight-flight,"],
            ":3: time: Fight-flight (baF) would run beside Work group (W) for group",
        ),
        (
            ["10,40,Priya,,withdrawal,", "20,50,Priya,,withdrawal,"],
            ":3: time: Withdrawal / silence already runs for Priya",
        ),
        (["0,,group,,work,", "5,,group,,dependency,"], ":3: time: Dependency (baD) would run"),
        (["1,,Jane,Sam;Sam,question,"], ":2: target: Sam is named twice as a target"),
        (["1,,Jane,SAM;sam,question,"], ":2: target: Sam is named twice as a target"),
    ],
)
def test_table_imports_keep_the_rules_of_recording(
    coded: Any, tmp_path: Path, rows: list[str], message: str
) -> None:
    store, _, _, session = coded
    refused(store, csv_file(tmp_path, *rows), message, session=session, observer="IM")


@pytest.fixture
def exported(coded: Any, tmp_path: Path) -> tuple[Any, dict[str, Any]]:
    """The coding, with one act, a member who left and a recording, as our JSON."""
    store, coding_id, k, session = coded
    from observer.workspace.groups import attach_media

    attach_media(store, session, "session.mp4", 1_000)
    recorder = Recorder(store, coding_id)
    event = recorder.record(1_000, "question", k["Jane"], [k["Sam"]])
    recorder.edit(event.id, note="edited")
    recorder.close()
    path = tmp_path / "c.json"
    export_coding(store, coding_id, "json", path)
    doc = json.loads(path.read_text("utf-8"))
    doc["group"]["name"] = "Another group"  # a new group, made by the group writer
    return store, doc


def json_refused(store: Any, tmp_path: Path, doc: Any, message: str) -> None:
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(doc), "utf-8")
    refused(store, path, message)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["group"]["members"][0].update(seat=-1), "group.members[0]: seat: -1 is less"),
        (lambda d: d["session"].update(number=-2), "session: number: -2 is less than 0"),
        (
            lambda d: d["coding"].update(clock_elapsed_ms=-5),
            "coding: clock_elapsed_ms: -00:00.005 is before the session started",
        ),
        (
            lambda d: d["session"]["media"][0].update(duration_ms=-1_000),
            "session.media[0]: duration_ms: -00:01.000 is before the session started",
        ),
        (
            lambda d: d["group"]["members"][1].update(joined="2026-03-01", left="2026-02-01"),
            "group.members[1]: left: Sam cannot leave (2026-02-01) before joining (2026-03-01)",
        ),
        (
            lambda d: d["group"]["members"][1].update(pseudonym="leaders"),
            "group.members[1]: pseudonym: 'leaders' cannot name a member",
        ),
        (
            lambda d: d["group"]["members"][1].update(pseudonym="Jane"),
            "group.members[1]: pseudonym: another member is already called 'Jane'",
        ),
        (
            lambda d: d["group"]["members"][2].update(pseudonym="Pri\x1bya"),
            "group.members[2]: pseudonym: contains the control character U+001B",
        ),
        (
            lambda d: d["events"][0].update(code="feedback", targets=[]),
            "events[0]: target: Feedback needs a target",
        ),
        (
            lambda d: d["events"][0].update(targets=["p2", "p2"]),
            "events[0]: target: Sam is named twice",
        ),
        (lambda d: d["events"][0].update(time_ms=10**18), "events[0]: time: 2.78e+11 hours"),
        (
            lambda d: d["audit"][0]["after"].update(time_ms=float("nan")),
            "audit[0].after: time_ms: nan is not a number",
        ),
        (
            lambda d: d["audit"][0]["after"].update(weight=float("inf")),
            "audit[0].after: holds NaN or Infinity, which is not a number",
        ),
    ],
)
def test_our_json_keeps_every_rule(
    exported: Any, tmp_path: Path, change: Any, message: str
) -> None:
    store, doc = exported
    change(doc)
    json_refused(store, tmp_path, doc, message)


def test_a_member_marked_absent_who_acts_is_kept_and_reported(
    exported: Any, tmp_path: Path
) -> None:
    """The record wins (as the analyses count them present), and the import says so."""
    store, doc = exported
    doc["session"]["present"] = [r for r in doc["session"]["present"] if r != "p1"]  # Jane
    path = tmp_path / "absent.json"
    path.write_text(json.dumps(doc), "utf-8")
    report = import_file(store, path)
    assert report.events == 1
    assert any(
        w.startswith("Jane is marked absent from the session but acts in 1 event ")
        for w in report.warnings
    )


def test_boris_subjects_named_group_are_the_group_and_initials_stay_unique(
    store: Any, tmp_path: Path
) -> None:
    project = boris_project()
    project["subjects_conf"] = {
        "0": {"name": "Anna"},
        "1": {"name": "Andy"},
        "2": {"name": "Group"},
    }
    project["observations"]["first"]["events"] = [
        [1.0, "Group", "talk", "", ""],
        [2.0, "Andy", "talk", "", ""],
    ]
    path = tmp_path / "p.boris"
    path.write_text(json.dumps(project), "utf-8")
    report = import_file(store, path)
    assert "subject 'Group' is taken to be 'group', not a member" in report.warnings
    data = from_coding(store, report.coding_ids[0]).with_names()
    assert [e.actor for e in data.events] == ["group", "Andy"]
    assert [(p.label, p.initials) for p in data.people] == [("Anna", "AN"), ("Andy", "AND")]


def test_a_state_coded_back_in_time_ends_where_the_next_begins(coded: Any) -> None:
    """From a recording: dependency at 0:01 before work at 0:05 ends at 0:05, not beside it."""
    store, coding_id, _, _ = coded
    recorder = Recorder(store, coding_id)
    recorder.record(5_000, "work", "group")
    recorder.record(1_000, "dependency", "group")
    assert [(e.code, e.time_ms, e.end_ms) for e in recorder.events] == [
        ("dependency", 1_000, 5_000),
        ("work", 5_000, None),
    ]
    recorder.close()


def test_csv_rows_of_a_table_written_elsewhere(coded: Any, tmp_path: Path) -> None:
    """A spreadsheet's own export (semicolons, labels for values, initials) reads the same."""
    store, _, _, session = coded
    path = tmp_path / "sheet.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["time_hms", "actor", "target", "code", "modifier:valence"])
        writer.writerow(["00:00:01.5", "JA", "sa", "feedback", "Positive"])
    report = import_file(store, path, session=session, observer="IM")
    [event] = from_coding(store, report.coding_ids[0]).with_names().events
    assert (event.time_ms, event.actor, event.targets, dict(event.modifiers)) == (
        1_500,
        "Jane",
        ("Sam",),
        {"valence": "positive"},
    )
