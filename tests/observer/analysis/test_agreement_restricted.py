"""Agreement restricted to chosen codes, categories and people, and across sessions.

BORIS users expect per-behaviour figures; a BORIS project imports each observation as its
own session, so codings of different sessions (and groups) must be comparable too.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from observer.analysis.agreement import agreement
from observer.analysis.filters import filters_for
from observer.cli.main import main
from observer.domain.coding_data import CodeInfo, CodingData, participants_from_names
from observer.domain.errors import InputError
from observer.domain.events import Event
from observer.storage.read_coding import from_coding
from observer.workspace.codings import new_coding
from observer.workspace.groups import MemberSpec, add_group, add_session
from observer.workspace.recording import Recorder
from tests.observer.helpers import small_coding

CODES = {
    "question": CodeInfo("question", "Question", "asking"),
    "feedback": CodeInfo("feedback", "Feedback", "feedback"),
    "support": CodeInfo("support", "Support", "helping"),
}


def coding(name: str, *spec: tuple[float, str, str]) -> CodingData:
    """A coding from (seconds, code, actor) triples, each act to the group."""
    evs = tuple(
        Event(i + 1, round(t * 1000), code, actor, ("group",))
        for i, (t, code, actor) in enumerate(spec)
    )
    people = participants_from_names({e.actor for e in evs})
    return CodingData(name, evs, people, dict(CODES))


# A and B agree on both questions; at 5 s A saw feedback where B saw a question, and
# at 40 s A saw support nobody else did.
A = coding("A", (1, "question", "Jane"), (5, "feedback", "Tom"), (10, "question", "Tom"),
           (40, "support", "Jane"))  # fmt: skip
B = coding("B", (1, "question", "Jane"), (5, "question", "Tom"), (10, "question", "Tom"))


def test_a_restricted_figure_counts_only_the_chosen_codes() -> None:
    whole = agreement([A, B])
    assert (whole["aligned_pairs"], whole["matched"], whole["agreed"]) == (4, 3, 2)
    assert whole["restricted_to"] is None and whole["notes"] == []

    only = agreement([A, B], only=filters_for([A, B], codes=["question"]))
    # A's two questions pair with B's at 1 s and 10 s; B's question at 5 s is left alone.
    assert only["events"] == [2, 3]
    assert (only["aligned_pairs"], only["matched"], only["agreed"]) == (3, 2, 2)
    assert only["percent_agreement_matched"] == pytest.approx(100.0)
    assert whole["percent_agreement_matched"] == pytest.approx(200 / 3)
    assert [r["code"] for r in only["per_code"]] == ["question"]
    assert only["restricted_to"] == {
        "codes": ["question"], "categories": [], "actors": [], "targets": []
    }  # fmt: skip
    assert only["notes"] == [
        "Restricted to codes question; the time units still span the whole session."
    ]
    # Time units still run to the end of the whole coding (A's support at 40 s).
    assert only["time_units"] == whole["time_units"] == 41


def test_a_category_and_a_person_restrict_together() -> None:
    by_category = agreement([A, B], only=filters_for([A, B], categories=["feedback"]))
    assert by_category["events"] == [1, 0] and by_category["agreed"] == 0
    by_tom = agreement([A, B], only=filters_for([A, B], actors=["Tom"]))
    assert by_tom["events"] == [2, 2] and by_tom["agreed"] == 1
    assert by_tom["restricted_to"]["actors"] == ["Tom"]
    # Nothing kept on either side: every figure is undefined, none is invented.
    nobody = agreement([A, B], only=filters_for([A, B], codes=["support"], actors=["Tom"]))
    assert nobody["events"] == [0, 0]
    assert nobody["event_kappa"] is None and nobody["percent_agreement"] is None


def test_names_no_coding_knows_are_refused() -> None:
    with pytest.raises(InputError, match="No code 'questoin' in these codings"):
        filters_for([A, B], codes=["questoin"])
    with pytest.raises(InputError, match="No category 'asking!'"):
        filters_for([A, B], categories=["asking!"])
    with pytest.raises(InputError, match="B: No one called 'Jane'"):
        filters_for([A, coding("B", (1, "question", "Tom"))], actors=["Jane"])
    # A code only one coding knows is fine: the other simply has none of it.
    assert agreement([A, B], only=filters_for([A, B], codes=["support"]))["events"] == [1, 0]


def test_one_filter_per_coding() -> None:
    with pytest.raises(InputError, match="one filter per coding"):
        agreement([A, B], only=filters_for([A], codes=["question"]))


# --- stored codings and the command --------------------------------------------------------


def test_command_restricted_to_a_code(demo_store: Any, capsys: Any) -> None:
    db = demo_store.location
    assert main(["--db", db, "agreement", "4", "5", "--json"]) == 0
    whole = json.loads(capsys.readouterr().out)
    assert main(["--db", db, "agreement", "4", "5", "--code", "feedback", "--json"]) == 0
    only = json.loads(capsys.readouterr().out)
    feedbacks = [
        sum(e.code == "feedback" for e in from_coding(demo_store, i).events) for i in (4, 5)
    ]
    assert only["events"] == feedbacks and sum(feedbacks) < sum(whole["events"])
    assert [r["code"] for r in only["per_code"]] == ["feedback"]
    assert only["restricted_to"]["codes"] == ["feedback"]
    assert only["time_units"] == whole["time_units"]

    assert main(["--db", db, "agreement", "4", "5", "--code", "feedback", "--actor", "Ben"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Restricted to codes feedback; acts by Ben; the time units still")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--code", "fedback"], "--code: No code 'fedback' in these codings (code ids: advice,"),
        (["--category", "nope"], "--category: No category 'nope' in these codings"),
        (["--actor", "Zed"], "--actor: coding 4: No one called 'Zed' in this coding (people:"),
        (["--target", "Zed"], "--target: coding 4: No one called 'Zed'"),
    ],
)
def test_command_refuses_bad_names_in_one_line(
    demo_store: Any, capsys: Any, options: list[str], message: str
) -> None:
    assert main(["--db", demo_store.location, "agreement", "4", "5", *options]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith(f"group-observer: {message}")


def test_command_says_when_the_sessions_differ(demo_store: Any, capsys: Any) -> None:
    assert main(["--db", demo_store.location, "agreement", "3", "6", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["notes"] == [
        "Different sessions (Thursday interpersonal group, session 3; Thursday interpersonal "
        "group, session 4): events are paired by their time from each session's start, as if "
        "one session had been observed."
    ]
    assert result["event_kappa"] is not None
    assert main(["--db", demo_store.location, "agreement", "4", "5", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["notes"] == []


def test_codings_of_two_groups_compare_people_by_name(store: Any) -> None:
    first, _keys = small_coding(store)
    other_group = add_group(
        store, "Friday group", "process", members=[MemberSpec("Tom"), MemberSpec("Jane")]
    )
    second = new_coding(store, add_session(store, other_group), "SV", ["here-and-now"])
    for coding_id in (first, second):
        people = from_coding(store, coding_id)
        recorder = Recorder(store, coding_id)
        recorder.record(1_000, "feedback", people.key_of("Jane"), ["group"])
        recorder.record(5_000, "question", people.key_of("Tom"), ["group"])
        recorder.close()
    datas = [from_coding(store, first), from_coding(store, second)]
    assert datas[0].key_of("Jane") != datas[1].key_of("Jane")  # two groups, two members

    by_actor = agreement(datas, by="actor")
    assert by_actor["agreed"] == 2 and by_actor["percent_agreement"] == pytest.approx(100.0)
    only_jane = agreement(datas, by="actor", only=filters_for(datas, actors=["Jane"]))
    assert only_jane["events"] == [1, 1] and only_jane["agreed"] == 1
    assert only_jane["restricted_to"]["actors"] == ["Jane"]
    assert (
        "Different sessions (Tuesday group, session 1; Friday group, session 1)"
        in (only_jane["notes"][0])
    )
