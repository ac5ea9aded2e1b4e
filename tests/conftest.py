"""Shared fixtures. Qt runs offscreen in every test (set here, before Qt is imported)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

SHARED = Path(__file__).resolve().parents[2] / "shared"
FIXTURES = SHARED / "fixtures"


@pytest.fixture(autouse=True)
def private_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The user's data folder (server outboxes live there) is the test's own."""
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    return folder


@pytest.fixture(scope="module")
def server() -> Iterator[object]:
    """A throwaway PostgreSQL server of the test module's own (``tests/postgres_server.py``);
    started on first use, stopped after the module's last test."""
    from tests.postgres_server import ThrowawayServer

    running = ThrowawayServer()
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[object]:
    """An empty database in a temporary file."""
    from observer.storage.store import open_store

    opened = open_store(tmp_path / "observer.sqlite3")
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database, built once per test run."""
    from observer.storage.store import open_store
    from observer.workspace.demo import create_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    opened = open_store(path)
    create_demo(opened)
    opened.close()
    return path


@pytest.fixture
def demo_store(demo_template: Path, tmp_path: Path) -> Iterator[object]:
    """A private copy of the demo database: groups, 4 sessions, 6 codings (ids 1-6)."""
    import shutil

    from observer.storage.store import open_store

    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, path)
    opened = open_store(path)
    yield opened
    opened.close()


@pytest.fixture
def shared_fixtures() -> Path:
    """The interoperability fixtures beside the repository; skipped when absent."""
    if not FIXTURES.is_dir():
        pytest.skip(f"shared fixtures not found at {FIXTURES} (they live beside the repository)")
    return FIXTURES


class MemoryKeyring:
    """A system keyring kept in memory: no test reads or writes the real one."""

    priority = 1

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.kept.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.kept[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.kept.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    import keyring

    fake = MemoryKeyring()
    for name in ("get_password", "set_password", "delete_password"):
        monkeypatch.setattr(keyring, name, getattr(fake, name))
    return fake
