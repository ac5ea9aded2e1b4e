"""Practice mode: attempts at a reference coding and the feedback on them."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import select

from observer.cli.main import main
from observer.domain.errors import InputError
from observer.storage.coding_info import coding_info
from observer.storage.event_rows import insert_events, load_events
from observer.storage.models import Coding
from observer.workspace.codings import set_reference
from observer.workspace.practice import (
    FALSE_ALARM,
    MATCH,
    MISS,
    MIXUP,
    attempts,
    describe_item,
    feedback,
    start_attempt,
)
from observer.workspace.recording import Recorder


def test_an_attempt_codes_the_same_recording_with_the_same_codebooks(demo_store) -> None:
    attempt = start_attempt(demo_store, 4, "TR")
    info, reference = coding_info(demo_store, attempt), coding_info(demo_store, 4)
    assert info.practice_of_id == 4
    assert info.clock_mode == "media"
    assert info.session_id == reference.session_id
    assert info.media_file_id == reference.media_file_id
    assert info.observer == "TR" and info.event_count == 0
    assert [b.digest for b in info.palette.codebooks] == [
        b.digest for b in reference.palette.codebooks
    ]
    with demo_store.reader() as s:
        assert s.scalar(select(Coding.is_reference).where(Coding.id == attempt)) is False


def test_only_a_marked_reference_can_be_practised(demo_store) -> None:
    with pytest.raises(InputError, match="not marked as a reference"):
        start_attempt(demo_store, 3, "TR")
    set_reference(demo_store, 3)
    assert coding_info(demo_store, start_attempt(demo_store, 3, "TR")).practice_of_id == 3
    with pytest.raises(InputError, match="not a practice attempt"):
        feedback(demo_store, 3)


def _copy_reference(store, attempt: int, lag_ms: int = 0, skip=(), recode=None) -> list:
    """The reference's events, some skipped or recoded, into the attempt (the UI test records
    them through a Recorder; here they go in at once, to keep the tests quick)."""
    with store.engine.connect() as conn:
        reference = load_events(conn, 4)
    coded = [
        replace(
            e,
            id=0,
            time_ms=e.time_ms + lag_ms,
            code=(recode or {}).get(n, e.code),
            end_ms=None if e.end_ms is None else e.end_ms + lag_ms,
        )
        for n, e in enumerate(reference)
        if n not in skip
    ]
    insert_events(store, attempt, coded)
    return reference


def test_a_faithful_attempt_agrees_completely(demo_store) -> None:
    attempt = start_attempt(demo_store, 4, "NEW")
    reference = _copy_reference(demo_store, attempt, lag_ms=400)
    fb = feedback(demo_store, attempt)
    assert fb.count(MATCH) == len(reference)
    assert fb.count(MISS) == fb.count(FALSE_ALARM) == fb.count(MIXUP) == 0
    assert fb.kappa == pytest.approx(1.0)
    assert all(c.precision == c.recall == 1.0 for c in fb.per_code)
    assert fb.median_lag_ms == 400
    assert fb.too_often == fb.too_rarely == fb.too_late == ()


def test_misses_false_alarms_and_mixups_are_found(demo_store) -> None:
    attempt = start_attempt(demo_store, 4, "NEW")
    with demo_store.engine.connect() as conn:
        reference = load_events(conn, 4)
    feedbacks = [n for n, e in enumerate(reference) if e.code == "feedback"]
    supports = [n for n, e in enumerate(reference) if e.code == "support"]
    # Miss three feedbacks; code two supports as feedback; add one feedback nobody saw.
    _copy_reference(
        demo_store, attempt, lag_ms=1500, skip=feedbacks[:3],
        recode={supports[0]: "feedback", supports[1]: "feedback"},
    )  # fmt: skip
    recorder = Recorder(demo_store, attempt)
    lone = reference[feedbacks[5]]
    extra = recorder.record(lone.time_ms + 6000, "question", lone.actor, lone.targets)
    recorder.close()

    fb = feedback(demo_store, attempt)
    assert fb.count(MISS) == 3
    assert fb.count(MIXUP) == 2
    assert fb.count(FALSE_ALARM) == 1
    alarm = next(i for i in fb.items if i.kind == FALSE_ALARM)
    assert alarm.time_ms == extra.time_ms and alarm.reference is None
    missed = [i.time_ms for i in fb.items if i.kind == MISS]
    assert missed == [reference[n].time_ms for n in feedbacks[:3]]

    n_feedback, n_support = len(feedbacks), len(supports)
    per = fb.code("feedback")
    assert per is not None
    assert (per.reference_n, per.attempt_n, per.agreed) == (
        n_feedback,
        n_feedback - 1,
        n_feedback - 3,
    )
    assert per.precision == pytest.approx((n_feedback - 3) / (n_feedback - 1))
    assert per.recall == pytest.approx((n_feedback - 3) / n_feedback)
    support = fb.code("support")
    assert support is not None and support.recall == pytest.approx((n_support - 2) / n_support)
    assert support.precision == 1.0
    question = fb.code("question")
    assert question is not None and question.precision < 1.0 and question.recall == 1.0
    assert any("Feedback where the reference has Support" in line for line in fb.mixups)
    assert fb.too_late and fb.too_late[0].startswith("Overall: typically 1.5 s after")
    line = describe_item(next(i for i in fb.items if i.kind == MISS), fb.labels)
    assert "miss" in line and "Feedback" in line
    assert 0 < fb.kappa < 1  # type: ignore[operator]


def test_too_often_and_too_rarely(demo_store) -> None:
    attempt = start_attempt(demo_store, 4, "NEW")
    with demo_store.engine.connect() as conn:
        reference = load_events(conn, 4)
    questions = [n for n, e in enumerate(reference) if e.code == "question"]
    # Every question recoded as feedback: feedback too often, question too rarely.
    _copy_reference(demo_store, attempt, recode={n: "feedback" for n in questions})
    fb = feedback(demo_store, attempt)
    assert any(line.startswith("Feedback:") for line in fb.too_often)
    assert any(line.startswith("Question: you coded it 0 times") for line in fb.too_rarely)


def test_demo_attempt_figures_are_consistent(demo_store) -> None:
    fb = feedback(demo_store, 5)
    assert fb.reference_id == 4 and fb.trainee == "TR"
    # Of the reference, the events that the recording the attempt was coded from shows.
    assert fb.stretch is not None
    with demo_store.engine.connect() as conn:
        shown = [e for e in load_events(conn, 4) if fb.stretch[0] <= e.time_ms < fb.stretch[1]]
    ref_events = len(shown)
    assert 0 < ref_events < coding_info(demo_store, 4).event_count
    att_events = coding_info(demo_store, 5).event_count
    assert fb.count(MATCH) + fb.count(MIXUP) + fb.count(MISS) == ref_events
    assert fb.count(MATCH) + fb.count(MIXUP) + fb.count(FALSE_ALARM) == att_events
    for c in fb.per_code:
        if c.attempt_n:
            assert c.precision == pytest.approx(c.agreed / c.attempt_n)
    # The demo trainee is late and confuses support with feedback.
    assert fb.median_lag_ms is not None and fb.median_lag_ms > 500
    assert any("Support" in line for line in fb.mixups)


def test_attempts_over_time(demo_store) -> None:
    second = start_attempt(demo_store, 4, "TR")
    _copy_reference(demo_store, second, lag_ms=200)
    found = attempts(demo_store, "TR")
    assert [a.coding_id for a in found] == [5, second]
    assert found[0].kappa is not None and found[1].kappa == pytest.approx(1.0)
    assert found[0].kappa < found[1].kappa
    assert attempts(demo_store, "nobody") == []
    assert [a.coding_id for a in attempts(demo_store, "TR", 4, scored=False)] == [5, second]


def test_practice_commands(demo_store, capsys) -> None:
    db = demo_store.location
    assert main(["--db", db, "practice", "start", "4", "--trainee", "TR", "--json"]) == 0
    attempt = json.loads(capsys.readouterr().out)["id"]
    assert main(["--db", db, "practice", "feedback", "5", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["reference"] == 4 and result["counts"]["match"] > 0
    assert {"precision", "recall", "f1"} <= set(result["per_code"][0])
    assert main(["--db", db, "practice", "attempts", "--trainee", "TR", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == [5, attempt]
    assert main(["--db", db, "practice", "mark-reference", "3"]) == 0
    assert main(["--db", db, "practice", "feedback", "5"]) == 0
    assert "precision" in capsys.readouterr().out
    assert main(["--db", db, "practice", "start", "1", "--trainee", "TR"]) == 2


def test_an_attempt_timed_by_a_clock_30_s_off_is_lined_up_when_asked(demo_store, capsys) -> None:
    """A trainee whose times are all 30 s late (a recording attached at the wrong offset):
    the shift is offered, and applied with --align auto."""
    attempt = start_attempt(demo_store, 4, "NEW")
    reference = _copy_reference(demo_store, attempt, lag_ms=30_000)
    as_stored = feedback(demo_store, attempt)
    assert as_stored.offset.method == "none" and as_stored.count(MATCH) < len(reference) // 2
    assert as_stored.estimate is not None and as_stored.estimate.ms == -30_000
    assert any(
        note.startswith("The events suggest shifting your attempt by −30 s")
        and note.endswith("Not applied: pass --align auto to practice feedback to use it.")
        for note in as_stored.notes
    )
    lined = feedback(demo_store, attempt, align_by="auto")
    assert (lined.offset.ms, lined.offset.method) == (-30_000, "events")
    assert lined.count(MATCH) == len(reference) and lined.kappa == pytest.approx(1.0)
    assert [i.time_ms for i in lined.items] == sorted(e.time_ms for e in reference)

    assert main(["--db", str(demo_store.location), "practice", "feedback", str(attempt),
                 "--align", "auto", "--json"]) == 0  # fmt: skip
    shown = json.loads(capsys.readouterr().out)
    assert shown["offset"]["ms"] == -30_000 and shown["offset"]["method"] == "events"
    assert shown["counts"][MATCH] == len(reference)


def test_an_attempt_from_a_recording_is_scored_over_what_it_shows(demo_store) -> None:
    """A recording of 22:00-34:00: reference events outside it are not the trainee's misses."""
    from observer.storage.models import MediaFile
    from observer.workspace.groups import attach_media

    recording = attach_media(demo_store, 3, "clip-not-on-this-machine.mp4", 22 * 60_000)
    attempt = start_attempt(demo_store, 4, "NEW")
    with demo_store.session() as s:
        stored = s.get(MediaFile, recording)
        assert stored is not None
        stored.duration_ms = 12 * 60_000
        coding = s.get(Coding, attempt)
        assert coding is not None
        coding.media_file_id = recording
    reference = _copy_reference(demo_store, attempt)
    shown = [e for e in reference if 22 * 60_000 <= e.time_ms < 34 * 60_000]
    fb = feedback(demo_store, attempt)
    assert fb.stretch == (22 * 60_000, 34 * 60_000)
    assert fb.count(MISS) == 0 and fb.count(MATCH) == len(shown)
    assert all(22 * 60_000 <= item.time_ms < 34 * 60_000 for item in fb.items if item.reference)
    left = len(reference) - len(shown)
    assert fb.notes[0] == (
        "Scored over 22:00–34:00, the stretch your recording shows: the reference's "
        f"{left} events outside it are left out."
    )
    assert feedback(demo_store, 5).to_dict()["stretch_ms"] is not None
