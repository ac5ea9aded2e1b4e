"""The workspace: each operation returns what it changed and announces it once, after its commit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observer.domain.errors import InputError
from observer.domain.events import Changes
from observer.formats import export_coding, import_file
from observer.formats.common import count_rows
from observer.storage.event_rows import load_events
from observer.storage.store import Store, open_store
from observer.workspace.changes import ChangeSet, Kind, notices_of
from observer.workspace.codings import list_codings
from observer.workspace.groups import MemberSpec, list_groups, list_sessions
from observer.workspace.media import session_media
from observer.workspace.recording import Recorder
from observer.workspace.workspace import Workspace
from tests.observer.helpers import small_coding


class Heard:
    """A listener that notes each change-set and what the database held when it came."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.changes: list[ChangeSet] = []
        self.groups_then: list[list[str]] = []

    def __call__(self, changes: ChangeSet) -> None:
        self.changes.append(changes)
        # Read afresh, on a new connection: the change must already be committed.
        fresh = open_store(self.store.path)
        try:
            self.groups_then.append([g.name for g in list_groups(fresh)])
        finally:
            fresh.close()


@pytest.fixture
def heard(store: Store) -> Heard:
    listener = Heard(store)
    Workspace(store).subscribe(listener)
    return listener


def test_a_new_group_is_announced_once_after_its_commit(store: Store, heard: Heard) -> None:
    members = [MemberSpec("Jane"), MemberSpec("Sam"), MemberSpec("Dr Lee", role="leader")]
    changes = Workspace(store).create_group("Monday group", members=members)
    assert heard.changes == [changes]
    assert heard.groups_then == [["Monday group"]]
    (group,) = list_groups(store)
    assert changes.label == "New group"
    assert changes.added == {
        Kind.GROUP: (group.id,),
        Kind.MEMBER: tuple(sorted(m.id for m in group.members)),
    }
    assert changes.new(Kind.GROUP) == group.id and changes.kinds == {Kind.GROUP, Kind.MEMBER}
    assert not changes.changed and not changes.removed and changes.events is None


def test_a_refused_operation_writes_and_announces_nothing(store: Store, heard: Heard) -> None:
    with pytest.raises(InputError, match="name"):
        Workspace(store).create_group("  ")
    assert heard.changes == [] and list_groups(store) == []


def test_setting_up_a_coding_step_by_step(store: Store, heard: Heard, tmp_path: Path) -> None:
    work = Workspace(store)
    group = work.create_group("Monday group", members=[MemberSpec("Jane"), MemberSpec("Sam")])
    member = work.add_member(group.new(Kind.GROUP), MemberSpec("Priya"))
    session = work.create_session(group.new(Kind.GROUP))
    coding = work.create_coding(session.new(Kind.SESSION), "RK", ["here-and-now", "bion"])
    clip = tmp_path / "clip.mp4"
    media = work.attach_media(session.new(Kind.SESSION), str(clip), offset_ms=-30_000)
    reference = work.set_reference(coding.new(Kind.CODING))
    assert heard.changes == [group, member, session, coding, media, reference]

    assert member.added.keys() == {Kind.MEMBER}
    assert member.changed == {Kind.GROUP: (group.new(Kind.GROUP),)}
    (stored_session,) = list_sessions(store)
    assert session.added == {Kind.SESSION: (stored_session.id,)}
    (stored_coding,) = list_codings(store)
    # The two codebooks are stored the first time a coding uses them.
    assert coding.added.keys() == {Kind.CODING, Kind.CODEBOOK}
    assert coding.new(Kind.CODING) == stored_coding.id and len(coding.ids(Kind.CODEBOOK)) == 2
    (recording,) = session_media(store, stored_session.id)
    assert media.added == {Kind.MEDIA: (recording.id,)} and recording.offset_ms == -30_000
    assert reference.added == {} and reference.changed == {Kind.CODING: (stored_coding.id,)}
    assert list_codings(store)[0].is_reference


def test_a_practice_attempt_and_the_demo(store: Store, heard: Heard) -> None:
    work = Workspace(store)
    demo = work.load_demo()
    assert heard.changes == [demo]
    assert {k: len(v) for k, v in demo.added.items()} == {
        Kind.GROUP: 1, Kind.MEMBER: 10, Kind.SESSION: 4, Kind.CODING: 6, Kind.CODEBOOK: 2,
        Kind.MEDIA: 1,  # session 3's recording (a clock and tones)
    }  # fmt: skip
    reference = next(c for c in list_codings(store) if c.is_reference)
    attempt = work.start_practice_attempt(reference.id, "TR")
    created = max(c.id for c in list_codings(store))
    assert attempt.added == {Kind.CODING: (created,)} and heard.changes[-1] is attempt


def test_an_import_run_through_the_workspace_is_announced_as_what_it_added(
    demo_store: Store, tmp_path: Path
) -> None:
    source = tmp_path / "coding.json"
    export_coding(demo_store, 3, "json", source)
    heard: list[ChangeSet] = []
    work = Workspace(demo_store)
    work.subscribe(heard.append)
    codings = {c.id for c in list_codings(demo_store)}
    report, changes = work.run("Import", lambda store: import_file(store, source))
    (new,) = {c.id for c in list_codings(demo_store)} - codings
    assert report.coding_ids == [new]
    assert changes.added[Kind.CODING] == (new,) and heard == [changes]


