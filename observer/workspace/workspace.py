"""The workspace of one open database: what a person can do to it, each returning what changed.

Each operation commits, then announces its :class:`~observer.workspace.changes.ChangeSet`
once on the database's notice board, and returns it (Anki's operations work this way).
Windows refresh from the notices; the command line may call the module functions
(``groups.add_group``, ``codings.new_coding``…) directly, as nobody listens there.

What an operation added is found by what is new in the database afterwards (every kind
but events: a new coding comes with its events), so an operation written elsewhere, such
as an import from :mod:`observer.formats`, is announced as exactly as one written here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from observer.storage.store import Store
from observer.workspace.changes import ChangeSet, Ids, Kind, Listener, Notices, notices_of
from observer.workspace.corrections import Corrections

if TYPE_CHECKING:
    from observer.domain.codebook import Codebook
    from observer.workspace.groups import MemberSpec
    from observer.workspace.recording import Recorder

T = TypeVar("T")

# The tables whose new rows an operation reports (events are reported by the recorder).
TABLES = {
    Kind.GROUP: "groups",
    Kind.MEMBER: "members",
    Kind.SESSION: "sessions",
    Kind.CODING: "codings",
    Kind.MEDIA: "media_files",
    Kind.CODEBOOK: "codebooks",
    Kind.NOTE: "process_notes",
}
_HIGHEST = "SELECT " + ", ".join(f"(SELECT MAX(id) FROM {t})" for t in TABLES.values())
_NEWER = " UNION ALL ".join(f"SELECT '{k}', id FROM {t} WHERE id > :{k}" for k, t in TABLES.items())


class Workspace(Corrections):
    """One open database and its operations. Workspaces of one database share its notices.

    The corrections (edit, move, archive, trash, delete) come from ``Corrections``.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.notices: Notices = notices_of(store)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Hear every change made to this database from now on; returns how to stop."""
        return self.notices.subscribe(listener)

    # --- groups, sessions, codings -----------------------------------------------------

    def create_group(
        self, name: str, modality: str = "", notes: str = "", members: Sequence[MemberSpec] = ()
    ) -> ChangeSet:
        """A group with its members seated in the order given."""
        from observer.workspace.groups import add_group

        return self.run("New group", lambda s: add_group(s, name, modality, notes, members))[1]

    def add_member(self, group_id: int, spec: MemberSpec, joins_at: int | None = None) -> ChangeSet:
        """A newcomer, in the next seat; present at the session ``joins_at`` when given."""
        from observer.workspace.groups import add_member
        from observer.workspace.records import withdraw_member

        def write(store: Store) -> int:
            return add_member(store, group_id, spec, joins_at)

        member_id, changes = self.run("New member", write, changed={Kind.GROUP: (group_id,)})
        store = self.store
        self.keep_undo("New member", lambda: withdraw_member(store, member_id), changes.changed)
        return changes

    def create_session(
        self,
        group_id: int,
        number: int | None = None,
        starts_at: datetime | None = None,
        setting: str = "in person",
        present: Sequence[int] | None = None,
        notes: str = "",
    ) -> ChangeSet:
        """A session of a group; ``present`` lists member ids (default: everyone still in it)."""
        from observer.workspace.groups import add_session

        def write(store: Store) -> int:
            return add_session(store, group_id, number, starts_at, setting, present, notes)

        return self.run("New session", write)[1]

    def create_coding(
        self,
        session_id: int,
        observer: str,
        codebooks: Sequence[str | Codebook],
        clock_mode: str = "live",
        name: str = "",
        capacity: str = "co-therapist",
        media_file_id: int | None = None,
        key_overrides: Mapping[str, str] | None = None,
    ) -> ChangeSet:
        """A new, empty coding of a session by an observer (initials) with codebooks.

        ``key_overrides``: other keys for codes whose codebooks want the same key.
        """
        from observer.workspace.codings import new_coding

        def write(store: Store) -> int:
            return new_coding(
                store, session_id, observer, codebooks, clock_mode, name, capacity,
                media_file_id, key_overrides=key_overrides,
            )  # fmt: skip

        return self.run("New coding", write)[1]

    def attach_media(
        self, session_id: int, path: str, offset_ms: int = 0, label: str = ""
    ) -> ChangeSet:
        """Link a recording to a session (session time = media time + ``offset_ms``)."""
        from observer.workspace.groups import attach_media

        return self.run(
            "Attach recording", lambda s: attach_media(s, session_id, path, offset_ms, label)
        )[1]

    # --- practice ----------------------------------------------------------------------

    def set_reference(self, coding_id: int, is_reference: bool = True) -> ChangeSet:
        """Mark a coding as the expert reference trainees practise against, or unmark it."""
        from observer.workspace.codings import set_reference

        def write(store: Store) -> None:
            set_reference(store, coding_id, is_reference)

        label = "Mark as reference" if is_reference else "Unmark as reference"
        return self.run(label, write, changed={Kind.CODING: (coding_id,)})[1]

    def start_practice_attempt(self, reference_coding_id: int, trainee: str) -> ChangeSet:
        """A trainee's new, empty attempt at a reference coding (see ``practice``)."""
        from observer.workspace.practice import start_attempt

        return self.run(
            "Start practice attempt", lambda s: start_attempt(s, reference_coding_id, trainee)
        )[1]

    def load_demo(self, seed: int = 7) -> ChangeSet:
        """The demo group, its four sessions and six codings."""
        from observer.workspace.demo import create_demo

        return self.run("Load the demo group", lambda s: create_demo(s, seed))[1]

    # --- recording ---------------------------------------------------------------------

    def open_coding(self, coding_id: int, who: str | None = None) -> Recorder:
        """The recording desk of a coding; what it records is announced here too.

        A reference a trainee was given on a server opens read-only, saying so: theirs to
        practise against, not to change.
        """
        from observer.workspace.recording import Recorder

        if given_reference(self.store, coding_id):
            from observer.storage.server_people import GIVEN_REFERENCE

            return Recorder(self.store, coding_id, who, read_only=True, why=GIVEN_REFERENCE)
        return Recorder(self.store, coding_id, who)

    def close_coding(self, recorder: Recorder) -> ChangeSet:
        """Put the clock down and let go of the coding: its events and clock are on disk."""
        if recorder.clock.running:
            recorder.pause_clock()
        recorder.close()
        changes = ChangeSet("Close coding", changed={Kind.CODING: (recorder.coding_id,)})
        self.notices.announce(changes)
        return changes

    # --- any write ---------------------------------------------------------------------

    def run(
        self, label: str, write: Callable[[Store], T], changed: Ids | None = None
    ) -> tuple[T, ChangeSet]:
        """Do ``write`` (which commits), then announce what it added, and what it changed.

        Writes made above this layer (an import from ``observer.formats``) come through
        here to be announced. A write that raises wrote nothing and announces nothing.
        """
        before = self._highest()
        result = write(self.store)
        changes = ChangeSet(label, self._added_since(before), changed or {})
        self.notices.announce(changes)
        return result, changes

    def _highest(self) -> dict[str, int]:
        """The highest id of each kind now: anything above it afterwards was added."""
        from sqlalchemy import text

        with self.store.reader() as s:
            row = s.execute(text(_HIGHEST)).one()
        return {kind.value: int(v or 0) for kind, v in zip(TABLES, row, strict=True)}

    def _added_since(self, before: dict[str, int]) -> Mapping[Kind, tuple[int, ...]]:
        from sqlalchemy import text

        with self.store.reader() as s:
            rows: list[Any] = list(s.execute(text(_NEWER), before))
        found: dict[Kind, list[int]] = {}
        for kind, row_id in rows:
            found.setdefault(Kind(kind), []).append(int(row_id))
        return {kind: tuple(sorted(ids)) for kind, ids in found.items()}


def given_reference(store: Store, coding_id: int) -> bool:
    """Whether the person signed in to a server was given this coding as a reference to
    practise against. A file has no people: no, without loading the server's modules (and
    the database toolkit with them) while a coding opens."""
    if store.is_sqlite:
        return False
    from observer.storage.server_people import was_given

    return was_given(store, coding_id)
