"""Correcting records on the command line: each command, each refusal (exit 1, no write)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from observer.cli.main import main
from observer.storage.store import open_store
from observer.workspace.recording import Recorder


def run(capsys: Any, db: str, *args: str) -> tuple[int, str, str]:
    code = main(["--db", db, *args])
    out, err = capsys.readouterr()
    return code, out, err


def rows(db: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def dump(db: str) -> dict[str, list[tuple[Any, ...]]]:
    tables = ("groups", "members", "sessions", "attendance", "codings", "events", "media_files")
    return {t: rows(db, f"SELECT * FROM {t}") for t in tables}


@pytest.fixture
def db(tmp_path: Path, capsys: Any) -> str:
    """A group (Jane, Sam, Dr Lee), two sessions (Sam absent from the second), one coding."""
    path = str(tmp_path / "cli.sqlite3")
    members = ["--member", "Jane", "--member", "Sam", "--member", "Dr Lee:leader"]
    assert run(capsys, path, "group", "add", "Tuesday group", *members)[0] == 0
    assert run(capsys, path, "session", "add", "1")[0] == 0
    assert run(capsys, path, "session", "add", "1", "--absent", "Sam")[0] == 0
    assert (
        run(
            capsys,
            path,
            "coding",
            "new",
            "1",
            "--observer",
            "RK",
            "--codebook",
            "bion",
            "--codebook",
            "here-and-now",
        )[0]
        == 0
    )
    store = open_store(path)
    recorder = Recorder(store, 1, "RK")
    recorder.record(1_000, "feedback", "m2", ["m3"])  # Sam to Dr Lee
    recorder.close()
    store.close()
    return path


def test_group_edit_and_archive(capsys: Any, db: str) -> None:
    code, out, _ = run(
        capsys,
        db,
        "group",
        "edit",
        "1",
        "--name",
        "Tuesday process group",
        "--modality",
        "process",
        "--archive",
        "--json",
    )
    assert code == 0
    assert json.loads(out) == {
        "id": 1,
        "name": "Tuesday process group",
        "modality": "process",
        "notes": "",
        "archived": True,
    }
    assert rows(db, "SELECT name, archived_at IS NOT NULL FROM groups") == [
        ("Tuesday process group", 1)
    ]


def test_member_add_edit_leave(capsys: Any, db: str) -> None:
    code, out, _ = run(capsys, db, "member", "add", "1", "Omar", "--session", "2", "--json")
    assert code == 0
    omar = json.loads(out)
    assert (omar["pseudonym"], omar["initials"], omar["seat"]) == ("Omar", "OM", 3)
    assert rows(db, "SELECT session_id FROM attendance WHERE member_id = ?", omar["id"]) == [(2,)]
    code, out, _ = run(
        capsys,
        db,
        "member",
        "edit",
        str(omar["id"]),
        "--pseudonym",
        "Omari",
        "--colour",
        "#123456",
        "--role",
        "co-leader",
    )
    assert code == 0 and out.strip() == f"Member {omar['id']}: Omari (OM)"
    assert run(capsys, db, "member", "leave", str(omar["id"]), "--on", "2026-06-01")[0] == 0
    assert rows(
        db, "SELECT pseudonym, role, colour, left FROM members WHERE id = ?", omar["id"]
    ) == [("Omari", "co-leader", "#123456", "2026-06-01")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["member", "add", "1", "sam"], "another member is already called 'Sam'"),
        (["member", "add", "1", "Sue", "--initials", "JA"], "'JA' already names Jane"),
        (["member", "add", "1", "Sue", "--session", "9"], "has no session 9"),
        (["member", "edit", "1", "--pseudonym", "Dr Lee"], "already called 'Dr Lee'"),
        (["member", "edit", "1", "--colour", "blue"], "'blue' is not a #rrggbb colour"),
        (["member", "edit", "99", "--pseudonym", "X"], "No member 99."),
        (["member", "leave", "1", "--on", "soon"], "--on: 'soon' is not an ISO date"),
        (["group", "edit", "1", "--name", ""], "name"),
        (["session", "edit", "1", "--absent", "Zed"], "'Zed' is not a member"),
        (["session", "edit", "1", "--date", "Tuesday"], "--date: 'Tuesday' is not an ISO date"),
        (["session", "delete", "1"], "takes 1 session, 1 coding, 1 event and 0 notes"),
        (["coding", "edit", "1", "--observer", " "], "initials"),
        (["coding", "move", "1", "3"], "No session 3."),
        (["coding", "move", "1", "1"], ""),
        (["coding", "restore", "1"], "not in the trash"),
        (["coding", "trash", "--empty"], "add --yes"),
        (["media", "remove", "5"], "No recording 5."),
        (["media", "edit", "5", "--label", "x"], "No recording 5."),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    capsys: Any, db: str, args: list[str], message: str
) -> None:
    before = dump(db)
    code, _, err = run(capsys, db, *args)
    if args == ["coding", "move", "1", "1"]:  # already there: nothing to do, nothing refused
        assert code == 0 and dump(db) == before
        return
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("group-observer: ") and message in err
    assert dump(db) == before


def test_session_edit_and_delete(capsys: Any, db: str) -> None:
    code, out, _ = run(
        capsys,
        db,
        "session",
        "edit",
        "2",
        "--number",
        "3",
        "--setting",
        "telehealth",
        "--present",
        "Sam",
        "--absent",
        "Dr Lee",
        "--date",
        "2026-03-09T18:00+00:00",
        "--notes",
        "snow",
        "--json",
    )
    assert code == 0
    edited = json.loads(out)
    assert (edited["number"], edited["setting"], edited["present"], edited["notes"]) == (
        3,
        "telehealth",
        ["Jane", "Sam"],
        "snow",
    )
    code, out, _ = run(capsys, db, "session", "delete", "1", "--yes")
    assert code == 0 and "1 coding, 1 event" in out
    assert rows(db, "SELECT id FROM sessions") == [(2,)]
    assert rows(db, "SELECT count(*) FROM events") == [(0,)]


def test_coding_edit_move_delete_restore_and_trash(capsys: Any, db: str) -> None:
    events = rows(db, "SELECT * FROM events")
    code, out, _ = run(
        capsys,
        db,
        "coding",
        "edit",
        "1",
        "--name",
        "Week 1",
        "--observer",
        "AB",
        "--capacity",
        "supervisor",
        "--json",
    )
    assert code == 0
    assert json.loads(out) == {
        "id": 1,
        "session": 1,
        "name": "Week 1",
        "observer": "AB",
        "capacity": "supervisor",
        "trashed": False,
    }
    assert run(capsys, db, "member", "leave", "2", "--on", "2026-01-01")[0] == 0
    assert run(capsys, db, "session", "edit", "2", "--date", "2026-02-01T18:00")[0] == 0
    code, _, err = run(capsys, db, "coding", "move", "1", "2")
    assert code == 2 and "Sam is coded in coding 1 but not in the group at session 2" in err
    assert run(capsys, db, "session", "edit", "2", "--date", "2025-12-01T18:00")[0] == 0
    assert run(capsys, db, "coding", "move", "1", "2")[0] == 0
    assert rows(db, "SELECT session_id FROM codings") == [(2,)]
    assert run(capsys, db, "coding", "delete", "1")[0] == 0
    code, out, _ = run(capsys, db, "coding", "list", "--json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, db, "coding", "trash", "--json")
    [trashed] = json.loads(out)
    assert (trashed["id"], trashed["events"], trashed["name"]) == (1, 1, "Week 1")
    assert run(capsys, db, "coding", "restore", "1")[0] == 0
    assert rows(db, "SELECT * FROM events") == events
    assert run(capsys, db, "coding", "delete", "1")[0] == 0
    code, out, _ = run(capsys, db, "coding", "trash", "--empty", "--yes", "--json")
    assert code == 0 and json.loads(out) == {"deleted": [1], "events": 1}
    assert rows(db, "SELECT count(*) FROM codings") == [(0,)]


def test_media_edit_and_remove(capsys: Any, db: str, tmp_path: Path) -> None:
    from observer.workspace.workspace import Workspace

    tape = tmp_path / "week1.mp4"
    tape.write_bytes(b"")
    store = open_store(db)
    Workspace(store).attach_media(1, str(tape))
    store.close()
    code, out, _ = run(capsys, db, "media", "edit", "1", "--label", "Camera A", "--json")
    assert code == 0 and json.loads(out) == {"id": 1, "label": "Camera A"}
    assert rows(db, "SELECT label FROM media_files") == [("Camera A",)]
    code, out, _ = run(capsys, db, "media", "remove", "1")
    assert code == 0 and rows(db, "SELECT count(*) FROM media_files") == [(0,)]
    assert tape.exists()  # the file itself stays
