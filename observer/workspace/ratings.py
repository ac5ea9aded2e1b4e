"""Session ratings: forms members, leaders and observers fill in after a session.

A form belongs to a member by id (renaming them never moves it) and to one session; a
member absent from the session cannot be rated for it. The instrument's exact text is kept
with the form (``StoredInstrument``), so its scores are the same whenever they are read.
Format and rules: ``docs/ratings.md``.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from observer.domain.clock import utcnow
from observer.domain.errors import InputError, NotFound, Refused
from observer.domain.instrument import Answers, FormScore, Instrument, parse_answers
from observer.domain.instrument_file import find_instrument, parse_instrument
from observer.storage.models import GroupSession, Member, Rating, StoredInstrument
from observer.storage.store import Store


@dataclass(frozen=True)
class RatingForm:
    """One stored form with its scores, as ``rating list --json`` prints it."""

    id: int
    session_id: int
    session_number: int
    member_id: int | None
    member: str
    observer: str
    rater: str
    instrument: Instrument
    answers: Answers
    score: FormScore

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "session": self.session_id,
            "member_id": self.member_id,
            "member": self.member,
            "observer": self.observer,
            "rater": self.rater,
            "instrument": self.instrument.id,
            "version": self.instrument.version,
            "answers": list(self.answers),
            "scales": {k: None if v is None else round(v, 4) for k, v in self.score.scales.items()},
            "missing": self.score.missing,
            "valid": self.score.valid,
        }


# --- helpers -------------------------------------------------------------------------------


def _stored(s: Session, instrument: Instrument) -> StoredInstrument:
    """The stored copy of this exact instrument text, added on first use."""
    digest = hashlib.sha256(instrument.text.encode("utf-8")).hexdigest()
    found = s.scalar(
        select(StoredInstrument).where(
            StoredInstrument.instrument_id == instrument.id, StoredInstrument.digest == digest
        )
    )
    if found is None:
        found = StoredInstrument(
            instrument_id=instrument.id,
            version=instrument.version,
            name=instrument.name,
            digest=digest,
            source=instrument.text,
        )
        s.add(found)
        s.flush()
    return found


def _session(s: Session, session_id: int) -> GroupSession:
    session = s.get(GroupSession, session_id)
    if session is None:
        raise NotFound(f"No session {session_id}.")
    return session


def _rater(instrument: Instrument, member: Member | None) -> str:
    rater = "observer" if member is None else "leader" if member.is_leader else "member"
    if rater not in instrument.raters:
        raise Refused(
            "member" if member is not None else "observer",
            f"{instrument.id} is not filled in by a {rater} "
            f"(it is for: {', '.join(instrument.raters)})",
        )
    return rater


def _checked_member(session: GroupSession, member_id: int, s: Session) -> Member:
    member = s.get(Member, member_id)
    if member is None or member.group_id != session.group_id:
        raise Refused("member", f"member {member_id} is not in this session's group")
    if member not in session.present:
        raise Refused(
            "member",
            f"{member.pseudonym} ({member.initials}) was absent from session "
            f"{session.number} and cannot be rated for it",
        )
    return member


def _existing(
    s: Session, session_id: int, member_id: int | None, observer: str, instrument_id: str
) -> Rating | None:
    query = (
        select(Rating)
        .join(StoredInstrument)
        .where(Rating.session_id == session_id, StoredInstrument.instrument_id == instrument_id)
    )
    if member_id is None:
        query = query.where(Rating.member_id.is_(None), Rating.observer == observer)
    else:
        query = query.where(Rating.member_id == member_id)
    return s.scalar(query)


def member_named(session: GroupSession, name: str) -> Member:
    """A member of the session's group by pseudonym or initials, refused when ambiguous."""
    wanted = name.strip().casefold()
    members = session.group.members
    found = [m for m in members if m.initials.casefold() == wanted]
    found = found or [m for m in members if m.pseudonym.casefold() == wanted]
    if not found:
        raise Refused("member", f"no member {name!r} in {session.group.name}")
    if len(found) > 1:
        which = ", ".join(f"{m.pseudonym} ({m.initials})" for m in found)
        raise Refused("member", f"{name!r} could be {which}: give the initials")
    return found[0]


