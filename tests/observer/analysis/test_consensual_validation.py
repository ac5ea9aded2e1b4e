"""Consensual validation: feedback heard from several fellow members, counted by who they are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from observer.analysis.network import build_network
from observer.analysis.participation import participation
from observer.cli.main import main
from observer.domain.coding_data import CodeInfo, CodingData
from observer.domain.events import Event
from observer.domain.participants import Participant
from observer.storage.store import open_store
from tests.observer.helpers import two_sams

CODES = {
    "feedback": CodeInfo("feedback", "Feedback", "feedback"),
    "confrontation": CodeInfo("confrontation", "Confrontation", "feedback"),
    "support": CodeInfo("support", "Support", "helping"),
}


def sams() -> CodingData:
    """Four members whose pseudonyms share their first letters, and a leader.

    Feedback to Samira: Sam ×2, Sammy (a confrontation) ×1, Sal ×1, Dr Lee ×3 (a leader,
    not a peer). Samira gives Sam feedback once alone and once to Sam and Sammy together.
    Sammy gives the group feedback (not a person); Sal supports Sam (not feedback) and gives
    Dr Lee feedback.
    """
    people = (
        Participant("m1", "Sam", "SA", seat=0),
        Participant("m2", "Samira", "SM", seat=1),
        Participant("m3", "Sammy", "SY", seat=2),
        Participant("m4", "Sal", "SL", seat=3),
        Participant("m9", "Dr Lee", "DL", role="leader", seat=4),
        Participant("group", "Group", role="group"),
    )
    acts = [
        ("feedback", "m1", ("m2",)),
        ("feedback", "m1", ("m2",)),
        ("confrontation", "m3", ("m2",)),
        ("feedback", "m4", ("m2",)),
        ("feedback", "m9", ("m2",)),
        ("feedback", "m9", ("m2",)),
        ("feedback", "m9", ("m2",)),
        ("feedback", "m2", ("m1",)),
        ("feedback", "m2", ("m1", "m3")),
        ("feedback", "m3", ("group",)),
        ("support", "m4", ("m1",)),
        ("feedback", "m4", ("m9",)),
    ]
    events = tuple(Event(i, i * 1000, c, a, t) for i, (c, a, t) in enumerate(acts, 1))
    return CodingData("sams", events, people, dict(CODES))


def test_hand_computed_feedback_sources() -> None:
    network = build_network(sams())
    figures = {
        n.key: (n.feedback_received, n.feedback_sources, n.feedback_spread) for n in network.people
    }
    assert figures == {
        "m1": (2, 1, 0.0),  # Samira twice: one peer
        "m2": (4, 3, pytest.approx(0.5)),  # Sam 2, Sammy 1, Sal 1; Dr Lee not a peer
        "m3": (1, 1, 0.0),  # Samira's act to two people counts for each
        "m4": (0, 0, 0.0),
        "m9": (1, 1, 0.0),  # a leader hears members' feedback too
    }
    # Of the members who heard peer feedback (Sam, Samira, Sammy) one heard it from 2+.
    assert network.measures.consensual_validation == pytest.approx(1 / 3)
    nodes = {n["id"]: n for n in network.as_dict()["nodes"]}
    assert (nodes["m2"]["feedback_sources"], nodes["m2"]["feedback_received"]) == (3, 4)
    assert nodes["group"]["feedback_received"] == 0


def test_the_participation_chart_counts_the_same_peers() -> None:
    data = sams()
    network = build_network(data)
    by_key = {p.key: p.feedback_from for p in participation(data).people}
    assert by_key == {n.key: n.feedback_sources for n in network.people}


def test_network_json_tells_two_members_called_sam_apart(capsys, tmp_path: Path) -> None:
    path = tmp_path / "sams.sqlite3"
    store = open_store(path)
    coding_id, keys = two_sams(store)
    store.close()
    assert main(["--db", str(path), "network", str(coding_id), "--json"]) == 0
    nodes = {n["id"]: n for n in json.loads(capsys.readouterr().out)["nodes"]}
    # Sam (SK) gave Sam (SM) feedback; SM gave Dr Lee feedback; SK heard none.
    assert (nodes[keys["SM"]]["feedback_sources"], nodes[keys["SM"]]["feedback_received"]) == (1, 1)
    assert (nodes[keys["SK"]]["feedback_sources"], nodes[keys["SK"]]["feedback_received"]) == (0, 0)
    assert nodes[keys["DL"]]["feedback_sources"] == 1
