"""Correcting codings, recordings and codebooks: rename, move, trash and restore, relabel.

A coding keeps everything it holds whatever is done to it: renaming, moving to another
session or sending it to the trash changes one row of ``codings`` and nothing else, so
its events, notes and audit trail stay exactly as they were (they point at the coding by
id). Only emptying the trash deletes them, and only after a person confirmed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from observer.domain import limits
from observer.domain.clock import utcnow
from observer.domain.codebook import load_codebook, shipped_codebooks
from observer.domain.errors import NotFound, Refused
from observer.storage.models import (
    CAPACITIES,
    Coding,
    GroupSession,
    MediaFile,
    Member,
    StoredCodebook,
    coding_codebooks,
)
from observer.storage.store import Store
from observer.workspace.codings import observer_with_initials, stored_codebook
from observer.workspace.records import Before, coded_members


def _coding(s: Session, coding_id: int) -> Coding:
    coding = s.get(Coding, coding_id)
    if coding is None:
        raise NotFound(f"No coding {coding_id}.")
    return coding


# --- codings -----------------------------------------------------------------------------------


def edit_coding(
    store: Store,
    coding_id: int,
    name: str | None = None,
    observer: str | None = None,
    capacity: str | None = None,
) -> Before:
    """Rename a coding, or say who coded it (initials) and in which capacity."""
    if name is not None:
        limits.single_line(name, "name", 200)
        name = name.strip()
    if capacity is not None and capacity not in CAPACITIES:
        raise Refused("capacity", f"{capacity!r} is not one of: {', '.join(CAPACITIES)}")
    with store.session() as s:
        coding = _coding(s, coding_id)
        before: Before = {}
        if name is not None and name != coding.name:
            before["name"] = coding.name
            coding.name = name
        if capacity is not None and capacity != coding.capacity:
            before["capacity"] = coding.capacity
            coding.capacity = capacity
        if observer is not None:
            found = observer_with_initials(s, observer)
            if found.id != coding.observer_id:
                before["observer_id"] = coding.observer_id
                coding.observer_id = found.id
        return before


def move_coding(store: Store, coding_id: int, session_id: int) -> Before:
    """Move a coding to another session of its group; everyone it codes must belong then."""
    with store.session() as s:
        coding = _coding(s, coding_id)
        source = coding.session
        target = s.get(GroupSession, session_id, options=[selectinload(GroupSession.present)])
        if target is None:
            raise NotFound(f"No session {session_id}.")
        if target.id == source.id:
            return {}
        if target.group_id != source.group_id:
            raise Refused(
                "session",
                f"session {session_id} is of group {target.group.name!r}, not "
                f"{source.group.name!r}: a coding moves only within its group",
            )
        if coding.media_file is not None:
            raise Refused(
                "session",
                f"coding {coding_id} is coded against a recording of session {source.number} "
                "and cannot leave it",
            )
        # Members are matched by identity (their id): each one coded must have been in the
        # group on the target session's day; being marked absent is no bar (the record wins).
        day = target.starts_at.astimezone().date() if target.starts_at else None
        coded = s.scalars(select(Member).where(Member.id.in_(coded_members(s, [coding_id]))))
        missing = [
            m.pseudonym
            for m in coded
            if day is not None and ((m.joined and m.joined > day) or (m.left and m.left < day))
        ]
        if missing:
            raise Refused(
                "session",
                f"{', '.join(sorted(missing))} {'is' if len(missing) == 1 else 'are'} coded in "
                f"coding {coding_id} but not in the group at session {target.number} ({day})",
            )
        before: Before = {"session_id": coding.session_id}
        coding.session_id = target.id
        return before


def trash_coding(store: Store, coding_id: int) -> Before:
    """Put a coding in the trash: out of every list, everything in it kept."""
    with store.session() as s:
        coding = _coding(s, coding_id)
        if coding.trashed_at is not None:
            raise Refused("coding", f"coding {coding_id} is already in the trash")
        before: Before = {"trashed_at": None}
        coding.trashed_at = utcnow()
        return before


def restore_coding(store: Store, coding_id: int) -> Before:
    """Take a coding out of the trash, as it was."""
    with store.session() as s:
        coding = _coding(s, coding_id)
        if coding.trashed_at is None:
            raise Refused("coding", f"coding {coding_id} is not in the trash")
        before: Before = {"trashed_at": coding.trashed_at}
        coding.trashed_at = None
        return before


@dataclass(frozen=True)
class Trashed:
    """A coding in the trash, as listed."""

    id: int
    name: str
    group: str
    session_number: int
    observer: str
    events: int
    trashed_at: datetime


def trash(store: Store) -> list[Trashed]:
    """The codings in the trash, the latest first."""
    from observer.storage.models import CodedEvent

    with store.reader() as s:
        rows_counted = s.execute(
            select(CodedEvent.coding_id, func.count()).group_by(CodedEvent.coding_id)
        )
        counts = {int(cid): int(n) for cid, n in rows_counted}
        trashed = s.scalars(
            select(Coding)
            .where(Coding.trashed_at.is_not(None))
            .options(
                selectinload(Coding.observer),
                selectinload(Coding.session).selectinload(GroupSession.group),
            )
            .order_by(Coding.trashed_at.desc(), Coding.id.desc())
        )
        return [
            Trashed(
                c.id,
                c.name or f"Coding {c.id}",
                c.session.group.name,
                c.session.number,
                c.observer.initials,
                int(counts.get(c.id, 0)),
                c.trashed_at or utcnow(),
            )
            for c in trashed
        ]


def empty_trash(store: Store) -> list[int]:
    """Delete for good every coding in the trash, with its events and notes; their ids."""
    with store.session() as s:
        ids = list(s.scalars(select(Coding.id).where(Coding.trashed_at.is_not(None))))
        if ids:
            s.execute(delete(Coding).where(Coding.id.in_(ids)))
        return ids


# --- recordings --------------------------------------------------------------------------------


def edit_media(store: Store, media_id: int, label: str) -> Before:
    """Relabel a recording."""
    limits.single_line(label, "label", 200)
    with store.session() as s:
        media = s.get(MediaFile, media_id)
        if media is None:
            raise NotFound(f"No recording {media_id}.")
        before: Before = {}
        if media.label != label.strip():
            before["label"] = media.label
            media.label = label.strip()
        return before


def remove_media(store: Store, media_id: int) -> str:
    """Remove a recording from its session (the file stays on disk); returns its path.

    Refused while a coding is coded against it: its times are that recording's.
    """
    with store.session() as s:
        media = s.get(MediaFile, media_id)
        if media is None:
            raise NotFound(f"No recording {media_id}.")
        users = list(s.scalars(select(Coding.id).where(Coding.media_file_id == media_id)))
        if users:
            which = ", ".join(str(i) for i in users)
            raise Refused(
                "recording",
                f"{Path(media.path).name} is the clock of coding {which}; it stays attached",
            )
        path = media.path
        s.delete(media)
        return path


# --- codebooks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredBook:
    """A codebook this database holds: which, and where it came from."""

    pk: int
    id: str
    version: str
    name: str
    origin: str
    codings: int


def add_codebook_file(store: Store, path: str | Path) -> int:
    """Keep a codebook file in the database so new codings can use it; returns its row.

    A file with problems is refused with every ``FILE:LINE: field: message`` the command
    line's ``codebook validate`` gives (a ``CodebookError``); nothing is written then.
    """
    book = load_codebook(path)
    if book.id in {b.id for b in shipped_codebooks()}:
        raise Refused(
            "codebook",
            f"{book.id!r} is the id of a shipped codebook; give yours an id of its own",
            str(path),
        )
    with store.session() as s:
        row = stored_codebook(s, book)
        row.origin = str(path)
        return row.id


def stored_codebooks(store: Store) -> list[StoredBook]:
    """Every codebook the database holds, with where it came from and how many codings use it."""
    with store.reader() as s:
        pk = coding_codebooks.c.codebook_pk
        used = {int(p): int(n) for p, n in s.execute(select(pk, func.count()).group_by(pk))}
        rows = s.scalars(
            select(StoredCodebook).order_by(StoredCodebook.codebook_id, StoredCodebook.id)
        )
        return [
            StoredBook(r.id, r.codebook_id, r.version, r.name, r.origin, int(used.get(r.id, 0)))
            for r in rows
        ]
