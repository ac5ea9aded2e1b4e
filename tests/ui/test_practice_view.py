"""A practice attempt end to end: start it, code it through the Recorder, read the feedback."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QPoint, Qt

from observer.domain.events import Event
from observer.storage.event_rows import insert_events, load_events
from observer.workspace.practice import FALSE_ALARM, MATCH, MISS, MIXUP, feedback, start_attempt
from observer.workspace.recording import Recorder
from ui.practice_view import PracticeFeedbackView, percent

LAG_MS = 800


def code_attempt(store, attempt: int, through_recorder: bool = True) -> dict[str, object]:
    """Code the reference's recording as a trainee would: late, missing and confusing some.

    Recorded through a Recorder as tape review does (or, where that is not the point,
    inserted at once). Returns what the test knows by construction.
    """
    with store.engine.connect() as conn:
        reference = load_events(conn, 4)
    feedbacks = [n for n, e in enumerate(reference) if e.code == "feedback"]
    supports = [n for n, e in enumerate(reference) if e.code == "support"]
    missed = set(feedbacks[2:6])
    confused = set(supports[:3])
    coded = []
    for n, e in enumerate(reference):
        if n in missed:
            continue
        code = "feedback" if n in confused else e.code
        end = None if e.end_ms is None else e.end_ms + LAG_MS
        coded.append(replace(e, id=0, time_ms=e.time_ms + LAG_MS, code=code, end_ms=end))
    extra = reference[feedbacks[10]]
    coded.append(Event(0, extra.time_ms + 7_000, "humour", extra.actor))
    if through_recorder:
        recorder = Recorder(store, attempt)
        for e in coded:
            recorder.record(e.time_ms, e.code, e.actor, e.targets, e.modifiers, end_ms=e.end_ms)
        recorder.close()
    else:
        insert_events(store, attempt, coded)
    return {
        "first_miss_ms": reference[min(missed)].time_ms,
        "alarm_ms": extra.time_ms + 7_000,
        "n_feedback": len(feedbacks),
        "n_support": len(supports),
    }


def open_view(qtbot, store, attempt: int) -> PracticeFeedbackView:
    view = PracticeFeedbackView(store, attempt)
    qtbot.addWidget(view)
    view.resize(1400, 860)
    view.show()
    qtbot.waitExposed(view)
    return view


def click_row(qtbot, view: PracticeFeedbackView, row) -> None:
    view.items_list.scrollToItem(row)
    rect = view.items_list.visualItemRect(row)
    qtbot.mouseClick(view.items_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_practice_attempt_end_to_end(qtbot, demo_store, out_dir) -> None:
    attempt = start_attempt(demo_store, 4, "TT")
    known = code_attempt(demo_store, attempt)
    view = open_view(qtbot, demo_store, attempt)
    core = feedback(demo_store, attempt)

    # The figures on show are the core's.
    assert core.count(MISS) == 4 and core.count(MIXUP) == 3 and core.count(FALSE_ALARM) == 1
    assert f"{core.count(MISS)} miss" in view.summary.text()
    assert view.items_list.topLevelItemCount() == len(core.items)
    table = view.code_table
    shown = {}
    for r in range(table.rowCount()):
        code = table.item(r, 0).data(Qt.ItemDataRole.UserRole)
        shown[code] = (table.item(r, 4).text(), table.item(r, 5).text())
        figures = core.code(code)
        assert figures is not None
        assert shown[code] == (percent(figures.precision), percent(figures.recall))
    # …and they are what the construction implies: feedback found 4 fewer, 3 extra by mix-up.
    n_fb, n_sup = known["n_feedback"], known["n_support"]
    agreed_fb = n_fb - 4
    assert shown["feedback"] == (
        percent(agreed_fb / (agreed_fb + 3)),
        percent(agreed_fb / n_fb),
    )
    assert shown["support"] == ("100 %", percent((n_sup - 3) / n_sup))
    assert any(line.startswith("Feedback where the reference has Support") for line in core.mixups)
    assert "Support / validation" in view.advice.text()

    # Clicking a miss in the list asks the media player to go to the reference's moment.
    row = view.row_of(MISS, 0)
    assert row is not None
    with qtbot.waitSignal(view.seek_requested, timeout=2000) as blocker:
        click_row(qtbot, view, row)
    assert blocker.args == [known["first_miss_ms"]]
    assert view.items_list.currentItem() is row

    # A false alarm has no reference event: the seek goes to the trainee's own event.
    alarm = view.row_of(FALSE_ALARM, 0)
    with qtbot.waitSignal(view.seek_requested, timeout=2000) as blocker:
        click_row(qtbot, view, alarm)
    assert blocker.args == [known["alarm_ms"]]

    # Zoomed to the chosen moment, the timeline shows a minute either side of it.
    qtbot.mouseClick(view.zoom, Qt.MouseButton.LeftButton, pos=QPoint(8, view.zoom.height() // 2))
    assert view.zoom.isChecked()
    axes = view.timeline_figure.axes[0]
    left, right = axes.get_xlim()
    assert left < known["alarm_ms"] < right and right - left == 120_000
    view.grab().save(str(out_dir / "practice_feedback_test.png"))


def test_clicking_a_marker_on_the_timeline_seeks_there(qtbot, demo_store) -> None:
    attempt = start_attempt(demo_store, 4, "TT")
    known = code_attempt(demo_store, attempt, through_recorder=False)
    view = open_view(qtbot, demo_store, attempt)
    row = view.row_of(MISS, 0)
    click_row(qtbot, view, row)  # zoom in on the first miss, so markers stand apart
    view.zoom.setChecked(True)
    view.timeline.draw()
    axes = view.timeline_figure.axes[0]
    x, y = axes.transData.transform((known["first_miss_ms"], 1.0))
    ratio = view.timeline.devicePixelRatioF()
    height = view.timeline.figure.bbox.height
    pos = QPoint(round(x / ratio), round((height - y) / ratio))
    with qtbot.waitSignal(view.seek_requested, timeout=2000) as blocker:
        qtbot.mouseClick(view.timeline, Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [known["first_miss_ms"]]


def test_the_filter_and_the_progress_over_attempts(qtbot, demo_store) -> None:
    attempt = start_attempt(demo_store, 4, "TR")  # the demo trainee's second attempt
    code_attempt(demo_store, attempt, through_recorder=False)
    view = open_view(qtbot, demo_store, attempt)
    view.kind_filter.setFocus()
    misses = view.kind_filter.findData(MISS)
    while view.kind_filter.currentIndex() != misses:
        qtbot.keyClick(view.kind_filter, Qt.Key.Key_Down)
    assert view.items_list.topLevelItemCount() == view.feedback.count(MISS) == 4
    assert all(view.shown_item(view.items_list.topLevelItem(i)).kind == MISS for i in range(4))
    # Two attempts at the reference, the second much better: both on the progress chart.
    line = view.progress_figure.axes[0].lines[0]
    ys = list(line.get_ydata())
    assert len(ys) == 2 and ys[0] < ys[1]
    assert [a.coding_id for a in view.history] == [5, attempt]
    assert view.feedback.count(MATCH) > 200
