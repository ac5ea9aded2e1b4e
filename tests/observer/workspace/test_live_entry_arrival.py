"""A member marked absent who is coded live: asked once, and on yes present from then on."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from observer.analysis.network import build_network
from observer.analysis.participation import participation
from observer.domain.participants import member_key
from observer.storage.read_coding import from_coding
from observer.storage.store import open_store
from observer.workspace.changes import ChangeSet, Kind, notices_of
from observer.workspace.codings import new_coding
from observer.workspace.groups import MemberSpec, add_group, add_session, get_group
from observer.workspace.live_entry import LiveEntry
from observer.workspace.recording import Recorder

QUESTION = "Paul is marked absent. Did Paul come in late? y: yes, from now · n: no"


@pytest.fixture
def coding(tmp_path: Path) -> tuple[Path, int, dict[str, str]]:
    """Jane, Sam, Priya and Paul with Dr Lee; Paul is marked absent from the session."""
    path = tmp_path / "late.sqlite3"
    store = open_store(path)
    specs = [MemberSpec(n) for n in ("Jane", "Sam", "Priya", "Paul")]
    group_id = add_group(
        store, "Tuesday group", members=[*specs, MemberSpec("Dr Lee", role="leader")]
    )
    members = get_group(store, group_id).members
    keys = {m.pseudonym: member_key(m.id) for m in members}
    present = [m.id for m in members if m.pseudonym != "Paul"]
    session_id = add_session(store, group_id, present=present)
    coding_id = new_coding(store, session_id, "RK", ["here-and-now", "bion"])
    store.close()
    return path, coding_id, keys


def attendance(path: Path, member: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT arrived_ms FROM attendance WHERE member_id = ?", (int(member[1:]),)
        ).fetchall()


def events(path: Path, coding_id: int) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT time_ms, code, actor, targets FROM events WHERE coding_id = ? ORDER BY id",
            (coding_id,),
        ).fetchall()


def test_yes_records_the_arrival_at_the_moment_paul_was_coded_then_the_event(coding: Any) -> None:
    path, coding_id, k = coding
    store = open_store(path)
    recorder = Recorder(store, coding_id)
    heard: list[ChangeSet] = []
    stop = notices_of(store).subscribe(heard.append)
    desk = LiveEntry(recorder)
    asked = desk.key("4", 754_000)  # Paul sits fourth
    assert asked.message == QUESTION and asked.recorded is None
    assert attendance(path, k["Paul"]) == [] and events(path, coding_id) == []

    yes = desk.key("y", 756_000)
    assert yes.arrived is not None and yes.arrived.present
    assert yes.message == "Paul came in late, at 12:34."
    assert attendance(path, k["Paul"]) == [(754_000,)]
    [arrival] = heard
    assert arrival.touches(Kind.SESSION) and arrival.label == "Paul came in late"
    done = desk.key("1", 757_000)
    done = desk.key("s", 758_000)
    assert done.recorded is not None
    assert events(path, coding_id) == [(758_000, "support", k["Paul"], f'["{k["Jane"]}"]')]
    # Present from then on, in this window and in every reading of the coding.
    assert recorder.info.participant(k["Paul"]).present  # type: ignore[union-attr]
    assert desk.key("4", 760_000).message == ""
    reread = from_coding(store, coding_id)
    assert [p.label for p in reread.present] == ["Jane", "Sam", "Priya", "Paul", "Dr Lee"]
    stop()
    recorder.close()
    store.close()


@pytest.mark.parametrize("answer", ["n", "\x1b"])
def test_no_records_nothing(coding: Any, answer: str) -> None:
    path, coding_id, k = coding
    store = open_store(path)
    recorder = Recorder(store, coding_id)
    desk = LiveEntry(recorder)
    for ch in "14":
        desk.key(ch, 1_000)  # Jane to Paul
    done = desk.key(answer, 2_000)
    assert done.message == "Nothing recorded: Paul is marked absent."
    assert (done.recorded, done.arrived) == (None, None)
    assert attendance(path, k["Paul"]) == [] and events(path, coding_id) == []
    assert not recorder.info.participant(k["Paul"]).present  # type: ignore[union-attr]
    recorder.close()
    store.close()


def test_the_report_counts_a_late_arrival_as_present_and_as_attendance_says(coding: Any) -> None:
    """Before, Paul coded while marked absent made the report count one more present than
    attendance said; with the arrival on record, the two agree."""
    path, coding_id, k = coding
    store = open_store(path)
    recorder = Recorder(store, coding_id)
    desk = LiveEntry(recorder)
    for at, keys in enumerate(("4y1s", "41q", "12f", "21f", "31q", "54q", "45q", "13s")):
        for ch in keys:
            desk.key(ch, 10_000 * (at + 1))
        desk.finish()
    data = from_coding(store, coding_id)
    people = participation(data)
    with sqlite3.connect(path) as conn:
        [(attending,)] = conn.execute(
            "SELECT count(*) FROM attendance a JOIN sessions s ON s.id = a.session_id "
            "JOIN codings c ON c.session_id = s.id WHERE c.id = ?",
            (coding_id,),
        ).fetchall()
    assert attending == 5
    assert build_network(data).measures.people == len(data.present) == attending
    assert k["Paul"] not in people.quiet
    recorder.close()
    store.close()
