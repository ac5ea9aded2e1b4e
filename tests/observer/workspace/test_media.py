"""Recordings of a session: offsets, marks, missing and moved files (no Qt)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from observer.domain.errors import InputError, NotFound
from observer.domain.events import Event
from observer.workspace.codings import new_coding
from observer.workspace.groups import attach_media
from observer.workspace.media import (
    EMPTY,
    MISSING,
    NOT_A_FILE,
    OK,
    check_media,
    coding_media,
    events_in_media_time,
    get_media,
    locate_media,
    media_time,
    offset_from_marks,
    playable_window,
    session_media,
    session_time,
    set_media_duration,
    set_media_offset,
    set_offset_by_marks,
)

CLIP = Path(__file__).resolve().parents[2] / "data" / "clip.mp4"


def test_session_time_is_media_time_plus_offset() -> None:
    assert session_time(1_000, 120_000) == 121_000
    assert media_time(121_000, 120_000) == 1_000
    assert media_time(500, 120_000) == -119_500  # before the recording started


def test_offset_from_one_moment_marked_in_both() -> None:
    # The clap is at 03:12 in the live coding and at 00:41 in a video started late.
    assert offset_from_marks(192_000, 41_000) == 151_000
    # A recording started before the live clock has a negative offset.
    assert offset_from_marks(5_000, 65_000) == -60_000
    offset = offset_from_marks(192_000, 41_000)
    assert session_time(41_000, offset) == 192_000


def test_set_offset_and_marks_are_stored(demo_store) -> None:
    media_id = attach_media(demo_store, 1, str(CLIP))
    info = set_media_offset(demo_store, media_id, 2_500)
    assert info.offset_ms == 2_500 and get_media(demo_store, media_id).offset_ms == 2_500
    info = set_offset_by_marks(demo_store, media_id, session_ms=192_000, media_ms=41_000)
    assert get_media(demo_store, media_id).offset_ms == 151_000
    assert info.session_time(41_000) == 192_000 and info.media_time(192_000) == 41_000
    with pytest.raises(InputError):
        set_offset_by_marks(demo_store, media_id, 1_000, -5)
    with pytest.raises(NotFound):
        set_media_offset(demo_store, 999, 0)


def test_duration_is_remembered(demo_store) -> None:
    media_id = attach_media(demo_store, 1, str(CLIP))
    assert get_media(demo_store, media_id).duration_ms == 2_000  # read from the file
    set_media_duration(demo_store, media_id, 1_960)  # the player knows better
    assert get_media(demo_store, media_id).duration_ms == 1_960


def test_check_media_tells_what_is_wrong(tmp_path: Path) -> None:
    assert check_media(CLIP).status == OK and check_media(CLIP).ok
    missing = check_media(tmp_path / "gone" / "session-3.mp4")
    assert missing.status == MISSING and not missing.ok
    assert "session-3.mp4" in missing.message and "Locate" in missing.message
    assert check_media(tmp_path).status == NOT_A_FILE
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    assert check_media(empty).status == EMPTY and "0 bytes" in check_media(empty).message


def test_locate_moved_files_updates_the_session_siblings(demo_store, tmp_path: Path) -> None:
    old = tmp_path / "old"
    new = tmp_path / "new"
    new.mkdir()
    camera = attach_media(demo_store, 1, str(old / "camera.mp4"))
    audio = attach_media(demo_store, 1, str(old / "audio.m4a"))
    elsewhere = attach_media(demo_store, 2, str(old / "camera.mp4"))
    (new / "camera.mp4").write_bytes(CLIP.read_bytes())
    (new / "audio.m4a").write_bytes(b"\0" * 10)
    assert not get_media(demo_store, camera).check().ok

    updated = locate_media(demo_store, camera, new / "camera.mp4")

    assert {m.id for m in updated} == {camera, audio}
    assert get_media(demo_store, camera).path == str((new / "camera.mp4").resolve())
    assert get_media(demo_store, audio).path == str(new / "audio.m4a")
    assert get_media(demo_store, elsewhere).path == str(old / "camera.mp4")  # other session
    with pytest.raises(InputError, match="not at"):
        locate_media(demo_store, camera, tmp_path / "nowhere.mp4")


def test_coding_media_puts_the_coded_recording_first(demo_store) -> None:
    first = attach_media(demo_store, 1, "/a/first.mp4")
    second = attach_media(demo_store, 1, "/a/second.mp4", label="Second camera")
    coding = new_coding(demo_store, 1, "SV", ["bion"], clock_mode="media", media_file_id=second)
    assert [m.id for m in coding_media(demo_store, coding)] == [second, first]
    assert [m.id for m in coding_media(demo_store, 1)] == [first, second]  # the live coding
    assert [m.name for m in session_media(demo_store, 1)] == ["first.mp4", "Second camera"]


def test_events_shift_into_media_time() -> None:
    events = [Event(1, 10_000, "work", "group", end_ms=15_000), Event(2, 500, "feedback", "m1")]
    shifted = events_in_media_time(events, 2_000)
    assert [(e.time_ms, e.end_ms) for e in shifted] == [(8_000, 13_000), (-1_500, None)]
    assert shifted[0].id == 1 and shifted[0].code == "work"


def test_playable_window_splits_events_the_recording_does_not_cover(demo_store) -> None:
    media_id = attach_media(demo_store, 1, str(CLIP), offset_ms=1_000)
    set_media_duration(demo_store, media_id, 2_000)
    info = get_media(demo_store, media_id)
    events = [Event(i, t, "work", "group") for i, t in enumerate((500, 1_000, 2_900, 3_001))]
    inside, outside = playable_window(info, events)
    assert [e.time_ms for e in inside] == [1_000, 2_900]
    assert [e.time_ms for e in outside] == [500, 3_001]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file(tmp_path: Path) -> None:
    locked = tmp_path / "locked.mp4"
    locked.write_bytes(b"x")
    locked.chmod(0)
    assert check_media(locked).status == "unreadable"


def test_media_commands(capsys, demo_store, tmp_path: Path) -> None:
    import json

    from observer.cli.main import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    db = demo_store.location
    code, out, _ = run("--db", db, "media", "attach", "1", str(CLIP), "--offset", "2:15",
                       "--label", "camera", "--json")  # fmt: skip
    assert code == 0
    attached = json.loads(out)
    assert attached["offset_ms"] == 135_000 and attached["status"] == OK
    assert attached["duration_ms"] == 2000  # read from the file when it is attached
    media_id = str(attached["id"])

    code, out, _ = run("--db", db, "media", "offset", media_id, "--mark", "3:12", "41", "--json")
    assert code == 0 and json.loads(out)["offset_ms"] == 151_000
    code, out, _ = run("--db", db, "media", "offset", media_id, "--to=-1:00")
    assert code == 0 and "-01:00.000" in out

    code, _, err = run("--db", db, "media", "attach", "1", str(tmp_path / "none.mp4"))
    assert code == 2 and "none.mp4" in err
    code, _, err = run("--db", db, "media", "offset", media_id, "--to", "soon")
    assert code == 2 and "not a time" in err

    moved = tmp_path / "moved.mp4"
    moved.write_bytes(CLIP.read_bytes())
    code, out, _ = run("--db", db, "media", "list", "1", "--json")
    assert [r["status"] for r in json.loads(out)] == [OK]
    code, out, _ = run("--db", db, "media", "locate", media_id, str(moved))
    assert code == 0 and "moved.mp4" in out
    code, out, _ = run("--db", db, "media", "list", "1")
    assert code == 0 and "camera" in out and "ok" in out


def test_attaching_says_what_was_attached_and_how_long_it_is(
    demo_store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from observer.cli.main import main

    db = demo_store.location
    assert main(["--db", db, "media", "attach", "1", str(CLIP), "--offset=-0:30"]) == 0
    assert capsys.readouterr().out.endswith(
        ": clip.mp4, 00:02 long, first frame at session time -00:30\n"
    )
    not_media = tmp_path / "notes.mp4"
    not_media.write_text("not a recording")
    assert main(["--db", db, "media", "attach", "1", str(not_media)]) == 0
    assert "notes.mp4, length unknown (the file could not be read" in capsys.readouterr().out
