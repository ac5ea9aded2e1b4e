"""Analyses key people by member: two members called Sam are never taken for one person."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from observer.analysis.agreement import agreement
from observer.analysis.participation import participation
from observer.analysis.prompts import PatternWatcher
from observer.charts.matrix import who_to_whom
from observer.domain.coding_data import CodingData
from observer.domain.participants import Participant, distinct_labels
from observer.storage.read_coding import from_coding
from observer.workspace.codings import new_coding, set_reference
from observer.workspace.practice import feedback, start_attempt
from observer.workspace.recording import Recorder
from tests.observer.helpers import two_sams


@pytest.fixture
def sams(store: Any) -> tuple[Any, int, dict[str, str]]:
    coding_id, keys = two_sams(store)
    return store, coding_id, keys


def test_participation_and_the_matrix_count_each_sam(sams: tuple[Any, int, dict[str, str]]) -> None:
    store, coding_id, keys = sams
    data = from_coding(store, coding_id)
    people = {p.label: (p.key, p.acts, p.feedback_from) for p in participation(data).people}
    assert people == {
        "Sam (SK)": (keys["SK"], 1, 0),
        "Sam (SM)": (keys["SM"], 1, 1),  # feedback from one peer: the other Sam
        "Dr Lee": (keys["DL"], 0, 1),
    }
    matrix = who_to_whom(data)
    row, col = matrix.actors.index(keys["SK"]), matrix.targets.index(keys["SM"])
    assert matrix.counts[row][col] == 1
    assert matrix.counts[matrix.actors.index(keys["SM"])][matrix.targets.index(keys["DL"])] == 1


def _second_coding(store: Any, first: int, actor_of_second: str, keys: dict[str, str]) -> int:
    """Another observer's coding of the same session: the same acts, the second by ``actor``."""
    info = from_coding(store, first).stored
    other = new_coding(store, info.session_id, "TS", ["here-and-now", "bion"])
    recorder = Recorder(store, other)
    recorder.record(0, "work", "group")
    recorder.record(10_000, "feedback", keys["SK"], [keys["SM"]])
    recorder.record(20_000, "feedback", keys[actor_of_second], [keys["DL"]])
    recorder.close()
    return other


def test_agreement_matches_people_by_member(sams: tuple[Any, int, dict[str, str]]) -> None:
    store, first, keys = sams
    # The second observer saw the other Sam give Dr Lee feedback: a disagreement on who.
    other = _second_coding(store, first, "SK", keys)
    datas = [from_coding(store, first), from_coding(store, other)]
    by_actor = agreement(datas, by="actor")
    assert by_actor["matched"] == 3 and by_actor["agreed"] == 2
    assert "Sam (SK)" in by_actor["confusion"]["labels"]
    assert "Sam (SM)" in by_actor["confusion"]["labels"]
    rows = {r["label"]: (r["a"], r["b"]) for r in by_actor["per_code"]}
    assert rows["Sam (SK)"] == (1, 2) and rows["Sam (SM)"] == (1, 0)
    assert agreement(datas, by="code")["agreed"] == 3  # the codes themselves agree
    same = _second_coding(store, first, "SM", keys)
    assert agreement([datas[0], from_coding(store, same)], by="actor")["agreed"] == 3


def test_agreement_with_an_events_csv_compares_names(
    sams: tuple[Any, int, dict[str, str]], tmp_path: Path
) -> None:
    from observer.formats import export_coding
    from observer.formats.csv_format import read_events_csv

    store, coding_id, _keys = sams
    path = tmp_path / "sams.csv"
    export_coding(store, coding_id, "csv", path)
    stored, written = from_coding(store, coding_id), read_events_csv(path)
    assert {e.actor for e in written.events} == {"group", "Sam (SK)", "Sam (SM)"}
    result = agreement([stored, written], by="actor")
    assert result["agreed"] == result["matched"] == 3


def test_prompts_and_practice_feedback_name_each_sam(
    sams: tuple[Any, int, dict[str, str]],
) -> None:
    store, coding_id, keys = sams
    data = from_coding(store, coding_id)
    watcher = PatternWatcher(data.stored.palette, data.participants)
    assert watcher.name(keys["SK"]) == "Sam (SK)" and watcher.name(keys["SM"]) == "Sam (SM)"

    set_reference(store, coding_id)
    attempt = start_attempt(store, coding_id, "TR")
    recorder = Recorder(store, attempt)
    recorder.record(10_500, "feedback", keys["SK"], [keys["SM"]])
    recorder.close()
    result = feedback(store, attempt)
    missed = [i.reference for i in result.items if i.kind == "miss" and i.reference is not None]
    assert [result.who(e) for e in missed if e.code == "feedback"] == ["Sam (SM) → Dr Lee"]
    assert result.to_dict()["people"][keys["SK"]] == "Sam (SK)"


def test_labels_tell_people_apart_by_initials_or_by_number() -> None:
    people = [
        Participant("m1", "Sam", "SK"),
        Participant("m2", "sam", "SM"),
        Participant("m3", "Alex", "AB"),
        Participant("m4", "Alex", "AB"),
        Participant("m5", "Alex", ""),
        Participant("m6", "Priya", "PR"),
        Participant("group", "Group", "G", role="group"),
    ]
    assert distinct_labels(people) == {
        "m1": "Sam (SK)",
        "m2": "sam (SM)",
        "m3": "Alex #1",
        "m4": "Alex #2",
        "m5": "Alex #3",
        "m6": "Priya",
        "group": "Group",
    }


def test_a_plain_csv_keys_people_by_the_names_in_it() -> None:
    from observer.domain.coding_data import participants_from_names
    from observer.domain.events import Event

    events = (Event(1, 0, "feedback", "Sam", ("Alex",)), Event(2, 5, "feedback", "Alex", ("Sam",)))
    data = CodingData("csv", events, participants_from_names({"Sam", "Alex"}))
    assert {p.label for p in participation(data).people} == {"Sam", "Alex"}
    assert data.key_of("sam") == "Sam" and data.with_names() == data
