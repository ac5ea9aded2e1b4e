"""What a time, a number or a text may be, whichever way it comes in.

Recording, editing, every import and the command line check values here, so a value is
accepted or refused the same everywhere and in the same words. The limits are documented
in ``docs/formats.md`` ("Limits").
"""

from __future__ import annotations

import math
import re
from typing import Any

from observer.domain.clock import format_time, parse_time
from observer.domain.errors import Refused

# The longest a session, or the recording of one, can last. A time beyond it is a mistake
# (milliseconds written as seconds, a damaged file), and the limit keeps every stored time
# far inside a 64-bit database integer.
MAX_SESSION_MS = 24 * 60 * 60 * 1000

# Control characters (C0 and C1), lone surrogates and the two non-characters: invisible,
# refused by XML (ELAN) and by Excel, and a sign of text decoded with the wrong encoding.
# Notes may hold tabs and line breaks; names may not.
_NOT_IN_NAMES = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NOT_IN_NOTES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def shown(ms: int) -> str:
    """A time in a message: clock time, or hours when it is absurdly far off."""
    if abs(ms) < 10**13:
        return format_time(ms)
    return f"{ms / 3_600_000:.3g} hours"


def session_time(ms: int, field: str = "time") -> int:
    """A time on the session clock: from the start to ``MAX_SESSION_MS`` after it."""
    if ms < 0:
        raise Refused(field, f"{shown(ms)} is before the session started")
    if ms > MAX_SESSION_MS:
        raise Refused(
            field,
            f"{shown(ms)} is after {format_time(MAX_SESSION_MS)}, the longest a session can last",
        )
    return ms


def offset_time(ms: int, field: str = "offset_ms") -> int:
    """A signed time (a recording's offset): no further from zero than a whole session."""
    if abs(ms) > MAX_SESSION_MS:
        raise Refused(
            field, f"{shown(ms)} is further than {format_time(MAX_SESSION_MS)} from the session"
        )
    return ms


def number(value: Any, field: str) -> int | float:
    """A number from a file: neither text nor true/false, and finite."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Refused(field, f"{value!r} is not a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise Refused(field, f"{value!r} is not a number")
    return value


def milliseconds(value: Any, field: str, per_unit: int = 1) -> int:
    """Whole milliseconds from a number of milliseconds (or of seconds: ``per_unit=1000``)."""
    scaled = number(value, field) * per_unit
    if isinstance(scaled, float) and not math.isfinite(scaled):
        raise Refused(field, f"{value!r} is not a time a session can have")
    return round(scaled)


def time_from_text(text: str, field: str = "time") -> int:
    """Milliseconds from seconds (``12.5``) or ``[hh:]mm:ss[.mmm]`` as a person writes them."""
    try:
        return parse_time(text)
    except ValueError:
        raise Refused(field, f"{text!r} is not a time (seconds or hh:mm:ss.mmm)") from None


def whole_number(value: Any, field: str, minimum: int = 0, maximum: int = 10**9) -> int:
    """A count, a seat or a session number: a whole number within its range."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refused(field, f"expected a whole number, not {value!r}")
    if value < minimum:
        raise Refused(field, f"{value} is less than {minimum}")
    if value > maximum:
        raise Refused(field, f"{value} is more than {maximum}")
    return value


def name(text: str, field: str, max_length: int, what: str = "a name") -> str:
    """A name (pseudonym, initials, group, observer): one line, not empty, trimmed."""
    text = text.strip()
    if not text:
        raise Refused(field, f"empty: {what} is needed")
    _visible(text, field, _NOT_IN_NAMES)
    if len(text) > max_length:
        raise Refused(field, f"{text[:20]!r}… is longer than {max_length} characters")
    return text


def note(text: str, field: str = "note", max_length: int = 100_000) -> str:
    """Free text (a note, a description): any length up to a book page, tabs and lines kept."""
    _visible(text, field, _NOT_IN_NOTES)
    if len(text) > max_length:
        raise Refused(field, f"longer than {max_length} characters")
    return text


def single_line(text: str, field: str, max_length: int = 1_000) -> str:
    """A short text that may be empty (a label, a path, a modality): one line, as written."""
    _visible(text, field, _NOT_IN_NAMES)
    if len(text) > max_length:
        raise Refused(field, f"longer than {max_length} characters")
    return text


def _visible(text: str, field: str, forbidden: re.Pattern[str]) -> None:
    found = forbidden.search(text)
    if found is not None:
        char = found.group()
        what = _NAMED.get(char, f"the control character U+{ord(char):04X}")
        why = (
            "a name is one line of visible characters"
            if forbidden is _NOT_IN_NAMES
            else "control characters are invisible, and Excel and ELAN files cannot hold them"
        )
        raise Refused(field, f"contains {what} at position {found.start() + 1}: {why}")


_NAMED = {"\n": "a line break", "\r": "a line break", "\t": "a tab"}
