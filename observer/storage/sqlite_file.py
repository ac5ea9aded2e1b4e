"""What an SQLite file and the journals beside it say, read as bytes before SQLite opens them.

Opening a file with SQLite already acts on it: a write-ahead log beside it is applied, a
hot rollback journal is played back. Some of those must be refused first (a ``-wal`` left
by another copy of the file would replace this copy's records), so these checks read the
file formats directly (https://www.sqlite.org/fileformat2.html).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
# Our mark in the database header (PRAGMA application_id): "GPOb".
APPLICATION_ID = int.from_bytes(b"GPOb", "big")

_WAL_MAGIC = (0x377F0682, 0x377F0683)  # checksums little- or big-endian
_JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


@dataclass(frozen=True)
class Header:
    """The database header fields the opening checks need."""

    page_size: int
    change_counter: int
    pages: int
    user_version: int
    application_id: int


def read_header(path: Path) -> Header | None:
    """The header of an SQLite database file; None when the file is not one."""
    with path.open("rb") as fh:
        data = fh.read(100)
    if len(data) < 100 or not data.startswith(SQLITE_MAGIC):
        return None
    page_size = struct.unpack(">H", data[16:18])[0]
    return Header(
        page_size=65536 if page_size == 1 else page_size,
        change_counter=struct.unpack(">I", data[24:28])[0],
        pages=struct.unpack(">I", data[28:32])[0],
        user_version=struct.unpack(">I", data[60:64])[0],
        application_id=struct.unpack(">I", data[68:72])[0],
    )


def hot_journal(path: Path) -> bool:
    """Whether a rollback journal beside the file holds a write to undo (a crash mid-write)."""
    journal = Path(f"{path}-journal")
    try:
        with journal.open("rb") as fh:
            return fh.read(8) == _JOURNAL_MAGIC
    except FileNotFoundError:
        return False


def wal_belongs(path: Path, header: Header) -> bool:
    """Whether the ``-wal`` beside the file was written on top of this very file.

    Every transaction that writes page 1 raises the header's change counter, and the
    first such transaction after the log was started read page 1 from the file itself.
    So the valid frames of page 1 in a log that belongs to the file start at the file's
    counter + 1, or (once checkpointed into the file) include the file's counter. A log
    with no frame of page 1 never changed the file's size, which must then agree.
    """
    wal = Path(f"{path}-wal")
    try:
        data = wal.read_bytes()
    except FileNotFoundError:
        return True
    if len(data) < 32:
        return True  # no header: SQLite ignores it
    magic, _version, page_size, _seq, salt1, salt2 = struct.unpack(">IIIIII", data[:24])
    if magic not in _WAL_MAGIC:
        return True  # not a log SQLite would read
    big_endian = magic & 1 == 1
    s0, s1 = _checksum(data[:24], 0, 0, big_endian)
    if (s0, s1) != struct.unpack(">II", data[24:32]):
        return True  # a log with a torn header is ignored by SQLite
    counters: list[int] = []
    pending: list[int] = []
    offset = 32
    while offset + 24 + page_size <= len(data):
        page, commit_size, f1, f2, c0, c1 = struct.unpack(">IIIIII", data[offset : offset + 24])
        if (f1, f2) != (salt1, salt2):
            break
        page_data = data[offset + 24 : offset + 24 + page_size]
        s0, s1 = _checksum(data[offset : offset + 8], s0, s1, big_endian)
        s0, s1 = _checksum(page_data, s0, s1, big_endian)
        if (s0, s1) != (c0, c1):
            break
        if page == 1:
            pending.append(struct.unpack(">I", page_data[24:28])[0])
        if commit_size:  # a commit frame: what came before it is part of the record
            counters += pending
            pending = []
            if page_size != header.page_size:
                return False
            if counters and (
                counters[0] == header.change_counter + 1 or header.change_counter in counters
            ):
                return True  # decided: the rest of a long log need not be read
            if not counters and commit_size != header.pages:
                return False
        offset += 24 + page_size
    # Page 1 in it but never as this file has it; or never in it, and sizes agreed above.
    return not counters


def _checksum(data: bytes, s0: int, s1: int, big_endian: bool) -> tuple[int, int]:
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1
