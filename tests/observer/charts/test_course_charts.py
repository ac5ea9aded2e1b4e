"""The course charts stay readable from one session to a year of them."""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from observer.analysis.trends import MemberSession, SessionTrend, course_flags
from observer.charts.course import draw_climate, draw_member_course
from observer.charts.trends import draw_trends

SCALES = {"engaged": "Engaged", "conflict": "Conflict"}


def year(n: int) -> list[SessionTrend]:
    sessions = []
    for i in range(1, n + 1):
        engaged = 5.0 - (i - 30) if 30 <= i <= 32 else 4.0
        members = (
            MemberSession("m1", "Ann", True, 0.6, {"feedback": 3}, {}, 2, 1,
                          {"engaged": engaged, "conflict": 1.0}),
            MemberSession("m2", "Ben", True, 0.4, {}, {"feedback": 3}, 3, 1, {}),
        )  # fmt: skip
        sessions.append(
            SessionTrend(
                f"Session {i}",
                i,
                None,
                10,
                0.5,
                0.5,
                0.2,
                {"feedback": 3},
                {"work": 60_000},
                members,
            )
        )
    return sessions


@pytest.mark.parametrize("n", [4, 52])
def test_every_course_chart_draws_with_readable_sessions(n: int) -> None:
    sessions = year(n)
    flags = course_flags(sessions, {"engaged": "falls"}, 1.0)
    assert [f.sessions[-1] for f in flags] == (["Session 32"] if n == 52 else [])
    for draw in (
        lambda f: draw_trends(f, sessions),
        lambda f: draw_climate(f, sessions, SCALES, flags),
        lambda f: draw_member_course(f, sessions),
    ):
        fig = Figure(figsize=(12.8, 8))
        FigureCanvasAgg(fig)
        draw(fig)
        fig.canvas.draw()
        for ax in fig.axes:
            labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
            if labels and ax.get_xlabel() in ("", "session"):
                assert len(labels) <= 14, labels


def test_no_ratings_says_so() -> None:
    fig = Figure()
    draw_climate(fig, year(3)[:0], SCALES)
    assert "No climate ratings yet" in " ".join(t.get_text() for t in fig.texts)


def test_feedback_rows_are_named_by_member_in_a_long_course() -> None:
    fig = Figure(figsize=(12.8, 8))
    FigureCanvasAgg(fig)
    draw_member_course(fig, year(52))
    fig.canvas.draw()
    peers = next(ax for ax in fig.axes if ax.get_title(loc="left").startswith("Fellow"))
    assert [t.get_text() for t in peers.get_yticklabels()] == ["Ann", "Ben"]


def test_a_figure_drawn_again_holds_only_the_new_chart() -> None:
    fig = Figure(figsize=(12.8, 8))
    FigureCanvasAgg(fig)
    draw_member_course(fig, year(52))
    draw_trends(fig, year(52))
    assert [ax.get_title(loc="left") for ax in fig.axes] == [
        "Structure (people graph)",
        "Acts per code",
        "Minutes per basic-assumption mode",
    ]
