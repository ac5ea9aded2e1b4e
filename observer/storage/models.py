"""The stored record of groups, sessions and codings (SQLAlchemy 2, typed).

The schema itself is owned by the Alembic migrations in ``observer/storage/migrations``;
these classes must describe exactly what the newest migration creates (a test
compares the two). Every datetime column is ``UtcDateTime``: UTC in the database,
aware in Python (``observer.storage.times``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from observer.domain.clock import utcnow
from observer.domain.uids import new_uid
from observer.storage.times import as_utc

MEMBER_ROLES = ("member", "leader", "co-leader")
SETTINGS = ("in person", "telehealth")
CAPACITIES = ("co-therapist", "supervisor", "trainee", "reference")
CLOCK_MODES = ("live", "media")
# The capacities a person signs in to a clinic's server in (``observer.storage.server_roles``).
SERVER_ROLES = ("supervisor", "cotherapist", "trainee")
AUDIT_ACTIONS = ("edit", "delete", "restore")
NOTE_KINDS = ("note", "prompt", "phase")  # a phase mark: observer.domain.phases


class UtcDateTime(TypeDecorator[datetime]):
    """A moment stored in UTC and read back aware (``timestamp with time zone`` on a server)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment = as_utc(value)
        # SQLite's DateTime writes the fields it is given: give it the UTC ones.
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012
        dict[str, Any]: JSON,
        list[str]: JSON,
        datetime: UtcDateTime,
    }


attendance = Table(
    "attendance",
    Base.metadata,
    Column("session_id", ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    # Session time a member marked absent came in (None: there from the start).
    Column("arrived_ms", Integer, nullable=True, default=None),
)


class Group(Base):
    """A therapy group: its members meet in sessions."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    modality: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Kept with everything in it, but not listed on the start screen (None: in use).
    archived_at: Mapped[datetime | None] = mapped_column(default=None)

    members: Mapped[list[Member]] = relationship(
        back_populates="group", order_by="Member.seat", cascade="all, delete-orphan"
    )
    sessions: Mapped[list[GroupSession]] = relationship(
        back_populates="group", order_by="GroupSession.number", cascade="all, delete-orphan"
    )


class Member(Base):
    """A person in a group, known only by a pseudonym or initials."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(100))
    initials: Mapped[str] = mapped_column(String(10), default="")
    role: Mapped[str] = mapped_column(String(20), default="member")
    colour: Mapped[str] = mapped_column(String(9), default="#777777")
    seat: Mapped[int] = mapped_column(Integer, default=0)
    joined: Mapped[date | None] = mapped_column(Date, default=None)
    left: Mapped[date | None] = mapped_column(Date, default=None)

    group: Mapped[Group] = relationship(back_populates="members")

    @property
    def is_leader(self) -> bool:
        return self.role in ("leader", "co-leader")


class GroupSession(Base):
    """One meeting of a group (called ``GroupSession`` to keep clear of the database session)."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime | None] = mapped_column(default=None)
    setting: Mapped[str] = mapped_column(String(20), default="in person")
    notes: Mapped[str] = mapped_column(Text, default="")

    group: Mapped[Group] = relationship(back_populates="sessions")
    present: Mapped[list[Member]] = relationship(secondary=attendance, order_by="Member.seat")
    media: Mapped[list[MediaFile]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="MediaFile.id"
    )
    codings: Mapped[list[Coding]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Coding.id"
    )


class MediaFile(Base):
    """A recording of a session. ``offset_ms`` is the session-clock time at media time zero."""

    __tablename__ = "media_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(Text)
    offset_ms: Mapped[int] = mapped_column(Integer, default=0)
    duration_ms: Mapped[int | None] = mapped_column(Integer, default=None)
    label: Mapped[str] = mapped_column(String(200), default="")

    session: Mapped[GroupSession] = relationship(back_populates="media")


class Observer(Base):
    """Someone who codes, by initials; in which capacity is said by each coding."""

    __tablename__ = "observers"

    id: Mapped[int] = mapped_column(primary_key=True)
    initials: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")


class StoredCodebook(Base):
    """The exact codebook text a coding used, kept so the coding stays readable later."""

    __tablename__ = "codebooks"
    __table_args__ = (UniqueConstraint("codebook_id", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    codebook_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200))
    digest: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    stored_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The source parsed, as JSON (observer.storage.codebook_json): opening a coding reads this
    # instead of parsing the YAML again. NULL when the source does not parse.
    compiled: Mapped[str | None] = mapped_column(Text)
    # The file a person added it from; '' when stored because a coding used it.
    origin: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))


coding_codebooks = Table(
    "coding_codebooks",
    Base.metadata,
    Column("coding_id", ForeignKey("codings.id", ondelete="CASCADE"), primary_key=True),
    Column("codebook_pk", ForeignKey("codebooks.id"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class Coding(Base):
    """One observer's record of one session, against one or more codebooks."""

    __tablename__ = "codings"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    observer_id: Mapped[int] = mapped_column(ForeignKey("observers.id"), index=True)
    # A co-therapist one week may be a trainee in practice the next: it is the coding's.
    capacity: Mapped[str] = mapped_column(String(20), default="co-therapist")
    name: Mapped[str] = mapped_column(String(200), default="")
    clock_mode: Mapped[str] = mapped_column(String(10), default="live")
    media_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_files.id", ondelete="SET NULL"), default=None
    )
    is_reference: Mapped[bool] = mapped_column(Boolean, default=False)
    practice_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("codings.id", ondelete="SET NULL"), default=None
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The live clock, saved on every start/pause so a crash can resume where it was.
    clock_elapsed_ms: Mapped[int] = mapped_column(Integer, default=0)
    clock_running_since: Mapped[datetime | None] = mapped_column(default=None)
    # The wall time of session time 0, set when the live clock first starts: codings of
    # one session line up by it (None: never started live, or imported without one).
    clock_anchor: Mapped[datetime | None] = mapped_column(default=None)
    # Keys given to codes in this coding where two of its codebooks wanted the same key.
    key_overrides: Mapped[dict[str, str] | None] = mapped_column(JSON, default=None)
    # In the trash since then, everything in it kept until the trash is emptied (None: kept).
    trashed_at: Mapped[datetime | None] = mapped_column(default=None)

    session: Mapped[GroupSession] = relationship(back_populates="codings")
    observer: Mapped[Observer] = relationship()
    codebooks: Mapped[list[StoredCodebook]] = relationship(
        secondary=coding_codebooks, order_by=coding_codebooks.c.position
    )
    media_file: Mapped[MediaFile | None] = relationship()