# --- operations ----------------------------------------------------------------------------


def add_rating(
    store: Store,
    session_id: int,
    instrument: Instrument,
    answers: Sequence[int | None],
    member_id: int | None = None,
    observer: str = "",
) -> int:
    """Keep one filled-in form; a second form of the same instrument is refused, not merged."""
    answers = instrument.checked(answers)
    with store.session() as s:
        session = _session(s, session_id)
        member = _checked_member(session, member_id, s) if member_id is not None else None
        if member is None and not observer.strip():
            raise Refused("observer", "an observer's own rating needs their initials")
        rater = _rater(instrument, member)
        if _existing(s, session_id, member_id, observer.strip(), instrument.id) is not None:
            who = f"{member.pseudonym} ({member.initials})" if member else observer
            raise Refused(
                "member" if member else "observer",
                f"{who} already has a {instrument.id} form for session {session.number}",
            )
        rating = Rating(
            session_id=session_id,
            member_id=member_id,
            observer=observer.strip() if member is None else "",
            rater=rater,
            instrument_pk=_stored(s, instrument).id,
            answers=list(answers),
        )
        s.add(rating)
        s.flush()
        return rating.id


def save_session_forms(
    store: Store,
    session_id: int,
    instrument: Instrument,
    forms: Mapping[int, Sequence[int | None]],
    observer: tuple[str, Sequence[int | None]] | None = None,
) -> None:
    """The rating grid's save: each member's form as typed, in one transaction.

    ``observer``: the observer's own form, by their initials. A row now blank loses its
    form (the person cleared it); a row unchanged is left as it was; every row is
    checked before anything is written.
    """
    rows: list[tuple[int | None, str, Answers]] = [
        (m, "", instrument.checked(a)) for m, a in forms.items()
    ]
    if observer is not None:
        initials = observer[0].strip()
        answers = instrument.checked(observer[1])
        if not initials and any(a is not None for a in answers):
            raise Refused("observer", "an observer's own rating needs their initials")
        rows.append((None, initials, answers))
    now: datetime = utcnow()
    with store.session() as s:
        session = _session(s, session_id)
        for member_id, initials, answers in rows:
            blank = all(a is None for a in answers)
            old = _existing(s, session_id, member_id, initials, instrument.id)
            if blank:
                if old is not None:
                    s.delete(old)
                continue
            member = _checked_member(session, member_id, s) if member_id is not None else None
            if old is None:
                s.add(
                    Rating(
                        session_id=session_id,
                        member_id=member_id,
                        observer=initials,
                        rater=_rater(instrument, member),
                        instrument_pk=_stored(s, instrument).id,
                        answers=list(answers),
                    )
                )
            elif tuple(old.answers) != answers:
                old.answers = list(answers)
                old.instrument_pk = _stored(s, instrument).id
                old.edited_at = now


def session_forms(store: Store, session_ids: Iterable[int]) -> list[RatingForm]:
    """Every form of these sessions, scored: by session, members in seat order, observers last."""
    ids = list(session_ids)
    parsed: dict[int, Instrument] = {}
    out = []
    with store.reader() as s:
        # Columns, not ORM objects: a year of weekly forms is read as the course opens.
        rows = s.execute(
            select(
                Rating.id,
                Rating.session_id,
                GroupSession.number,
                Rating.member_id,
                Member.pseudonym,
                Rating.observer,
                Rating.rater,
                Rating.instrument_pk,
                Rating.answers,
            )
            .join(GroupSession, Rating.session_id == GroupSession.id)
            .outerjoin(Member, Rating.member_id == Member.id)
            .where(Rating.session_id.in_(ids))
            # Members in seat order, then observers' own forms.
            .order_by(GroupSession.number, Member.id.is_(None), Member.seat, Rating.id)
        ).all()
        for rating_id, session_id, number, member_id, pseudonym, observer, rater, pk, raw in rows:
            if pk not in parsed:
                stored = s.get_one(StoredInstrument, pk)
                parsed[pk] = parse_instrument(stored.source, f"<stored {stored.name}>")
            instrument = parsed[pk]
            answers = tuple(raw)
            out.append(
                RatingForm(
                    id=rating_id,
                    session_id=session_id,
                    session_number=number,
                    member_id=member_id,
                    member=pseudonym or "",
                    observer=observer,
                    rater=rater,
                    instrument=instrument,
                    answers=answers,
                    score=instrument.score(answers),
                )
            )
    return out


