"""Reading a video call's transcript: WebVTT (Zoom's and Teams' dialects) and SRT.

What the calls write (``docs/telehealth.md``):

- **Zoom**: WebVTT whose cue text is ``Display Name: text``; a cue without a name is
  someone the call could not tell ("Yes. Okay.").
- **Teams**: WebVTT with voice tags ``<v Display Name>text</v>``, id lines that look like
  GUIDs, and cues over several lines.
- **SRT** with the Zoom convention, ``Name: text``.

Each cue becomes a :class:`Cue`: where it is in the file (its timing line), its start and
end, the speaker as the call named them (``""`` when unnamed) and its words. Nothing is
matched to members here: that is ``transcript_import``'s.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from observer.domain.errors import InputError
from observer.formats.common import decode_text, read_bytes

# A Zoom prefix: a display name (no colon, not too long) then ": ". A longer "name" is
# more likely a sentence with a colon in it, so it stays unnamed rather than guessed.
_PREFIX = re.compile(r"^\s*([^:\n]{1,60}?)\s*:\s+(.*)\Z", re.S)
_TIMESTAMP = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})$")


@dataclass(frozen=True)
class Cue:
    """One cue of a transcript: ``line`` is its timing line (1-based), times in ms."""

    line: int
    start_ms: int
    end_ms: int
    speaker: str
    text: str


def read_transcript(path: Path) -> list[Cue]:
    """The cues of a ``.vtt`` or ``.srt`` file; InputError naming file and line otherwise."""
    import io

    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    text = decode_text(read_bytes(path), path)
    srt = path.suffix.lower() == ".srt" or not text.lstrip().startswith("WEBVTT")
    kind = "SRT" if srt else "WebVTT"
    timings = [(n, line) for n, line in enumerate(text.splitlines(), 1) if "-->" in line]
    if not timings:
        raise InputError(f"{path}: no cues (no line with a '-->' timing)")
    try:
        read = webvtt.from_buffer(io.StringIO(text), format="srt" if srt else "vtt")
        captions = read.captions
    except (MalformedFileError, MalformedCaptionError) as exc:
        raise InputError(f"{path}: not a valid {kind} transcript ({exc})") from exc
    # A cue the reader could not make sense of is skipped by it: refuse instead, placed.
    lines: list[int] = []
    for n, timing in timings:
        i = len(lines)
        if i < len(captions) and _stamp(timing.split("-->")[0]) == _stamp(captions[i].start):
            lines.append(n)
        else:
            raise InputError(f"{path}:{n}: not a {kind} cue timing: {timing.strip()!r}")
    cues = []
    for caption, line in zip(captions, lines, strict=True):
        where = f"{path}:{line}"
        start = _milliseconds(caption.start, where)
        end = _milliseconds(caption.end, where)
        if end < start:
            raise InputError(f"{where}: the cue ends ({caption.end}) before it starts")
        speaker, words = speaker_and_text(caption.voice, caption.text)
        cues.append(Cue(line, start, end, speaker, words))
    return cues


def speaker_and_text(voice: str | None, text: str) -> tuple[str, str]:
    """Who a cue names, and what they said: Teams' voice tag, else Zoom's ``Name:``."""
    if voice:
        return " ".join(voice.split()), text.strip()
    found = _PREFIX.match(text)
    if found is None:
        return "", text.strip()
    return " ".join(found.group(1).split()), found.group(2).strip()


def _milliseconds(stamp: str, where: str) -> int:
    found = _TIMESTAMP.match(stamp.strip())
    if found is None:
        raise InputError(f"{where}: {stamp!r} is not a time (hh:mm:ss.mmm)")
    hours, minutes, secs, fraction = found.groups()
    millis = int(fraction.ljust(3, "0"))
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(secs)) * 1000 + millis


def _stamp(text: str) -> int | None:
    found = _TIMESTAMP.match(text.strip())
    return None if found is None else _milliseconds(text, "")


def speakers(cues: Sequence[Cue]) -> list[str]:
    """The names a transcript uses, in the order they first speak."""
    return list(dict.fromkeys(c.speaker for c in cues if c.speaker))
