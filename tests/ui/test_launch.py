"""``group-observer``: only the app's options start the app; anything else is a command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ui import launch


@pytest.mark.parametrize(
    ("args", "app"),
    [
        ([], True),
        (["--db", "x.sqlite3"], True),
        (["--db=x.sqlite3", "--coding", "7"], True),
        (["--coding=7", "--ready-signal"], True),
        (["--db"], False),  # the command line says what is missing
        (["--version"], False),
        (["-h"], False),
        (["codebook", "list"], False),
        (["--db", "x.sqlite3", "demo"], False),
    ],
)
def test_what_starts_the_app(args: list[str], app: bool) -> None:
    assert launch.wants_the_app(args) is app


def test_the_app_gets_its_options_and_commands_go_to_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import observer.cli.main
    import ui.app

    started: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        ui.app,
        "run",
        lambda db, coding, ready, passphrase=None: started.append((db, coding)) or 0,
    )
    commands: list[list[str]] = []
    monkeypatch.setattr(observer.cli.main, "main", lambda args: commands.append(list(args)) or 0)
    assert launch.main(["--db", "x.sqlite3", "--coding", "7"]) == 0
    assert launch.main(["codebook", "list"]) == 0
    assert started == [("x.sqlite3", 7)]
    assert commands == [["codebook", "list"]]


def test_a_coding_that_is_not_a_number_is_refused_before_any_window() -> None:
    script = Path(sys.executable).with_name("group-observer")
    if not script.exists():
        pytest.skip(f"no installed group-observer beside {sys.executable} (run scripts/setup.sh)")
    result = subprocess.run(
        [str(script), "--coding", "seven"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "group-observer: error: argument --coding: invalid int value: 'seven'" in result.stderr
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("group-observer ")


def test_a_window_shows_at_once_only_while_a_database_is_created(tmp_path: Path) -> None:
    from ui.app import _slow_to_open

    new = tmp_path / "new.sqlite3"
    assert _slow_to_open(str(new))  # created with the whole database toolkit: a second or so
    new.write_bytes(b"")
    assert not _slow_to_open(str(new))  # the start screen itself comes within half a second
    assert _slow_to_open("postgresql://clinic-server/observer")
