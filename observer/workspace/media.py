"""Recordings of a session: offsets against the session clock, moved and missing files.

Every coding of a session stores times on one clock, the session clock, so that a live
coding and a coding made later from the recording can be compared. A recording that
started late (or early) is lined up by its offset::

    session time = media time + offset_ms

``offset_ms`` is the session-clock time at the recording's first frame. It can be typed,
or found by marking one moment in both: "this clap is at 00:03:12 in the live coding and
at 00:00:41 in the video".
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select

from observer.domain.clock import format_clock, media_time, session_time
from observer.domain.errors import InputError, NotFound
from observer.domain.events import Event
from observer.storage.models import Coding, GroupSession, MediaFile
from observer.storage.store import Store

# Media the app offers in its file dialogs (Qt Multimedia's FFmpeg backend reads more).
MEDIA_SUFFIXES = (
    ".mp4", ".m4v", ".mov", ".mkv", ".avi", ".webm", ".mpg", ".mpeg", ".wmv",
    ".mp3", ".m4a", ".wav", ".ogg", ".oga", ".opus", ".flac", ".aac", ".wma",
)  # fmt: skip

OK = "ok"
MISSING = "missing"
NOT_A_FILE = "not a file"
EMPTY = "empty"
UNREADABLE = "unreadable"


@dataclass(frozen=True)
class MediaCheck:
    """Whether a recording's file can be opened, with a message for the user when not."""

    status: str
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status == OK


@dataclass(frozen=True)
class MediaInfo:
    """A recording attached to a session, detached from the database."""

    id: int
    session_id: int
    path: str
    offset_ms: int
    duration_ms: int | None
    label: str

    @property
    def name(self) -> str:
        return self.label or Path(self.path).name

    def summary(self) -> str:
        """What was attached, as attaching confirms it: name, length and where it starts."""
        length = (
            f"{format_clock(self.duration_ms)} long"
            if self.duration_ms is not None
            else "length unknown (the file could not be read as a recording)"
        )
        start = format_clock(self.offset_ms)
        return f"{self.name}, {length}, first frame at session time {start}"

    def session_time(self, media_ms: int) -> int:
        """The session-clock time of a moment in this recording."""
        return session_time(media_ms, self.offset_ms)

    def media_time(self, session_ms: int) -> int:
        """Where a session-clock time is in this recording (negative: before it started)."""
        return media_time(session_ms, self.offset_ms)

    def check(self) -> MediaCheck:
        return check_media(self.path)


def offset_from_marks(session_ms: int, media_ms: int) -> int:
    """The offset that puts one moment at ``session_ms`` in the coding and ``media_ms`` in the file.

    A recording started 2 minutes after the live coding's clock has a positive offset
    (120 000); one started before it has a negative offset.
    """
    return session_ms - media_ms


def check_media(path: str | os.PathLike[str]) -> MediaCheck:
    """Can this file be read? Whether it can be *played* only the player can tell."""
    where = Path(path).expanduser()
    if not where.exists():
        return MediaCheck(
            MISSING,
            f"The recording {where.name} is not at {where.parent} any more "
            "(moved, renamed, or on a drive that is not connected). Locate it to play it; "
            "the coding can be opened and edited without it.",
        )
    if not where.is_file():
        return MediaCheck(NOT_A_FILE, f"{where} is a folder, not a recording.")
    if not os.access(where, os.R_OK):
        return MediaCheck(UNREADABLE, f"{where} cannot be read (no permission).")
    if where.stat().st_size == 0:
        return MediaCheck(EMPTY, f"{where} is empty (0 bytes): the recording was not saved.")
    return MediaCheck(OK)


def recording_length_ms(path: str | os.PathLike[str]) -> int | None:
    """How long a recording is, read from its container; None when it cannot be read.

    Read when a recording is attached so that attaching can say what was attached;
    the player corrects it later if the container's figure was wrong.
    """
    import av  # decoding libraries load only when a recording is looked at

    try:
        with av.open(os.fspath(path)) as container:
            if container.duration is not None and container.duration > 0:
                return round(container.duration / 1000)  # microseconds (av.time_base)
            streams = [s for s in container.streams if s.duration and s.time_base]
            lengths = [float(s.duration * s.time_base) for s in streams]  # type: ignore[operator]
            return round(max(lengths) * 1000) if lengths else None
    except (av.FFmpegError, OSError, ValueError):
        return None


