"""Correcting records: one operation each, announced once, undoable, losing nothing."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observer.domain.codebook import CodebookError
from observer.domain.errors import InputError, Refused
from observer.domain.participants import member_key
from observer.storage.overview import overview, trashed_codings
from observer.storage.read_coding import from_coding
from observer.storage.store import Store, open_store
from observer.workspace.changes import ChangeSet, Kind
from observer.workspace.coding_records import stored_codebooks, trash
from observer.workspace.codings import list_codings, new_coding
from observer.workspace.groups import MemberSpec, add_session, get_group, list_sessions
from observer.workspace.recording import Recorder
from observer.workspace.records import group_deletion, session_deletion
from observer.workspace.workspace import Workspace
from tests.observer.helpers import small_coding, two_sams


def fresh(store: Store, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Rows read on a new connection: what is on disk, not what a session remembers."""
    conn = sqlite3.connect(str(store.path))
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def everything_in(store: Store, coding_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every event, note and audit entry of a coding, every field of each."""
    return {
        table: fresh(store, f"SELECT * FROM {table} WHERE coding_id = ? ORDER BY id", coding_id)
        for table in ("events", "process_notes", "event_audit")
    }


@pytest.fixture
def coded(store: Store) -> tuple[int, dict[str, str]]:
    """A coding with events, an edit, a deletion (both audited) and a note."""
    coding_id, keys = small_coding(store)
    recorder = Recorder(store, coding_id, "RK")
    recorder.record(0, "work", "group")
    first = recorder.record(5_000, "feedback", keys["Jane"], [keys["Sam"]])
    recorder.record(9_000, "question", keys["Sam"], [keys["Dr Lee"]])
    gone = recorder.record(12_000, "feedback", keys["Tom"], [keys["Jane"]])
    recorder.edit(first.id, note="warm")
    recorder.delete([gone.id])
    recorder.add_note("Jane and Sam pair up", 9_500)
    recorder.close()
    return coding_id, keys


def heard_by(ws: Workspace) -> list[ChangeSet]:
    heard: list[ChangeSet] = []
    ws.subscribe(heard.append)
    return heard


# --- groups -------------------------------------------------------------------------------------


def test_a_group_renamed_is_announced_once_and_undone(store: Store) -> None:
    ws = Workspace(store)
    group_id = ws.create_group("Tusday group", members=[MemberSpec("Jane")]).new(Kind.GROUP)
    heard = heard_by(ws)
    changes = ws.edit_group(group_id, name="Tuesday group", modality="process", notes="slow-open")
    assert heard == [changes] and changes.changed == {Kind.GROUP: (group_id,)}
    assert fresh(store, "SELECT name, modality, notes FROM groups") == [
        ("Tuesday group", "process", "slow-open")
    ]
    assert ws.undo_label == "Edit group"
    ws.undo()
    assert fresh(store, "SELECT name, modality, notes FROM groups") == [("Tusday group", "", "")]
    with pytest.raises(Refused, match="no correction to undo"):
        ws.undo()


def test_a_group_name_cannot_be_emptied(store: Store) -> None:
    ws = Workspace(store)
    group_id = ws.create_group("Tuesday group").new(Kind.GROUP)
    with pytest.raises(InputError, match="name"):
        ws.edit_group(group_id, name="  ")
    assert fresh(store, "SELECT name FROM groups") == [("Tuesday group",)]


def test_an_archived_group_is_kept_but_not_listed(demo_store: Store) -> None:
    ws = Workspace(demo_store)
    [group] = overview(demo_store)
    ws.archive_group(group.id)
    assert overview(demo_store) == []
    [kept] = overview(demo_store, archived=True)
    assert kept.archived and len(kept.sessions) == 4
    ws.archive_group(group.id, archived=False)
    assert [g.id for g in overview(demo_store)] == [group.id]


def test_deleting_a_group_says_what_goes_then_takes_it_all(demo_store: Store) -> None:
    [group] = overview(demo_store)
    events = fresh(demo_store, "SELECT count(*) FROM events")[0][0]
    notes = fresh(demo_store, "SELECT count(*) FROM process_notes")[0][0]
    goes = group_deletion(demo_store, group.id)
    assert (goes.sessions, goes.codings, goes.events, goes.notes) == (4, 6, events, notes)
    assert goes.sentence().startswith("4 sessions, 6 codings, ")
    gone, changes = Workspace(demo_store).delete_group(group.id)
    assert gone == goes and changes.removed == {Kind.GROUP: (group.id,)}
    for table in ("groups", "members", "sessions", "codings", "events", "process_notes"):
        assert fresh(demo_store, f"SELECT count(*) FROM {table}") == [(0,)], table


# --- members ------------------------------------------------------------------------------------


def test_a_renamed_member_is_shown_by_the_new_name_in_every_coding(
    store: Store, coded: tuple[int, dict[str, str]]
) -> None:
    coding_id, keys = coded
    before = everything_in(store, coding_id)
    member = int(keys["Jane"][1:])
    Workspace(store).edit_member(member, pseudonym="Janet", initials="JT")
    data = from_coding(store, coding_id)
    assert data.label(keys["Jane"]) == "Janet"
    assert everything_in(store, coding_id) == before  # the events still point at her


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"pseudonym": "sam"}, "another member is already called 'Sam'"),
        ({"initials": "SA"}, r"'SA' already names Sam \(initials\)"),
        ({"pseudonym": "Group"}, "it means the group as a whole"),
        ({"colour": "red"}, "'red' is not a #rrggbb colour"),
        ({"role": "boss"}, "'boss' is not one of: member, leader, co-leader"),
        ({"left": date(2000, 1, 1), "joined": date(2001, 1, 1)}, "cannot leave"),
    ],
)
def test_a_member_edit_that_breaks_a_rule_is_refused_and_writes_nothing(
    store: Store, coded: tuple[int, dict[str, str]], fields: dict[str, Any], message: str
) -> None:
    _, keys = coded
    before = fresh(store, "SELECT * FROM members ORDER BY id")
    with pytest.raises(Refused, match=message):
        Workspace(store).edit_member(int(keys["Jane"][1:]), **fields)
    assert fresh(store, "SELECT * FROM members ORDER BY id") == before


def test_a_database_with_two_sams_opens_and_their_other_details_can_change(store: Store) -> None:
    coding_id, keys = two_sams(store)
    reopened = open_store(store.path)
    try:
        ws = Workspace(reopened)
        ws.edit_member(int(keys["SM"][1:]), colour="#112233")
        with pytest.raises(Refused, match="already called 'Sam'"):
            ws.edit_member(int(keys["SM"][1:]), pseudonym="Sam", initials="SQ")
        ws.edit_member(int(keys["SM"][1:]), pseudonym="Sammy")
        assert from_coding(reopened, coding_id).label(keys["SM"]) == "Sammy"
    finally:
        reopened.close()


def test_a_newcomer_joins_at_a_session_and_later_leaves(store: Store) -> None:
    ws = Workspace(store)
    group_id = ws.create_group("Slow-open", members=[MemberSpec("Jane")]).new(Kind.GROUP)
    add_session(store, group_id, starts_at=datetime(2026, 3, 2, 18, tzinfo=UTC))
    second = add_session(store, group_id, starts_at=datetime(2026, 3, 9, 18, tzinfo=UTC))
    member = ws.add_member(group_id, MemberSpec("Omar"), joins_at=second).new(Kind.MEMBER)
    [first_present, second_present] = [
        [m.pseudonym for m in s.present] for s in list_sessions(store, group_id)
    ]
    assert first_present == ["Jane"] and second_present == ["Jane", "Omar"]
    assert fresh(store, "SELECT joined FROM members WHERE id = ?", member) == [("2026-03-09",)]
    ws.member_leaves(member, date(2026, 4, 1))
    assert fresh(store, "SELECT left FROM members WHERE id = ?", member) == [("2026-04-01",)]
    with pytest.raises(Refused, match="cannot leave"):
        ws.member_leaves(member, date(2026, 1, 1))
    ws.undo()
    assert fresh(store, "SELECT left FROM members WHERE id = ?", member) == [(None,)]


def test_a_member_added_by_mistake_is_taken_back_by_undo(store: Store) -> None:
    ws = Workspace(store)
    group_id = ws.create_group("Slow-open", members=[MemberSpec("Jane")]).new(Kind.GROUP)
    session = add_session(store, group_id)
    member = ws.add_member(group_id, MemberSpec("Omar"), joins_at=session).new(Kind.MEMBER)
    assert ws.undo_label == "New member"
    heard = heard_by(ws)
    ws.undo()
    assert fresh(store, "SELECT count(*) FROM members WHERE id = ?", member) == [(0,)]
    assert fresh(store, "SELECT count(*) FROM attendance WHERE member_id = ?", member) == [(0,)]
    assert [c.label for c in heard] == ["Undo New member"]


def test_a_member_already_coded_is_not_taken_back(store: Store) -> None:
    ws = Workspace(store)
    group_id = ws.create_group("Slow-open", members=[MemberSpec("Jane")]).new(Kind.GROUP)
    session = add_session(store, group_id)
    member = ws.add_member(group_id, MemberSpec("Omar"), joins_at=session).new(Kind.MEMBER)
    coding = new_coding(store, session, "RK", ["here-and-now"])
    recorder = Recorder(store, coding, "RK")
    recorder.record(1_000, "self-disclosure", member_key(member))
    recorder.close()
    with pytest.raises(Refused, match="Omar is already in the group's codings; mark them"):
        ws.undo()
    assert fresh(store, "SELECT pseudonym FROM members WHERE id = ?", member) == [("Omar",)]
    assert ws.undo_label == ""  # a step that can never be undone does not block earlier ones


def test_a_newcomer_cannot_take_a_name_in_use(store: Store) -> None:
    ws = Workspace(store)
    group_id = ws.create_group("Slow-open", members=[MemberSpec("Sam")]).new(Kind.GROUP)
    with pytest.raises(Refused, match="already called 'Sam'"):
        ws.add_member(group_id, MemberSpec("SAM"))
    assert len(get_group(store, group_id).members) == 1


# --- sessions -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("coded")
def test_a_session_edited_and_undone(store: Store) -> None:
    [session] = list_sessions(store)
    ws = Workspace(store)
    when = datetime(2026, 5, 4, 17, 30, tzinfo=UTC)
    everyone = [m.id for m in session.present]
    ws.edit_session(session.id, number=7, starts_at=when, setting="telehealth", notes="storm")
    [edited] = list_sessions(store)
    assert (edited.number, edited.starts_at, edited.setting, edited.notes) == (
        7,
        when,
        "telehealth",
        "storm",
    )
    ws.undo()
    [back] = list_sessions(store)
    assert (back.number, back.starts_at, back.setting, back.notes) == (1, None, "in person", "")
    assert [m.id for m in back.present] == everyone


def test_someone_coded_may_be_marked_absent_and_their_events_stay(
    store: Store, coded: tuple[int, dict[str, str]]
) -> None:
    coding_id, _ = coded
    [session] = list_sessions(store)
    before = everything_in(store, coding_id)
    ws = Workspace(store)
    without_jane = [m.id for m in session.present if m.pseudonym != "Jane"]
    ws.edit_session(session.id, present=without_jane)
    [after] = list_sessions(store)
    assert "Jane" not in [m.pseudonym for m in after.present]
    assert everything_in(store, coding_id) == before  # the record wins
    with pytest.raises(Refused, match="telepathy"):
        ws.edit_session(session.id, setting="telepathy")
    with pytest.raises(Refused, match=r"members \[999\] are not in this group"):
        ws.edit_session(session.id, present=[999])


def test_deleting_a_session_takes_its_codings(demo_store: Store) -> None:
    first = list_sessions(demo_store)[0]
    goes = session_deletion(demo_store, first.id)
    assert goes.sessions == 1 and goes.codings == len(first.codings) > 0
    Workspace(demo_store).delete_session(first.id)
    assert first.id not in [s.id for s in list_sessions(demo_store)]
    assert fresh(demo_store, "SELECT count(*) FROM codings WHERE session_id = ?", first.id) == [
        (0,)
    ]


# --- codings ------------------------------------------------------------------------------------


def test_a_coding_moved_renamed_trashed_and_restored_keeps_everything(
    store: Store, coded: tuple[int, dict[str, str]]
) -> None:
    coding_id, _ = coded
    [session] = list_sessions(store)
    later = add_session(store, session.group_id)
    before = everything_in(store, coding_id)
    assert all(before.values())  # events, a note and audit entries to keep
    ws = Workspace(store)
    heard = heard_by(ws)
    ws.move_coding(coding_id, later)
    ws.edit_coding(coding_id, name="Week 2", observer="AB", capacity="trainee")
    ws.trash_coding(coding_id)
    assert coding_id not in [c.id for c in list_codings(store)]
    assert [t.id for t in trash(store)] == [coding_id] and trashed_codings(store) == 1
    ws.restore_coding(coding_id)
    assert [c.label for c in heard] == [
        "Move coding",
        "Edit coding",
        "Delete coding",
        "Restore coding",
    ]
    assert everything_in(store, coding_id) == before
    assert fresh(
        store,
        "SELECT c.session_id, c.name, o.initials, c.capacity, c.trashed_at FROM codings c "
        "JOIN observers o ON o.id = c.observer_id WHERE c.id = ?",
        coding_id,
    ) == [(later, "Week 2", "AB", "trainee", None)]


def test_moving_a_coding_is_refused_when_someone_in_it_was_not_in_the_group_then(
    store: Store, coded: tuple[int, dict[str, str]]
) -> None:
    coding_id, keys = coded
    [session] = list_sessions(store)
    later = add_session(store, session.group_id, starts_at=datetime(2026, 6, 1, 18, tzinfo=UTC))
    ws = Workspace(store)
    ws.member_leaves(int(keys["Jane"][1:]), date(2026, 5, 1))
    ws.member_leaves(int(keys["Sam"][1:]), date(2026, 5, 8))
    with pytest.raises(
        Refused, match=r"Jane, Sam are coded in coding \d+ but not in the group at session 2"
    ):
        ws.move_coding(coding_id, later)
    other = ws.create_group("Other", members=[MemberSpec("Jane")]).new(Kind.GROUP)
    with pytest.raises(Refused, match="moves only within its group"):
        ws.move_coding(coding_id, add_session(store, other))
    assert fresh(store, "SELECT session_id FROM codings") == [(session.id,)]


def test_the_trash_emptied_deletes_for_good(
    store: Store, coded: tuple[int, dict[str, str]]
) -> None:
    coding_id, _ = coded
    ws = Workspace(store)
    ws.trash_coding(coding_id)
    with pytest.raises(Refused, match="already in the trash"):
        ws.trash_coding(coding_id)
    changes = ws.empty_trash()
    assert changes.removed == {Kind.CODING: (coding_id,)}
    assert everything_in(store, coding_id) == {"events": [], "process_notes": [], "event_audit": []}


def test_an_unknown_capacity_is_refused(store: Store, coded: tuple[int, dict[str, str]]) -> None:
    with pytest.raises(Refused, match="'boss' is not one of"):
        Workspace(store).edit_coding(coded[0], capacity="boss")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(max_size=40))
def test_any_coding_name_is_kept_exactly_or_refused(store: Store, name: str) -> None:
    coding_id = small_coding(store)[0] if not list_codings(store) else list_codings(store)[0].id
    before = fresh(store, "SELECT name FROM codings WHERE id = ?", coding_id)
    try:
        Workspace(store).edit_coding(coding_id, name=name)
    except InputError:
        assert fresh(store, "SELECT name FROM codings WHERE id = ?", coding_id) == before
    else:
        assert fresh(store, "SELECT name FROM codings WHERE id = ?", coding_id) == [(name.strip(),)]


# --- recordings and codebooks -------------------------------------------------------------------


def test_a_recording_relabelled_and_removed(
    store: Store, coded: tuple[int, dict[str, str]]
) -> None:
    [session] = list_sessions(store)
    ws = Workspace(store)
    media = ws.attach_media(session.id, "/tapes/week1.mp4").new(Kind.MEDIA)
    ws.edit_media(media, "Week 1, camera A")
    assert overview(store)[0].sessions[0].media[0].title == "Week 1, camera A"
    used = new_coding(store, session.id, "RK", ["bion"], clock_mode="media", media_file_id=media)
    with pytest.raises(Refused, match=f"week1.mp4 is the clock of coding {used}"):
        ws.remove_media(media)
    ws.trash_coding(used)
    ws.empty_trash()
    ws.remove_media(media)
    assert fresh(store, "SELECT count(*) FROM media_files") == [(0,)]


OWN = (
    'codebook: turn-taking\nname: Turn-taking\nversion: "2"\n'
    "codes:\n  - id: takes\n    label: Takes\n"
)


def test_a_codebook_file_is_kept_with_where_it_came_from(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "turns.yaml"
    path.write_text(OWN)
    Workspace(store).add_codebook_file(path)
    [book] = stored_codebooks(store)
    assert (book.id, book.version, book.origin, book.codings) == ("turn-taking", "2", str(path), 0)
    bad = tmp_path / "bad.yaml"
    bad.write_text(OWN.replace("label: Takes", "label: Takes\n    kind: sometimes"))
    with pytest.raises(CodebookError) as refused:
        Workspace(store).add_codebook_file(bad)
    assert f"{bad}:7: codes.takes.kind: 'sometimes' is not one of: point, state" in str(
        refused.value
    )
    assert len(stored_codebooks(store)) == 1
