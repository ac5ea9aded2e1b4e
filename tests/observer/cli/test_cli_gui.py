"""``group-observer [--db PATH] [--coding ID]`` starts the GUI entry point with those."""

from __future__ import annotations

from typing import Any

import pytest

import observer.cli.main as cli


class FakeEntryPoint:
    def __init__(self, calls: list[tuple[Any, ...]]) -> None:
        self.calls = calls

    def load(self) -> Any:
        def run(db: str | None, coding: int | None = None) -> int:
            self.calls.append((db, coding))
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
    assert calls == [("x.sqlite3", None)]


def test_coding_opens_that_coding(calls: list[tuple[Any, ...]]) -> None:
    assert cli.main(["--db", "x.sqlite3", "--coding", "7"]) == 0
    assert calls == [("x.sqlite3", 7)]


def test_coding_must_be_a_number(calls: list[tuple[Any, ...]]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--coding", "seven"])
    assert calls == []