def _info(row: MediaFile) -> MediaInfo:
    return MediaInfo(row.id, row.session_id, row.path, row.offset_ms, row.duration_ms, row.label)


def get_media(store: Store, media_id: int) -> MediaInfo:
    with store.reader() as s:
        row = s.get(MediaFile, media_id)
        if row is None:
            raise NotFound(f"No recording {media_id}.")
        return _info(row)


def session_media(store: Store, session_id: int) -> list[MediaInfo]:
    """The recordings of a session, in the order they were attached."""
    with store.reader() as s:
        if s.get(GroupSession, session_id) is None:
            raise NotFound(f"No session {session_id}.")
        rows = s.scalars(
            select(MediaFile).where(MediaFile.session_id == session_id).order_by(MediaFile.id)
        )
        return [_info(r) for r in rows]


def coding_media(store: Store, coding_id: int) -> list[MediaInfo]:
    """The recordings to play with a coding: the one it was coded from first, then the others."""
    with store.reader() as s:
        coding = s.get(Coding, coding_id)
        if coding is None:
            raise NotFound(f"No coding {coding_id}.")
        own, session_id = coding.media_file_id, coding.session_id
    found = session_media(store, session_id)
    return sorted(found, key=lambda m: (m.id != own, m.id))


def set_media_offset(store: Store, media_id: int, offset_ms: int) -> MediaInfo:
    """Line a recording up with the session clock: session time = media time + ``offset_ms``.

    Only the offset changes. Events of a coding made *from* this recording keep the
    session times they were stored with, so set the offset before coding the recording.
    """
    with store.session() as s:
        row = s.get(MediaFile, media_id)
        if row is None:
            raise NotFound(f"No recording {media_id}.")
        row.offset_ms = int(offset_ms)
        return _info(row)


def set_offset_by_marks(store: Store, media_id: int, session_ms: int, media_ms: int) -> MediaInfo:
    """Set the offset from one moment marked in both the coding and the recording."""
    if media_ms < 0:
        raise InputError("The moment in the recording cannot be before its start.")
    return set_media_offset(store, media_id, offset_from_marks(session_ms, media_ms))


def set_media_duration(store: Store, media_id: int, duration_ms: int) -> None:
    """Remember how long a recording is (the player finds out when it opens the file)."""
    with store.session() as s:
        row = s.get(MediaFile, media_id)
        if row is None:
            raise NotFound(f"No recording {media_id}.")
        row.duration_ms = max(0, int(duration_ms))


def locate_media(
    store: Store, media_id: int, new_path: str | os.PathLike[str], siblings: bool = True
) -> list[MediaInfo]:
    """Point a moved recording at its new place; returns every recording that was updated.

    With ``siblings``, the session's other missing recordings are looked for in the same
    new folder under their old names (a folder that moved takes all of them with it).
    """
    where = Path(new_path).expanduser().resolve()
    found = check_media(where)
    if not found.ok:
        raise InputError(found.message)
    updated: list[MediaInfo] = []
    with store.session() as s:
        row = s.get(MediaFile, media_id)
        if row is None:
            raise NotFound(f"No recording {media_id}.")
        row.path = str(where)
        updated.append(_info(row))
        if siblings:
            others = s.scalars(
                select(MediaFile).where(
                    MediaFile.session_id == row.session_id, MediaFile.id != media_id
                )
            )
            for other in others:
                candidate = where.parent / Path(other.path).name
                if not check_media(other.path).ok and check_media(candidate).ok:
                    other.path = str(candidate)
                    updated.append(_info(other))
    return updated


def events_in_media_time(events: Iterable[Event], offset_ms: int) -> list[Event]:
    """A coding's events moved from session time onto a recording's own time line.

    Used to review a live coding against its recording: an event at session time t is
    at t − offset in the file (negative when the recording had not started yet).
    """
    return [
        replace(
            e,
            time_ms=media_time(e.time_ms, offset_ms),
            end_ms=None if e.end_ms is None else media_time(e.end_ms, offset_ms),
        )
        for e in events
    ]


def playable_window(info: MediaInfo, events: Iterable[Event]) -> tuple[list[Event], list[Event]]:
    """Split events into those inside the recording and those outside it (before or after)."""
    inside: list[Event] = []
    outside: list[Event] = []
    for e in events:
        t = info.media_time(e.time_ms)
        within = t >= 0 and (info.duration_ms is None or t <= info.duration_ms)
        (inside if within else outside).append(e)
    return inside, outside
