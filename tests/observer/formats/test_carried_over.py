"""Import and export messages in plain English: what is not carried over, damaged JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from observer.domain.errors import InputError
from observer.formats import carried_over_message, not_carried_over
from observer.formats.common import parse_json


def test_one_thing_and_several_things() -> None:
    assert not_carried_over(1) == "1 thing will not be carried over"
    assert not_carried_over(3) == "3 things will not be carried over"
    assert not_carried_over(1, imported=True) == "1 thing could not be carried over exactly"
    assert carried_over_message(["a note", "a rating"]).splitlines() == [
        "2 things will not be carried over:", "- a note", "- a rating",
    ]  # fmt: skip
    assert carried_over_message([]) == ""


def test_a_damaged_json_file_is_named_in_english(tmp_path: Path) -> None:
    path = tmp_path / "coding.json"
    for text, problem in (
        ('{"events": [\n  {"code": "feedb', "unterminated string"),
        ('{"events": [1,]}', "expecting value"),
        ('{"a": 1} x', "extra data"),
    ):
        with pytest.raises(InputError) as refused:
            parse_json(text.encode(), path, "coding")
        said = str(refused.value)
        assert "not valid JSON at column" in said and f"({problem});" in said, said
        assert " at," not in said and " at)" not in said
