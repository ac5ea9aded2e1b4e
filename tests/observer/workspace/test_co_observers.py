"""Co-observers of one live session: the agreement figure the coding window shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from observer.analysis.live_agreement import recent_agreement
from observer.domain.coding_data import CodeInfo, CodingData
from observer.domain.events import Event
from observer.storage.read_coding import from_coding
from observer.workspace.co_observers import agreement_so_far, co_codings
from observer.workspace.codings import new_coding, set_reference
from observer.workspace.recording import Recorder
from tests.observer.helpers import small_coding

NINE = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
CODES = ("work", "dependency", "fight-flight", "pairing")
MOMENTS = [(20_000 + 9_000 * i, CODES[(i * 3) % 4]) for i in range(30)]


def plain(moments: list[tuple[int, str]]) -> CodingData:
    events = tuple(Event(i + 1, t, c, "group") for i, (t, c) in enumerate(moments))
    return CodingData("x", events, (), {c: CodeInfo(c, c) for c in CODES})


def test_two_live_codings_started_5_s_apart_agree_fully(store, monkeypatch) -> None:
    wall = [NINE]
    monkeypatch.setattr("observer.domain.clock.utcnow", lambda: wall[0])
    mine, _ = small_coding(store, ("bion",))
    session = from_coding(store, mine).info
    assert session is not None
    theirs = new_coding(store, session.session_id, "HK", ["bion"])
    for coding, started, late in ((mine, NINE, 0), (theirs, NINE + timedelta(seconds=5), 5_000)):
        wall[0] = started
        recorder = Recorder(store, coding)
        recorder.start_clock()
        for t, code in MOMENTS:  # the same moments, read 5 s less on the later clock
            recorder.record(t - late, code, "group", end_ms=t - late + 1_000)
        recorder.close()
    [found] = agreement_so_far(store, from_coding(store, mine))
    assert found.kappa == pytest.approx(1.0)
    assert (found.offset.method, found.offset.ms) == ("anchors", 5_000)
    assert found.text() == "agreement with HK, last 5 min: κ 1.00"
    assert found.events == (30, 30)  # the whole session is within its last 5 minutes


def test_references_practice_and_the_trash_are_no_co_observers(store) -> None:
    mine, _ = small_coding(store, ("bion",))
    session = from_coding(store, mine).info
    assert session is not None
    other = new_coding(store, session.session_id, "HK", ["bion"])
    reference = new_coding(store, session.session_id, "SV", ["bion"])
    set_reference(store, reference)
    new_coding(store, session.session_id, "MB", ["bion"], clock_mode="media")
    assert [(c.id, c.observer) for c in co_codings(store, mine)] == [(other, "HK")]
    assert agreement_so_far(store, from_coding(store, other))[0].other == "RK"


def test_only_the_last_minutes_count() -> None:
    early = [(t, "work") for t, _ in MOMENTS[:15]]  # disagree early on
    mine = plain(MOMENTS)
    theirs = plain(early + MOMENTS[15:])
    recent = recent_agreement(mine, theirs, "HK", window_ms=2 * 60_000)
    assert recent.kappa == pytest.approx(1.0)
    whole = recent_agreement(mine, theirs, "HK", window_ms=60 * 60_000)
    assert whole.kappa is not None and whole.kappa < 0.8
    assert whole.text().startswith("agreement with HK, last 60 min: κ 0.")


def test_the_window_ends_at_the_clocks_now() -> None:
    mine, theirs = plain(MOMENTS), plain([(t, "work") for t, _ in MOMENTS])
    before = recent_agreement(mine, theirs, "HK", now_ms=10_000)
    assert before.kappa is None and before.events == (0, 0)
    assert before.text() == "agreement with HK, last 5 min: too few events yet"
