"""Every command, its database failing: one line in words, exit 1, never a traceback.

Each command runs in a child process (``faulty_cli``) against a copy of the demo database
whose every statement, or every write, fails as SQLite fails on a bad disk, a full disk, a
lock held by another program or a file made read-only. A new command must be added to
``COMMANDS`` (a test checks that the table names every command the parser knows).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from observer.cli.main import build_parser, main
from observer.storage.store import open_store
from observer.workspace.coding_records import trash_coding
from observer.workspace.groups import attach_media

ROOT = Path(__file__).resolve().parents[3]
TONE = ROOT / "tests" / "data" / "tone.m4a"
CLIP = ROOT / "tests" / "data" / "clip.mp4"
EVENTS_CSV = "time,actor,code,target\n1.0,group,work,\n2.5,Jane,question,Dr Kim\n"

# Every command, with arguments that run it on the demo (codings 1-6; 4 is the reference,
# 5 a trainee's attempt at it), and whether it writes to the database.
COMMANDS: dict[str, tuple[list[str], bool]] = {
    "codebook list": (["codebook", "list"], False),
    "codebook show": (["codebook", "show", "bion"], False),
    "group add": (["group", "add", "Monday group"], True),
    "group list": (["group", "list"], False),
    "session add": (["session", "add", "1"], True),
    "session list": (["session", "list"], False),
    "media attach": (["media", "attach", "1", "{tone}"], True),
    "media list": (["media", "list", "3"], False),
    "media offset": (["media", "offset", "{media}", "--to", "00:05"], True),
    "media locate": (["media", "locate", "{media}", "{clip}"], True),
    "coding new": (["coding", "new", "1", "--observer", "ZZ", "--codebook", "bion"], True),
    "coding list": (["coding", "list"], False),
    "coding access": (["coding", "access", "1"], False),
    "coding export-csv": (["coding", "export-csv", "1", "{dir}/out.csv"], False),
    "coding import-csv": (
        ["coding", "import-csv", "1", "{dir}/events.csv", "--observer", "ZZ"],
        True,
    ),
    "demo": (["demo"], True),
    "import": (["import", "{dir}/events.csv", "--session", "1", "--observer", "ZZ"], True),
    "export": (["export", "1", "--out", "{dir}/out.json"], False),
    "network": (["network", "1"], False),
    "report": (["report", "1", "--out", "{dir}/report.pdf"], False),
    "sequences": (["sequences", "1"], False),
    "agreement": (["agreement", "4", "5"], False),
    "airtime": (["airtime", "1"], False),
    "voice-activity": (
        ["voice-activity", "group={tone}", "--session", "1", "--observer", "ZZ"],
        True,
    ),
    "practice mark-reference": (["practice", "mark-reference", "1"], True),
    "practice start": (["practice", "start", "4", "--trainee", "ZZ"], True),
    "practice feedback": (["practice", "feedback", "5"], False),
    "practice attempts": (["practice", "attempts", "--trainee", "TR"], False),
    "group edit": (["group", "edit", "1", "--notes", "Tuesdays"], True),
    "member add": (["member", "add", "1", "Newcomer", "--session", "4"], True),
    "member edit": (["member", "edit", "1", "--initials", "JN"], True),
    "member leave": (["member", "leave", "1", "--on", "2026-11-30"], True),
    "session edit": (["session", "edit", "1", "--notes", "a quiet evening"], True),
    "session delete": (["session", "delete", "2", "--yes"], True),
    "coding edit": (["coding", "edit", "1", "--name", "live, first"], True),
    "coding move": (["coding", "move", "1", "3"], True),
    "coding delete": (["coding", "delete", "2"], True),
    "coding restore": (["coding", "restore", "6"], True),
    "coding trash": (["coding", "trash"], False),
    "media remove": (["media", "remove", "{media}"], True),
    "media edit": (["media", "edit", "{media}", "--label", "camera 2"], True),
    "rating add": (
        [
            "rating",
            "add",
            "1",
            "--instrument",
            "gcq-s",
            "--member",
            "Jane",
            "--answers",
            "3,,2" + ",2" * 9,
        ],
        True,
    ),
    "rating import": (["rating", "import", "{dir}/ratings.csv"], True),
    "rating list": (["rating", "list", "1"], False),
    "trends": (["trends", "1"], False),
    "record": (["record", "1", "{dir}/lines.txt"], True),
}
# Reads no database: checks codebook files only.
NO_DATABASE = {"codebook validate"}
# Rewrite the database file itself, not through the open store (tests/observer/cli/
# test_cli_encryption.py; a failure there leaves the file as it was).
FILE_COMMANDS = {"db encrypt", "db decrypt", "db rekey"}
# Only for a server (refused on a file); their faults are tested on a real server
# (tests/observer/storage/test_server_roles.py).
SERVER_COMMANDS = {"server init", "server add-user", "server give-reference"}


def every_command() -> set[str]:
    found: set[str] = set()

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            found.add(" ".join(prefix))
        for sub in subs:
            for name, child in sub.choices.items():
                walk(child, [*prefix, name])

    walk(build_parser(), [])
    return found


@pytest.fixture
def demo_copy(demo_template: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    db = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, db)
    store = open_store(db)
    media_id = attach_media(store, 3, str(TONE))
    trash_coding(store, 6)  # in the trash, for `coding restore`
    store.close()
    (tmp_path / "events.csv").write_text(EVENTS_CSV)
    (tmp_path / "ratings.csv").write_text(
        "session,member,instrument," + ",".join(str(i) for i in range(1, 13)) + "\n"
        "1,Jane,gcq-s," + ",".join("3" * 12) + "\n"
    )
    (tmp_path / "lines.txt").write_text("@1 Jane Sam q\n")
    return db, {"dir": str(tmp_path), "tone": str(TONE), "clip": str(CLIP), "media": str(media_id)}


def argv_of(name: str, db: Path, values: dict[str, str]) -> list[str]:
    return ["--db", str(db), *(a.format(**values) for a in COMMANDS[name][0])]


def test_the_table_names_every_command() -> None:
    assert every_command() == set(COMMANDS) | NO_DATABASE | FILE_COMMANDS | SERVER_COMMANDS


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_runs_on_a_healthy_database(name, demo_copy, capsys) -> None:
    db, values = demo_copy
    assert main(argv_of(name, db, values)) == 0, capsys.readouterr().err


def faulty(fault: str, at: str, argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.observer.cli.faulty_cli", fault, at, *argv],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_failing_disk_gives_every_command_one_line_and_exit_1(name, demo_copy) -> None:
    db, values = demo_copy
    result = faulty("IOERR", "any", argv_of(name, db, values))
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(
        ("group-observer: Cannot read the database: the disk could not be read",
         "group-observer: Not saved: the disk could not be written")
    )  # fmt: skip


# Reading commands that write the coding's access log (``observer.storage.access_log``).
LOGS_ACCESS = {"coding export-csv", "export", "report"}

WRITE_FAULTS = {
    "FULL": "Not saved: the disk is full. Free some space, then try again.",
    "BUSY": "Not saved: another program is writing to the database and did not let go in time. "
    "Try again in a moment.",
    "READONLY": "Not saved: the database file cannot be written any more (it is read-only now). "
    "Make it writable again, then try again.",
}


@pytest.mark.parametrize("fault", sorted(WRITE_FAULTS))
def test_a_write_that_fails_gives_every_writing_command_one_line_and_exit_1(
    fault, demo_copy, capsys, monkeypatch
) -> None:
    from tests.observer.cli.faulty_cli import run

    db, values = demo_copy
    for name, (_args, writes) in sorted(COMMANDS.items()):
        with monkeypatch.context() as patch:
            code = run(fault, "write", argv_of(name, db, values), patch)
        err = capsys.readouterr().err
        if writes:
            assert (name, code, err) == (name, 1, f"group-observer: {WRITE_FAULTS[fault]}\n")
        elif name in LOGS_ACCESS:  # the file is written all the same; the log's failure is said
            said = f"Warning: The access log could not be written: {WRITE_FAULTS[fault]}\n"
            assert (name, code, err) == (name, 0, said)
        else:
            assert (name, code, err) == (name, 0, "")  # reading needs no writing
