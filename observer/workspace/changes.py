"""What one operation changed, announced once after its commit.

Every operation on an open database returns a :class:`ChangeSet`: the groups, members,
sessions, codings, events, notes, recordings and codebooks it added, changed or removed.
The same change-set is then announced, once, to whoever listens to that database (the
windows), so a listener that reads the database finds the change already on disk.

Recording stays on its fast path: the recorder's ``Changes`` (the events themselves, for
views that update in place) ride inside the change-set rather than being read again.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from observer.domain.events import Changes

if TYPE_CHECKING:
    from observer.storage.store import Store


class Kind(StrEnum):
    """What a change-set can touch."""

    GROUP = "group"
    MEMBER = "member"
    SESSION = "session"
    CODING = "coding"
    EVENT = "event"
    NOTE = "note"
    MEDIA = "media"
    CODEBOOK = "codebook"


Ids = Mapping[Kind, tuple[int, ...]]
_NONE: Ids = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What one operation added, changed and removed, by kind and id.

    A coding that was added comes with its events: their ids are listed only when events
    of a coding are recorded, edited or deleted one by one (then ``events`` holds them and
    ``coding_id`` says whose they are).
    """

    label: str
    added: Ids = field(default_factory=lambda: _NONE)
    changed: Ids = field(default_factory=lambda: _NONE)
    removed: Ids = field(default_factory=lambda: _NONE)
    coding_id: int | None = None
    events: Changes | None = None

    @property
    def kinds(self) -> frozenset[Kind]:
        """Every kind this change-set touches."""
        return frozenset(
            k for ids in (self.added, self.changed, self.removed) for k, v in ids.items() if v
        )

    def touches(self, *kinds: Kind) -> bool:
        """Whether anything of these kinds was added, changed or removed."""
        return any(
            ids.get(kind) for ids in (self.added, self.changed, self.removed) for kind in kinds
        )

    def ids(self, kind: Kind) -> tuple[int, ...]:
        """Every id of a kind this change-set touches, added first, then changed, removed."""
        return (
            *self.added.get(kind, ()),
            *self.changed.get(kind, ()),
            *self.removed.get(kind, ()),
        )

    def new(self, kind: Kind) -> int:
        """The id of the one thing of ``kind`` this operation created (the first of several)."""
        found = self.added.get(kind, ())
        if not found:
            raise LookupError(f"{self.label!r} added no {kind}.")
        return found[0]


def recorded(coding_id: int, changes: Changes, notes: tuple[int, ...] = ()) -> ChangeSet:
    """The change-set of one recording step (an event, an edit, an undo, a note)."""
    added: dict[Kind, tuple[int, ...]] = {}
    if changes.added:
        added[Kind.EVENT] = tuple(e.id for e in changes.added)
    if notes:
        added[Kind.NOTE] = notes
    changed: dict[Kind, tuple[int, ...]] = {}
    if changes.changed:
        changed[Kind.EVENT] = tuple(e.id for e in changes.changed)
    if other := tuple(
        n.id for n in changes.notes if n.id not in notes and n.id not in changes.notes_removed
    ):
        changed[Kind.NOTE] = other
    removed: dict[Kind, tuple[int, ...]] = {}
    if changes.removed:
        removed[Kind.EVENT] = changes.removed
    if changes.notes_removed:
        removed[Kind.NOTE] = changes.notes_removed
    return ChangeSet(changes.label, added, changed, removed, coding_id, changes)


Listener = Callable[[ChangeSet], None]


class Notices:
    """Who listens to one open database: each change-set reaches each listener once.

    Listeners are called in the thread that made the change (a long import runs in a
    worker thread); a listener that draws must hand the notice to its own thread.
    """

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Hear every change-set from now on; returns a function that stops it."""
        self._listeners.append(listener)
        board = weakref.ref(self)  # the stop function must not keep the board alive

        def unsubscribe() -> None:
            found = board()
            if found is not None and listener in found._listeners:
                found._listeners.remove(listener)

        return unsubscribe

    def announce(self, changes: ChangeSet) -> None:
        for listener in list(self._listeners):
            listener(changes)


_BOARDS: weakref.WeakKeyDictionary[Store, Notices] = weakref.WeakKeyDictionary()
_BOARDS_LOCK = threading.Lock()


def notices_of(store: Store) -> Notices:
    """The one notice board of an open database: every operation on it announces there."""
    with _BOARDS_LOCK:
        board = _BOARDS.get(store)
        if board is None:
            board = _BOARDS[store] = Notices()
        return board
