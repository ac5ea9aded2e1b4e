"""The settings file names the databases opened recently: it is its user's alone."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ui.app import recent_databases, remember_database
from ui.settings import user_settings


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_settings_file_is_private_from_its_first_write(tmp_path: Path) -> None:
    before = os.umask(0o022)
    try:
        settings = user_settings()
        remember_database(settings, str(tmp_path / "clinic.sqlite3"))
        settings.sync()
        remember_database(settings, str(tmp_path / "other.sqlite3"))
        settings.sync()
    finally:
        os.umask(before)
    written = Path(settings.fileName())
    assert "clinic.sqlite3" in written.read_text(encoding="utf-8")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert recent_databases(user_settings())[0].endswith("other.sqlite3")
