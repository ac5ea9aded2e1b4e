"""The start screen's overview, read with plain SQL, says what the ORM says."""

from __future__ import annotations

from datetime import date
from typing import Any

from observer.storage.models import Member
from observer.storage.overview import overview
from observer.workspace.codings import event_counts, list_codings, new_coding
from observer.workspace.groups import (
    MemberSpec,
    add_group,
    add_session,
    list_groups,
    list_sessions,
)


def test_overview_matches_the_orm(demo_store: Any) -> None:
    # A second group: one member has left, a session without a date and without codings.
    other = add_group(demo_store, "Alpha group", members=[MemberSpec("Ann"), MemberSpec("Bo")])
    with demo_store.session() as s:
        member = s.query(Member).filter_by(group_id=other, pseudonym="Bo").one()
        member.left = date(2026, 11, 1)
    add_session(demo_store, other, present=[])
    new_coding(demo_store, 1, "ZZ", ["here-and-now"], name="")

    seen = overview(demo_store)
    counts = event_counts(demo_store)
    expected = []
    for group in list_groups(demo_store):
        sessions = []
        for session in list_sessions(demo_store, group.id):
            codings = [
                (c.id, c.name, c.observer.initials, counts.get(c.id, 0),
                 "reference" if c.is_reference else
                 ("practice" if c.practice_of_id else c.clock_mode))
                for c in list_codings(demo_store, session.id)
            ]  # fmt: skip
            sessions.append((session.id, session.number, session.starts_at,
                             len(session.present), codings))  # fmt: skip
        members = len([m for m in group.members if m.left is None])
        expected.append((group.id, group.name, members, sessions))
    got = [
        (g.id, g.name, g.members, [
            (s.id, s.number, s.starts_at, s.present,
             [(c.id, c.name, c.observer, c.events, c.kind) for c in s.codings])
            for s in g.sessions
        ])
        for g in seen
    ]  # fmt: skip
    assert got == expected
    assert [g.name for g in seen] == ["Alpha group", "Thursday interpersonal group"]
    alpha = seen[0]
    assert alpha.members == 1 and alpha.sessions[0].present == 0
    assert alpha.sessions[0].starts_at is None and alpha.sessions[0].codings == ()
    kinds = {c.kind for s in seen[1].sessions for c in s.codings}
    assert {"live", "reference", "practice"} <= kinds


def test_an_empty_database_has_nothing_to_list(store: Any) -> None:
    assert overview(store) == []
