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


def user_settings() -> QSettings:
    """The app's settings, their file readable by its owner only."""
    settings = QSettings()
    where = Path(settings.fileName())
    if os.name == "posix" and where.is_absolute():
        # A settings folder that cannot be written: Qt keeps the settings in memory.
        with contextlib.suppress(OSError):
            ensure_private(where)
    return settings
