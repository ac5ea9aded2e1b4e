"""Undo steps: what one user action changed, as operations that can be played backwards.

Undo and redo replay a step's inverse on the database (never a snapshot of the whole
coding), so a step names each row it changed and, for an update, what the row was before.
"""

from __future__ import annotations

from dataclasses import dataclass

from observer.domain.events import Event
from observer.workspace.note_writes import NoteOp


@dataclass(frozen=True)
class RowOp:
    """One row change; ``before`` is set for updates. Audited unless part of plain recording."""

    kind: str  # "insert" | "delete" | "update"
    event: Event
    before: Event | None = None
    audited: bool = True
    awaiting: bool = False  # an insert that waits for its modifiers (live entry)
    settles: bool = False  # an update that gives a waiting event its modifiers

    def inverse(self) -> RowOp:
        if self.kind == "insert":
            return RowOp("delete", self.event)
        if self.kind == "delete":
            return RowOp("insert", self.event)
        assert self.before is not None
        return RowOp("update", self.before, self.event, audited=self.audited)


@dataclass(frozen=True)
class Step:
    """One undo step: event changes, or note changes (a note, a phase mark), or both."""

    label: str
    ops: tuple[RowOp, ...]
    notes: tuple[NoteOp, ...] = ()

    def inverse(self) -> Step:
        return Step(
            self.label,
            tuple(op.inverse() for op in reversed(self.ops)),
            tuple(op.inverse() for op in reversed(self.notes)),
        )
