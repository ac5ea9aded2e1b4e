"""Process notes and phase marks of an open coding: added, corrected, deleted, undone.

Part of :class:`observer.workspace.recording.Recorder`: a note change is an undo step like
an event change, on the same stack and in the same order (Ctrl+Z after a phase mark takes
the mark back; after an event, the event), written in one durable transaction with its
audit row, and announced after the commit. A phase mark is a note of kind "phase": its
name is the note's text, so renaming, moving and deleting a mark are note corrections, and
the coding's phase marks (``info.phase_marks``: what every chart and phase filter cuts
by) are kept from the notes after every step.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from observer.domain import limits
from observer.domain.clock import utcnow
from observer.domain.errors import InputError, NotFound
from observer.domain.events import Changes, ProcessNoteView
from observer.domain.phases import PHASE_NOTE, PhaseMark, checked_name
from observer.domain.uids import new_uid
from observer.storage.coding_info import CodingInfo
from observer.storage.store import parse_stamp, run
from observer.workspace.note_writes import DirectRecords, NoteOp, OutboxRecords, note_there


class NoteRecords:
    """The notes and phase marks of one open coding (the recorder provides the rest)."""

    coding_id: int
    info: CodingInfo
    _records: DirectRecords | OutboxRecords
    _notes: dict[int, ProcessNoteView]
    _note_uids: dict[int, str]

    @property
    def _conn(self) -> Any:
        raise NotImplementedError

    def refuse_if_read_only(self) -> None:
        raise NotImplementedError

    def _perform_notes(self, label: str, ops: tuple[NoteOp, ...]) -> Changes:
        raise NotImplementedError

    def _load_notes(self) -> None:
        self._notes, self._note_uids = {}, {}
        rows = run(
            self._conn,
            "SELECT id, uid, time_ms, text, kind, created_at FROM process_notes "
            "WHERE coding_id = ?",
            (self.coding_id,),
        )
        for note_id, uid, time_ms, text, kind, created in rows:
            self._notes[int(note_id)] = ProcessNoteView(
                int(note_id), time_ms, text, kind, parse_stamp(created)
            )
            self._note_uids[int(note_id)] = str(uid)
        self.info = replace(self.info, phase_marks=self._marks())

    # --- reading -------------------------------------------------------------------------

    def notes(self) -> list[ProcessNoteView]:
        """The coding's notes, phase marks and pinned prompts in time order (untimed first)."""
        return sorted(self._notes.values(), key=_note_order)

    def note(self, note_id: int) -> ProcessNoteView:
        try:
            return self._notes[note_id]
        except KeyError:
            raise NotFound(f"No process note {note_id} in this coding.") from None

    # --- adding --------------------------------------------------------------------------

    def add_note(self, text: str, time_ms: int | None = None, kind: str = "note") -> int:
        """A timestamped process note (or a pinned prompt) for supervision; durable at once,
        undone by Undo like an event."""
        self.refuse_if_read_only()
        note = ProcessNoteView(0, time_ms, _checked_text(text), kind, utcnow())
        _check_time(time_ms)
        label = "Add note" if kind != "prompt" else "Pin prompt"
        return self._perform_notes(label, (NoteOp("insert", note),)).notes[0].id

    def mark_phase(self, name: str, time_ms: int) -> PhaseMark:
        """A phase of the session begins now (until the next mark); durable at once.

        Stored as a process note of kind "phase"; the charts' phase chooser offers it at once.
        """
        self.refuse_if_read_only()
        mark = PhaseMark(time_ms, checked_name(name))
        _check_time(time_ms)
        note = ProcessNoteView(0, time_ms, mark.name, PHASE_NOTE, utcnow())
        self._perform_notes(f"Mark phase {mark.name}", (NoteOp("insert", note),))
        return mark

    # --- correcting ----------------------------------------------------------------------

    def edit_note(
        self, note_id: int, text: str | None = None, time_ms: int | object | None = ...
    ) -> ProcessNoteView:
        """Change a note's text or time (a phase mark: its name or when it began); audited.

        A phase mark keeps a time (a phase begins somewhere); a note may lose it.
        """
        self.refuse_if_read_only()
        before = self.note(note_id)
        after = before
        if text is not None:
            fixed = checked_name(text) if before.kind == PHASE_NOTE else _checked_text(text)
            after = replace(after, text=fixed)
        if time_ms is not ...:
            if time_ms is None and before.kind == PHASE_NOTE:
                raise InputError("A phase mark needs a time: the moment the phase began.")
            _check_time(time_ms)  # type: ignore[arg-type]
            after = replace(after, time_ms=time_ms)  # type: ignore[arg-type]
        if after == before:
            return before
        self._perform_notes(_edit_label(before, after), (NoteOp("update", after, before),))
        return after

    def rename_phase(self, note_id: int, name: str) -> ProcessNoteView:
        """Give a phase mark another name (every chart follows at once)."""
        self._phase(note_id)
        return self.edit_note(note_id, text=name)

    def move_phase(self, note_id: int, time_ms: int) -> ProcessNoteView:
        """Say the phase began at another moment."""
        self._phase(note_id)
        return self.edit_note(note_id, time_ms=time_ms)

    def delete_note(self, note_id: int) -> None:
        """Delete a note or phase mark; audited, and Undo brings it back as itself."""
        self.refuse_if_read_only()
        note = self.note(note_id)
        what = f"phase {note.text}" if note.kind == PHASE_NOTE else "note"
        self._perform_notes(f"Delete {what}", (NoteOp("delete", note),))

    def _phase(self, note_id: int) -> ProcessNoteView:
        note = self.note(note_id)
        if note.kind != PHASE_NOTE:
            raise InputError(f"Process note {note_id} is not a phase mark.")
        return note

    # --- the write path (inside the step's transaction) -----------------------------------

    def _write_notes(self, ops: tuple[NoteOp, ...], now: Any) -> list[ProcessNoteView]:
        """Each note change of a step, written; the notes as they stand after each."""
        done = []
        for op in ops:
            known = op.note.id and op.note.id in self._note_uids
            uid = self._note_uids[op.note.id] if known else new_uid()
            note = self._records.write_note(op, uid, now)
            self._note_uids[note.id] = uid
            done.append(note)
        return done

    def _notes_saved(self, conn: Any, ops: tuple[NoteOp, ...], done: list[ProcessNoteView]) -> bool:
        """After an uncertain commit: whether all of the step's note changes are there."""
        if len(done) != len(ops):
            return False
        return all(
            note_there(conn, note) != (op.kind == "delete")
            for op, note in zip(ops, done, strict=True)
        )

    def _mirror_notes(
        self, ops: tuple[NoteOp, ...], done: list[ProcessNoteView]
    ) -> tuple[tuple[ProcessNoteView, ...], tuple[int, ...]]:
        """The written changes in memory; (each note as the step left it, ids removed)."""
        for op, note in zip(ops, done, strict=True):
            if op.kind == "delete":
                self._notes.pop(note.id, None)
            else:
                self._notes[note.id] = note
        if ops:
            self.info = replace(self.info, phase_marks=self._marks())
        removed = tuple(dict.fromkeys(n.id for n in done if n.id not in self._notes))
        return tuple(done), removed

    def _marks(self) -> tuple[PhaseMark, ...]:
        return tuple(
            PhaseMark(n.time_ms, n.text)
            for n in self.notes()
            if n.kind == PHASE_NOTE and n.time_ms is not None
        )


def _note_order(note: ProcessNoteView) -> tuple[bool, int, int]:
    # A note written to an outbox has a provisional, negative id: newer than any stored one.
    made = note.id if note.id > 0 else 2**62 - note.id
    return (note.time_ms is not None, note.time_ms or 0, made)


def _checked_text(text: str) -> str:
    if not text.strip():
        raise InputError("The note is empty.")
    limits.note(text, "note")
    return text.strip()


def _check_time(time_ms: int | None) -> None:
    if time_ms is not None:
        limits.session_time(time_ms, "time")


def _edit_label(before: ProcessNoteView, after: ProcessNoteView) -> str:
    if before.kind != PHASE_NOTE:
        return "Edit note"
    if before.text != after.text:
        return f"Rename phase {before.text} to {after.text}"
    return f"Move phase {after.text}"
