"""Speaking turns from audio: speech made with espeak-ng at known times, one file a member."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from observer.domain.errors import InputError
from observer.formats.common import count_rows
from observer.formats.voice_activity import Speech, import_voice_activity, stretches
from observer.storage.read_coding import from_coding
from tests.observer.formats.speech_audio import track
from tests.observer.helpers import small_coding

TOLERANCE_MS = 150

JANE = [
    (1000, "I was not sure I wanted to come back this week"),
    (9000, "It has been a hard month for me"),
    (17000, "Thank you for listening"),
    (24500, "I think I am ready to talk about my father"),
]
SAM = [
    (5200, "Me neither to be honest"),
    (13000, "What do the others think about that"),
    (20000, "Yes"),
    (29000, "That sounds really important"),
]


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list]]:
    assert shutil.which("espeak-ng"), "espeak-ng: scripts/install-system-deps.sh --tests"
    folder = tmp_path_factory.mktemp("speech")
    return {
        "Jane": (folder / "jane.wav", track(JANE, "en-us", 32_000, folder / "jane.wav")),
        "Sam": (folder / "sam.wav", track(SAM, "en+m3", 32_000, folder / "sam.wav")),
    }


def test_turns_are_found_within_150_ms_of_the_truth(store, recordings) -> None:
    coding_id, _keys = small_coding(store)
    session = from_coding(store, coding_id).session_id
    report = import_voice_activity(
        store, {who: path for who, (path, _truth) in recordings.items()}, session=session,
        observer="RK",
    )  # fmt: skip
    data = from_coding(store, report.coding_ids[0])
    found = {who: [(e.time_ms, e.end_ms) for e in data.events if data.label(e.actor) == who]
             for who in recordings}  # fmt: skip
    hits, total = 0, 0
    for who, (_path, truth) in recordings.items():
        for start, end in truth:
            total += 1
            hits += any(
                abs(start - s) <= TOLERANCE_MS and abs(end - (e or 0)) <= TOLERANCE_MS
                for s, e in found[who]
            )
    assert hits >= 0.9 * total, (found, recordings)
    assert report.events == sum(len(f) for f in found.values())


def test_a_room_recording_gives_turns_of_someone_to_attribute(store, recordings) -> None:
    coding_id, _keys = small_coding(store)
    session = from_coding(store, coding_id).session_id
    path, truth = recordings["Jane"]
    report = import_voice_activity(store, {"group": path}, session=session, observer="RK")
    data = from_coding(store, report.coding_ids[0])
    assert {e.actor for e in data.events} == {"group"}
    assert len(data.events) == len(truth)


def test_a_file_without_audio_writes_nothing(store, tmp_path: Path) -> None:
    coding_id, _keys = small_coding(store)
    session = from_coding(store, coding_id).session_id
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("not a recording")
    before = count_rows(store)
    with pytest.raises(InputError, match=r"notes\.wav: cannot be read as audio"):
        import_voice_activity(store, {"Jane": not_audio}, session=session, observer="RK")
    assert count_rows(store) == before


def test_a_pause_shorter_than_300_ms_stays_inside_the_turn() -> None:
    # 32 ms windows: speech 10 windows, a quiet 8 (256 ms), speech 10, then a long quiet.
    scores = [0.9] * 10 + [0.1] * 8 + [0.9] * 10 + [0.0] * 20 + [0.9] * 3 + [0.0] * 20
    assert stretches(scores) == [Speech(0, 28 * 32)]  # the 96 ms blip after is dropped


def test_the_command_line_finds_turns_per_member(capsys, store, recordings) -> None:
    import json

    from observer.cli.main import main

    coding_id, _keys = small_coding(store)
    session = from_coding(store, coding_id).session_id
    path, truth = recordings["Sam"]
    store.close()
    code = main(["--db", str(store.location), "voice-activity", f"Sam={path}",
                 "--session", str(session), "--observer", "RK", "--json"])  # fmt: skip
    assert code in (0, None)
    assert json.loads(capsys.readouterr().out)["events"] == len(truth)
