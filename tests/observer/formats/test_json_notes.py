"""Process notes and their audit trail in our JSON file: older files still import, and a
damaged trail is refused by file and field with nothing written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from observer.domain.errors import InputError
from observer.formats import export_coding, import_file
from observer.formats.common import count_rows
from observer.storage.store import open_store
from observer.workspace.recording import Recorder
from tests.observer.helpers import small_coding


@pytest.fixture
def exported(store: Any, tmp_path: Path) -> dict[str, Any]:
    """A coding whose phase mark was renamed, exported as our JSON."""
    coding_id, _ = small_coding(store)
    recorder = Recorder(store, coding_id)
    recorder.add_note("Jane's disclosure went unanswered", 4_000)
    recorder.mark_phase("wrok", 1_000)
    [phase] = [n.id for n in recorder.notes() if n.kind == "phase"]
    recorder.edit_note(phase, text="work")
    recorder.close()
    path = tmp_path / "coding.json"
    export_coding(store, coding_id, "json", path)
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def import_doc(doc: dict[str, Any], tmp_path: Path) -> tuple[Any, Path]:
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return open_store(tmp_path / "other.sqlite3"), path


def test_a_file_from_before_notes_could_be_corrected_imports(
    exported: dict[str, Any], tmp_path: Path
) -> None:
    for note in exported["process_notes"]:
        del note["ref"], note["edited_at"]
    del exported["note_audit"]
    elsewhere, path = import_doc(exported, tmp_path)
    try:
        [coding] = import_file(elsewhere, path).coding_ids
        notes = Recorder(elsewhere, coding, read_only=True).notes()
    finally:
        elsewhere.close()
    assert [(n.time_ms, n.text, n.kind) for n in notes] == [
        (1_000, "work", "phase"),
        (4_000, "Jane's disclosure went unanswered", "note"),
    ]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda d: d["note_audit"][0].update(note=9),
            r"note_audit\[0\]\.note: no note has the ref 9",
        ),
        (lambda d: d["note_audit"][0].update(note=True), r"note_audit\[0\]\.note: True is not"),
        (
            lambda d: d["note_audit"][0]["before"].update(colour="red"),
            r"note_audit\[0\]\.before: 'colour' is not a field of a note",
        ),
        (
            lambda d: d["note_audit"][0]["after"].update(time_ms=-5),
            r"note_audit\[0\]\.after: time_ms: -00:00\.005 is before the session started",
        ),
        (lambda d: d["note_audit"][0].update(action="undo"), r"note_audit\[0\]\.action: 'undo'"),
        (lambda d: d["process_notes"][1].update(ref=1), r"process_notes\[1\]\.ref: 1 is the ref"),
    ],
)
def test_a_damaged_note_trail_is_refused_by_field_and_writes_nothing(
    exported: dict[str, Any], tmp_path: Path, damage: Any, message: str
) -> None:
    damage(exported)
    elsewhere, path = import_doc(exported, tmp_path)
    try:
        before = count_rows(elsewhere)
        with pytest.raises(InputError, match=rf"changed\.json: {message}"):
            import_file(elsewhere, path)
        assert count_rows(elsewhere) == before
    finally:
        elsewhere.close()
