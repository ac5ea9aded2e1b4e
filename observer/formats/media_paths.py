"""Which recording paths read from an imported file may be kept: plain local files only.

A project file can name anything as a session's recording: ``/etc/shadow``,
``../../../../root/.ssh/id_rsa``, a share on another machine (``\\\\server\\share``), a
web address, a device. Kept, such a path would be opened by the player and linked by an
ELAN export. So one rule decides, for every import and the ELAN export: a path is kept
only when it names a plain file on this computer, outside the system's folders and the
hidden folders where keys and settings live. A relative path is resolved against the
imported file's folder and must stay inside the folder the user picked for recordings
(by default that same folder), symbolic links and ``..`` followed; it is stored as
written. A path that does not exist (yet) on this computer is kept: recordings often
live on another drive; one that exists must be a regular file. The ELAN export links
only a stored absolute path that passes the check: where a relative one starts is not
known once imported.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePath, PureWindowsPath

from observer.domain.errors import InputError

# A scheme of two letters or more ("C:" is a Windows drive, not a URL).
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
_SYSTEM_FOLDERS = tuple(
    Path(p)
    for p in ("/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/bin", "/sbin", "/lib",
              "/lib32", "/lib64", "/usr", "/var", "/run", "/private/etc", "/private/var",
              "/System", "/Library")
)  # fmt: skip
_WINDOWS_SYSTEM = ("windows", "program files", "program files (x86)", "programdata")
_WINDOWS_DEVICES = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


def media_refusal(text: str, folder: Path | None = None, inside: Path | None = None) -> str | None:
    """Why a recording's path from a file cannot be kept, or None when it is a local file.

    ``folder``: where a relative path starts (the imported file's folder; default the
    current folder); ``inside``: the folder a relative path must stay in.
    """
    if not text.strip():
        return "it is empty"
    if _URL.match(text):
        return "it is a web or other address, not a file on this computer"
    if text.startswith(("\\\\", "//")):
        return "it names a share on another computer (a network path)"
    if _WINDOWS_DEVICES.match(PureWindowsPath(text).name):
        return "it names a device, not a file"
    path = Path(text)
    relative = not path.is_absolute()
    if relative:
        path = (folder or Path.cwd()) / path
    resolved = Path(os.path.realpath(path))
    if relative and inside is not None:
        bound = Path(os.path.realpath(inside))
        if resolved != bound and bound not in resolved.parents:
            return f"it leads outside the recordings folder {bound} (to {resolved})"
    if any(resolved == f or f in resolved.parents for f in _SYSTEM_FOLDERS):
        return f"it leads into a system folder ({resolved})"
    if _windows_system(resolved):
        return f"it leads into a system folder ({resolved})"
    if any(part.startswith(".") and part not in (".", "..") for part in resolved.parts):
        return f"it leads into a hidden folder, where keys and settings are kept ({resolved})"
    if resolved.exists() and not resolved.is_file():
        return "it is not a plain file (a folder, a device or a pipe)"
    return None


def recordings_folder(given: str | Path | None, imported: Path) -> Path:
    """The folder relative recording paths of ``imported`` must stay in: the one the user
    picked (``--media-folder``), else the imported file's own folder."""
    if given is None or str(given) == "":
        return imported.parent
    folder = Path(given).expanduser()
    if not folder.is_dir():
        raise InputError(f"{folder}: the recordings folder does not exist (or is not a folder)")
    return folder


def linkable(stored: str) -> bool:
    """Whether an export may link a stored recording: an absolute path to a local file
    (a relative one, stored as an imported file wrote it, says nothing of where it starts)."""
    return bool(stored) and Path(stored).is_absolute() and media_refusal(stored) is None


def refused_media(
    text: str, folder: Path | None, where: str, inside: Path | None = None
) -> str | None:
    """The import warning for a recording's path that is not kept, or None when it is."""
    why = media_refusal(text, folder, inside)
    if why is None:
        return None
    shown = text if len(text) <= 120 else text[:117] + "…"
    return f"{where}: recording {shown!r} not kept: {why}"


def _windows_system(path: PurePath) -> bool:
    parts = [p.lower().rstrip("\\/") for p in path.parts]
    return len(parts) > 1 and parts[0].endswith(":") and parts[1] in _WINDOWS_SYSTEM
