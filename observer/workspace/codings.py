"""Observers and codings: who codes which session, against which codebooks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from observer.domain.codebook import (
    Codebook,
    KeyClashError,
    combine,
    free_keys,
    key_clashes,
    shipped_codebooks,
    with_keys,
)
from observer.domain.errors import InputError, NotFound
from observer.storage.codebook_json import compiled_from_source, stored_codebook_of
from observer.storage.coding_info import CodingInfo, coding_info, coding_palette
from observer.storage.models import (
    CAPACITIES,
    CLOCK_MODES,
    CodedEvent,
    Coding,
    GroupSession,
    Observer,
    StoredCodebook,
)
from observer.storage.store import Store

__all__ = ["CodingInfo", "coding_info", "coding_palette"]


def add_observer(store: Store, initials: str, name: str = "") -> int:
    """The observer with these initials, created if new; returns its id."""
    with store.session() as s:
        return observer_with_initials(s, initials, name).id


def observer_with_initials(s: Session, initials: str, name: str = "") -> Observer:
    initials = initials.strip()
    if not initials:
        raise InputError("An observer needs initials.")
    found = s.scalar(select(Observer).where(Observer.initials == initials))
    if found is None:
        found = Observer(initials=initials, name=name)
        s.add(found)
        s.flush()
    return found


def list_observers(store: Store) -> list[Observer]:
    with store.reader() as s:
        return list(s.scalars(select(Observer).order_by(Observer.initials)))


def latest_capacities(store: Store) -> dict[str, str]:
    """Each observer's capacity in their latest coding, by initials (what to offer next)."""
    with store.reader() as s:
        rows = s.execute(
            select(Observer.initials, Coding.capacity)
            .join(Coding, Coding.observer_id == Observer.id)
            .order_by(Coding.id)
        )
        return {initials: capacity for initials, capacity in rows}


def stored_codebook(s: Session, book: Codebook) -> StoredCodebook:
    """The stored copy of exactly this codebook text, added the first time it is used.

    Its parsed form is stored beside it, parsed from the text itself (not taken from
    ``book``, which may have been changed, e.g. keys unset by ``combine``).
    """
    found = s.scalar(
        select(StoredCodebook).where(
            StoredCodebook.codebook_id == book.id, StoredCodebook.digest == book.digest
        )
    )
    if found is None:
        found = StoredCodebook(
            codebook_id=book.id,
            version=book.version,
            name=book.name,
            digest=book.digest,
            source=book.source,
            compiled=compiled_from_source(book.source),
        )
        s.add(found)
        s.flush()
    elif found.compiled is None:
        found.compiled = compiled_from_source(found.source)
    return found


def available_codebooks(store: Store | None) -> list[Codebook]:
    """The codebooks a new coding can use: the shipped ones, then this database's own.

    A database's own are those it holds under an id no shipped codebook has (an ethogram
    imported from BORIS, the scheme of a coding imported from elsewhere), each at its
    latest version.
    """
    shipped = shipped_codebooks()
    if store is None:
        return shipped
    known = {b.id for b in shipped}
    kept: dict[str, Codebook] = {}
    with store.reader() as s:
        rows = s.scalars(
            select(StoredCodebook).order_by(
                StoredCodebook.stored_at.desc(), StoredCodebook.id.desc()
            )
        )
        for row in rows:
            if row.codebook_id not in known and row.codebook_id not in kept:
                name = f"{row.codebook_id} {row.version}"
                kept[row.codebook_id] = stored_codebook_of(row.source, row.compiled, name)
    return shipped + sorted(kept.values(), key=lambda b: b.id)


def find_codebook(store: Store | None, codebook_id: str) -> Codebook:
    """A codebook by id: shipped, or kept in this database (see ``available_codebooks``)."""
    books = available_codebooks(store)
    for book in books:
        if book.id == codebook_id:
            return book
    known = ", ".join(b.id for b in books)
    raise InputError(f"No codebook {codebook_id!r}; this database can use: {known}")


def new_coding(
    store: Store,
    session_id: int,
    observer: str,
    codebooks: Sequence[str | Codebook],
    clock_mode: str = "live",
    name: str = "",
    capacity: str = "co-therapist",
    media_file_id: int | None = None,
    practice_of_id: int | None = None,
    key_overrides: Mapping[str, str] | None = None,
) -> int:
    """Start a coding of a session by an observer (initials) with codebooks (ids or objects).

    Codes of two codebooks that want the same key are refused (:class:`KeyClashError`,
    naming both codes and the key) unless ``key_overrides`` gives the later ones other keys
    for this coding; those are kept with the coding.
    """
    if clock_mode not in CLOCK_MODES:
        raise InputError(f"Unknown clock mode {clock_mode!r}; use live or media.")
    if not codebooks:
        raise InputError("A coding needs at least one codebook.")
    books = [find_codebook(store, b) if isinstance(b, str) else b for b in codebooks]
    overrides = dict(key_overrides or {})
    combine(books)  # refuses clashing code ids before anything is written
    keyed = with_keys(books, overrides)
    clashes = key_clashes(keyed)
    if clashes:
        raise KeyClashError(clashes, free_keys(keyed))
    with store.session() as s:
        coding = create_coding(
            s,
            session_id,
            observer,
            books,
            clock_mode,
            name,
            capacity,
            media_file_id,
            practice_of_id,
        )
        coding.key_overrides = overrides or None
        return coding.id


def create_coding(
    s: Session,
    session_id: int,
    observer: str,
    books: Sequence[Codebook],
    clock_mode: str = "live",
    name: str = "",
    capacity: str = "co-therapist",
    media_file_id: int | None = None,
    practice_of_id: int | None = None,
) -> Coding:
    """Add a coding inside the caller's transaction (imports create codings and events at once)."""
    if capacity not in CAPACITIES:
        raise InputError(f"Unknown capacity {capacity!r}; use one of: {', '.join(CAPACITIES)}")
    if s.get(GroupSession, session_id) is None:
        raise NotFound(f"No session {session_id}.")
    coding = Coding(
        session_id=session_id,
        observer=observer_with_initials(s, observer),
        capacity=capacity,
        clock_mode=clock_mode,
        name=name,
        media_file_id=media_file_id,
        practice_of_id=practice_of_id,
    )
    coding.codebooks = [stored_codebook(s, b) for b in books]
    s.add(coding)
    s.flush()
    return coding


def list_codings(
    store: Store, session_id: int | None = None, trashed: bool = False
) -> list[Coding]:
    """The codings (of one session), those in the trash left out unless asked for."""
    with store.reader() as s:
        query = select(Coding).options(
            selectinload(Coding.observer),
            selectinload(Coding.session).selectinload(GroupSession.group),
            selectinload(Coding.codebooks),
        )
        if session_id is not None:
            query = query.where(Coding.session_id == session_id)
        if not trashed:
            query = query.where(Coding.trashed_at.is_(None))
        return list(s.scalars(query.order_by(Coding.id)))


def event_counts(store: Store) -> dict[int, int]:
    with store.reader() as s:
        rows = s.execute(select(CodedEvent.coding_id, func.count()).group_by(CodedEvent.coding_id))
        return {int(cid): int(n) for cid, n in rows}


def set_reference(store: Store, coding_id: int, is_reference: bool = True) -> None:
    """Mark a coding as the expert reference trainees are compared with."""
    with store.session() as s:
        coding = s.get(Coding, coding_id)
        if coding is None:
            raise NotFound(f"No coding {coding_id}.")
        coding.is_reference = is_reference
