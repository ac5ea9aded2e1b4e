"""Real BORIS projects (from BORIS's own test files) imported: counts, pairs, modifiers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from observer.analysis.agreement import closed_events
from observer.domain.codebook import codebook_from_source
from observer.formats import export_coding, import_file
from observer.formats.common import count_rows
from observer.storage.models import Coding, GroupSession, MediaFile, StoredCodebook
from observer.storage.read_coding import from_coding

# Events after pairing (a state's start and stop rows become one event), per observation.
EXPECTED_EVENTS = {
    "offset positif": 2,
    "offset neg": 4,
    "observation #1": 4,
    "observation #2": 18,
    "live not paired": 9,
    "live": 9,
    "modifiers": 5,
    "2 video": 1,
    "2 video avi": 0,
    "live export behavioral sequences": 22,
    "observation #2 (copy)": 18,
    "observation without events": 0,
}


def boris(shared_fixtures: Path, name: str) -> Path:
    path = shared_fixtures / "boris" / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path


def by_name(store: Any, report: Any) -> dict[str, Any]:
    """The imported codings by observation name, people named as BORIS named its subjects."""
    return {
        n: from_coding(store, i).with_names()
        for i, n in zip(report.coding_ids, report.coding_names, strict=True)
    }


def test_all_twelve_observations_with_their_event_counts(store: Any, shared_fixtures: Path) -> None:
    report = import_file(store, boris(shared_fixtures, "test.boris"))
    codings = by_name(store, report)
    assert {n: len(c.events) for n, c in codings.items()} == EXPECTED_EVENTS
    assert report.events == sum(EXPECTED_EVENTS.values())
    assert len(report.session_ids) == 12
    data = codings["observation #1"]
    states = [(e.actor, e.time_ms, e.end_ms) for e in data.events]
    assert states == [
        ("subject1", 3300, 7750),
        ("subject1", 9900, 16200),
        ("subject1", 18350, 24475),
        ("subject2", 38425, 46100),
    ]
    assert all(e.code == "s" for e in data.events)
    # Events without a subject are the group as a whole; points have no end.
    live = codings["live"]
    assert [(e.actor, e.time_ms, e.end_ms) for e in live.events if e.code == "s"] == [
        ("group", 8886, 16678),
        ("subject2", 12509, 20685),
        ("group", 18438, 26630),
    ]
    assert all(e.end_ms is None for e in live.events if e.code == "p")


def test_codebook_from_the_ethogram(store: Any, shared_fixtures: Path) -> None:
    report = import_file(store, boris(shared_fixtures, "test.boris"))
    palette = from_coding(store, report.coding_ids[0]).palette
    assert palette is not None
    kinds = {c.id: c.kind for c in palette.codes}
    assert kinds == {"p": "point", "s": "state", "q": "point", "r": "state", "m": "state"}
    m = palette.code("m")
    assert m is not None and len(m.modifiers) == 2
    values = [[v.id for v in palette.modifier_set(s, m).values] for s in m.modifiers]  # type: ignore[union-attr]
    assert values == [["m1", "m2", "m3"], ["n1", "n2", "n3"]]
    with store.reader() as s:
        codings = list(s.scalars(select(Coding).order_by(Coding.id)))
        assert {c.codebooks[0].id for c in codings} == {report.codebook_ids[0]}
        assert {c.clock_mode for c in codings if c.name == "live"} == {"live"}
        assert {c.clock_mode for c in codings if c.name == "observation #1"} == {"media"}


def test_modifiers_and_state_pairs_with_modifiers(store: Any, shared_fixtures: Path) -> None:
    report = import_file(store, boris(shared_fixtures, "test.boris"))
    data = by_name(store, report)["modifiers"]
    got = [(e.code, e.time_ms, e.end_ms, dict(e.modifiers)) for e in data.events]
    assert got == [
        ("q", 8475, None, {"modif-1": "m1"}),
        ("q", 12350, None, {"modif-1": "m2"}),
        ("q", 15650, None, {"modif-1": "m3"}),
        ("r", 19175, 27950, {"modif-1": "m1"}),
        ("r", 30425, 40825, {}),
    ]


def test_modifier_values_with_stray_spaces(store: Any, shared_fixtures: Path) -> None:
    path = boris(shared_fixtures, "test_with_leading_trailing_spaces_in_modifiers.boris")
    report = import_file(store, path)
    assert report.coding_names == ["test1 live"]
    data = from_coding(store, report.coding_ids[0])
    assert [dict(e.modifiers) for e in data.events] == [
        {"test-1": "a", "test-2": "c"},
        {"test-1": "a"},
        {"test-2": "111"},
        {"test-2": "c"},
    ]
    assert all(e.note == "" for e in data.events)
    assert report.warnings == []
    palette = data.palette
    assert palette is not None
    p = palette.code("p")
    assert p is not None
    first = palette.modifier_set("test-1", p)
    assert first is not None
    # "a    (a)": the label without BORIS's "(key)" suffix, and the key kept.
    assert [(v.id, v.label, v.key) for v in first.values] == [("a", "a", "a"), ("c", "c", ""),
                                                               ("d", "d", "")]  # fmt: skip


def test_unpaired_state_is_reported_and_kept_running(store: Any, shared_fixtures: Path) -> None:
    report = import_file(store, boris(shared_fixtures, "test.boris"))
    unpaired = [w for w in report.warnings if "unpaired" in w]
    assert len(unpaired) == 1
    assert "live not paired" in unpaired[0] and "'s'" in unpaired[0] and "26.862" in unpaired[0]
    data = by_name(store, report)["live not paired"]
    s_events = [(e.time_ms, e.end_ms) for e in data.events if e.code == "s"]
    assert s_events == [(2718, 10478), (12926, 17470), (19502, 24318), (26862, None)]


def test_sessions_keep_variables_dates_and_media(store: Any, shared_fixtures: Path) -> None:
    report = import_file(store, boris(shared_fixtures, "test.boris"))
    with store.reader() as s:
        sessions = {
            c.name: c.session
            for c in s.scalars(select(Coding).where(Coding.id.in_(report.coding_ids)))
        }
        first = sessions["observation #1"]
        assert "a: 12" in first.notes and "b: text value for b" in first.notes
        assert first.starts_at is not None and first.starts_at.year == 2016
        second = sessions["observation #2"]
        assert "Description of observation #2" in second.notes
        media = list(
            s.scalars(
                select(MediaFile).where(MediaFile.session_id == second.id).order_by(MediaFile.id)
            )
        )
        # Two files in one player play one after the other.
        assert [(m.path, m.offset_ms, m.duration_ms) for m in media] == [
            ("video_test_25fps_180s.mp4", 0, 179_960),
            ("video_test_25fps_360s.mp4", 179_960, 359_960),
        ]
        shifted = s.scalars(
            select(MediaFile).where(MediaFile.session_id == sessions["offset positif"].id)
        ).all()
        assert sorted(m.offset_ms for m in shifted) == [0, 20_000]
        assert len({x.group_id for x in s.scalars(select(GroupSession).where(
            GroupSession.id.in_(report.session_ids)))}) == 1  # fmt: skip


def test_ethogram_only_project_becomes_a_codebook(
    store: Any, shared_fixtures: Path, tmp_path: Path
) -> None:
    before = count_rows(store)
    out = tmp_path / "ethogram.yaml"
    report = import_file(store, boris(shared_fixtures, "otx_import_test.boris"), codebook_out=out)
    after = count_rows(store)
    assert report.coding_ids == [] and report.group_id is None
    assert after["codebooks"] == before["codebooks"] + 1
    assert {k: v for k, v in after.items() if k != "codebooks"} == {
        k: v for k, v in before.items() if k != "codebooks"
    }
    with store.reader() as s:
        stored = s.get(StoredCodebook, report.codebook_ids[0])
        assert stored is not None
        book = codebook_from_source(stored.source)
    assert len(book.codes) == 22 and all(c.kind == "state" for c in book.codes)
    assert set(book.categories.values()) == {"Food items", "Behavior"}
    assert book.code("chicken-healthy") is not None
    assert codebook_from_source(out.read_text(encoding="utf-8")).digest == book.digest
    assert any("13 subjects" in w for w in report.warnings)


def test_boris_import_export_import_keeps_the_events(
    store: Any, shared_fixtures: Path, tmp_path: Path
) -> None:
    from observer.storage.store import open_store

    report = import_file(store, boris(shared_fixtures, "test.boris"))
    first = by_name(store, report)
    second_store = open_store(tmp_path / "second.sqlite3")
    try:
        for coding_id, name in zip(report.coding_ids, report.coding_names, strict=True):
            out = tmp_path / f"{coding_id}.boris"
            export_coding(store, coding_id, "boris", out)
            project = json.loads(out.read_text(encoding="utf-8"))
            assert project["project_format_version"] == "7.0"
            assert list(project["observations"]) == [name]
            again = import_file(second_store, out)
            assert again.coding_names == [name]
            data = from_coding(second_store, again.coding_ids[0]).with_names()

            def view(events: Any) -> list[Any]:
                return [(e.time_ms, e.end_ms, e.code, e.actor, e.targets, dict(e.modifiers), e.note)
                        for e in events]  # fmt: skip

            # A state still running comes back stopped at the coding's end (said in the file).
            assert view(data.events) == view(closed_events(first[name])), name
    finally:
        second_store.close()


def test_cli_import_names_codings_after_observations(
    shared_fixtures: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from observer.cli.main import main

    db = str(tmp_path / "cli.sqlite3")
    assert main(["--db", db, "import", str(boris(shared_fixtures, "test.boris"))]) == 0
    assert "unpaired" in capsys.readouterr().out
    assert main(["--db", db, "coding", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["name"]: r["events"] for r in rows} == EXPECTED_EVENTS
