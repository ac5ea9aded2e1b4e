"""The agreement view: tick codings, change the settings, read the same figures as the core."""

from __future__ import annotations

from PySide6.QtCore import Qt

from observer.analysis.agreement import agreement
from observer.analysis.filters import filters_for
from observer.storage.read_coding import from_coding
from ui.agreement_view import AgreementView, figure_text


def open_view(qtbot, store, ids) -> AgreementView:
    view = AgreementView(store, ids)
    qtbot.addWidget(view)
    view.resize(1500, 900)
    view.show()
    qtbot.waitExposed(view)
    return view


def shown_figures(view: AgreementView) -> dict[str, tuple[str, str]]:
    table = view.figures
    return {
        table.item(r, 0).data(Qt.ItemDataRole.UserRole): (
            table.item(r, 1).text(),
            table.item(r, 2).text(),
        )
        for r in range(table.rowCount())
    }


def row_of(view: AgreementView, coding_id: int) -> int:
    return next(
        r
        for r in range(view.codings.count())
        if view.codings.item(r).data(Qt.ItemDataRole.UserRole) == coding_id
    )


def toggle(qtbot, view: AgreementView, coding_id: int) -> None:
    """Tick or untick a coding with the keyboard, as a person can."""
    view.codings.setFocus()
    view.codings.setCurrentRow(row_of(view, coding_id))
    qtbot.keyClick(view.codings, Qt.Key.Key_Space)


def test_the_view_shows_the_cores_figures_and_how_they_were_computed(
    qtbot, demo_store, out_dir
) -> None:
    view = open_view(qtbot, demo_store, [4, 5])
    datas = [from_coding(demo_store, 4), from_coding(demo_store, 5)]
    core = agreement(datas, 2.0, 1.0, "code")
    shown = shown_figures(view)
    for key in ("event_kappa", "event_kappa_matched", "percent_agreement", "time_unit_kappa",
                "krippendorff_alpha"):  # fmt: skip
        value, how = shown[key]
        assert value == figure_text(key, core[key])
        assert how == core["explanations"][key]

    labels = core["confusion"]["labels"]
    matrix = core["confusion"]["matrix"]
    table = view.confusion
    assert table.columnCount() == len(labels)
    assert table.horizontalHeaderItem(len(labels) - 1).text() == "nothing"
    for r, row in enumerate(matrix):
        for c, n in enumerate(row):
            assert table.item(r, c).text() == (str(n) if n else "·")
    assert view.per_code.rowCount() == len(core["per_code"])
    view.grab().save(str(out_dir / "agreement_view_test.png"))

    # A wider window: typed into the tolerance box, the figures follow.
    view.tolerance.setFocus()
    view.tolerance.selectAll()
    qtbot.keyClicks(view.tolerance, "3")
    qtbot.keyClick(view.tolerance, Qt.Key.Key_Enter)
    assert view.tolerance.value() == 3.0
    wider = agreement(datas, 3.0, 1.0, "code")
    assert shown_figures(view)["event_kappa"][0] == figure_text("event_kappa", wider["event_kappa"])
    assert "±3 s" in view.alignment.text()


def test_choices_that_make_no_agreement_are_explained(qtbot, demo_store) -> None:
    view = open_view(qtbot, demo_store, [4, 5])
    toggle(qtbot, view, 5)
    assert view.checked_ids() == [4]
    assert "two or more" in view.message.text()
    assert view.figures.rowCount() == 0
    toggle(qtbot, view, 1)  # session 1 against session 3: compared, and said so
    assert "Different sessions" in view.notice.text() and view.notice.isVisible()
    assert view.figures.rowCount() > 0
    toggle(qtbot, view, 1)
    toggle(qtbot, view, 5)
    assert view.checked_ids() == [4, 5] and view.figures.rowCount() > 0


def tick(qtbot, view: AgreementView, kind: str, value: str) -> None:
    """Tick a code, category or person to restrict to, with the keyboard."""
    choices = view.only_lists[kind]
    view.only.setCurrentWidget(choices)
    choices.setFocus()
    row = next(
        r for r in range(choices.count())
        if choices.item(r).data(Qt.ItemDataRole.UserRole) == value
    )  # fmt: skip
    choices.setCurrentRow(row)
    qtbot.keyClick(choices, Qt.Key.Key_Space)


