"""Real BORIS projects imported, then exported: the same project for BORIS, field by field.

The only differences allowed are the documented ones (docs/formats.md, "Export"): modifier
values come back trimmed, and a state never stopped is stopped at the coding's end, which
the observation's description says.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from observer.analysis.agreement import closed_events
from observer.domain.codebook import codebook_from_source
from observer.formats import export_codings, import_file
from observer.storage.models import StoredCodebook
from observer.storage.read_coding import from_coding
from observer.storage.store import Store, open_store
from observer.workspace.codings import new_coding
from observer.workspace.groups import MemberSpec, add_group, add_session
from tests.observer.formats.test_boris_fixtures import boris


def differences(original: Any, exported: Any, where: str = "") -> list[str]:
    """Every field that differs, by its path in the project."""
    if isinstance(original, dict) and isinstance(exported, dict):
        out = [f"{where}/{k}: missing" for k in original if k not in exported]
        out += [f"{where}/{k}: added" for k in exported if k not in original]
        for k in original.keys() & exported.keys():
            out += differences(original[k], exported[k], f"{where}/{k}")
        return out
    if isinstance(original, list) and isinstance(exported, list):
        if len(original) != len(exported):
            return [f"{where}: {len(original)} items, now {len(exported)}"]
        return [d for n, (a, b) in enumerate(zip(original, exported, strict=True))
                for d in differences(a, b, f"{where}[{n}]")]  # fmt: skip
    if original != exported or type(original) is not type(exported):
        return [f"{where}: {original!r} -> {exported!r}"]
    return []


def round_trip(store: Store, path: Path, out: Path) -> tuple[dict[str, Any], dict[str, Any], Any]:
    report = import_file(store, path)
    export_codings(store, report.coding_ids, "boris", out)
    original = json.loads(path.read_text(encoding="utf-8"))
    return original, json.loads(out.read_text(encoding="utf-8")), report


def read_back(path: Path, tmp_path: Path) -> dict[str, Any]:
    """The exported project through our own import, codings by name."""
    again = open_store(tmp_path / "again.sqlite3")
    try:
        report = import_file(again, path)
        return {n: from_coding(again, i).with_names().events
                for i, n in zip(report.coding_ids, report.coding_names, strict=True)}  # fmt: skip
    finally:
        again.close()


def test_test_boris_comes_back_whole(store: Store, shared_fixtures: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.boris"
    original, exported, report = round_trip(store, boris(shared_fixtures, "test.boris"), out)
    unpaired = "/observations/live not paired"
    allowed = {f"{unpaired}/description", f"{unpaired}/events"}
    assert {d.split(":")[0] for d in differences(original, exported)} == allowed
    # The unpaired state: its rows as they were, and a stop at the coding's end, said.
    before, after = (
        original["observations"]["live not paired"],
        exported["observations"]["live not paired"],
    )
    assert after["events"] == [*before["events"], [26.862, "", "s", "", ""]]
    assert "stopped at the coding's end" in after["description"]
    # Read back through our import: the same events (the state now stopped).
    first = {n: closed_events(from_coding(store, i).with_names())
             for i, n in zip(report.coding_ids, report.coding_names, strict=True)}  # fmt: skip
    again = read_back(out, tmp_path)
    assert list(again) == list(first)
    for name, events in first.items():
        assert list(again[name]) == events, name


def test_stray_spaces_come_back_trimmed_only(
    store: Store, shared_fixtures: Path, tmp_path: Path
) -> None:
    path = boris(shared_fixtures, "test_with_leading_trailing_spaces_in_modifiers.boris")
    original, exported, _report = round_trip(store, path, tmp_path / "out.boris")
    found = differences(original, exported)
    assert found and all(d.startswith("/observations/test1 live/events[") for d in found)
    rows = original["observations"]["test1 live"]["events"]
    trimmed = [[*r[:3], "|".join(p.strip() for p in r[3].split("|")), r[4]] for r in rows]
    assert exported["observations"]["test1 live"]["events"] == trimmed
    assert [r[3] for r in trimmed] == ["a|c", "a|None", "None|111", "None|c"]


def test_ethogram_only_project_comes_back_from_a_coding_with_its_codebook(
    store: Store, shared_fixtures: Path, tmp_path: Path
) -> None:
    path = boris(shared_fixtures, "otx_import_test.boris")
    original = json.loads(path.read_text(encoding="utf-8"))
    report = import_file(store, path)
    subjects = [s["name"] for s in original["subjects_conf"].values()]
    group = add_group(store, "OTX", members=[MemberSpec(n) for n in subjects])
    session = add_session(store, group)
    with store.reader() as s:
        stored = s.get(StoredCodebook, report.codebook_ids[0])
        assert stored is not None
        book = codebook_from_source(stored.source)
    coding = new_coding(store, session, "OT", [book], name="first look")
    out = tmp_path / "out.boris"
    export_codings(store, [coding], "boris", out)
    exported = json.loads(out.read_text(encoding="utf-8"))
    # The same project, with the coding as its one observation.
    assert [d for d in differences(original, exported) if not d.startswith("/observations")] == []
    [(title, observation)] = exported["observations"].items()
    assert "first look" in title and observation["type"] == "LIVE"
    codes = [b["code"] for b in exported["behaviors_conf"].values()]
    assert "chicken - healthy" in codes and len(codes) == 22
    assert read_back(out, tmp_path) == {n: () for n in exported["observations"]}


@pytest.mark.parametrize(
    "name", ["test.boris", "test_with_leading_trailing_spaces_in_modifiers.boris"]
)
def test_a_second_round_changes_nothing_more(
    store: Store, shared_fixtures: Path, tmp_path: Path, name: str
) -> None:
    first_out = tmp_path / "first.boris"
    round_trip(store, boris(shared_fixtures, name), first_out)
    other = open_store(tmp_path / "other.sqlite3")
    try:
        _original, exported, _report = round_trip(other, first_out, tmp_path / "second.boris")
    finally:
        other.close()
    assert differences(json.loads(first_out.read_text(encoding="utf-8")), exported) == []
