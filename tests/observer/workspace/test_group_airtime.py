"""Airtime over a group's sessions: from the coding that holds each session's turns."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from observer.charts.airtime_course import draw_airtime_course
from observer.charts.fit import text_problems
from observer.course_report import page_count, write_course_report
from observer.report import PAGE
from observer.storage.store import Store, open_store
from observer.workspace.codings import new_coding
from observer.workspace.group_course import group_course
from observer.workspace.groups import add_session, list_sessions
from observer.workspace.recording import Recorder
from tests.observer.airtime_sessions import SPOKEN, airtime_group
from tests.observer.helpers import pdf_text


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "group.sqlite3")


def test_each_sessions_shares_and_gini_as_computed_by_hand(store: Store) -> None:
    group_id, keys = airtime_group(store)
    course = group_course(store, group_id)
    assert [r.session_number for r in course.airtime] == [1, 2, 3]
    for row, spoken in zip(course.airtime, SPOKEN, strict=True):
        by_key = {s.key: s for s in row.airtime.speakers}
        total = sum(spoken)
        for name, seconds in zip(keys, spoken, strict=True):
            assert by_key[keys[name]].share == pytest.approx(seconds / total, abs=1e-3)
    # Session 1: members 300, 60, 30, 0 s: Gini by hand = sum|xi - xj| / (2 n^2 mean).
    members = [300, 60, 30, 0]
    by_hand = sum(abs(a - b) for a in members for b in members) / (2 * 16 * sum(members) / 4)
    assert course.airtime[0].airtime.gini == pytest.approx(by_hand, abs=1e-3)
    ginis = [r.airtime.gini for r in course.airtime]
    assert ginis == sorted(ginis, reverse=True)  # becoming more equal, as made


def test_a_session_takes_the_coding_with_its_turns_not_the_other(store: Store) -> None:
    group_id, keys = airtime_group(store, sessions=1)
    [session] = list_sessions(store, group_id)
    # A second observer's process coding of the same session, with no turns at all.
    other = new_coding(store, session.id, "TS", ["here-and-now"])
    recorder = Recorder(store, other)
    recorder.record(1_000, "question", keys["Sam"], (keys["Jane"],))
    recorder.close()
    [row] = group_course(store, group_id).airtime
    assert sum(s.turns for s in row.airtime.speakers) == 12  # Tom kept silent


def test_the_course_report_has_an_airtime_page_only_with_turns(
    store: Store, tmp_path: Path
) -> None:
    group_id, _keys = airtime_group(store)
    course = group_course(store, group_id)
    out = tmp_path / "course.pdf"
    pages = write_course_report(course, out)
    assert pages == page_count(course) == 6
    text = pdf_text(out.read_bytes())
    assert "Gini of the members' speaking time" in text
    bare = open_store(tmp_path / "bare.sqlite3")
    bare_group, keys = airtime_group(bare, sessions=0)
    coding = new_coding(bare, add_session(bare, bare_group), "TS", ["here-and-now", "bion"])
    recorder = Recorder(bare, coding)
    recorder.record(1_000, "question", keys["Sam"], (keys["Jane"],))
    recorder.close()
    without = group_course(bare, bare_group)
    assert without.airtime == () and page_count(without) == 5


@pytest.mark.parametrize("size", [(11.0, 5.5), PAGE, (12.8, 8.0)])
def test_the_chart_reads_at_every_size(store: Store, size: tuple[float, float]) -> None:
    group_id, _keys = airtime_group(store)
    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    draw_airtime_course(fig, group_course(store, group_id).airtime)
    assert text_problems(fig) == []
    names = [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().texts]
    assert names == ["leaders", "Tom", "Priya", "Sam", "Jane"]  # as the bands, top down


def test_without_turns_the_chart_says_so() -> None:
    fig = Figure()
    draw_airtime_course(fig, [])
    assert "No speaking turns" in fig.texts[0].get_text()
