"""A coded event and the notice of what one operation changed: plain, detached values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Event:
    """A coded event as the views see it: a plain, detached value."""

    id: int
    time_ms: int
    code: str
    actor: str
    targets: tuple[str, ...] = ()
    modifiers: Mapping[str, str] = field(default_factory=dict)
    note: str = ""
    end_ms: int | None = None

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.time_ms, self.id)

    def fields(self) -> dict[str, Any]:
        """The stored columns (the audit trail's before/after)."""
        return {
            "time_ms": self.time_ms,
            "end_ms": self.end_ms,
            "code": self.code,
            "actor": self.actor,
            "targets": list(self.targets),
            "modifiers": dict(self.modifiers),
            "note": self.note,
        }


@dataclass(frozen=True)
class Changes:
    """What one operation changed, sent to listeners after it is committed."""

    label: str
    added: tuple[Event, ...] = ()
    changed: tuple[Event, ...] = ()
    removed: tuple[int, ...] = ()
    # Process notes and phase marks the step touched, one per change in order (each as
    # the change left it; a removed one as it was), and the ids of those it removed.
    notes: tuple[ProcessNoteView, ...] = ()
    notes_removed: tuple[int, ...] = ()

    @property
    def touches_notes(self) -> bool:
        return bool(self.notes or self.notes_removed)


@dataclass(frozen=True)
class ProcessNoteView:
    """A process note of a coding (at a session time, or about the whole session)."""

    id: int
    time_ms: int | None
    text: str
    kind: str
    created_at: datetime | None = None

    def fields(self) -> dict[str, Any]:
        """What a correction can change (the audit trail's before/after)."""
        return {"time_ms": self.time_ms, "text": self.text, "kind": self.kind}
