"""Who may see what on a clinic's server, enforced by the server itself.

One throwaway PostgreSQL server holds two groups: Tuesday (led by Hanna, HK) and Thursday
(led by Maria, MB). Sam (SV) supervises; Tina (TA) and Tom (TO) are trainees who were both
given Sam's reference coding of Tuesday's session and each made a practice attempt. Each
test connects as one person's own role, straight through SQL or through the app's own
listing, and finds exactly what that person may see.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from observer.cli.main import main
from tests.postgres_server import ThrowawayServer

BOOKS = ["bion"]


@dataclass(frozen=True)
class Clinic:
    url: str
    tuesday: int
    thursday: int
    hanna_coding: int
    maria_coding: int
    reference: int
    tina_attempt: int
    tom_attempt: int

    def url_as(self, name: str) -> str:
        return self.url.replace("postgresql://observer@", f"postgresql://{name}@", 1)


@pytest.fixture(scope="module")
def clinic() -> Iterator[Clinic]:
    from observer.storage.store import open_store
    from observer.workspace.codings import new_coding, set_reference
    from observer.workspace.groups import MemberSpec, add_group, add_session
    from observer.workspace.practice import start_attempt
    from observer.workspace.recording import Recorder

    server = ThrowawayServer()
    try:
        url = server.new_database("clinic")
        assert main(["server", "init", url]) == 0
        store = open_store(url)
        members = [MemberSpec("Jane"), MemberSpec("Omar"), MemberSpec("Dr Lee", role="leader")]
        tuesday = add_group(store, "Tuesday", members=members)
        thursday = add_group(store, "Thursday", members=members)
        first, second = add_session(store, tuesday), add_session(store, thursday)
        hanna_coding = new_coding(store, first, "HK", BOOKS)
        maria_coding = new_coding(store, second, "MB", BOOKS)
        reference = new_coding(store, first, "SV", BOOKS, capacity="supervisor")
        set_reference(store, reference)
        tina_attempt = start_attempt(store, reference, "TA")
        tom_attempt = start_attempt(store, reference, "TO")
        for coding in (hanna_coding, maria_coding, reference, tina_attempt, tom_attempt):
            recorder = Recorder(store, coding)
            recorder.record(1000 * coding, "work", "group")
            recorder.close()
        store.close()
        for argv in (
            ["sam", "--role", "supervisor", "--initials", "SV"],
            ["hanna", "--role", "cotherapist", "--initials", "HK", "--leads", "Tuesday"],
            ["maria", "--role", "cotherapist", "--initials", "MB", "--leads", str(thursday)],
            ["tina", "--role", "trainee", "--initials", "TA"],
            ["tom", "--role", "trainee", "--initials", "TO"],
        ):
            assert main(["--db", url, "server", "add-user", *argv]) == 0
        for trainee in ("tina", "tom"):
            assert (
                main(["--db", url, "server", "give-reference", str(reference), "--to", trainee])
                == 0
            )
        yield Clinic(
            url, tuesday, thursday, hanna_coding, maria_coding, reference, tina_attempt, tom_attempt
        )
    finally:
        server.close()


def connect_as(clinic: Clinic, name: str) -> Any:
    import psycopg

    return psycopg.connect(clinic.url_as(name).replace("/clinic?", "/clinic?", 1), autocommit=True)


def ids(conn: Any, sql: str, *params: Any) -> set[int]:
    return {int(row[0]) for row in conn.execute(sql, params).fetchall()}


def test_a_trainee_cannot_read_or_touch_another_trainees_attempt(clinic: Clinic) -> None:
    import psycopg

    with connect_as(clinic, "tina") as tina:
        assert ids(tina, "SELECT id FROM codings") == {clinic.reference, clinic.tina_attempt}
        assert ids(tina, "SELECT coding_id FROM events") == {clinic.reference, clinic.tina_attempt}
        assert ids(tina, "SELECT id FROM events WHERE coding_id = %s", clinic.tom_attempt) == set()
        changed = tina.execute("UPDATE events SET note = 'mine now' WHERE coding_id = %s",
                               (clinic.tom_attempt,))  # fmt: skip
        assert changed.rowcount == 0
        # The reference was given to read, not to change.
        changed = tina.execute("UPDATE events SET note = 'x' WHERE coding_id = %s",
                               (clinic.reference,))  # fmt: skip
        assert changed.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            tina.execute(
                "INSERT INTO events (coding_id, time_ms, code, actor, targets, modifiers, note, "
                "created_at, awaiting_modifiers) "
                "VALUES (%s, 5, 'work', 'group', '[]', '{}', '', now(), false)",
                (clinic.tom_attempt,),
            )
        tom_id = tina.execute("SELECT id FROM observers WHERE initials = 'TO'").fetchone()[0]
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            tina.execute(  # an attempt in Tom's name
                "UPDATE codings SET observer_id = %s WHERE id = %s", (tom_id, clinic.tina_attempt)
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            tina.execute("UPDATE observers SET initials = 'XX' WHERE initials = 'TO'")
        # Who leads which group, and who else signs in, is not a trainee's business.
        assert tina.execute("SELECT name FROM people").fetchall() == [("tina",)]
        assert tina.execute("SELECT * FROM group_leaders").fetchall() == []
    with connect_as(clinic, "tom") as tom:
        assert ids(tom, "SELECT id FROM codings") == {clinic.reference, clinic.tom_attempt}


def test_a_trainee_sees_only_the_session_group_and_members_their_codings_need(
    clinic: Clinic,
) -> None:
    with connect_as(clinic, "tina") as tina:
        assert ids(tina, "SELECT id FROM groups") == {clinic.tuesday}
        assert ids(tina, "SELECT group_id FROM sessions") == {clinic.tuesday}
        assert ids(tina, "SELECT group_id FROM members") == {clinic.tuesday}
        assert tina.execute("SELECT count(*) FROM members").fetchone()[0] == 3


def test_a_cotherapist_sees_and_writes_only_the_groups_they_lead(clinic: Clinic) -> None:
    import psycopg

    with connect_as(clinic, "hanna") as hanna:
        assert ids(hanna, "SELECT id FROM groups") == {clinic.tuesday}
        assert ids(hanna, "SELECT id FROM codings") == {
            clinic.hanna_coding, clinic.reference, clinic.tina_attempt, clinic.tom_attempt
        }  # fmt: skip
        assert ids(hanna, "SELECT coding_id FROM events WHERE coding_id = %s",
                   clinic.maria_coding) == set()  # fmt: skip
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            hanna.execute(
                "INSERT INTO sessions (group_id, number, setting, notes) "
                "VALUES (%s, 9, 'in person', '')",
                (clinic.thursday,),
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            hanna.execute(
                "INSERT INTO groups (name, modality, notes, created_at) "
                "VALUES ('Mine', '', '', now())"
            )
    with connect_as(clinic, "maria") as maria:
        assert ids(maria, "SELECT id FROM groups") == {clinic.thursday}
        assert ids(maria, "SELECT id FROM codings") == {clinic.maria_coding}


def test_a_supervisor_sees_everything(clinic: Clinic) -> None:
    with connect_as(clinic, "sam") as sam:
        assert ids(sam, "SELECT id FROM groups") == {clinic.tuesday, clinic.thursday}
        assert len(ids(sam, "SELECT coding_id FROM events")) == 5
        assert {r[0] for r in sam.execute("SELECT name FROM people")} == {
            "sam", "hanna", "maria", "tina", "tom"
        }  # fmt: skip


def test_a_role_that_is_no_person_sees_nothing(clinic: Clinic) -> None:
    with connect_as(clinic, "observer") as owner:
        owner.execute("CREATE ROLE stranger LOGIN")
        owner.execute("GRANT observer_trainee TO stranger")  # granted by hand, never added
    with connect_as(clinic, "stranger") as stranger:
        assert ids(stranger, "SELECT id FROM codings") == set()
        assert ids(stranger, "SELECT id FROM groups") == set()


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("tina", {"Tuesday": ["SV", "TA"]}),
        ("hanna", {"Tuesday": ["HK", "SV", "TA", "TO"]}),
        ("maria", {"Thursday": ["MB"]}),
        ("sam", {"Thursday": ["MB"], "Tuesday": ["HK", "SV", "TA", "TO"]}),
    ],
)
def test_the_apps_listing_opened_as_each_person_shows_exactly_their_share(
    clinic: Clinic, person: str, expected: dict[str, list[str]]
) -> None:
    from observer.storage.overview import overview
    from observer.storage.store import open_store

    store = open_store(clinic.url_as(person))
    try:
        listed = {
            group.name: sorted(c.observer for s in group.sessions for c in s.codings)
            for group in overview(store)
        }
        every_count = {c.events for g in overview(store) for s in g.sessions for c in s.codings}
    finally:
        store.close()
    assert listed == expected
    assert every_count == {1}


def test_a_trainee_records_into_their_own_attempt_and_is_refused_anothers(clinic: Clinic) -> None:
    from observer.domain.errors import NotFound
    from observer.storage.store import open_store
    from observer.workspace.recording import Recorder

    store = open_store(clinic.url_as("tina"))
    try:
        recorder = Recorder(store, clinic.tina_attempt)
        recorder.record(90_000, "dependency", "group")
        recorder.close()
        with pytest.raises(NotFound):
            Recorder(store, clinic.tom_attempt)
    finally:
        store.close()
    with connect_as(clinic, "sam") as sam:
        assert ids(sam, "SELECT time_ms FROM events WHERE coding_id = %s",
                   clinic.tina_attempt) == {1000 * clinic.tina_attempt, 90_000}  # fmt: skip


def test_init_runs_again_without_harm_and_add_user_updates_a_person(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    with connect_as(clinic, "observer") as owner:
        policies = owner.execute("SELECT count(*) FROM pg_policies").fetchone()[0]
    assert main(["server", "init", clinic.url]) == 0
    assert "row-level security on" in capsys.readouterr().out
    with connect_as(clinic, "observer") as owner:
        assert owner.execute("SELECT count(*) FROM pg_policies").fetchone()[0] == policies
    assert main(["--db", clinic.url, "server", "add-user", "tom", "--role", "trainee",
                 "--initials", "TO"]) == 0  # fmt: skip
    assert capsys.readouterr().out == "Updated tom: trainee, coding as TO.\n"
    with connect_as(clinic, "tom") as tom:
        assert ids(tom, "SELECT id FROM codings") == {clinic.reference, clinic.tom_attempt}


def test_a_password_from_a_file_is_set(clinic: Clinic, tmp_path, capsys) -> None:
    secret = tmp_path / "pw"
    secret.write_text("it's 100% mine\n", encoding="utf-8")
    assert main(["--db", clinic.url, "server", "add-user", "paula", "--role", "trainee",
                 "--initials", "PA", "--password-file", str(secret)]) == 0  # fmt: skip
    assert capsys.readouterr().out == "Added paula: trainee, coding as PA.\n"
    with connect_as(clinic, "observer") as owner:
        stored = owner.execute(
            "SELECT rolpassword FROM pg_authid WHERE rolname = 'paula'"
        ).fetchone()[0]
    assert stored.startswith("SCRAM-SHA-256$")


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["add-user", "Anna", "--role", "trainee", "--initials", "AN"], "cannot be a sign-in name"),
        (["add-user", "observer_x", "--role", "trainee", "--initials", "AN"], "reserved"),
        (["add-user", "tim", "--role", "trainee", "--initials", "TA"], "already belong to tina"),
        (
            ["add-user", "tim", "--role", "trainee", "--initials", "TI", "--leads", "Tuesday"],
            "--leads is for co-therapists",
        ),
        (
            ["add-user", "tim", "--role", "cotherapist", "--initials", "TI", "--leads", "Sunday"],
            "No group 'Sunday'",
        ),
        (
            ["add-user", "observer", "--role", "trainee", "--initials", "OB"],
            "a role of the server itself",
        ),
        (["give-reference", "1", "--to", "tina"], "is not a reference"),
        (["give-reference", "999", "--to", "tina"], "No coding 999"),
        (["give-reference", "3", "--to", "hanna"], "not a trainee"),
        (["give-reference", "3", "--to", "nobody"], "No person nobody"),
    ],
)
def test_unusable_input_is_refused_in_one_line_and_nothing_changes(
    clinic: Clinic, argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with connect_as(clinic, "observer") as owner:
        before = owner.execute("SELECT count(*) FROM people").fetchone()[0]
    assert main(["--db", clinic.url, "server", *argv]) == 2
    err = capsys.readouterr().err
    assert says in err and err.startswith("group-observer: ") and err.count("\n") == 1
    with connect_as(clinic, "observer") as owner:
        assert owner.execute("SELECT count(*) FROM people").fetchone()[0] == before


def test_init_without_the_privilege_is_refused_clearly(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    with connect_as(clinic, "observer") as owner:
        owner.execute("DROP ROLE IF EXISTS plain")
        owner.execute("CREATE ROLE plain LOGIN")
    assert main(["server", "init", clinic.url_as("plain")]) == 2
    assert "The role plain may not create roles" in capsys.readouterr().err
    assert main(["server", "init", clinic.url_as("sam")]) == 2  # a person, even a supervisor
    assert "may not create roles" in capsys.readouterr().err


def test_roles_are_for_a_server_not_a_file(tmp_path, capsys) -> None:
    assert main(["server", "init", str(tmp_path / "o.sqlite3")]) == 2
    assert "Roles are for a database on a server" in capsys.readouterr().err


def test_a_role_given_nothing_is_told_whom_to_ask(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    with connect_as(clinic, "observer") as owner:
        owner.execute("DROP ROLE IF EXISTS passerby")
        owner.execute("CREATE ROLE passerby LOGIN")
    assert main(["--db", clinic.url_as("passerby"), "group", "list"]) == 2
    err = capsys.readouterr().err
    assert "permission denied for table alembic_version" in err
    assert "'server add-user'" in err and err.count("\n") == 1


def test_a_database_at_0011_opens_and_gains_the_tables_of_people(tmp_path) -> None:
    import sqlite3

    from observer.storage.migrations import HEAD
    from observer.storage.store import open_store
    from tests.observer.helpers import old_database

    path = tmp_path / "old.sqlite3"
    old_database(path, "0011").dispose()
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
        assert conn.execute("SELECT pseudonym FROM members").fetchall() == [("Jane",)]
    conn.close()
    assert {"people", "group_leaders", "given_references"} <= tables


def test_a_trainee_opening_a_given_reference_to_write_is_refused_in_words(clinic: Clinic) -> None:
    from observer.domain.errors import OutsideYourShare
    from observer.storage.store import open_store
    from observer.workspace.recording import Recorder

    store = open_store(clinic.url_as("tina"))
    try:
        viewer = Recorder(store, clinic.reference, read_only=True)
        assert len(viewer.events) == 1
        viewer.close()
        with pytest.raises(OutsideYourShare) as refused:
            Recorder(store, clinic.reference)
        assert str(refused.value) == (
            "Not saved: the server does not let your role change this. Open it read-only, "
            "or ask a supervisor (see docs/server.md, the roles)."
        )
    finally:
        store.close()


def test_a_trainee_opens_a_reference_they_were_given_read_only_and_is_told_why(
    clinic: Clinic,
) -> None:
    from observer.domain.errors import ReadOnlyCoding
    from observer.storage.store import open_store
    from observer.workspace.workspace import Workspace

    store = open_store(clinic.url_as("tina"))
    try:
        workspace = Workspace(store)
        given = workspace.open_coding(clinic.reference)
        try:
            assert given.read_only
            assert given.why_read_only == "a reference you were given"
            with pytest.raises(ReadOnlyCoding):
                given.record(5_000, "dependency", "group")
        finally:
            workspace.close_coding(given)
        # Her own attempt still opens for writing.
        own = workspace.open_coding(clinic.tina_attempt)
        try:
            assert not own.read_only and own.why_read_only == ""
        finally:
            workspace.close_coding(own)
    finally:
        store.close()
    # The supervisor who coded it opens it for writing, as before.
    store = open_store(clinic.url_as("sam"))
    try:
        workspace = Workspace(store)
        recorder = workspace.open_coding(clinic.reference)
        assert not recorder.read_only
        workspace.close_coding(recorder)
    finally:
        store.close()
    with connect_as(clinic, "sam") as sam:
        assert ids(sam, "SELECT time_ms FROM events WHERE coding_id = %s",
                   clinic.reference) == {1000 * clinic.reference}  # fmt: skip