def test_an_import_that_fails_announces_nothing(demo_store: Store, tmp_path: Path) -> None:
    source = tmp_path / "coding.json"
    export_coding(demo_store, 3, "json", source)
    source.write_bytes(source.read_bytes()[:-100])
    heard: list[ChangeSet] = []
    Workspace(demo_store).subscribe(heard.append)
    before = count_rows(demo_store)
    with pytest.raises(InputError):
        Workspace(demo_store).run("Import", lambda store: import_file(store, source))
    assert heard == [] and count_rows(demo_store) == before


def test_workspaces_of_one_database_share_its_notices(store: Store, tmp_path: Path) -> None:
    assert Workspace(store).notices is Workspace(store).notices is notices_of(store)
    other = open_store(tmp_path / "other.sqlite3")
    try:
        assert notices_of(other) is not notices_of(store)
        heard: list[ChangeSet] = []
        Workspace(store).subscribe(heard.append)
        Workspace(other).create_group("Elsewhere")
        assert heard == []
    finally:
        other.close()


def test_unsubscribing_stops_the_notices(store: Store) -> None:
    heard: list[ChangeSet] = []
    stop = Workspace(store).subscribe(heard.append)
    Workspace(store).create_group("One")
    stop()
    stop()  # twice is harmless
    Workspace(store).create_group("Two")
    assert [c.label for c in heard] == ["New group"]


# --- recording: the recorder's notices ride in the change-sets ---------------------------


def test_recording_announces_the_events_themselves(store: Store) -> None:
    coding_id, k = small_coding(store)
    order: list[str] = []
    heard: list[ChangeSet] = []

    def database_listener(changes: ChangeSet) -> None:
        order.append("database")
        heard.append(changes)

    Workspace(store).subscribe(database_listener)
    recorder = Workspace(store).open_coding(coding_id)
    try:
        recorder.subscribe(lambda _c: order.append("coding's views"))
        event = recorder.record(1_000, "support", k["Sam"], [k["Jane"]])
        (changes,) = heard
        assert changes.coding_id == coding_id and changes.label.startswith("Record Support")
        assert changes.added == {Kind.EVENT: (event.id,)} and changes.events is not None
        assert changes.events.added == (event,)
        # The coding's own views update first; the windows hear the change-set after.
        assert order == ["coding's views", "database"]

        recorder.undo()
        assert heard[-1].removed == {Kind.EVENT: (event.id,)}
        recorder.redo()
        assert heard[-1].added == {Kind.EVENT: (event.id,)}
        edited = recorder.edit(event.id, time_ms=1_200)
        assert heard[-1].changed == {Kind.EVENT: (edited.id,)}
        note = recorder.add_note("Sam turns to Jane", 1_500)
        assert heard[-1].added == {Kind.NOTE: (note,)} and heard[-1].coding_id == coding_id
        # The notes panel listens for this: the note, as stored, and no event.
        assert heard[-1].events == Changes("Add note", notes=(recorder.note(note),))
        assert len(heard) == 5
    finally:
        recorder.close()


def test_closing_a_coding_puts_the_clock_down_and_says_so(store: Store) -> None:
    coding_id, _k = small_coding(store)
    heard: list[ChangeSet] = []
    work = Workspace(store)
    work.subscribe(heard.append)
    recorder = work.open_coding(coding_id)
    recorder.start_clock()
    changes = work.close_coding(recorder)
    assert heard == [changes] and changes.changed == {Kind.CODING: (coding_id,)}
    reopened = Recorder(store, coding_id)
    try:
        assert reopened.saved_clock.running_since is None  # paused on close, not "crashed"
    finally:
        reopened.close()


STEPS = st.lists(
    st.tuples(
        st.sampled_from(["record", "record", "delete", "undo", "redo", "edit"]),
        st.integers(0, 600_000),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
def test_the_change_sets_account_for_every_event_on_disk(store: Store, steps: Any) -> None:
    """Whatever is recorded, deleted, undone or redone: the notices add up to the database."""
    coding_id, k = small_coding(store)
    shown: set[int] = set()

    def follow(changes: ChangeSet) -> None:
        if changes.coding_id == coding_id:
            shown.update(changes.added.get(Kind.EVENT, ()))
            shown.difference_update(changes.removed.get(Kind.EVENT, ()))
            assert set(changes.changed.get(Kind.EVENT, ())) <= shown

    stop = Workspace(store).subscribe(follow)
    recorder = Recorder(store, coding_id)
    try:
        for action, time_ms in steps:
            if action == "record":
                recorder.record(time_ms, "question", k["Jane"], ["group"])
            elif action == "delete" and recorder.events:
                recorder.delete([recorder.events[time_ms % len(recorder.events)].id])
            elif action == "edit" and recorder.events:
                recorder.edit(recorder.events[time_ms % len(recorder.events)].id, note="edited")
            elif action == "undo":
                recorder.undo()
            elif action == "redo":
                recorder.redo()
            with store.engine.connect() as conn:
                on_disk = {e.id for e in load_events(conn, coding_id)}
            assert shown == on_disk
    finally:
        recorder.close()
        stop()