def test_codings_of_different_sessions_restricted_to_a_code(qtbot, demo_store, out_dir) -> None:
    view = open_view(qtbot, demo_store, [])
    view.resize(1280, 800)
    # Found by typing, then ticked: coding 3 (session 3) and coding 6 (session 4).
    qtbot.keyClicks(view.search, "session 4")
    shown = [view.codings.item(r) for r in range(view.codings.count())]
    assert [int(i.data(Qt.ItemDataRole.UserRole)) for i in shown if not i.isHidden()] == [6]
    toggle(qtbot, view, 6)
    view.search.clear()
    toggle(qtbot, view, 3)
    assert view.checked_ids() == [3, 6]

    datas = [from_coding(demo_store, 3), from_coding(demo_store, 6)]
    whole = agreement(datas, 2.0, 1.0, "code")
    assert view.notice.isVisible() and view.notice.text() == whole["notes"][0]
    assert "Different sessions (Thursday interpersonal group, session 3; " in whole["notes"][0]
    figures = shown_figures(view)
    assert figures["event_kappa"][0] == figure_text("event_kappa", whole["event_kappa"])

    tick(qtbot, view, "codes", "feedback")
    only = agreement(datas, 2.0, 1.0, "code", filters_for(datas, codes=["feedback"]))
    assert view.result == only
    restricted = shown_figures(view)
    assert restricted["event_kappa"][0] == figure_text("event_kappa", only["event_kappa"])
    assert restricted["event_kappa"][1] != figures["event_kappa"][1]  # fewer pairs
    assert view.per_code.rowCount() == 1 and view.per_code.item(0, 0).text() == "Feedback"
    assert view.notice.text().splitlines() == only["notes"]
    assert "Restricted to codes feedback" in view.notice.text()
    assert view.only.tabText(0) == "Codes (1)"
    view.grab().save(str(out_dir / "agreement_view_restricted.png"))

    tick(qtbot, view, "codes", "feedback")  # unticked: every event again
    assert view.result == whole and view.per_code.rowCount() > 1


def test_three_codings_by_actor(qtbot, demo_store) -> None:
    view = open_view(qtbot, demo_store, [3, 4, 5])
    view.by.setFocus()
    while view.by.currentData() != "actor":
        qtbot.keyClick(view.by, Qt.Key.Key_Down)
    assert view.result is not None and view.result["by"] == "actor"
    assert view.pair.count() == 3 and view.pair.isEnabled()
    assert view.per_code.horizontalHeaderItem(0).text() == "Actor"
    shown = shown_figures(view)
    assert shown["krippendorff_alpha"][0] == figure_text(
        "krippendorff_alpha", view.result["krippendorff_alpha"]
    )
    assert "over 3 codings" in shown["krippendorff_alpha"][1]
    # Choosing another pair shows that pair's confusion table.
    view.pair.setCurrentIndex(2)
    assert view.current_pair()["codings"] == view.result["pairs"][2]["codings"]
    assert "coding 4" in view.alignment.text() and "coding 5" in view.alignment.text()


def long_codings(store, n: int = 3_000) -> list[int]:
    """Two observers' codings of demo session 1, long enough to be compared off the GUI thread."""
    from observer.domain.events import Event
    from observer.storage.event_rows import insert_events
    from observer.workspace.codings import new_coding

    ids = []
    for lag, initials in ((0, "LA"), (400, "LB")):
        coding = new_coding(store, 1, initials, ["here-and-now"], name=f"long {initials}")
        events = [Event(0, i * 3_000 + lag, "question", "m1", ("group",)) for i in range(n)]
        insert_events(store, coding, events)
        ids.append(coding)
    return ids


def test_long_codings_are_compared_on_a_worker_thread(qtbot, demo_store) -> None:
    ids = long_codings(demo_store)
    view = AgreementView(demo_store, ids)
    qtbot.addWidget(view)
    assert view.job is not None and view.result is None  # the window is free meanwhile
    assert "Comparing 2 codings (6,000 events)" in view.message.text()
    with qtbot.waitSignal(view.computed, timeout=60_000):
        view.show()
    core = agreement([from_coding(demo_store, i) for i in ids], 2.0, 1.0, "code")
    assert view.result == core and view.job is None
    assert shown_figures(view)["event_kappa"][0] == figure_text("event_kappa", core["event_kappa"])
    # A setting changed: the codings are not read again, the figures follow.
    view.tolerance.setValue(0.3)
    with qtbot.waitSignal(view.computed, timeout=60_000):
        pass
    assert view.result["matched"] == 0


