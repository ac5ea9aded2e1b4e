"""``group-observer record``: the headless recorder, run as its own process with piped input."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from observer.storage.store import open_store
from observer.workspace.codings import new_coding
from observer.workspace.recording import Recorder
from tests.observer.helpers import small_coding

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow


@pytest.fixture
def database(tmp_path: Path) -> tuple[Path, int, dict[str, str]]:
    """A database file with one live coding of a group of Jane, Sam, Priya, Tom and Dr Lee."""
    path = tmp_path / "observer.sqlite3"
    store = open_store(path)
    coding_id, keys = small_coding(store)
    store.close()
    return path, coding_id, keys


def recorder_process(path: Path, coding_id: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "observer", "--db", str(path), "record", str(coding_id)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=ROOT,
    )  # fmt: skip


def record(path: Path, coding_id: int, lines: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "observer", "--db", str(path), "record", str(coding_id)],
        input="".join(f"{line}\n" for line in lines),
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip


def stored(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Rows read afresh from the file, on a connection of this test's own."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


EVENT = "SELECT time_ms, code, actor, targets, modifiers FROM events WHERE id = ?"


def test_each_event_is_on_disk_when_it_is_acknowledged(database) -> None:
    path, coding_id, k = database
    child = recorder_process(path, coding_id)
    assert child.stdin is not None and child.stdout is not None
    typed = [
        ("Jane Sam f", ("feedback", k["Jane"], [k["Sam"]])),  # names, the code's key
        ("@75.5 2 1 support", ("support", k["Sam"], [k["Jane"]])),  # seats, the code's id
        ('"Dr Lee" group question', ("question", k["Dr Lee"], ["group"])),
        ("@1:30 3 - d intensity=high", ("self-disclosure", k["Priya"], [])),
    ]
    for line, (code, actor, targets) in typed:
        child.stdin.write(line + "\n")
        child.stdin.flush()
        ack = child.stdout.readline().split()
        assert ack[0] == "ok", ack
        [(time_ms, kept_code, kept_actor, kept_targets, _)] = stored(path, EVENT, (int(ack[1]),))
        assert (kept_code, kept_actor, json.loads(str(kept_targets))) == (code, actor, targets)
        assert ack[2] == f"@{int(time_ms) / 1000:.3f}"
    child.stdin.close()
    assert child.wait(timeout=60) == 0
    times = stored(path, "SELECT time_ms FROM events WHERE coding_id = ? ORDER BY id", (coding_id,))
    assert times[1] == (75_500,) and times[3] == (90_000,)
    assert stored(path, "SELECT modifiers FROM events WHERE time_ms = 90000") == [
        ('{"intensity": "high"}',)
    ]


def test_a_bad_line_is_refused_in_one_line_and_the_next_is_recorded(database) -> None:
    path, coding_id, _ = database
    done = record(
        path,
        coding_id,
        [
            "@1 Jane Sam f p",
            "@2 Nobody Sam f",
            "@3 Jane Jane f",
            "@4 Jane - f",
            "# a comment, and a blank line, hold no event",
            "",
            "@5 Jane Sam zz",
            "@6 Jane Sam f loud",
            "@seven Jane Sam f",
            "@8 Jane Sam",
            "@9 Sam Jane support",
        ],
    )
    assert done.returncode == 2
    out = done.stdout.splitlines()
    assert [line.split()[0] for line in out] == ["ok", *["refused"] * 7, "ok"]
    assert out[1].startswith("refused line 2: actor: 'Nobody' is not a member of this session's")
    assert out[2] == "refused line 3: target: Jane cannot be their own target"
    assert out[3] == "refused line 4: target: Feedback needs a target: to whom was it addressed?"
    assert out[4].startswith("refused line 7: code: unknown code 'zz'")
    assert out[5].startswith("refused line 8: modifier: 'loud' is not a value of Feedback's")
    assert out[6] == "refused line 9: time: 'seven' is not a time (seconds, or [h:]mm:ss)"
    assert out[7].startswith("refused line 10: line: expected [@TIME] ACTOR TARGET CODE")
    assert done.stderr == "2 recorded, 7 refused.\n"
    rows = stored(
        path, "SELECT time_ms, code, modifiers FROM events WHERE coding_id = ?", (coding_id,)
    )
    assert sorted(rows) == [(1_000, "feedback", '{"valence": "positive"}'),
                            (9_000, "support", "{}")]  # fmt: skip


def test_typing_a_running_state_again_ends_it(database) -> None:
    path, coding_id, _ = database
    done = record(path, coding_id, ["@10 group - work", "@70 group - work"])
    assert done.returncode == 0, done.stderr
    started, ended = done.stdout.splitlines()
    event_id = started.split()[1]
    assert ended.startswith(f"ok {event_id} ended ") and ended.endswith("@70.000")
    assert stored(path, "SELECT time_ms, end_ms FROM events WHERE id = ?", (int(event_id),)) == [
        (10_000, 70_000)
    ]


CLOCK = "SELECT clock_elapsed_ms, clock_running_since, clock_anchor FROM codings WHERE id = ?"


def test_lines_with_their_own_times_leave_the_clock_alone(database) -> None:
    path, coding_id, _ = database
    assert record(path, coding_id, ["@10 Jane Sam f"]).returncode == 0
    assert stored(path, CLOCK, (coding_id,)) == [(0, None, None)]


def test_a_line_without_a_time_runs_the_live_clock_and_anchors_it(database) -> None:
    path, coding_id, _ = database
    done = record(path, coding_id, ["Jane Sam f"])
    assert done.returncode == 0, done.stderr
    [(elapsed, running_since, anchor)] = stored(path, CLOCK, (coding_id,))
    assert running_since is None and anchor is not None  # saved paused, anchored
    [(time_ms,)] = stored(path, "SELECT time_ms FROM events WHERE coding_id = ?", (coding_id,))
    assert 0 <= int(time_ms) <= int(elapsed)


def test_a_coding_timed_by_its_recording_needs_a_time_on_every_line(database) -> None:
    path, first, _ = database
    store = open_store(path)
    from observer.storage.coding_info import coding_info

    coding_id = new_coding(
        store, coding_info(store, first).session_id, "SV", ["here-and-now"], clock_mode="media"
    )
    store.close()
    done = record(path, coding_id, ["Jane Sam f", "@4 Jane Sam f"])
    assert done.stdout.splitlines()[0] == (
        "refused line 1: time: this coding is timed by its recording: begin with @TIME"
    )
    assert done.stdout.splitlines()[1].startswith("ok ")


def test_a_coding_open_elsewhere_is_refused_in_one_line(database) -> None:
    path, coding_id, _ = database
    store = open_store(path)
    holder = Recorder(store, coding_id)
    try:
        done = record(path, coding_id, ["@1 Jane Sam f"])
    finally:
        holder.close()
        store.close()
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("group-observer: ") and len(done.stderr.splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_lines_can_come_from_a_file(database, tmp_path: Path, capsys) -> None:
    from observer.cli.main import main

    path, coding_id, _ = database
    lines = tmp_path / "lines.txt"
    lines.write_text("@3 Jane Sam q\n@4 Sam Jane q\n", encoding="utf-8")
    assert main(["--db", str(path), "record", str(coding_id), str(lines)]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == ["ok", "ok"]
    missing = tmp_path / "missing.txt"
    assert main(["--db", str(path), "record", str(coding_id), str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"group-observer: Cannot read {missing}: No such file or directory.\n"
    )
    assert stored(path, "SELECT count(*) FROM events WHERE coding_id = ?", (coding_id,)) == [(2,)]
