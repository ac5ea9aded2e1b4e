"""The live agreement indicator: shown while a co-observer codes the same session."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from conftest import open_window, stored_events
from PySide6.QtCore import Qt

from observer.workspace.codings import new_coding
from observer.workspace.groups import add_session
from observer.workspace.recording import Recorder
from ui.agreement_indicator import AgreementIndicator

MOMENTS = [(20_000 + 9_000 * i, ("work", "dependency", "pairing")[i % 3]) for i in range(12)]


def indicator(window: Any) -> AgreementIndicator:
    found = window.findChild(AgreementIndicator)
    assert found is not None
    return found


def co_observer(store: Any, session_id: int, initials: str, moments: list[tuple[int, str]]) -> Any:
    coding = new_coding(store, session_id, initials, ["bion"])
    recorder = Recorder(store, coding)
    for t, code in moments:
        recorder.record(t, code, "group", end_ms=t + 1000)
    return recorder


def new_session(store: Any) -> int:
    return add_session(store, 1)  # of the demo group: nobody has coded it yet


def test_alone_in_a_session_nothing_is_shown(demo_store: Any, fake_time: Any, qtbot: Any) -> None:
    window = open_window(demo_store, new_coding(demo_store, new_session(demo_store), "RK",
                                                ["bion"]), fake_time, qtbot)  # fmt: skip
    try:
        with qtbot.waitSignal(indicator(window).refreshed, timeout=10_000) as got:
            pass
        assert got.args == [[]]
        assert not indicator(window).isVisible()
    finally:
        window.close()
        window.recorder.close()


def test_a_co_observers_coding_shows_the_agreement_and_follows_their_events(
    demo_store: Any, fake_time: Any, qtbot: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("ui.agreement_indicator.MIN_GAP_MS", 0)
    session = new_session(demo_store)
    mine = new_coding(demo_store, session, "RK", ["bion"])
    theirs = co_observer(demo_store, session, "HK", MOMENTS[:6])
    window = open_window(demo_store, mine, fake_time, qtbot)
    try:
        window.recorder.clock.set_elapsed(MOMENTS[5][0] + 5_000)
        for t, code in MOMENTS[:6]:
            window.recorder.record(t, code, "group", end_ms=t + 1000)
        shown = indicator(window)
        qtbot.waitUntil(
            lambda: shown.text() == "agreement with HK, last 5 min: κ 1.00", timeout=10_000
        )
        assert shown.isVisible()
        # The co-observer codes on and disagrees: their change notice brings a new figure.
        for t, _code in MOMENTS[6:]:
            theirs.record(t, "fight-flight", "group", end_ms=t + 1000)
        window.recorder.clock.set_elapsed(MOMENTS[-1][0] + 5_000)
        for t, code in MOMENTS[6:]:
            window.recorder.record(t, code, "group", end_ms=t + 1000)
        qtbot.waitUntil(
            lambda: "κ 1.00" not in shown.text() and "κ" in shown.text(), timeout=10_000
        )
    finally:
        window.close()
        window.recorder.close()
        theirs.close()


def test_key_presses_are_saved_while_a_reading_waits_on_the_database(
    demo_store: Any, fake_time: Any, qtbot: Any, monkeypatch: Any
) -> None:
    """On a server a reading is a few round trips: the observer's keys never wait for it."""
    import observer.workspace.co_observers as co_observers

    began, answer = threading.Event(), threading.Event()
    real = co_observers.co_codings

    def slow_server(store: Any, coding_id: int) -> Any:
        began.set()
        assert answer.wait(30), "the test never let the reading finish"
        return real(store, coding_id)

    monkeypatch.setattr(co_observers, "co_codings", slow_server)
    coding = new_coding(demo_store, new_session(demo_store), "RK", ["here-and-now"])
    window = open_window(demo_store, coding, fake_time, qtbot)
    try:
        qtbot.waitUntil(began.is_set, timeout=10_000)
        qtbot.keyClick(window.chart, Qt.Key.Key_F5)  # start the clock
        fake_time.advance(3)
        for ch in "12s":  # member 1 supports member 2
            qtbot.keyClick(window.chart, ch)
        saved = stored_events(demo_store, coding)
        assert [(e.actor, e.code) for e in saved] == [("m1", "support")]
        assert not answer.is_set()  # the reading is still waiting: the keys did not
        with qtbot.waitSignal(indicator(window).refreshed, timeout=10_000):
            answer.set()
    finally:
        answer.set()
        window.close()
        window.recorder.close()


def test_render_the_indicator_in_the_window(
    demo_store: Any, fake_time: Any, qtbot: Any, monkeypatch: Any, out_dir: Any, styled: Any
) -> None:
    monkeypatch.setattr("ui.agreement_indicator.MIN_GAP_MS", 0)
    session = new_session(demo_store)
    mine = new_coding(demo_store, session, "RK", ["bion"])
    theirs = co_observer(demo_store, session, "HK", [*MOMENTS[:10], (MOMENTS[10][0], "work")])
    window = open_window(demo_store, mine, fake_time, qtbot)
    try:
        window.resize(1280, 800)
        window.recorder.clock.set_elapsed(MOMENTS[-1][0] + 5_000)
        for t, code in MOMENTS:
            window.recorder.record(t, code, "group", end_ms=t + 1000)
        shown = indicator(window)
        qtbot.waitUntil(lambda: "κ 0." in shown.text(), timeout=10_000)
        window.grab().save(str(out_dir / "agreement_indicator.png"))
        assert shown.text() == "agreement with HK, last 5 min: κ 0.76"
    finally:
        window.close()
        window.recorder.close()
        theirs.close()


@pytest.fixture
def styled(qapp: Any) -> Any:
    """The app's own look, as ``group-observer`` sets it, put back afterwards."""
    from ui import style

    before = (qapp.palette(), qapp.styleSheet(), qapp.font())
    style.apply(qapp)
    yield
    qapp.setPalette(before[0])
    qapp.setStyleSheet(before[1])
    qapp.setFont(before[2])
