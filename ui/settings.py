"""The app's settings (recent databases, remembered choices), in a file the user alone reads.

The settings name the databases recently opened, so the file is made private before Qt
first writes it; Qt rewrites it by replacing it and keeps its mode. Where settings are
not a file (the Windows registry), there is nothing to do.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from PySide6.QtCore import QSettings

from observer.storage.private_file import ensure_private

# The initials of the person using the app, for the access log (``storage.access_log``).
INITIALS_KEY = "you/initials"


def keyboard_initials() -> str | None:
    """The initials the person gave ("your initials"), or None: the user name is logged."""
    given = str(user_settings().value(INITIALS_KEY, "") or "").strip()
    return given or None


def set_keyboard_initials(initials: str) -> None:
    """Keep (or, empty, forget) the initials of the person using the app."""
    settings = user_settings()
    if initials.strip():
        settings.setValue(INITIALS_KEY, initials.strip())
    else:
        settings.remove(INITIALS_KEY)
    settings.sync()


def user_settings() -> QSettings:
    """The app's settings, their file readable by its owner only."""
    settings = QSettings()
    where = Path(settings.fileName())
    if os.name == "posix" and where.is_absolute():
        # A settings folder that cannot be written: Qt keeps the settings in memory.
        with contextlib.suppress(OSError):
            ensure_private(where)
    return settings
