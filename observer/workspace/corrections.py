"""The workspace's corrections: edit, move, archive, trash and delete, each one operation.

Each returns its change-set and announces it once. An edit also leaves its undo behind
(what the changed fields held before), kept per database like the notices, so Undo in
any window of that database puts the last correction back. Deleting for good (a group, a
session, a recording, the trash emptied) is asked about first and cannot be undone.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from observer.domain.errors import Refused
from observer.workspace.changes import ChangeSet, Kind

if TYPE_CHECKING:
    from observer.storage.store import Store
    from observer.workspace.changes import Ids, Notices
    from observer.workspace.records import Before, WhatGoes


@dataclass(frozen=True)
class _Undo:
    label: str
    put_back: Callable[[], None]
    changed: Ids


class History:
    """The corrections of one open database that can still be undone, the latest last."""

    def __init__(self) -> None:
        self._steps: list[_Undo] = []

    def push(self, step: _Undo) -> None:
        self._steps.append(step)

    def last(self) -> _Undo | None:
        return self._steps[-1] if self._steps else None

    def drop(self, step: _Undo) -> None:
        self._steps.remove(step)

    @property
    def label(self) -> str:
        """What Undo would put back ('' when nothing)."""
        return self._steps[-1].label if self._steps else ""


_HISTORIES: weakref.WeakKeyDictionary[Any, History] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def history_of(store: Store) -> History:
    with _LOCK:
        found = _HISTORIES.get(store)
        if found is None:
            found = _HISTORIES[store] = History()
        return found


class Corrections:
    """Mixed into ``Workspace``: every correction a person can make to an open database."""

    store: Store
    notices: Notices

    def _announce(
        self,
        label: str,
        changed: Ids | None = None,
        removed: Ids | None = None,
        added: Ids | None = None,
    ) -> ChangeSet:
        changes = ChangeSet(label, added or {}, changed or {}, removed or {})
        self.notices.announce(changes)
        return changes

    def _edited(
        self, label: str, model: type[Any], row_id: int, before: Before, changed: Ids
    ) -> ChangeSet:
        """Announce an edit and keep its undo (an edit that changed nothing is not kept)."""
        from observer.workspace.records import put_back

        if not before:
            return ChangeSet(label)
        store = self.store
        history_of(store).push(
            _Undo(label, lambda: put_back(store, model, row_id, before), changed)
        )
        return self._announce(label, changed)

    def keep_undo(self, label: str, put_back: Callable[[], None], changed: Ids) -> None:
        """Keep how to take back an operation done elsewhere (adding a member, say)."""
        history_of(self.store).push(_Undo(label, put_back, changed))

    @property
    def undo_label(self) -> str:
        """The correction Undo would put back, '' when there is none."""
        return history_of(self.store).label

    def undo(self) -> ChangeSet:
        """Put the last correction back as it was; refused when there is none."""
        history = history_of(self.store)
        step = history.last()
        if step is None:
            raise Refused("undo", "there is no correction to undo")
        try:
            step.put_back()
        finally:
            # A step refused now (the member was coded since) would be refused for ever and
            # keep every earlier correction from being undone: it goes either way.
            history.drop(step)
        return self._announce(f"Undo {step.label}", step.changed)

    # --- groups ------------------------------------------------------------------------

    def edit_group(self, group_id: int, **fields: Any) -> ChangeSet:
        """Rename a group, change its modality or notes (``records.edit_group``)."""
        from observer.storage.models import Group
        from observer.workspace.records import edit_group

        before = edit_group(self.store, group_id, **fields)
        return self._edited("Edit group", Group, group_id, before, {Kind.GROUP: (group_id,)})

    def archive_group(self, group_id: int, archived: bool = True) -> ChangeSet:
        from observer.storage.models import Group
        from observer.workspace.records import archive_group

        before = archive_group(self.store, group_id, archived)
        label = "Archive group" if archived else "Bring group back"
        return self._edited(label, Group, group_id, before, {Kind.GROUP: (group_id,)})

    def delete_group(self, group_id: int) -> tuple[WhatGoes, ChangeSet]:
        """Delete a group and everything in it, for good (ask first: ``group_deletion``)."""
        from observer.workspace.records import delete_group

        gone = delete_group(self.store, group_id)
        return gone, self._announce("Delete group", removed={Kind.GROUP: (group_id,)})

    # --- members -----------------------------------------------------------------------

    def edit_member(self, member_id: int, **fields: Any) -> ChangeSet:
        """Rename a member, change initials, role, colour, seat or dates (``records``)."""
        from observer.storage.models import Member
        from observer.workspace.records import edit_member

        before = edit_member(self.store, member_id, **fields)
        return self._edited("Edit member", Member, member_id, before, {Kind.MEMBER: (member_id,)})

    def member_leaves(self, member_id: int, on: date) -> ChangeSet:
        from observer.storage.models import Member
        from observer.workspace.records import member_leaves

        before = member_leaves(self.store, member_id, on)
        return self._edited("Member left", Member, member_id, before, {Kind.MEMBER: (member_id,)})

    # --- sessions ----------------------------------------------------------------------

    def edit_session(self, session_id: int, **fields: Any) -> ChangeSet:
        """Change a session's number, date, setting, notes or attendance (``records``)."""
        from observer.storage.models import GroupSession
        from observer.workspace.records import edit_session

        before = edit_session(self.store, session_id, **fields)
        changed = {Kind.SESSION: (session_id,)}
        return self._edited("Edit session", GroupSession, session_id, before, changed)

    def delete_session(self, session_id: int) -> tuple[WhatGoes, ChangeSet]:
        """Delete a session with its codings, for good (ask first: ``session_deletion``)."""
        from observer.workspace.records import delete_session

        gone = delete_session(self.store, session_id)
        return gone, self._announce("Delete session", removed={Kind.SESSION: (session_id,)})

    # --- codings -----------------------------------------------------------------------

    def edit_coding(self, coding_id: int, **fields: Any) -> ChangeSet:
        """Rename a coding, change its observer or capacity (``coding_records``)."""
        from observer.storage.models import Coding
        from observer.workspace.coding_records import edit_coding

        before = edit_coding(self.store, coding_id, **fields)
        return self._edited("Edit coding", Coding, coding_id, before, {Kind.CODING: (coding_id,)})

    def move_coding(self, coding_id: int, session_id: int) -> ChangeSet:
        """Move a coding to another session of its group, everything in it kept."""
        from observer.storage.models import Coding
        from observer.workspace.coding_records import move_coding

        before = move_coding(self.store, coding_id, session_id)
        sessions = (int(before.get("session_id", session_id)), session_id)
        changed = {Kind.CODING: (coding_id,), Kind.SESSION: sessions}
        return self._edited("Move coding", Coding, coding_id, before, changed)

    def trash_coding(self, coding_id: int) -> ChangeSet:
        """Put a coding in the trash (restore it from there until the trash is emptied)."""
        from observer.storage.models import Coding
        from observer.workspace.coding_records import trash_coding

        before = trash_coding(self.store, coding_id)
        changed = {Kind.CODING: (coding_id,)}
        return self._edited("Delete coding", Coding, coding_id, before, changed)

    def restore_coding(self, coding_id: int) -> ChangeSet:
        from observer.storage.models import Coding
        from observer.workspace.coding_records import restore_coding

        before = restore_coding(self.store, coding_id)
        changed = {Kind.CODING: (coding_id,)}
        return self._edited("Restore coding", Coding, coding_id, before, changed)

    def empty_trash(self) -> ChangeSet:
        """Delete every coding in the trash for good, with its events and notes."""
        from observer.workspace.coding_records import empty_trash

        gone = empty_trash(self.store)
        return self._announce("Empty the trash", removed={Kind.CODING: tuple(gone)})

    # --- recordings and codebooks ------------------------------------------------------

    def edit_media(self, media_id: int, label: str) -> ChangeSet:
        from observer.storage.models import MediaFile
        from observer.workspace.coding_records import edit_media

        before = edit_media(self.store, media_id, label)
        changed: Mapping[Kind, tuple[int, ...]] = {Kind.MEDIA: (media_id,)}
        return self._edited("Relabel recording", MediaFile, media_id, before, changed)

    def remove_media(self, media_id: int) -> ChangeSet:
        """Remove a recording from its session; the file itself stays where it is."""
        from observer.workspace.coding_records import remove_media

        remove_media(self.store, media_id)
        return self._announce("Remove recording", removed={Kind.MEDIA: (media_id,)})

    def add_codebook_file(self, path: str | Path) -> ChangeSet:
        """Keep a codebook file in the database for new codings (``coding_records``)."""
        from observer.workspace.coding_records import add_codebook_file

        pk = add_codebook_file(self.store, path)
        return self._announce("Add codebook file", changed={Kind.CODEBOOK: (pk,)})
