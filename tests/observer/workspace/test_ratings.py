"""Session ratings kept in the database: whose they are, who may be rated, all or nothing."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from observer.domain.errors import Refused
from observer.domain.instrument_file import find_instrument
from observer.storage.store import Store, open_store
from observer.workspace.groups import MemberSpec, add_group, add_session, get_group
from observer.workspace.ratings import (
    add_rating,
    import_ratings,
    save_session_forms,
    session_forms,
)
from observer.workspace.records import edit_member
from tests.observer.helpers import old_database

GCQ = find_instrument("gcq-s")
FULL = (3, 3, 2, 3, 2, 2, 1, 3, 2, 1, 3, 2)


def small_group(store: Store) -> tuple[int, dict[str, int]]:
    """Ann, Ben and Cat with Dr Lee leading; one session Cat missed. Returns (session, ids)."""
    specs = [
        MemberSpec("Ann"),
        MemberSpec("Ben"),
        MemberSpec("Cat"),
        MemberSpec("Dr Lee", "leader"),
    ]
    group_id = add_group(store, "Tuesday group", members=specs)
    ids = {m.pseudonym: m.id for m in get_group(store, group_id).members}
    present = [ids["Ann"], ids["Ben"], ids["Dr Lee"]]
    return add_session(store, group_id, present=present), ids


def test_a_form_belongs_to_the_member_not_the_name(store: Store) -> None:
    session, ids = small_group(store)
    add_rating(store, session, GCQ, FULL, ids["Ann"])
    edit_member(store, ids["Ann"], pseudonym="Annika")
    [form] = session_forms(store, [session])
    assert (form.member_id, form.member, form.rater) == (ids["Ann"], "Annika", "member")
    assert form.score.scales == pytest.approx({"engaged": 3.0, "avoiding": 2.0, "conflict": 1.5})


def test_an_absent_member_cannot_be_rated(store: Store) -> None:
    session, ids = small_group(store)
    with pytest.raises(Refused, match=r"Cat .* was absent from session 1 and cannot be rated"):
        add_rating(store, session, GCQ, FULL, ids["Cat"])
    assert session_forms(store, [session]) == []


def test_a_second_form_is_refused_not_merged(store: Store) -> None:
    session, ids = small_group(store)
    add_rating(store, session, GCQ, FULL, ids["Ben"])
    with pytest.raises(Refused, match=r"Ben .* already has a gcq-s form for session 1"):
        add_rating(store, session, GCQ, (0,) * 12, ids["Ben"])
    assert [f.answers for f in session_forms(store, [session])] == [FULL]


def test_leaders_and_observers_rate_as_themselves(store: Store) -> None:
    session, ids = small_group(store)
    add_rating(store, session, GCQ, FULL, ids["Dr Lee"])
    add_rating(store, session, GCQ, FULL, observer="RK")
    with pytest.raises(Refused, match="needs their initials"):
        add_rating(store, session, GCQ, FULL)
    raters = sorted((f.rater, f.member, f.observer) for f in session_forms(store, [session]))
    assert raters == [("leader", "Dr Lee", ""), ("observer", "", "RK")]


def test_the_grid_saves_a_whole_session_at_once(store: Store) -> None:
    session, ids = small_group(store)
    add_rating(store, session, GCQ, FULL, ids["Ben"])
    forms = {
        ids["Ann"]: (1,) * 12,
        ids["Ben"]: (None,) * 12,  # cleared: Ben's form goes
    }
    save_session_forms(store, session, GCQ, forms)
    assert [(f.member, f.answers) for f in session_forms(store, [session])] == [("Ann", (1,) * 12)]
    # One bad row: nothing of the save is kept.
    with pytest.raises(Refused, match="7 is outside"):
        save_session_forms(store, session, GCQ, {ids["Ann"]: (2,) * 12, ids["Dr Lee"]: (7,) * 12})
    with pytest.raises(Refused, match="absent"):
        save_session_forms(store, session, GCQ, {ids["Ann"]: (2,) * 12, ids["Cat"]: (2,) * 12})
    assert [f.answers for f in session_forms(store, [session])] == [(1,) * 12]


def write_csv(path: Path, *rows: str) -> Path:
    header = "session,member,instrument," + ",".join(str(i) for i in range(1, 13))
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_import_keeps_every_form_or_none(store: Store, tmp_path: Path) -> None:
    session, _ids = small_group(store)
    answers = ",".join(str(a) for a in FULL)
    good = write_csv(tmp_path / "forms.csv", f"{session},Ann,gcq-s,{answers}",
                     f"{session},BE,gcq-s,3,3,,3,,2,1,3,2,1,3,2")  # fmt: skip
    bad = write_csv(tmp_path / "bad.csv", f"{session},Ann,gcq-s,{answers}",
                    f"{session},Cat,gcq-s,{answers}")  # fmt: skip
    with pytest.raises(Refused) as caught:
        import_ratings(store, bad)
    assert str(caught.value) == (
        f"{bad}:3: member: Cat (CA) was absent from session 1 and cannot be rated for it"
    )
    assert session_forms(store, [session]) == []
    assert import_ratings(store, good) == 2
    forms = session_forms(store, [session])
    assert [(f.member, f.score.missing) for f in forms] == [("Ann", 0), ("Ben", 2)]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("1,Ann,gcq-s,3,3,3,3,3,3,3,3,3,3,3,x", ":2: answers[12]: 'x' is not a whole number"),
        ("1,Ann,gcq-s,3,3,3,3,3,3,3,3,3,3,3,8", ":2: answers[12]: 8 is outside the scale 0–6"),
        ("1,Ann,gq,3,3,3,3,3,3,3,3,3,3,3,3", ":2: instrument: No instrument 'gq'"),
        ("9,Ann,gcq-s,3,3,3,3,3,3,3,3,3,3,3,3", ":2: session: No session 9."),
        ("x,Ann,gcq-s,3,3,3,3,3,3,3,3,3,3,3,3", ":2: session: 'x' is not a session id"),
        ("1,Zoe,gcq-s,3,3,3,3,3,3,3,3,3,3,3,3", ":2: member: no member 'Zoe' in Tuesday group"),
    ],
)
def test_import_refusals_name_file_line_and_field(
    store: Store, tmp_path: Path, row: str, message: str
) -> None:
    small_group(store)
    path = write_csv(tmp_path / "forms.csv", row)
    with pytest.raises(Refused) as caught:
        import_ratings(store, path)
    assert str(caught.value).startswith(f"{path}{message}")


def test_a_database_at_0007_gains_the_ratings_tables(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old_database(path, "0007").dispose()
    with closing(sqlite3.connect(path)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "ratings" not in tables
    store = open_store(path)
    try:
        session = add_session(store, 1)
        add_rating(store, session, GCQ, FULL, 1)  # Jane, from the old database
        assert [f.member for f in session_forms(store, [session])] == ["Jane"]
    finally:
        store.close()
