"""The course of a group: members' figures and climate session by session, and the flags."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from observer.analysis.network import build_network
from observer.analysis.trends import MemberSession, SessionTrend, course_flags
from observer.cli.main import main
from observer.domain.instrument_file import find_instrument
from observer.storage.read_coding import from_coding
from observer.storage.store import Store
from observer.workspace.group_course import group_course
from observer.workspace.groups import list_sessions
from observer.workspace.ratings import add_rating
from tests.observer.helpers import pdf_text

GCQ = find_instrument("gcq-s")


def session(n: int, **engaged: float | None) -> SessionTrend:
    members = tuple(
        MemberSession(
            k, k.title(), True, 0.0, {}, {}, 0, 0, {"engaged": v} if v is not None else {}
        )
        for k, v in engaged.items()
    )
    return SessionTrend(f"Session {n}", n, None, 0, 0, 0, 0, {}, {}, members)


def test_a_fall_over_three_rated_sessions_is_flagged_once_per_run() -> None:
    sessions = [
        session(1, ann=5.0, ben=4.0),
        session(2, ann=4.0, ben=4.0),
        session(3, ann=None, ben=3.0),  # Ann gave no valid form: her series skips it
        session(4, ann=3.5, ben=2.0),
        session(5, ann=2.0, ben=3.0),
    ]
    flags = course_flags(sessions, {"engaged": "falls"})
    assert [(f.key, f.sessions, f.scores) for f in flags] == [
        # In the order the runs were completed.
        ("ann", ("Session 1", "Session 2", "Session 4"), (5.0, 4.0, 3.5)),
        # Ben: 4, 4 is a tie (no fall); 4, 3, 2 falls; then 3 rises.
        ("ben", ("Session 2", "Session 3", "Session 4"), (4.0, 3.0, 2.0)),
        ("ann", ("Session 2", "Session 4", "Session 5"), (4.0, 3.5, 2.0)),
    ]
    assert (
        flags[0].sentence()
        == "Ann: engaged fell over Session 1, Session 2, Session 4 (5.0 → 4.0 → 3.5)"
    )
    assert course_flags(sessions, {"engaged": "rises"}) == []
    # With at least 1.6 points to move, only Ben's 4 → 2 and Ann's 4 → 2 are left.
    wide = course_flags(sessions, {"engaged": "falls"}, min_change=1.6)
    assert [(f.key, f.scores) for f in wide] == [("ben", (4.0, 3.0, 2.0)), ("ann", (4.0, 3.5, 2.0))]


def form(engaged: int, conflict: int) -> list[int | None]:
    """A GCQ-S form with every Engaged item at ``engaged``, Conflict at ``conflict``, Avoiding 2."""
    answers: list[int | None] = [2] * 12
    for n in (1, 2, 4, 8, 11):
        answers[n - 1] = engaged
    for n in (6, 7, 10, 12):
        answers[n - 1] = conflict
    return answers


def rated_demo(store: Store) -> list[int]:
    """The demo group with Jane's engagement falling and Sam's conflict rising by session."""
    sessions = [s.id for s in list_sessions(store, 1)]
    for i, sid in enumerate(sessions):
        add_rating(store, sid, GCQ, form(5 - i, 1), 1)  # Jane: Engaged 5, 4, 3, 2
        add_rating(store, sid, GCQ, form(3, 1 + i), 2)  # Sam: Conflict 1, 2, 3, 4
    add_rating(store, sessions[0], GCQ, [None] * 12, 3)  # Priya: blank, so invalid
    add_rating(store, sessions[0], GCQ, form(0, 6), observer="RK")  # not a member's
    return sessions


def test_the_demo_groups_course_with_ratings(demo_store: Any) -> None:
    rated_demo(demo_store)
    course = group_course(demo_store, 1)
    first = course.sessions[0]
    jane, sam, priya = first.member("m1"), first.member("m2"), first.member("m3")
    assert jane is not None and sam is not None and priya is not None
    assert jane.climate == {"engaged": 5.0, "avoiding": 2.0, "conflict": 1.0}
    assert priya.climate == {}  # an invalid form counts for nothing
    assert first.climate_mean == pytest.approx({"engaged": 4.0, "avoiding": 2.0, "conflict": 1.0})
    shares = [m.participation_share for m in first.members if m.present]
    assert sum(shares) == pytest.approx(1.0)
    network = build_network(from_coding(demo_store, first.coding_id))
    for node in network.people:
        member = first.member(node.key)
        assert member is not None
        assert sum(member.sent.values()) == node.sent
        assert member.feedback_sources == node.feedback_sources
    assert [(f.label, f.scale, f.sessions[-1]) for f in course.flags] == [
        ("Jane", "engaged", "Session 3"),
        ("Sam", "conflict", "Session 3"),
        ("Jane", "engaged", "Session 4"),
        ("Sam", "conflict", "Session 4"),
    ]


def test_trends_json_and_the_course_report(demo_store: Any, capsys, tmp_path: Path) -> None:
    rated_demo(demo_store)
    db = str(demo_store.path)
    assert main(["--db", db, "trends", "1", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["instrument"] == "gcq-s"
    assert found["scales"] == {"engaged": "Engaged", "avoiding": "Avoiding", "conflict": "Conflict"}
    first = found["sessions"][0]
    assert first["climate_mean"]["engaged"] == 4.0
    jane = next(m for m in first["members"] if m["id"] == "m1")
    assert set(jane) >= {"participation_share", "sent_by_category", "received_by_category",
                         "feedback_sources", "feedback_received", "climate"}  # fmt: skip
    assert [f["label"] for f in found["flags"]] == ["Jane", "Sam", "Jane", "Sam"]
    pdf = tmp_path / "course.pdf"
    assert main(["--db", db, "trends", "1", "--pdf", str(pdf)]) == 0
    text = pdf_text(pdf.read_bytes())
    assert "The course of the group" in text
    assert "Jane: engaged fell over Session 1, Session 2, Session 3" in text


def test_leaders_and_observers_forms_stand_beside_the_members_mean(
    demo_store: Any, capsys, tmp_path: Path
) -> None:
    from observer.workspace.groups import get_group

    sessions = rated_demo(demo_store)  # RK's observer form: Engaged 0, Conflict 6
    leader = next(m for m in get_group(demo_store, 1).members if m.pseudonym == "Dr Rivera")
    add_rating(demo_store, sessions[0], GCQ, form(6, 0), leader.id)
    first = group_course(demo_store, 1).sessions[0]
    # The members' mean is Jane's 5 and Sam's 3 as before, with neither form mixed in.
    assert first.climate_mean == pytest.approx({"engaged": 4.0, "avoiding": 2.0, "conflict": 1.0})
    assert [(r.rater, r.name, r.scales) for r in first.raters] == [
        ("leader", "Dr Rivera", {"engaged": 6.0, "avoiding": 2.0, "conflict": 0.0}),
        ("observer", "RK", {"engaged": 0.0, "avoiding": 2.0, "conflict": 6.0}),
    ]
    assert main(["--db", str(demo_store.path), "trends", "1", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)["sessions"]
    assert found[0]["climate_mean"]["engaged"] == 4.0
    assert found[0]["climate_by_rater"] == [
        {"rater": "leader", "name": "Dr Rivera",
         "scales": {"engaged": 6.0, "avoiding": 2.0, "conflict": 0.0}},
        {"rater": "observer", "name": "RK",
         "scales": {"engaged": 0.0, "avoiding": 2.0, "conflict": 6.0}},
    ]  # fmt: skip
    assert found[1]["climate_by_rater"] == []
    pdf = tmp_path / "course.pdf"
    assert main(["--db", str(demo_store.path), "trends", "1", "--pdf", str(pdf)]) == 0
    text = pdf_text(pdf.read_bytes())
    assert "Dr Rivera 6.0/2.0/0.0; RK 0.0/2.0/6.0" in text
