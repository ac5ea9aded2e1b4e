"""How big an imported file may be, checked as it is read, before it can cost much.

A file that is too big is refused within seconds and in little memory, with the limit it
passed named in the message: the size on disk is looked at first; a compressed file
(an XLSX workbook, a gzipped BORIS project) by what it says it unpacks to, never by
unpacking it; a table is read a line at a time and counted before anything is kept. The
limits are generous for any real coding (a full day coded at an event a second is 86,400
events) and documented in ``docs/formats.md`` ("Limits of a file").
"""

from __future__ import annotations

import itertools
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from observer.domain.errors import InputError

MIB = 1024 * 1024
# A CSV/TSV, JSON or BORIS file, on disk (a 200,000-event table is about 30 MiB).
MAX_FILE_BYTES = 64 * MIB
# What a compressed file unpacks to: a whole workbook (every sheet, the shared texts), or
# a gzipped BORIS project (the JSON inside).
MAX_UNPACKED_BYTES = 128 * MIB
# Events (rows of a table, events of a JSON coding or of all a BORIS project's observations).
MAX_ROWS = 200_000
# One field or cell: the longest note the app keeps is 100,000 characters.
MAX_FIELD_CHARS = 100_000
# Columns of a table; parts of a workbook; the different texts a workbook may share.
MAX_COLUMNS = 1_000
MAX_WORKBOOK_PARTS = 1_000
MAX_SHARED_TEXTS = 2 * MAX_ROWS
# One line of a text file, one row of a sheet, one shared text: room for a row of long
# fields (a field of 100,000 characters takes up to 400,000 bytes of UTF-8), none for a
# file without line breaks read as one line.
MAX_LINE_BYTES = 2 * MIB
_CHUNK = MIB


def refused(where: Path | str, found: str, limit: str) -> InputError:
    """The one wording: what was found, then the limit it passed."""
    return InputError(f"{where}: {found}; {limit}. Nothing was imported.")


def size_mib(n: int) -> str:
    return f"{n / MIB:,.0f} MiB" if n >= MIB else f"{n:,} bytes"


