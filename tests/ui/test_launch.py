"""``group-observer``: only the app's options start the app; anything else is a command."""

from __future__ import annotations

import os
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


# The app is replaced by one that reports when the key's derivation started: before Qt
# was loaded, and on the passphrase the app then opens the database with.
_DERIVED_AHEAD = """
import sys, types
from observer.storage.cipher import Passphrase

started = []
derive = Passphrase.derive_ahead

def noted(self, path):
    started.append((self, "PySide6" in sys.modules, str(path)))
    derive(self, path)

Passphrase.derive_ahead = noted
app = types.ModuleType("ui.app")
app.run = lambda db, coding, ready, passphrase: print(
    [(qt, path, given is passphrase) for given, qt, path in started]) or 0
sys.modules["ui.app"] = app
import ui.launch
sys.exit(ui.launch.main(sys.argv[1:]))
"""


def test_the_key_of_an_encrypted_database_is_derived_before_qt_loads(tmp_path: Path) -> None:
    from observer.storage.cipher import Passphrase
    from observer.storage.store import open_store

    path = tmp_path / "encrypted.sqlite3"
    open_store(path, Passphrase("a passphrase for the start")).close()
    secret = tmp_path / "pass"
    secret.write_text("a passphrase for the start\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", _DERIVED_AHEAD, "--db", str(path), "--passphrase-file", str(secret)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert result.returncode == 0, result.stderr
    # Once, with Qt not yet loaded, on the passphrase the app is given.
    assert result.stdout.strip() == repr([(False, str(path), True)])


def test_an_unreadable_passphrase_file_starts_no_app(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.app

    monkeypatch.setattr(ui.app, "run", lambda *args: pytest.fail("the app started"))
    missing = tmp_path / "nowhere"
    assert launch.main(["--db", "x.sqlite3", "--passphrase-file", str(missing)]) == 2
    assert str(missing) in capsys.readouterr().err
