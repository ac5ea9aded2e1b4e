"""Two members who share a pseudonym stay two people in network --json, the charts and the report.

Issue #14: with members "Sam", "Sam" and "Dr Lee", two feedbacks from different Sams
showed as one "Sam" node that sent 2 and received 1.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from observer.charts import CHARTS, new_figure
from observer.cli.main import main
from observer.storage.read_coding import from_coding
from tests.observer.helpers import pdf_text, two_sams

BOTH = ("Sam (SK)", "Sam (SM)")


@pytest.fixture
def sams(store: Any) -> tuple[Any, int, dict[str, str]]:
    coding_id, keys = two_sams(store)
    return store, coding_id, keys


def test_network_json_has_two_sams_with_their_own_acts(
    sams: tuple[Any, int, dict[str, str]], capsys: Any
) -> None:
    store, coding_id, keys = sams
    assert main(["--db", store.location, "network", str(coding_id), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    people = {n["id"]: n for n in out["nodes"] if n["role"] != "group"}
    assert set(people) == {keys["SK"], keys["SM"], keys["DL"]}
    figures = {
        n["label"]: (n["name"], n["initials"], n["sent"], n["received"]) for n in people.values()
    }
    assert figures == {
        "Sam (SK)": ("Sam", "SK", 1, 0),
        "Sam (SM)": ("Sam", "SM", 1, 1),
        "Dr Lee": ("Dr Lee", "DL", 0, 1),
    }
    edges = {(e["source"], e["target"]): e["weight"] for e in out["edges"]}
    assert edges == {(keys["SK"], keys["SM"]): 1, (keys["SM"], keys["DL"]): 1}
    assert out["people"] == 3 and out["ties"] == 2 and out["acts"] == 2


def test_network_table_and_filters_name_each_sam(
    sams: tuple[Any, int, dict[str, str]], capsys: Any
) -> None:
    store, coding_id, _keys = sams
    db = store.location
    assert main(["--db", db, "network", str(coding_id)]) == 0
    table = capsys.readouterr().out
    assert all(label in table for label in BOTH)

    def acts_by(*options: str) -> dict[str, int]:
        assert main(["--db", db, "network", str(coding_id), "--json", *options]) == 0
        nodes = json.loads(capsys.readouterr().out)["nodes"]
        return {n["label"]: n["sent"] for n in nodes if n["sent"]}

    assert acts_by("--actor", "SM") == {"Sam (SM)": 1}
    assert acts_by("--actor", "sam (sk)") == {"Sam (SK)": 1}
    assert acts_by("--target", "Dr Lee") == {"Sam (SM)": 1}
    # "Sam" alone could be either: refused, naming both, rather than guessed.
    assert main(["--db", db, "network", str(coding_id), "--actor", "Sam"]) == 2
    error = capsys.readouterr().err
    assert "'Sam (SK)' or 'Sam (SM)'" in error and "Traceback" not in error
    assert main(["--db", db, "network", str(coding_id), "--actor", "Bob"]) == 2
    assert "--actor: No one called 'Bob'" in capsys.readouterr().err


@pytest.mark.parametrize("chart", ["network", "matrix", "participation", "timeline"])
def test_every_chart_of_people_shows_both_sams(
    sams: tuple[Any, int, dict[str, str]], chart: str
) -> None:
    store, coding_id, _keys = sams
    data = from_coding(store, coding_id)
    _title, draw, _size = CHARTS[chart]
    fig = new_figure(chart)
    draw(fig, data)
    fig.canvas.draw()  # tick labels are set when drawn
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    for label in BOTH:
        assert any(label in text for text in texts), (chart, label)


def test_report_names_both_sams(sams: tuple[Any, int, dict[str, str]], tmp_path: Any) -> None:
    from observer.report import report_for_coding

    store, coding_id, _keys = sams
    out = tmp_path / "report.pdf"
    report_for_coding(store, coding_id, out)
    text = pdf_text(out.read_bytes())
    for label in BOTH:
        assert label in text