def check_size(path: Path) -> int:
    """The size of a file to read, refused before it is opened when it is too big."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    if size > MAX_FILE_BYTES:
        raise refused(path, f"the file is {size_mib(size)}",
                      f"a file to import may be at most {size_mib(MAX_FILE_BYTES)}")  # fmt: skip
    return size


def read_limited(path: Path) -> bytes:
    """A whole file, refused first when it is too big."""
    check_size(path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc


def gunzip_limited(data: bytes, path: Path) -> bytes:
    """Unpack gzip data, stopping (and refusing) as soon as it passes the unpacked limit."""
    unpack = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    out = bytearray()
    try:
        while data:
            out += unpack.decompress(data, MAX_UNPACKED_BYTES + 1 - len(out))
            if len(out) > MAX_UNPACKED_BYTES:
                most = size_mib(MAX_UNPACKED_BYTES)
                raise refused(path, f"it unpacks to more than {most}",
                              f"a project may unpack to at most {most}")  # fmt: skip
            data = unpack.unconsumed_tail or unpack.unused_data
            if unpack.eof:
                break
        if not unpack.eof:
            raise zlib.error("the compressed data ends too early")
    except zlib.error as exc:
        raise InputError(f"{path}: damaged compressed BORIS project ({exc})") from exc
    return bytes(out)


def text_lines(path: Path) -> Iterator[tuple[int, str]]:
    """The lines of a UTF-8 text file with their numbers, read one at a time.

    Refuses a file too big, a line too long, bytes that are not UTF-8 (naming the byte)
    and NUL characters. A byte-order mark at the start is skipped.
    """
    check_size(path)
    offset = 0
    try:
        fh: IO[bytes] = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    with fh:
        for number in itertools.count(1):
            raw = fh.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            if len(raw) > MAX_LINE_BYTES:
                most = size_mib(MAX_LINE_BYTES)
                raise refused(f"{path}:{number}", f"the line is longer than {most}",
                              f"a line may be at most {most}")  # fmt: skip
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{path}: not UTF-8 text (byte {offset + exc.start}); save the file as UTF-8"
                ) from exc
            if "\x00" in text:
                raise InputError(f"{path}: contains NUL characters (not a text file, or damaged)")
            offset += len(raw)
            yield number, text.removeprefix("\ufeff") if number == 1 else text


def check_rows(count: int, where: str) -> None:
    """Refuse the row that passes ``MAX_ROWS``."""
    if count > MAX_ROWS:
        raise refused(where, f"more than {MAX_ROWS:,} events",
                      f"a file to import may hold at most {MAX_ROWS:,} events (rows)")  # fmt: skip


def check_field(text: str, where: str) -> None:
    if len(text) > MAX_FIELD_CHARS:
        raise refused(where, f"a field of {len(text):,} characters",
                      f"a field may hold at most {MAX_FIELD_CHARS:,} characters")  # fmt: skip


def check_workbook(path: Path) -> None:
    """Refuse a workbook too big to read, from its table of contents and a quick count.

    Nothing is unpacked to learn sizes (a zip says what each part unpacks to, and Python
    never unpacks more than that). The sheets' rows and the shared texts are then counted
    in a stream of the unpacked bytes, stopping at the limit; one row or one text that
    runs on for megabytes is refused too, before a reader holds it whole.
    """
    check_size(path)
    try:
        with zipfile.ZipFile(path) as book:
            parts = book.infolist()
            if len(parts) > MAX_WORKBOOK_PARTS:
                raise refused(path, f"the workbook has {len(parts):,} parts",
                              f"a workbook may have at most {MAX_WORKBOOK_PARTS:,}")  # fmt: skip
            unpacked = sum(p.file_size for p in parts)
            if unpacked > MAX_UNPACKED_BYTES:
                biggest = max(parts, key=lambda p: p.file_size)
                raise refused(
                    path,
                    f"the workbook unpacks to {size_mib(unpacked)} ({biggest.filename}: "
                    f"{size_mib(biggest.file_size)})",
                    f"a workbook may unpack to at most {size_mib(MAX_UNPACKED_BYTES)}",
                )
            for part in parts:
                name = part.filename
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    _check_width(book, name, path)
                    rows, longest = _scan(book, name, _ROW, MAX_ROWS + 1)
                    check_rows(rows - 1, f"{path}: {name}")  # the first row is the header
                    what = "a row"
                elif name == "xl/sharedStrings.xml":
                    texts, longest = _scan(book, name, _TEXT, MAX_SHARED_TEXTS)
                    if texts > MAX_SHARED_TEXTS:
                        most = f"{MAX_SHARED_TEXTS:,}"
                        raise refused(path, f"the workbook shares more than {most} texts",
                                      f"a workbook may share at most {most}")  # fmt: skip
                    what = "a text"
                else:
                    continue
                if longest > MAX_LINE_BYTES:
                    most = size_mib(MAX_LINE_BYTES)
                    raise refused(f"{path}: {name}", f"{what} of more than {most}",
                                  f"a row or a text may take at most {most}")  # fmt: skip
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
        raise InputError(f"{path}: not a readable Excel workbook ({exc})") from exc


# The start of a row of a sheet, and of a shared text (with or without a namespace prefix).
_ROW = re.compile(rb"<(?:\w{1,10}:)?row[\s/>]")
_TEXT = re.compile(rb"<(?:\w{1,10}:)?si[\s/>]")
_LONGEST_MARK = 16


_DIMENSION = re.compile(rb'<(?:\w{1,10}:)?dimension\s+ref="[A-Z]*\d*:?([A-Z]{1,3})\d*"')


def _check_width(book: zipfile.ZipFile, name: str, path: Path) -> None:
    """Refuse a sheet that says it is wider than the limit (its rows would come padded)."""
    with book.open(name) as part:
        found = _DIMENSION.search(part.read(64 * 1024))
    if found is None:
        return
    width = 0
    for letter in found.group(1):
        width = width * 26 + letter - ord("A") + 1
    if width > MAX_COLUMNS:
        raise refused(f"{path}: {name}", f"the sheet is {width:,} columns wide",
                      f"a row may have at most {MAX_COLUMNS:,} columns")  # fmt: skip


def _scan(book: zipfile.ZipFile, name: str, mark: re.Pattern[bytes], stop: int) -> tuple[int, int]:
    """How many marks a part holds (counting stops past ``stop``), and the longest stretch
    of bytes between two of them (or before the first, after the last)."""
    count = 0
    last = 0  # where the last mark began
    longest = 0
    tail = b""
    offset = 0  # where the window begins in the part
    with book.open(name) as part:
        while count <= stop and longest <= MAX_LINE_BYTES:
            chunk = part.read(_CHUNK)
            if not chunk:
                break
            window = tail + chunk
            for found in mark.finditer(window):
                if found.end() <= len(tail):
                    continue  # seen whole in the last window
                at = offset + found.start()
                longest = max(longest, at - last)
                last = at
                count += 1
            offset += len(window) - min(len(window), _LONGEST_MARK - 1)
            tail = window[-(_LONGEST_MARK - 1) :]
            longest = max(longest, offset + len(tail) - last)
    return count, longest
