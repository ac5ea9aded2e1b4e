"""The corner cases of a BORIS export, one test each (issue: files that come back as they went)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from observer.cli.main import main
from observer.domain.errors import InputError
from observer.domain.events import Event
from observer.domain.participants import GROUP, member_key
from observer.formats import export_codings, export_notices, import_file
from observer.formats.boris_ethogram import unescaped
from observer.formats.boris_rows import SetOut, modifier_text, written_names
from observer.storage.event_rows import insert_events
from observer.storage.models import MediaFile
from observer.storage.read_coding import from_coding
from observer.storage.store import Store
from observer.workspace.codings import new_coding
from observer.workspace.groups import MemberSpec, add_group, add_session, attach_media, get_group
from tests.observer.formats.test_boris_fixtures import boris

S = 1000


def own_coding(
    store: Store,
    names: tuple[str, ...] = ("Jane", "Sam"),
    media: tuple[tuple[str, int], ...] = (),
) -> tuple[int, dict[str, str]]:
    """A coding of ours (here-and-now and Bion), on the first recording when given."""
    group = add_group(store, "Tuesday group", members=[MemberSpec(n) for n in names])
    keys = {m.pseudonym: member_key(m.id) for m in get_group(store, group).members}
    session = add_session(store, group)
    ids = [attach_media(store, session, path, offset) for path, offset in media]
    coding = new_coding(
        store,
        session,
        "AB",
        ["here-and-now", "bion"],
        "media" if ids else "live",
        media_file_id=ids[0] if ids else None,
    )
    return coding, keys


def exported(store: Store, coding_ids: list[int], out: Path) -> dict[str, Any]:
    export_codings(store, coding_ids, "boris", out)
    project: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return project


def only_observation(project: dict[str, Any]) -> dict[str, Any]:
    [observation] = project["observations"].values()
    return observation  # type: ignore[no-any-return]


# 1. Modifiers come back as BORIS wrote them: no set added, none filled with "None".
def test_modifiers_of_every_row_come_back_as_written(
    store: Store, shared_fixtures: Path, tmp_path: Path
) -> None:
    path = boris(shared_fixtures, "test.boris")
    original = json.loads(path.read_text(encoding="utf-8"))
    report = import_file(store, path)
    project = exported(store, report.coding_ids, tmp_path / "out.boris")
    pairs = [
        (a[3], b[3])
        for name, obs in original["observations"].items()
        for a, b in zip(obs["events"], project["observations"][name]["events"], strict=False)
    ]
    assert len(pairs) == 133
    assert [a for a, _ in pairs] == [b for _, b in pairs]
    assert {b for _, b in pairs} == {"", "m1", "m2", "m3", "None"}
    behaviours = project["behaviors_conf"].values()
    assert all(m["name"] != "target" for b in behaviours for m in (b["modifiers"] or {}).values())


# 2. BORIS's own codes, category names and modifier-set names, not our ids.
def test_codes_categories_and_modifier_sets_keep_their_boris_names(
    store: Store, shared_fixtures: Path, tmp_path: Path
) -> None:
    report = import_file(store, boris(shared_fixtures, "test.boris"))
    project = exported(store, report.coding_ids[:1], tmp_path / "out.boris")
    m = next(b for b in project["behaviors_conf"].values() if b["code"] == "m")
    assert [s["name"] for s in m["modifiers"].values()] == ["modif #1", "modif #2"]
    assert [s["values"] for s in m["modifiers"].values()] == [
        ["m1", "m2", "m3"],
        ["n1", "n2", "n3"],
    ]
    assert project["subjects_conf"]["0"] == {
        "key": "1", "name": "subject1", "description": "Description subject #1"
    }  # fmt: skip


# 3. Every media file and player, with offsets, lengths, frame rates and streams.
def test_every_media_file_and_player_comes_back(
    store: Store, shared_fixtures: Path, tmp_path: Path
) -> None:
    path = boris(shared_fixtures, "test.boris")
    original = json.loads(path.read_text(encoding="utf-8"))["observations"]
    report = import_file(store, path)
    project = exported(store, report.coding_ids, tmp_path / "out.boris")
    for name in ("observation #2", "offset positif", "offset neg", "2 video"):
        got = project["observations"][name]
        assert (got["file"], got["media_info"]) == (original[name]["file"],
                                                   original[name]["media_info"]), name  # fmt: skip
    assert project["observations"]["observation #2"]["file"]["1"] == [
        "video_test_25fps_180s.mp4", "video_test_25fps_360s.mp4"
    ]  # fmt: skip


def test_our_media_coding_gives_each_recording_a_player_with_media_info(
    store: Store, tmp_path: Path
) -> None:
    coding, keys = own_coding(store, media=(("/r/room.mp4", 0), ("/r/ceiling.mp4", 4 * S)))
    insert_events(store, coding, [Event(0, 10 * S, "feedback", keys["Jane"], (keys["Sam"],))])
    notices = export_notices(store, [coding], "boris")
    observation = only_observation(exported(store, [coding], tmp_path / "out.boris"))
    assert observation["type"] == "MEDIA"
    assert observation["file"] == {"1": ["/r/room.mp4"], "2": ["/r/ceiling.mp4"]}
    info = observation["media_info"]
    assert info["offset"] == {"1": 0.0, "2": 4.0}
    for key in ("fps", "hasVideo", "hasAudio"):
        assert set(info[key]) == {"/r/room.mp4", "/r/ceiling.mp4"}, key
    assert any("frame rate" in n for n in notices)  # a guess, said before writing


# 4. A media coding with an event before the recording starts stays a media observation.
def test_event_before_the_recording_keeps_the_media_link(store: Store, tmp_path: Path) -> None:
    coding, keys = own_coding(store, media=(("/r/late.mp4", 5 * S),))
    insert_events(
        store,
        coding,
        [
            Event(0, 2 * S, "feedback", keys["Jane"], (keys["Sam"],)),
            Event(0, 9 * S, "support", keys["Sam"], (keys["Jane"],)),
        ],
    )
    out = tmp_path / "out.boris"
    observation = only_observation(exported(store, [coding], out))
    assert observation["type"] == "MEDIA" and observation["file"]["1"] == ["/r/late.mp4"]
    # BORIS adds the time offset to the media's time: the rows keep session time.
    assert observation["time offset"] == 5.0
    assert [r[0] for r in observation["events"]] == [2.0, 9.0]
    report = import_file(store, out)
    back = from_coding(store, report.coding_ids[0])
    assert [e.time_ms for e in back.events] == [2 * S, 9 * S]
    with store.reader() as s:
        media = s.get(MediaFile, back.stored.media_file_id)
        assert media is not None and (media.path, media.offset_ms) == ("/r/late.mp4", 5 * S)
    assert back.stored.clock_mode == "media"


# 5. Overlapping states of one person: refused with the reason, never re-paired.
def test_overlapping_states_of_one_person_are_refused(store: Store, tmp_path: Path) -> None:
    coding, keys = own_coding(store)
    insert_events(store, coding, [
        Event(0, 10 * S, "withdrawal", keys["Jane"], (), {}, "first", 50 * S),
        Event(0, 30 * S, "withdrawal", keys["Jane"], (), {}, "second", 70 * S),
    ])  # fmt: skip
    out = tmp_path / "out.boris"
    with pytest.raises(InputError, match=r"Jane's 'withdrawal' at 00:30.000 starts while the "
                       r"one from 00:10.000 runs until 00:50.000"):  # fmt: skip
        export_codings(store, [coding], "boris", out)
    assert not out.exists()
    with pytest.raises(InputError, match="BORIS pairs"):
        export_notices(store, [coding], "boris")


def test_states_one_after_the_other_keep_their_times_and_notes(
    store: Store, tmp_path: Path
) -> None:
    coding, keys = own_coding(store)
    insert_events(store, coding, [
        Event(0, 10 * S, "withdrawal", keys["Jane"], (), {}, "first", 30 * S),
        Event(0, 30 * S, "withdrawal", keys["Jane"], (), {}, "second", 70 * S),
    ])  # fmt: skip
    out = tmp_path / "out.boris"
    exported(store, [coding], out)
    back = from_coding(store, import_file(store, out).coding_ids[0])
    assert [(e.time_ms, e.end_ms, e.note) for e in back.events] == [
        (10 * S, 30 * S, "first"), (30 * S, 70 * S, "second")
    ]  # fmt: skip


# 6. A state still running stops at the coding's end, and the file says so.
def test_running_state_stops_at_the_codings_end(store: Store, tmp_path: Path) -> None:
    coding, keys = own_coding(store)
    insert_events(store, coding, [
        Event(0, 190 * S, "work", GROUP),
        Event(0, 377 * S, "feedback", keys["Jane"], (keys["Sam"],)),
    ])  # fmt: skip
    notices = export_notices(store, [coding], "boris")
    observation = only_observation(exported(store, [coding], tmp_path / "out.boris"))
    work = [r[0] for r in observation["events"] if r[2] == "work"]
    assert work == [190.0, 377.0]
    assert "stopped at the coding's end" in observation["description"]
    assert any("'work' of the group from 03:10.000" in n for n in notices)


# 7. Names holding BORIS's separators: escaped, the sets still counted right, read back.
def test_names_with_separators_come_back_as_targets(store: Store, tmp_path: Path) -> None:
    coding, keys = own_coding(store, names=("Zoë|X", "Ann-Marie, Jr", "Sam"))
    everyone = (keys["Zoë|X"], keys["Ann-Marie, Jr"])
    insert_events(store, coding, [
        Event(0, 5 * S, "feedback", keys["Sam"], everyone, {"valence": "positive"}),
    ])  # fmt: skip
    notices = export_notices(store, [coding], "boris")
    assert any("'|' or ','" in n and "Zoë|X" in n and "Ann-Marie, Jr" in n for n in notices)
    out = tmp_path / "out.boris"
    project = exported(store, [coding], out)
    [row] = only_observation(project)["events"]
    feedback = next(b for b in project["behaviors_conf"].values() if b["code"] == "feedback")
    assert len(row[3].split("|")) == len(feedback["modifiers"])
    assert len(row[3].split("|")[-1].split(",")) == 2
    back = from_coding(store, import_file(store, out).coding_ids[0]).with_names()
    assert [(e.targets, e.note) for e in back.events] == [(("Zoë|X", "Ann-Marie, Jr"), "")]


# 8. What BORIS keeps and we do not use comes back; our exclusive groups become `excluded`.
def test_subjects_variables_and_observation_settings_come_back(
    store: Store, shared_fixtures: Path, tmp_path: Path
) -> None:
    path = boris(shared_fixtures, "test.boris")
    original = json.loads(path.read_text(encoding="utf-8"))
    report = import_file(store, path)
    project = exported(store, report.coding_ids, tmp_path / "out.boris")
    for field in ("subjects_conf", "independent_variables", "behaviors_conf", "project_name",
                  "project_date", "project_description", "behavioral_categories"):  # fmt: skip
        assert project[field] == original[field], field
    second = project["observations"]["observation #2"]
    assert second["independent_variables"] == {"a": "123", "b": "some text", "c": "333"}
    assert second["description"] == "Description of observation #2"


def test_our_exclusive_groups_and_categories_are_borises(store: Store, tmp_path: Path) -> None:
    coding, _keys = own_coding(store)
    project = exported(store, [coding], tmp_path / "out.boris")
    by_code = {b["code"]: b for b in project["behaviors_conf"].values()}
    modes = ["work", "dependency", "fight-flight", "pairing"]
    assert set(by_code["work"]["excluded"].split(",")) >= set(modes[1:])
    assert "work" not in by_code["work"]["excluded"].split(",")
    assert by_code["feedback"]["excluded"] == ""
    names = [c["name"] for c in project["behavioral_categories_conf"].values()]
    assert names == project["behavioral_categories"] and names


def test_several_codings_are_one_project(demo_store: Store, tmp_path: Path) -> None:
    project = exported(demo_store, [1, 2], tmp_path / "two.boris")
    assert len(project["observations"]) == 2
    counts = [len(from_coding(demo_store, i).events) for i in (1, 2)]
    report = import_file(demo_store, tmp_path / "two.boris")
    assert [len(from_coding(demo_store, i).events) for i in report.coding_ids] == counts


def test_command_line_lists_what_is_not_carried_before_writing(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    coding, _keys = own_coding(store)
    insert_events(store, coding, [Event(0, 190 * S, "work", GROUP)])
    db = str(store.path)
    out = tmp_path / "cli.boris"
    assert main(["--db", db, "export", str(coding), "--format", "boris", "--out", str(out)]) == 0
    said = capsys.readouterr()
    assert "1 thing will not be carried over:" in said.err
    assert "'work' of the group from 03:10.000" in said.err
    assert out.is_file()


@given(st.lists(st.text(min_size=1).filter(lambda n: not set(n) & {"\u00a6", "\u201a"}),
                min_size=1, max_size=4, unique=True))  # fmt: skip
def test_any_target_names_keep_borises_separators_free(names: list[str]) -> None:
    keys = {f"m{n}": name for n, name in enumerate(names)}
    event = Event(0, 0, "feedback", GROUP, tuple(keys), {"valence": "positive"})
    sets = [SetOut("valence", "values", "valence"), SetOut("target", "target")]
    escapes: set[str] = set()
    written, comment = modifier_text(event, sets, written_names(keys, escapes), escapes)
    values, targets = written.split("|")
    assert (values, comment) == ("positive", "")
    assert [unescaped(t) for t in targets.split(",")] == names
    assert escapes == {n for n in names if set(n) & {"|", ","}}


def test_our_exclusive_groups_come_back_from_a_boris_file(store: Store, tmp_path: Path) -> None:
    """Bion's modes, exported as BORIS's ``excluded`` and imported elsewhere, are one group
    again, under its own name: the basic-assumption profile reads the same."""
    from observer.analysis import basic_assumptions
    from observer.domain.codebook import shipped_codebook
    from observer.storage.store import open_store

    coding, _keys = own_coding(store)
    insert_events(store, coding, [
        Event(0, 0, "work", GROUP, (), {}, "", 60 * S),
        Event(0, 60 * S, "fight-flight", GROUP, (), {}, "", 90 * S),
        Event(0, 90 * S, "work", GROUP, (), {}, "", 200 * S),
    ])  # fmt: skip
    out = tmp_path / "out.boris"
    exported(store, [coding], out)
    elsewhere = open_store(tmp_path / "other.sqlite3")
    try:
        back = from_coding(elsewhere, import_file(elsewhere, out).coding_ids[0])
    finally:
        elsewhere.close()
    [groups] = [b.exclusive_groups for b in back.palette.codebooks]
    assert list(groups) == ["basic-assumption"]
    shipped = shipped_codebook("bion").exclusive_groups["basic-assumption"]
    assert set(groups["basic-assumption"].codes) == set(shipped.codes)
    assert {"work", "dependency", "fight-flight", "pairing"} <= set(shipped.codes)
    original = basic_assumptions.profile(from_coding(store, coding))
    assert basic_assumptions.profile(back) == original


def test_borises_exclusions_become_groups_and_partial_ones_are_told(
    store: Store, tmp_path: Path
) -> None:
    def behaviour(code: str, kind: str, excluded: str) -> dict[str, str]:
        return {"code": code, "type": f"{kind} event", "excluded": excluded}

    behaviours = [
        behaviour("sit", "State", "stand"),  # sit and stand exclude each other;
        behaviour("stand", "State", "sit,walk"),  # walk only through stand
        behaviour("walk", "State", ""),
        behaviour("eat", "State", "bark,nothing"),  # a point event, an unknown name
        behaviour("bark", "Point", "eat"),
    ]
    project = {
        "project_format_version": "7.0",
        "project_name": "exclusions",
        "behaviors_conf": {str(i): b for i, b in enumerate(behaviours)},
        "subjects_conf": {"0": {"name": "Ann"}},
        "observations": {"week 1": {"events": [[1.0, "Ann", "bark", "", ""]]}},
    }
    path = tmp_path / "exclusions.boris"
    path.write_text(json.dumps(project), encoding="utf-8")
    report = import_file(store, path)
    [book] = from_coding(store, report.coding_ids[0]).palette.codebooks
    assert [g.codes for g in book.exclusive_groups.values()] == [("sit", "stand", "walk")]
    assert any(
        "'sit', 'stand', 'walk' exclude each other only in part" in w for w in report.warnings
    )
