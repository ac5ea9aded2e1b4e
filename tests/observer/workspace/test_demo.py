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
