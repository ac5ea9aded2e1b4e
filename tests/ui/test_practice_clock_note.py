"""The practice view says how the attempt was lined up in time and offers the events' shift."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from observer.storage.event_rows import insert_events, load_events
from observer.workspace.practice import feedback, start_attempt
from ui.practice_view import PracticeFeedbackView

LATE_MS = 8_000  # the trainee's recording started 8 s late: far beyond the 2 s tolerance


def attempt_coded_late(store) -> int:
    attempt = start_attempt(store, 4, "TT")
    with store.engine.connect() as conn:
        reference = load_events(conn, 4)
    moved = [
        replace(e, id=0, time_ms=e.time_ms + LATE_MS,
                end_ms=None if e.end_ms is None else e.end_ms + LATE_MS)
        for e in reference
    ]  # fmt: skip
    insert_events(store, attempt, moved)
    return attempt


def progress_note(view: PracticeFeedbackView) -> list[str]:
    """What the "your attempts" chart writes beside this attempt's point."""
    return [t.get_text() for ax in view.progress_figure.axes for t in ax.texts]


def test_the_trainee_accepts_the_offered_shift_and_the_figures_follow(
    qtbot, demo_store, out_dir
) -> None:
    attempt = attempt_coded_late(demo_store)
    view = PracticeFeedbackView(demo_store, attempt)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    note = view.clock_note
    assert note.isVisible() and note.use_shift.isVisible()
    assert note.use_shift.text() == "Use this shift (−8 s)"
    assert "The events suggest shifting your attempt by −8 s" in note.text.text()
    assert "press 'Use this shift' to use it" in note.text.text()
    before = feedback(demo_store, attempt)
    assert f"Kappa {before.kappa:.2f}" in view.summary.text()
    assert progress_note(view) == [f"this attempt ({before.kappa:.2f})"]
    view.grab().save(str(out_dir / "practice_clock_note.png"))

    qtbot.mouseClick(note.use_shift, Qt.MouseButton.LeftButton)

    after = feedback(demo_store, attempt, align_by="auto")
    assert after.kappa == 1.0 and before.kappa is not None and before.kappa < 0.5
    assert f"Kappa {after.kappa:.2f}" in view.summary.text()
    assert "lined up with the reference by the events: shifted −8 s" in note.text.text()
    assert "lined up" not in view.advice.text()  # said once, in the clock note
    assert note.isVisible() and not note.use_shift.isVisible()
    # The attempts chart scores this attempt with the accepted shift too.
    assert progress_note(view) == [f"this attempt ({after.kappa:.2f})"]
    # Nothing stored was moved: the offer changes only how the two are compared.
    with demo_store.engine.connect() as conn:
        assert min(e.time_ms for e in load_events(conn, attempt)) >= LATE_MS
    view.grab().save(str(out_dir / "practice_clock_note_accepted.png"))


def test_attempts_lined_up_as_they_are_show_no_note(qtbot, demo_store) -> None:
    attempt = start_attempt(demo_store, 4, "TT")
    with demo_store.engine.connect() as conn:
        insert_events(demo_store, attempt, [replace(e, id=0) for e in load_events(conn, 4)])
    view = PracticeFeedbackView(demo_store, attempt)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    assert not view.clock_note.isVisible()
