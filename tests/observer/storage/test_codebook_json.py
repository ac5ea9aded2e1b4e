"""The parsed codebook kept beside its YAML source: same codebook, and the source still rules."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest

from observer.domain import codebook as codebook_module
from observer.domain.codebook import (
    Codebook,
    Palette,
    codebook_from_source,
    combine,
    shipped_codebooks,
)
from observer.storage import codebook_json
from observer.storage.codebook_json import (
    FORMAT,
    SHAPES,
    codebook_from_json,
    codebook_to_json,
    compiled_from_source,
)
from observer.storage.coding_info import coding_info, coding_palette
from observer.storage.migrations import HEAD
from observer.storage.store import Store, open_store
from observer.workspace.codings import new_coding
from tests.observer.helpers import small_coding

# Every field a stored codebook can carry: unicode, a modifier set without a default,
# an optional code, a pattern by category with a fractional window.
RICH = """\
codebook: rich-book
name: Riche — livre
version: "2.1"
description: Everything at once
categories:
  talk: Talk
  mood: Mood ☁
modifier_sets:
  valence:
    label: Valence
    values:
      - {id: positive, label: Positive, key: p}
      - {id: negative, key: n}
    default: positive
  pace:
    values:
      - {id: slow}
exclusive_groups:
  climate:
    label: Climate
codes:
  - id: feedback
    label: Feedback « direct »
    category: talk
    target: required
    key: f
    colour: "#112233"
    definition: Says how another's words landed.
    example: "“When you said that, I felt…”"
    modifiers: [valence, pace]
    optional: true
  - id: calm
    label: Calm
    category: mood
    kind: state
    target: none
    exclusive_group: climate
  - id: storm
    label: Storm
    category: mood
    kind: state
    target: none
    exclusive_group: climate
patterns:
  - id: feedback-then-storm
    label: Feedback, then storm
    given: {category: talk, actor: member, target: given-actor}
    then: {code: storm, actor: other}
    within: 12.5
    observation: After {given_actor} spoke, the climate turned.
