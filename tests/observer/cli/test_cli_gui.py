"""``group-observer [--db PATH] [--coding ID] [--passphrase-file FILE]`` starts the GUI
entry point with those (the passphrase also from ``GROUP_OBSERVER_PASSPHRASE``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import observer.cli.main as cli


class FakeEntryPoint:
    def __init__(self, calls: list[tuple[Any, ...]]) -> None:
        self.calls = calls

    def load(self) -> Any:
        def run(db: str | None, coding: int | None = None, passphrase: Any = None) -> int:
            self.calls.append((db, coding))
            self.calls.append(("passphrase", None if passphrase is None else passphrase.text()))
            return 0

        return run


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    import importlib.metadata

    made: list[tuple[Any, ...]] = []
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [FakeEntryPoint(made)])
    return made


def test_no_command_starts_the_app(calls: list[tuple[Any, ...]]) -> None:
    assert cli.main(["--db", "x.sqlite3"]) == 0
    assert calls == [("x.sqlite3", None), ("passphrase", None)]


def test_coding_opens_that_coding(calls: list[tuple[Any, ...]]) -> None:
    assert cli.main(["--db", "x.sqlite3", "--coding", "7"]) == 0
    assert calls == [("x.sqlite3", 7), ("passphrase", None)]


def test_coding_must_be_a_number(calls: list[tuple[Any, ...]]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--coding", "seven"])
    assert calls == []


def test_the_passphrase_file_reaches_the_app(calls: list[tuple[Any, ...]], tmp_path: Path) -> None:
    secret = tmp_path / "pass"
    secret.write_text("correct horse battery\n", encoding="utf-8")
    assert cli.main(["--db", "x.sqlite3", "--passphrase-file", str(secret)]) == 0
    assert calls == [("x.sqlite3", None), ("passphrase", "correct horse battery")]


def test_the_passphrase_variable_reaches_the_app(
    calls: list[tuple[Any, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GROUP_OBSERVER_PASSPHRASE", "from the script")
    assert cli.main(["--db", "x.sqlite3"]) == 0
    assert calls == [("x.sqlite3", None), ("passphrase", "from the script")]


def test_an_unreadable_passphrase_file_starts_nothing(
    calls: list[tuple[Any, ...]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    assert cli.main(["--db", "x.sqlite3", "--passphrase-file", str(missing)]) == 2
    assert calls == []
    assert str(missing) in capsys.readouterr().err
