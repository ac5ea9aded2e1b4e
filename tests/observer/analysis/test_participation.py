"""Participation, basic-assumption time and trends across sessions."""

from __future__ import annotations

import pytest

from observer.analysis import basic_assumptions
from observer.analysis.filters import ChartFilter
from observer.analysis.participation import participation
from observer.analysis.trends import session_label, session_trend
from observer.domain.coding_data import CodeInfo, CodingData
from observer.domain.events import Event
from observer.domain.participants import Participant
from observer.workspace.group_course import group_codings, group_trends

CODES = {
    "feedback": CodeInfo("feedback", "Feedback", "feedback"),
    "confrontation": CodeInfo("confrontation", "Confrontation", "feedback"),
    "support": CodeInfo("support", "Support", "helping"),
    "speaking": CodeInfo("speaking", "Speaking turn", "speaking", "state"),
    "work": CodeInfo("work", "Work", "work", "state", exclusive_group="basic-assumption"),
    "fight-flight": CodeInfo(
        "fight-flight",
        "Fight-flight",
        "basic-assumption",
        "state",
        exclusive_group="basic-assumption",
    ),
}


def group(events: list[Event]) -> CodingData:
    people = (
        Participant("Ann", "Ann", seat=0),
        Participant("Bob", "Bob", seat=1),
        Participant("Cat", "Cat", seat=2),
        Participant("Dan", "Dan", seat=3),
        Participant("Lee", "Lee", role="leader", seat=4),
        Participant("Eve", "Eve", seat=5, present=False),
        Participant("group", "Group", role="group"),
        Participant("leaders", "Leaders", role="leaders"),
    )
    return CodingData("t", tuple(sorted(events, key=lambda e: e.time_ms)), people, dict(CODES))


def e(t: int, code: str, actor: str, *targets: str, end: int | None = None) -> Event:
    return Event(0, t, code, actor, tuple(targets), {}, "", end)


def test_acts_shares_group_share_and_quiet_members() -> None:
    events = [e(i, "support", "Ann", "Bob") for i in range(6)]
    events += [e(10 + i, "support", "Bob", "group") for i in range(3)]
    events += [e(20, "support", "Lee", "group")]
    result = participation(group(events))
    names = [p.key for p in result.people]
    assert names == ["Ann", "Bob", "Cat", "Dan", "Lee"]  # present, in seat order; Eve absent
    by = {p.key: p for p in result.people}
    assert (by["Ann"].acts, by["Ann"].share) == (6, pytest.approx(0.6))
    assert by["Bob"].group_share == 1.0 and by["Ann"].group_share == 0.0
    assert result.group_share == pytest.approx(4 / 10)
    # Default threshold: half an equal share = 1 / (2 * 5) = 10 %; leaders are never flagged.
    assert result.quiet_share == pytest.approx(0.1)
    assert result.quiet == ("Cat", "Dan")
    assert participation(group(events), quiet_share=0.35).quiet == ("Bob", "Cat", "Dan")
    assert result.gini == pytest.approx(
        sum(abs(x - y) for x in (6, 3, 0, 0, 1) for y in (6, 3, 0, 0, 1)) / 25 / (2 * 2)
    )


def test_feedback_counts_different_peers_not_leaders_or_repeats() -> None:
    events = [
        e(1, "feedback", "Ann", "Cat"),
        e(2, "feedback", "Ann", "Cat"),  # the same peer again
        e(3, "confrontation", "Bob", "Cat"),  # same category: feedback
        e(4, "feedback", "Lee", "Cat"),  # a leader, not a peer
        e(5, "support", "Dan", "Cat"),  # not feedback
        e(6, "feedback", "Cat", "Ann", "Bob"),
    ]
    by = {p.key: p for p in participation(group(events)).people}
    assert by["Cat"].feedback_from == 2
    assert by["Ann"].feedback_from == 1 and by["Bob"].feedback_from == 1
    assert by["Dan"].feedback_from == 0


def test_speaking_time_from_state_codes() -> None:
    events = [
        e(0, "speaking", "Ann", end=30_000),
        e(30_000, "speaking", "Bob", end=40_000),
        e(40_000, "speaking", "Ann"),  # still running: ends with the coding
        e(50_000, "support", "Bob", "Ann"),
    ]
    result = participation(group(events))
    by = {p.key: p for p in result.people}
    assert by["Ann"].speaking_ms == 30_000 + 10_000
    assert by["Bob"].speaking_ms == 10_000
    assert by["Ann"].speaking_share == pytest.approx(0.8)
    assert participation(group(events[3:])).has_speaking_time is False


def test_basic_assumption_time_and_running_mode() -> None:
    events = [
        e(0, "work", "group", end=60_000),
        e(60_000, "fight-flight", "group", end=90_000),
        e(90_000, "work", "group"),  # still running: ends at the coding's end
        e(120_000, "support", "Ann", "Bob"),
    ]
    data = group(events)
    assert data.duration_ms == 120_000
    profile = basic_assumptions.profile(data)
    assert profile.time_ms == {"work": 90_000, "fight-flight": 30_000}
    assert profile.share("fight-flight") == pytest.approx(0.25)
    assert profile.mode_at(70_000) == "fight-flight"
    clipped = basic_assumptions.profile(data, ChartFilter.of(start_ms=50_000, end_ms=100_000))
    assert clipped.time_ms == {"work": 20_000, "fight-flight": 30_000}
    # Actor and code filters do not touch the group's mode.
    assert basic_assumptions.profile(data, ChartFilter.of(actors=["Ann"]).time_only()) == profile


def test_basic_assumption_modes_recognised_in_a_csv_without_codebook() -> None:
    data = CodingData(
        "csv", (e(0, "dependency", "group", end=5_000), e(5_000, "work", "group", end=8_000)), ()
    )
    assert basic_assumptions.profile(data).time_ms == {"dependency": 5_000, "work": 3_000}


def test_trends_over_given_codings() -> None:
    first = group([e(1, "feedback", "Ann", "Bob"), e(2, "work", "group", end=10_000)])
    second = group([e(1, "feedback", "Ann", "Bob"), e(2, "feedback", "Bob", "Ann")])
    rows = [session_trend(d, session_label(d, n), n) for d, n in ((first, 1), (second, 2))]
    assert [r.label for r in rows] == ["Session 1", "Session 2"]
    assert rows[0].reciprocity == 0.0 and rows[1].reciprocity == 1.0
    assert rows[1].counts == {"feedback": 2}
    assert rows[0].mode_ms["work"] == 9_998


def test_demo_group_trends_use_one_observer(demo_store: object) -> None:
    ids = group_codings(demo_store, 1)  # type: ignore[arg-type]
    assert ids == [1, 2, 3, 6]  # RK coded every session; practice coding 5 left out
    rows = group_trends(demo_store, 1)  # type: ignore[arg-type]
    assert [r.session_number for r in rows] == [1, 2, 3, 4]
    assert all(0 < r.density <= 1 for r in rows)
    assert rows[1].mode_ms.get("fight-flight", 0) > 0  # session 2 flees into fight-flight