"""


def test_every_shipped_codebook_reads_back_from_json_as_from_its_source() -> None:
    for shipped in shipped_codebooks():
        name = f"{shipped.id} {shipped.version}"
        parsed = codebook_from_source(shipped.source, name)
        compiled = compiled_from_source(shipped.source)
        assert compiled is not None
        assert json.loads(compiled)["format"] == FORMAT
        assert codebook_from_json(compiled, shipped.source, name) == parsed, shipped.id


def test_a_codebook_using_every_field_reads_back_the_same() -> None:
    parsed = codebook_from_source(RICH, "rich-book 2.1")
    back = codebook_from_json(codebook_to_json(parsed), RICH, "rich-book 2.1")
    assert back == parsed
    assert back is not None
    assert back.patterns[0].within_s == 12.5
    assert back.modifier_sets["pace"].default is None
    assert back.code("feedback") is not None and back.code("feedback").optional  # type: ignore[union-attr]
    assert back.exclusive_groups["climate"].codes == ("calm", "storm")
    assert {c.codebook for c in back.codes} == {"rich-book"}


def test_shapes_name_every_field_of_the_codebook_classes() -> None:
    """A new field must be written to the JSON (and FORMAT raised), or it would read back lost."""
    classes = {cls.__name__: cls for cls in vars(codebook_module).values() if _is_dataclass(cls)}
    for name, shape in SHAPES.items():
        fields = tuple(f.name for f in dataclasses.fields(classes[name]))
        if name == "Codebook":
            fields = tuple(f for f in fields if f not in ("source", "path"))
        assert shape == fields, name
    nested = {"Code", "ModifierValue", "ModifierSet", "ExclusiveGroup", "EventSpec", "PatternRule"}
    assert set(SHAPES) == nested | {"Codebook"}


def _is_dataclass(value: object) -> bool:
    return isinstance(value, type) and dataclasses.is_dataclass(value)


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        json.dumps({"format": FORMAT + 1, "id": "x"}),
        json.dumps({"id": "no-format"}),
        json.dumps({"format": FORMAT, "id": "missing-the-rest"}),
    ],
)
def test_json_of_another_format_or_damaged_reads_as_nothing(text: str) -> None:
    assert codebook_from_json(text, RICH, "rich-book 2.1") is None


def test_a_source_that_does_not_parse_has_no_json() -> None:
    assert compiled_from_source("codebook: [unclosed") is None
    assert compiled_from_source("codebook: no-codes\nname: X\nversion: '1'\n") is None


def _expected(store: Store, coding_id: int) -> Palette:
    """The palette exactly as parsing the stored YAML gives it (the behaviour before JSON)."""
    with sqlite3.connect(store.path) as conn:  # type: ignore[arg-type]
        rows = conn.execute(
            "SELECT cb.codebook_id, cb.version, cb.source FROM coding_codebooks cc "
            "JOIN codebooks cb ON cb.id = cc.codebook_pk WHERE cc.coding_id = ? "
            "ORDER BY cc.position",
            (coding_id,),
        ).fetchall()
    return combine([codebook_from_source(src, f"{cid} {ver}") for cid, ver, src in rows])


def _set_compiled(store: Store, value: str | None) -> None:
    with sqlite3.connect(store.path) as conn:  # type: ignore[arg-type]
        conn.execute("UPDATE codebooks SET compiled = ?", (value,))


def test_a_new_coding_stores_the_parsed_form_and_opens_from_it(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    coding_id, _keys = small_coding(store)
    with sqlite3.connect(store.path) as conn:  # type: ignore[arg-type]
        rows = conn.execute("SELECT source, compiled FROM codebooks ORDER BY id").fetchall()
    assert len(rows) == 2
    for source, compiled in rows:
        assert compiled == compiled_from_source(source)
    expected = _expected(store, coding_id)

    def no_yaml(source: str, name: str = "") -> Codebook:
        raise AssertionError("the YAML source was parsed although its JSON is stored")

    monkeypatch.setattr(codebook_json, "codebook_from_source", no_yaml)
    info = coding_info(store, coding_id)
    assert info.palette == expected
    assert all(b.path == f"{b.id} {b.version}" for b in info.palette.codebooks)
    assert coding_palette(store, coding_id) == expected


@pytest.mark.parametrize("compiled", [None, "stale", json.dumps({"format": FORMAT + 1})])
def test_a_coding_without_usable_json_opens_from_its_source(
    demo_store: Store, compiled: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = {c: _expected(demo_store, c) for c in range(1, 7)}
    _set_compiled(demo_store, compiled)
    parsed: list[str] = []
    real = codebook_json.codebook_from_source

    def counting(source: str, name: str = "<stored>") -> Codebook:
        parsed.append(name)
        return real(source, name)

    monkeypatch.setattr(codebook_json, "codebook_from_source", counting)
    for coding_id, palette in expected.items():
        assert coding_info(demo_store, coding_id).palette == palette, coding_id
    assert parsed  # the source was read, as before the JSON existed


def test_storing_a_codebook_again_fills_a_missing_parsed_form(demo_store: Store) -> None:
    _set_compiled(demo_store, None)
    new_coding(demo_store, 1, "XY", ["here-and-now"])
    with sqlite3.connect(demo_store.path) as conn:  # type: ignore[arg-type]
        rows = dict(conn.execute("SELECT codebook_id, compiled FROM codebooks").fetchall())
    assert rows["here-and-now"] is not None
    assert rows["bion"] is None  # untouched: it still opens from its source


# --- upgrading a database from schema 0002 -------------------------------------------------


def test_upgrading_from_0002_stores_the_parsed_form_of_every_readable_codebook(
    tmp_path: Path,
) -> None:
    from tests.observer.helpers import old_database

    books = {b.id: b for b in shipped_codebooks()}
    path = tmp_path / "old.sqlite3"
    engine = old_database(path, "0002")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO sessions (id, group_id, number, setting, notes) "
            "VALUES (1, 1, 1, 'in person', '')"
        )
        conn.exec_driver_sql(
            "INSERT INTO observers (id, initials, name, capacity) "
            "VALUES (1, 'RK', '', 'co-therapist')"
        )
        stored = [books["bion"], books["here-and-now"]]
        for pk, book in enumerate(stored, start=1):
            conn.exec_driver_sql(
                "INSERT INTO codebooks (id, codebook_id, version, name, digest, source, stored_at) "
                "VALUES (?, ?, ?, ?, ?, ?, '2026-01-01 10:00:00')",
                (pk, book.id, book.version, book.name, book.digest, book.source),
            )
        # A hand-made codebook stored by some earlier version that no longer validates.
        conn.exec_driver_sql(
            "INSERT INTO codebooks (id, codebook_id, version, name, digest, source, stored_at) "
            "VALUES (3, 'broken', '1', 'Broken', 'x', 'codebook: [unclosed', "
            "'2026-01-01 10:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO codings (id, session_id, observer_id, name, clock_mode, is_reference, "
            "notes, created_at, clock_elapsed_ms) "
            "VALUES (1, 1, 1, '', 'live', 0, '', '2026-01-01 10:00:00', 0)"
        )
        conn.exec_driver_sql(
            "INSERT INTO coding_codebooks (coding_id, codebook_pk, position) "
            "VALUES (1, 2, 0), (1, 1, 1)"
        )
    engine.dispose()
    store = open_store(path)
    try:
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
            rows = conn.execute("SELECT id, source, compiled FROM codebooks ORDER BY id").fetchall()
        assert [r[2] is not None for r in rows] == [True, True, False]
        for _pk, source, compiled in rows[:2]:
            assert compiled == compiled_from_source(source)
        # The coding opens exactly as it did before the upgrade.
        info = coding_info(store, 1)
        assert info.palette == _expected(store, 1)
        assert [b.id for b in info.palette.codebooks] == ["here-and-now", "bion"]
        assert next(p.label for p in info.participants) == "Jane"
        backup = tmp_path / "old.sqlite3.before-upgrade-from-0002"
        with sqlite3.connect(backup) as conn:
            columns = {r[1] for r in conn.execute("PRAGMA table_info(codebooks)")}
        assert "compiled" not in columns
    finally:
        store.close()