def test_cancel_a_long_comparison(qtbot, demo_store, monkeypatch) -> None:
    import threading

    import ui.agreement_view as agreement_view

    ids = long_codings(demo_store)
    first_read, resume = threading.Event(), threading.Event()
    real = agreement_view.compare_codings

    def paced(store, ids, tolerance, unit, by, known, progress, *restriction):
        def report(done: int, total: int) -> None:
            progress(done, total)
            if done == 1:  # one coding read, the other not yet
                first_read.set()
                resume.wait(30)

        return real(store, ids, tolerance, unit, by, known, report, *restriction)

    monkeypatch.setattr(agreement_view, "compare_codings", paced)
    view = AgreementView(demo_store, ids)
    qtbot.addWidget(view)
    view.show()
    job = view.job
    try:
        qtbot.waitUntil(first_read.is_set, timeout=30_000)
        qtbot.waitUntil(lambda: job.dialog is not None and job.dialog.isVisible())
        qtbot.mouseClick(job.dialog.cancel_button, Qt.MouseButton.LeftButton)
    finally:
        resume.set()
    qtbot.waitUntil(lambda: not job.running, timeout=30_000)
    assert job.state == "cancelled" and view.result is None and view.figures.rowCount() == 0
    assert view.message.text().startswith("Cancelled")


def test_the_view_follows_the_database(qtbot, demo_store) -> None:
    from observer.workspace.recording import Recorder
    from observer.workspace.workspace import Workspace

    view = open_view(qtbot, demo_store, [4, 5])
    listed = view.codings.count()
    events = view.result["codings"]
    Workspace(demo_store).create_coding(3, "NW", ["here-and-now"], name="coded meanwhile")
    assert view.codings.count() == listed + 1 and view.checked_ids() == [4, 5]
    assert "coded meanwhile (0 events)" in view.codings.item(listed).text()

    before = view.message.text()
    recorder = Recorder(demo_store, 5)
    try:
        with qtbot.waitSignal(view.computed, timeout=10_000):  # once the keys pause
            recorder.record(60_000, "question", "m3", ["group"])
            recorder.record(61_000, "question", "m4", ["group"])
            assert view.message.text() == before  # not on every key
    finally:
        recorder.close()
    assert view.result["codings"] == events
    n_before = int(before.split(", ")[1].split(" ")[0])
    assert view.message.text().split(", ")[1].startswith(f"{n_before + 2} events")


def test_the_shift_the_events_suggest_is_applied_when_ticked(qtbot, store, out_dir) -> None:
    """Two codings of one session without anchors (recorded before they were kept), the
    second by a clock started 5 s late: offered in the notice, applied when ticked."""
    from observer.storage.coding_info import coding_info
    from observer.workspace.codings import new_coding
    from observer.workspace.recording import Recorder
    from tests.observer.helpers import small_coding

    first, k = small_coding(store)
    session_id = coding_info(store, first).session_id
    ids = []
    for initials, late_ms in (("AB", 0), ("CD", 5_000)):
        coding_id = new_coding(store, session_id, initials, ["here-and-now", "bion"])
        recorder = Recorder(store, coding_id)
        for n in range(12):
            code = ("feedback", "support", "question")[n % 3]
            recorder.record(20_000 + 9_000 * n - late_ms, code, k["Jane"], [k["Sam"]])
        recorder.close()
        ids.append(coding_id)
    view = open_view(qtbot, store, ids)
    assert view.notice.isVisible()
    assert "The events suggest shifting" in view.notice.text()
    assert shown_figures(view)["offset"][0] == "+0.000 s, as stored"
    assert shown_figures(view)["event_kappa"][0] != "1.000"

    qtbot.mouseClick(view.by_events, Qt.MouseButton.LeftButton)
    shown = shown_figures(view)
    assert shown["offset"][0] == "+5.000 s, by the events"
    assert shown["event_kappa"][0] == "1.000"
    assert "lined up with" in view.notice.text() and "by the events" in view.notice.text()
    view.resize(1280, 800)
    view.grab().save(str(out_dir / "agreement_view_by_events.png"))

    qtbot.mouseClick(view.by_events, Qt.MouseButton.LeftButton)
    assert shown_figures(view)["offset"][0] == "+0.000 s, as stored"
