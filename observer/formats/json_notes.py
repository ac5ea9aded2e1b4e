"""The process notes of our JSON, and their audit trail: read, checked and added on import.

In the file a note is named by its place (``ref``: 1, 2…), as events are, and an audit
entry of a note deleted since by ``goneN``. On import every note gets a new uid, and all
the entries of one note's trail name it, so the trail reads as it did where it was made.
Files written before notes could be corrected have neither ``ref`` nor ``note_audit``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from observer.domain import limits
from observer.domain.uids import new_uid
from observer.storage.models import NOTE_KINDS, NoteAudit, ProcessNote

if TYPE_CHECKING:
    from observer.formats.json_import import _Doc

ACTIONS = ("edit", "delete", "restore")
NOTE_FIELDS = ("time_ms", "text", "kind")  # what a correction can change
_UNKNOWN = datetime(1970, 1, 1)  # a stamp the file left out (the schema needs one)


@dataclass
class FileNotes:
    """The notes and note audit trail of one file, checked."""

    notes: list[dict[str, Any]] = field(default_factory=list)
    refs: list[int] = field(default_factory=list)  # each note's ``ref``, in file order
    audit: list[tuple[int | str, dict[str, Any]]] = field(default_factory=list)  # (note, row)


def read_notes(d: _Doc, doc: dict[str, Any]) -> FileNotes:
    """The file's ``process_notes`` and ``note_audit``; a problem names file and field."""
    found = FileNotes()
    for i, raw in enumerate(d.items(doc.get("process_notes", []), "process_notes")):
        at = f"process_notes[{i}]"
        n = d.obj(raw, at)
        ref = d.integer(n, "ref", at, optional=True)
        ref = i + 1 if ref is None else ref
        if ref in found.refs:
            raise d.fail(f"{at}.ref", f"{ref} is the ref of an earlier note too")
        found.refs.append(ref)
        found.notes.append(
            {
                "time_ms": _time(d, n, at),
                "text": d.text(n, "text", at),
                "kind": d.choice(n, "kind", at, NOTE_KINDS),
                "created_at": d.when(n, "created_at", at) or _UNKNOWN,
                "edited_at": d.when(n, "edited_at", at),
            }
        )
    for i, raw in enumerate(d.items(doc.get("note_audit", []), "note_audit")):
        at = f"note_audit[{i}]"
        a = d.obj(raw, at)
        note = a.get("note")
        if isinstance(note, bool) or not isinstance(note, int | str):
            raise d.fail(f"{at}.note", f"{note!r} is not a note reference")
        if isinstance(note, int) and note not in found.refs:
            raise d.fail(f"{at}.note", f"no note has the ref {note}")
        row = {
            "action": d.choice(a, "action", at, ACTIONS),
            "who": d.line(a, "who", at, 20),
            "at": d.when(a, "at", at) or _UNKNOWN,
            "before": _fields(d, a.get("before"), f"{at}.before"),
            "after": _fields(d, a.get("after"), f"{at}.after"),
        }
        found.audit.append((note, row))
    return found


def add_notes(s: Session, coding_id: int, found: FileNotes) -> None:
    """The notes and their trail, into the coding being imported (the caller's transaction)."""
    uids: dict[int | str, str] = {}
    for ref, fields in zip(found.refs, found.notes, strict=True):
        uids[ref] = new_uid()
        s.add(ProcessNote(coding_id=coding_id, uid=uids[ref], **fields))
    for note, row in found.audit:
        uid = uids.setdefault(note, new_uid())  # a deleted note: one uid for its whole trail
        s.add(NoteAudit(coding_id=coding_id, note_uid=uid, **row))


def _time(d: _Doc, parent: Any, where: str) -> int | None:
    t = d.ms(parent, "time_ms", where)
    return None if t is None else d.placed(where, limits.session_time, t, "time_ms")


def _fields(d: _Doc, raw: Any, where: str) -> dict[str, Any] | None:
    """A note as an audit entry saw it, before or after the correction."""
    if raw is None:
        return None
    given = d.obj(raw, where)
    unknown = sorted(set(given) - set(NOTE_FIELDS))
    if unknown:
        raise d.fail(where, f"{unknown[0]!r} is not a field of a note")
    return {
        "time_ms": _time(d, given, where),
        "text": d.text(given, "text", where),
        "kind": d.choice(given, "kind", where, NOTE_KINDS),
    }