class CodedEvent(Base):
    """One coded act or state.

    ``actor`` and ``targets`` hold participant keys: ``m<member id>``, ``group`` (the group
    as a whole) or ``leaders`` (the leaders together); see ``observer.domain.participants``.
    """

    __tablename__ = "events"
    # AUTOINCREMENT: an id is never given again once used, so the audit trail's
    # "delete 1641" always speaks of one event (a server's identity never reuses either).
    __table_args__ = (
        Index("ix_events_coding_time", "coding_id", "time_ms"),
        Index("ux_events_uid", "uid", unique=True),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Globally unique, given when first written (here or in an outbox): an event sent to a
    # server twice is kept once (``observer.workspace.delivery``). The '' default is SQLite's
    # price for adding a NOT NULL column in place: a second row without a uid is refused.
    uid: Mapped[str] = mapped_column(String(36), default=new_uid, server_default=text("''"))
    coding_id: Mapped[int] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"))
    time_ms: Mapped[int] = mapped_column(Integer)
    end_ms: Mapped[int | None] = mapped_column(Integer, default=None)
    code: Mapped[str] = mapped_column(String(100))
    actor: Mapped[str] = mapped_column(String(40))
    targets: Mapped[list[str]] = mapped_column(default=list)
    modifiers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(default=None)
    # Stored at its code key; set until its modifiers are chosen (or the strip closes).
    awaiting_modifiers: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AuditEntry(Base):
    """What changed in a coding after the fact: who, when, the event before and after."""

    __tablename__ = "event_audit"
    __table_args__ = (Index("ux_event_audit_uid", "uid", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Set when the row was sent from an outbox, so sending it again keeps it once.
    uid: Mapped[str | None] = mapped_column(String(36), default=None)
    coding_id: Mapped[int] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"), index=True)
    # Indexed so one event's history (what a supervisor asks for) is found at once.
    event_id: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(10))
    who: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class CodingAccess(Base):
    """One opening, export or report of a coding: who, when, what (``storage.access_log``)."""

    __tablename__ = "coding_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    coding_id: Mapped[int] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    who: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(200), default="")


class ProcessNote(Base):
    """A timestamped observation to bring to supervision, or a pinned pattern prompt."""

    __tablename__ = "process_notes"
    __table_args__ = (Index("ux_process_notes_uid", "uid", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Globally unique, as an event's: a note sent from an outbox twice is kept once.
    uid: Mapped[str] = mapped_column(String(36), default=new_uid, server_default=text("''"))
    coding_id: Mapped[int] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"), index=True)
    time_ms: Mapped[int | None] = mapped_column(Integer, default=None)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10), default="note")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(default=None)


class NoteAudit(Base):
    """A process note or phase mark corrected: who, when, the note before and after."""

    __tablename__ = "note_audit"
    __table_args__ = (Index("ux_note_audit_uid", "uid", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Set when the row was sent from an outbox, so sending it again keeps it once.
    uid: Mapped[str | None] = mapped_column(String(36), default=None)
    coding_id: Mapped[int] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"), index=True)
    # By uid, not id: a note deleted and brought back by Undo is the same note.
    note_uid: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(10))
    who: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class CallName(Base):
    """A name a member goes by in a group's video calls, as its transcripts write it."""

    __tablename__ = "call_names"
    __table_args__ = (UniqueConstraint("group_id", "call_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    call_name: Mapped[str] = mapped_column(String(200))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))


class CodingLock(Base):
    """Who is recording a coding now: one writer per coding (``observer.storage.coding_lock``).

    ``token`` is the opening's own; ``heartbeat`` is refreshed while it is open, so a lock
    whose holder is gone can be told from one in use.
    """

    __tablename__ = "coding_locks"

    coding_id: Mapped[int] = mapped_column(
        ForeignKey("codings.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    token: Mapped[str] = mapped_column(String(32))
    holder: Mapped[str] = mapped_column(String(20))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    since: Mapped[datetime] = mapped_column()
    heartbeat: Mapped[datetime] = mapped_column()


class StoredInstrument(Base):
    """The exact instrument text a rating was made on, so its scores never change later."""

    __tablename__ = "instruments"
    __table_args__ = (UniqueConstraint("instrument_id", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200))
    digest: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    stored_at: Mapped[datetime] = mapped_column(default=utcnow)


class Rating(Base):
    """One filled-in form: a member's (or a leader's) rating of a session, or an observer's.

    It belongs to the member by id, so renaming them never moves it. ``answers`` holds one
    entry per item, ``None`` where the item was left blank. ``member_id`` is None for an
    observer's own rating of the session; ``observer`` holds their initials then.
    """

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), default=None
    )
    observer: Mapped[str] = mapped_column(String(20), default="")
    rater: Mapped[str] = mapped_column(String(20))
    instrument_pk: Mapped[int] = mapped_column(ForeignKey("instruments.id"))
    answers: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(default=None)

    instrument: Mapped[StoredInstrument] = relationship()


class Person(Base):
    """Someone who signs in to a server as their own role (``name``), coding as one observer."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(63), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    observer_id: Mapped[int] = mapped_column(ForeignKey("observers.id"))

    observer: Mapped[Observer] = relationship()


# Which groups a co-therapist leads: on a server, they see and code those groups only.
group_leaders = Table(
    "group_leaders",
    Base.metadata,
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)

# Which reference codings a trainee was given to practise against (and so may read).
given_references = Table(
    "given_references",
    Base.metadata,
    Column("coding_id", ForeignKey("codings.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)


# The tables as SQLAlchemy Core sees them, for bulk inserts.
EVENTS = cast(Table, CodedEvent.__table__)
