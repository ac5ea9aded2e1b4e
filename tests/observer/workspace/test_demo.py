"""The demo group shows the patterns a newcomer should be able to find."""

from __future__ import annotations

from collections import Counter

from observer.storage.read_coding import from_coding


def test_demo_has_a_fight_flight_phase_and_disclosures_met_by_subject_changes(demo_store) -> None:
    session2 = from_coding(demo_store, 2)
    modes = [e.code for e in session2.events if e.actor == "group"]
    assert "fight-flight" in modes and "work" in modes

    followed = 0
    disclosures = [e for e in session2.events if e.code == "self-disclosure"]
    for d in disclosures:
        followed += any(
            e.code == "subject-change"
            and e.actor != d.actor
            and 0 < e.time_ms - d.time_ms <= 30_000
            for e in session2.events
        )
    assert disclosures and followed / len(disclosures) > 0.4


def test_ben_is_the_quiet_member(demo_store) -> None:
    data = from_coding(demo_store, 1)
    sent = Counter(e.actor for e in data.events if e.actor not in ("group", "leaders"))
    members = [p.key for p in data.people if not p.is_leader]
    assert data.label(min(members, key=lambda m: sent.get(m, 0))) == "Ben"


def test_session_three_has_reference_and_practice_codings(demo_store) -> None:
    from observer.storage.coding_info import coding_info

    reference, practice = coding_info(demo_store, 4), coding_info(demo_store, 5)
    assert reference.is_reference and reference.session_id == practice.session_id
    assert practice.practice_of_id == 4 and practice.capacity == "trainee"


def test_demo_codings_continue_after_their_last_event(demo_store) -> None:
    from observer.workspace.recording import Recorder

    recorder = Recorder(demo_store, 1)
    last = max(max(e.time_ms, e.end_ms or 0) for e in recorder.events)
    assert recorder.clock.elapsed_ms() >= last
    recorder.close()


def test_the_reference_differs_from_the_live_coding_as_trained_observers_do(demo_store) -> None:
    from observer.workspace.comparison import compare_codings

    result = compare_codings(demo_store, [3, 4], tolerance_s=2.0, unit_s=10.0).result
    assert result is not None
    assert 0.6 <= result["event_kappa"] <= 0.85


def test_the_practice_attempt_shows_a_beginners_typical_mistakes(demo_store) -> None:
    from observer.workspace.practice import feedback

    fb = feedback(demo_store, 5)
    assert fb.kappa is not None and fb.kappa < 0.7
    assert any(line.startswith("Confrontation:") for line in fb.too_rarely)
    assert any(
        line.startswith("Question where the reference has Subject change") for line in fb.mixups
    )
    assert any(line.startswith("Overall: typically") and "after" in line for line in fb.too_late)


def test_session_three_has_a_recording_with_a_clock_and_tones(demo_store) -> None:
    import pytest

    av = pytest.importorskip("av")  # the recording is made where PyAV is installed

    from observer.storage.read_coding import from_coding
    from observer.workspace.demo import RECORDED_MS

    [recording] = from_coding(demo_store, 4, details=True).details.media
    assert recording.offset_ms == RECORDED_MS[0]
    with av.open(recording.path) as container:
        kinds = sorted(s.type for s in container.streams)
        seconds = float(container.duration or 0) / av.time_base
    assert kinds == ["audio", "video"]
    assert abs(seconds * 1000 - (RECORDED_MS[1] - RECORDED_MS[0])) < 2_000


def test_every_feedback_item_of_the_demo_attempt_plays_in_the_recording(demo_store) -> None:
    """The trainee practised on the recording: each miss, extra or late act is on it."""
    import pytest

    pytest.importorskip("av")
    from observer.workspace.demo import RECORDED_MS
    from observer.workspace.media import coding_media
    from observer.workspace.practice import MISS, feedback

    [recording, *_] = coding_media(demo_store, 5)
    assert recording.offset_ms == RECORDED_MS[0] and recording.duration_ms is not None
    shows = (recording.offset_ms, recording.offset_ms + recording.duration_ms)
    fb = feedback(demo_store, 5)
    assert fb.items and fb.count(MISS) >= 3
    outside = [item.time_ms for item in fb.items if not shows[0] <= item.time_ms <= shows[1]]
    assert outside == []
    assert [line.split(":")[0] for line in fb.too_rarely] == ["Confrontation"]


def test_the_reference_and_the_attempt_keep_the_codebooks_rules(demo_store) -> None:
    """Every demo event could have been coded by hand (targets, modifiers, exclusive modes)."""
    from observer.storage.read_coding import from_coding
    from observer.workspace.codings import new_coding
    from observer.workspace.recording import Recorder

    for coding_id in (4, 5):
        events = from_coding(demo_store, coding_id).events
        recorder = Recorder(demo_store, new_coding(demo_store, 3, "CK", ["here-and-now", "bion"]))
        for e in events:
            recorder.record(e.time_ms, e.code, e.actor, e.targets, e.modifiers, end_ms=e.end_ms)
        assert len(recorder.events) == len(events)
        recorder.close()
