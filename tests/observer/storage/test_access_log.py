"""The access log: each opening, export and report of a coding leaves exactly one entry,
naming the person at the keyboard (given, else this computer's user), not the coder."""

from __future__ import annotations

import getpass
import json
import sqlite3
from pathlib import Path

import pytest

from observer.cli.main import main
from observer.formats import EXPORT_FORMATS, export_coding, export_codings
from observer.report import report_for_coding
from observer.storage.access_log import access_log
from observer.storage.store import Store, open_store
from observer.workspace.recording import Recorder
from tests.observer.helpers import old_coding, old_database, small_coding


def logged(store: Store) -> list[tuple[int, str, str, str]]:
    """Every entry, read afresh from the file by another connection."""
    assert store.path is not None
    with sqlite3.connect(store.path) as conn:
        rows = conn.execute(
            "SELECT coding_id, who, action, detail FROM coding_access ORDER BY id"
        ).fetchall()
    conn.close()
    return rows


# Nobody said who they are: the name they are logged in under on this computer.
USER = getpass.getuser()


def test_opening_a_coding_logs_the_user_not_its_observer(store: Store) -> None:
    coding_id, _ = small_coding(store)
    Recorder(store, coding_id).close()
    assert USER != "RK"
    assert logged(store) == [(coding_id, USER, "open", "")]


def test_opening_as_someone_else_logs_them(store: Store) -> None:
    coding_id, _ = small_coding(store)
    Recorder(store, coding_id, "AB").close()
    assert logged(store) == [(coding_id, "AB", "open", "")]


def test_a_read_only_opening_is_logged_as_such(store: Store) -> None:
    coding_id, _ = small_coding(store)
    writer = Recorder(store, coding_id)
    Recorder(store, coding_id, "TS", read_only=True).close()
    writer.close()
    assert logged(store)[1:] == [(coding_id, "TS", "open read-only", "")]


@pytest.mark.parametrize("deidentify", [False, True])
@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_every_export_is_logged_with_its_format(
    store: Store, tmp_path: Path, fmt: str, deidentify: bool
) -> None:
    coding_id, _ = small_coding(store)
    shared = "de-identified" if deidentify else "identifiable"
    export_coding(store, coding_id, fmt, tmp_path / f"out.{fmt}", deidentify=deidentify)
    assert logged(store) == [(coding_id, USER, "export", f"{fmt}, {shared}")]


def test_an_export_of_several_codings_is_logged_for_each(store: Store, tmp_path: Path) -> None:
    first, _ = small_coding(store)
    second, _ = small_coding(store)
    export_codings(store, [first, second], "sdis", tmp_path / "both.sds", who="TS")
    assert logged(store) == [
        (first, "TS", "export", "sdis, identifiable"),
        (second, "TS", "export", "sdis, identifiable"),
    ]


def test_the_report_is_logged(store: Store, tmp_path: Path) -> None:
    coding_id, _ = small_coding(store)
    report_for_coding(store, coding_id, tmp_path / "report.pdf", deidentify=True)
    assert logged(store) == [(coding_id, USER, "report", "de-identified")]
    report_for_coding(store, coding_id, tmp_path / "again.pdf", who="TS")
    assert logged(store)[1:] == [(coding_id, "TS", "report", "identifiable")]


def test_a_log_that_cannot_be_written_never_loses_the_export(store: Store, tmp_path: Path) -> None:
    coding_id, _ = small_coding(store)
    assert store.path is not None
    with sqlite3.connect(store.path) as conn:
        conn.execute("DROP TABLE coding_access")  # as a log that cannot be written
    conn.close()
    said: list[str] = []
    out = tmp_path / "out.csv"
    assert export_coding(store, coding_id, "csv", out, unlogged=said.append) == 0
    assert out.exists()
    report_for_coding(store, coding_id, tmp_path / "report.pdf", unlogged=said.append)
    assert (tmp_path / "report.pdf").exists()
    recorder = Recorder(store, coding_id)
    recorder.close()
    assert len(said) == 2
    assert all("access log could not be written" in s for s in said)
    assert recorder.unlogged is not None


def test_the_cli_shows_a_codings_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "observer.sqlite3"
    store = open_store(db)
    coding_id, _ = small_coding(store)
    store.close()
    assert main(["--db", str(db), "export", str(coding_id), "--out", str(tmp_path / "a.csv"),
                 "--deidentify"]) == 0  # fmt: skip
    assert main(["--db", str(db), "report", str(coding_id), "--out",
                 str(tmp_path / "r.pdf")]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["--db", str(db), "coding", "access", str(coding_id), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [(e["who"], e["action"], e["detail"]) for e in shown] == [
        (USER, "export", "csv, de-identified"),
        (USER, "report", "identifiable"),
    ]
    assert main(["--db", str(db), "coding", "access", str(coding_id)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["when", "who", "action", "detail"]
    assert len(table) == 3


def test_the_cli_refuses_an_unknown_coding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(tmp_path / "o.sqlite3"), "coding", "access", "99"]) == 2
    assert "No coding 99" in capsys.readouterr().err


def test_a_database_at_0010_gains_the_log(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old_database(path, "0010").dispose()
    with sqlite3.connect(path) as conn:
        old_coding(conn)
    conn.close()
    store = open_store(path)
    try:
        assert access_log(store, 1) == []
        report_for_coding(store, 1, tmp_path / "r.pdf")
        assert logged(store) == [(1, USER, "report", "identifiable")]
    finally:
        store.close()


def test_the_cli_logs_who_says_they_are_at_the_keyboard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "observer.sqlite3"
    store = open_store(db)
    coding_id, _ = small_coding(store)
    store.close()
    out = ["--out", str(tmp_path / "a.csv")]
    assert main(["--db", str(db), "--as", "TS", "export", str(coding_id), *out]) == 0
    monkeypatch.setenv("GROUP_OBSERVER_INITIALS", "MB")
    assert main(["--db", str(db), "report", str(coding_id), "--out", str(tmp_path / "r.pdf")]) == 0
    nothing = tmp_path / "no-lines.txt"
    nothing.write_text("", encoding="utf-8")
    assert main(["--db", str(db), "--as", "HB", "record", str(coding_id), str(nothing)]) == 0
    capsys.readouterr()
    store = open_store(db)
    try:
        assert [(who, action) for _c, who, action, _d in logged(store)] == [
            ("TS", "export"),
            ("MB", "report"),
            ("HB", "open"),
        ]
    finally:
        store.close()
