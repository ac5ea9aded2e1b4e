"""Every file the app writes for a person: readable by its owner only, and whole or absent.

Exports, reports, saved codebooks, chart images and the settings file hold clinical
details (pseudonyms, notes, the paths of databases), so each is created 0600 from its
first byte, whatever the umask says (on POSIX; on Windows a file takes the permissions of
its folder, and the mode asked for is ignored). It is written under a hidden name beside
its final one, flushed to disk and only then renamed: a write stopped half-way (a full
disk, a cancel) leaves nothing under the name asked for, and an earlier file there as it
was. Replacing a file that was readable by others makes it private too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PRIVATE = 0o600
PRIVATE_FOLDER = 0o700


def create_private(path: Path) -> None:
    """A new empty file at ``path``, readable by its owner only (never through a symlink)."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, PRIVATE)  # a umask such as 0o277 would have taken the write bit
    finally:
        os.close(fd)


@contextmanager
def written_whole(path: str | Path) -> Iterator[Path]:
    """A private file to write ``path``'s whole content into; put in place if the block ends well.

    Writers that open the file by name (openpyxl, matplotlib, ElementTree) truncate it and
    keep its mode, so the content is never readable by others, even for a moment.
    """
    path = Path(path)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)  # left by a write of an earlier process with this id
    try:
        create_private(partial)
        yield partial
        with partial.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, path)
        fsync_folder(path.parent)
    finally:
        partial.unlink(missing_ok=True)


def write_private_text(path: str | Path, text: str) -> None:
    """``text`` as UTF-8 at ``path``, whole and readable by its owner only."""
    with written_whole(path) as partial:
        partial.write_text(text, encoding="utf-8")


def ensure_private(path: str | Path) -> Path:
    """An existing file made private, or an empty private one (in a private new folder).

    For files another library rewrites in place of the old one and whose mode it keeps
    (Qt's settings file).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    try:
        create_private(path)
    except FileExistsError:
        path.chmod(PRIVATE)
    return path


def fsync_file(path: Path) -> None:
    """Flush a file written by name (by another library) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new name in ``folder`` durable (not possible on every system:
    a folder that cannot be opened or flushed, as on Windows, needs nothing)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
