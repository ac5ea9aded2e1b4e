"""Counts read as English in every message: "1 cue", "3 cues", never "3 cue(s)"."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import cast

from hypothesis import given
from hypothesis import strategies as st

from observer.domain.participants import Roster
from observer.domain.wording import counted, plural
from observer.formats import not_carried_over
from observer.formats.common import ImportReport
from observer.formats.transcript import Cue
from observer.formats.transcript_import import CallSpeaker, TranscriptPreview, left_out
from observer.workspace.records import WhatGoes

ROOT = Path(__file__).resolve().parents[2]


def test_one_and_many() -> None:
    assert counted(1, "cue") == "1 cue"
    assert counted(3, "cue") == "3 cues"
    assert counted(0, "coding") == "0 codings"
    assert counted(1204, "event") == "1,204 events"
    assert counted(2, "person", "people") == "2 people"
    assert plural(1, "was", "were") == "was" and plural(2, "was", "were") == "were"


@given(st.integers(min_value=0, max_value=10**7))
def test_the_count_and_its_word_agree(count: int) -> None:
    said = counted(count, "thing")
    assert said.endswith(" thing" if count == 1 else " things")
    assert int(said.split()[0].replace(",", "")) == count


def test_no_message_says_a_plural_in_brackets() -> None:
    """No string the app can show holds "(s)": each counts with the one helper."""
    found = []
    for folder in ("observer", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found += [
                f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}"
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and "(s)" in node.value
                and not _is_docstring(tree, node)
            ]
    assert found == []


def _is_docstring(tree: ast.Module, node: ast.Constant) -> bool:
    for owner in ast.walk(tree):
        if isinstance(owner, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = owner.body
            if body and isinstance(body[0], ast.Expr) and body[0].value is node:
                return True
    return False


def _speaker(cues: int) -> CallSpeaker:
    return CallSpeaker("Jane Doe", cues, 12.0, 4, None, "")


def test_the_transcript_import_says_one_cue_and_several_cues() -> None:
    cue = Cue(7, 0, 1000, "", "hello")
    roster = cast(Roster, None)  # not read by the messages
    one = left_out(TranscriptPreview((cue,), (_speaker(1),), (cue,), roster), "call.vtt")
    assert "its 1 cue (12 s) was not imported" in one[0]
    assert "call.vtt: 1 cue names no speaker" in one[1]
    many = left_out(TranscriptPreview((cue,), (_speaker(3),), (cue, cue), roster), "call.vtt")
    assert "its 3 cues (12 s) were not imported" in many[0]
    assert "call.vtt: 2 cues name no speaker" in many[1]


def test_an_import_report_counts_codings_and_events() -> None:
    one = ImportReport("a.json", "json", coding_ids=[4], events=1).summary()
    assert one.startswith("Imported a.json (json): 1 coding, 1 event.")
    many = ImportReport("a.json", "json", coding_ids=[4, 5], events=1204).summary()
    assert many.startswith("Imported a.json (json): 2 codings, 1,204 events.")
    books = ImportReport("b.yaml", "codebook", codebook_ids=[2]).summary()
    assert "Stored codebook 2." in books


def test_what_goes_and_what_is_not_carried_over() -> None:
    assert WhatGoes(1, 2, 1, 0).sentence() == "1 session, 2 codings, 1 event and 0 notes"
    assert not_carried_over(1) == "1 thing will not be carried over"
    assert not_carried_over(3, imported=True) == "3 things could not be carried over exactly"