@dataclass(frozen=True)
class SheetRow:
    """One member as the rating grid shows them: who, whether they can be rated, their form."""

    member_id: int
    label: str
    present: bool
    answers: Answers


@dataclass(frozen=True)
class RatingSheet:
    """A session's forms on one instrument, one row per member of the group, in seat order."""

    session_id: int
    title: str
    rows: tuple[SheetRow, ...]
    observer_forms: dict[str, Answers]


def rating_sheet(store: Store, session_id: int, instrument: Instrument) -> RatingSheet:
    """What the rating grid opens with: every member (absent ones marked) and their forms."""
    forms = [f for f in session_forms(store, [session_id]) if f.instrument.id == instrument.id]
    by_member = {f.member_id: f.answers for f in forms if f.member_id is not None}
    blank: Answers = (None,) * len(instrument.items)
    with store.reader() as s:
        session = _session(s, session_id)
        present = {m.id for m in session.present}
        members = [m for m in session.group.members if m.left is None or m.id in present]
        rows = tuple(
            SheetRow(
                m.id,
                f"{m.pseudonym} ({m.initials})",
                m.id in present,
                by_member.get(m.id, blank),
            )
            for m in members
        )
        title = f"{session.group.name}, session {session.number}"
    observers = {f.observer: f.answers for f in forms if f.member_id is None}
    return RatingSheet(session_id, title, rows, observers)


# --- a CSV of paper forms ------------------------------------------------------------------

CSV_COLUMNS = ("session", "member", "instrument")


def import_ratings(store: Store, path: str | Path) -> int:
    """Forms from a CSV (``session,member,instrument,1,2,…``): all kept, or none.

    Every row is checked first; the first problem is refused as ``FILE:LINE: field: …``.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    for column in CSV_COLUMNS:
        if column not in header:
            raise Refused(column, "column missing (expected session, member, instrument, 1, 2, …)",
                          f"{path}:1")  # fmt: skip
    instruments: dict[str, Instrument] = {}
    rows: list[tuple[str, int, Instrument, Answers, str]] = []
    for line, row in enumerate(reader, start=2):
        where = f"{path}:{line}"
        try:
            name = (row.get("instrument") or "").strip()
            if name not in instruments:
                instruments[name] = find_instrument(name)
            instrument = instruments[name]
            typed = ",".join((row.get(str(i.number)) or "") for i in instrument.items)
            answers = instrument.checked(parse_answers(typed))
            session_text = (row.get("session") or "").strip()
            if not session_text.isdigit():
                raise Refused("session", f"{session_text!r} is not a session id")
        except Refused as exc:
            raise exc.at(where) from None
        except InputError as exc:
            raise Refused("instrument", str(exc), where) from None
        rows.append((where, int(session_text), instrument, answers, row.get("member") or ""))
    with store.session() as s:
        for where, session_id, instrument, answers, name in rows:
            try:
                session = _session(s, session_id)
                member = _checked_member(session, member_named(session, name).id, s)
                if _existing(s, session_id, member.id, "", instrument.id) is not None:
                    raise Refused(
                        "member",
                        f"{member.pseudonym} already has a {instrument.id} form for session "
                        f"{session.number}",
                    )
                s.add(
                    Rating(
                        session_id=session_id,
                        member_id=member.id,
                        rater=_rater(instrument, member),
                        instrument_pk=_stored(s, instrument).id,
                        answers=list(answers),
                    )
                )
                s.flush()
            except NotFound as exc:
                raise Refused("session", str(exc), where) from None
            except Refused as exc:
                raise exc.at(where) from None
    return len(rows)
