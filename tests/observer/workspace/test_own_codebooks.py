"""A database's own codebooks (imported, or used by a coding from elsewhere) code new sessions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from observer.cli.main import main
from observer.domain.codebook import parse_codebook, shipped_codebooks
from observer.domain.errors import InputError
from observer.storage.coding_info import coding_palette
from observer.workspace.codings import available_codebooks, find_codebook, new_coding

OWN = """\
codebook: turn-taking
name: Turn-taking (our clinic)
version: "2"
description: Who takes the floor after whom.
codes:
  - id: takes-floor
    label: Takes the floor
    key: k
    target: none
"""


@pytest.fixture
def own_store(demo_store: Any) -> Any:
    """The demo database with a coding that used a codebook no release ships."""
    new_coding(demo_store, 2, "XY", [parse_codebook(OWN, "turn-taking.yaml")], name="clinic")
    return demo_store


def test_a_databases_own_codebook_is_offered_after_the_shipped_ones(own_store: Any) -> None:
    shipped = [b.id for b in shipped_codebooks()]
    books = available_codebooks(own_store)
    assert [b.id for b in books] == [*shipped, "turn-taking"]
    assert books[-1].name == "Turn-taking (our clinic)" and books[-1].version == "2"
    assert [b.id for b in available_codebooks(None)] == shipped  # no database: shipped only


def test_a_new_coding_uses_it_by_id(own_store: Any) -> None:
    coding = new_coding(own_store, 3, "XY", ["here-and-now", "turn-taking"])
    palette = coding_palette(own_store, coding)
    assert palette.code("takes-floor") is not None and palette.code("feedback") is not None
    with pytest.raises(InputError, match="turn-taking"):  # the message lists what there is
        find_codebook(own_store, "no-such-scheme")


def test_the_command_line_lists_and_shows_it(
    own_store: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(own_store.location)
    assert main(["--db", db, "codebook", "list", "--json"]) == 0
    listed = {b["id"]: b["from"] for b in json.loads(capsys.readouterr().out)}
    assert listed["turn-taking"] == "this database" and listed["bion"] == "shipped"
    assert main(["--db", db, "codebook", "show", "turn-taking", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["codes"][0]["id"] == "takes-floor"
    missing = tmp_path / "none.sqlite3"
    assert main(["--db", str(missing), "codebook", "list"]) == 0
    assert "turn-taking" not in capsys.readouterr().out
    assert not missing.exists()  # looking at codebooks never creates a database


def test_a_boris_ethogram_codes_new_sessions(store: Any, shared_fixtures: Path) -> None:
    from observer.formats import import_file

    report = import_file(store, shared_fixtures / "boris" / "test.boris")
    [boris_id] = {b.id for b in available_codebooks(store)} - {b.id for b in shipped_codebooks()}
    coding = new_coding(store, report.session_ids[0], "TS", [boris_id])  # another observer
    assert {c.id for c in coding_palette(store, coding).codes} == {"p", "s", "q", "r", "m"}
