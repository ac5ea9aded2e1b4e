"""A clinic's shared PostgreSQL server: the same store, recording and listing as on SQLite.

A throwaway server is started in a temporary folder (PostgreSQL's own ``initdb`` and
``pg_ctl``); the tests skip, saying why, on a machine without them or without the driver.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.postgres_server import ThrowawayServer

ROOT_CODEBOOKS = Path(__file__).resolve().parents[3] / "codebooks"


@pytest.fixture
def server_url(server: ThrowawayServer) -> str:
    return server.url


def test_a_coding_is_recorded_and_reopened_on_the_server(server_url: str) -> None:
    from observer.storage.migrations import HEAD
    from observer.storage.overview import overview
    from observer.storage.store import open_store
    from observer.workspace.demo import create_demo
    from observer.workspace.recording import Recorder

    store = open_store(server_url)  # an empty server database: migrated to the newest schema
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD
        # The migrations create on the server exactly what the models describe.
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        from observer.storage.models import Base

        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    create_demo(store)
    recorder = Recorder(store, 1)
    before = len(recorder.events)
    jane = next(p.key for p in recorder.info.participants if p.label == "Jane")
    recorder.record(4_600_000, "self-disclosure", jane, ["group"], {"intensity": "high"})
    recorder.undo()
    recorder.redo()
    recorder.add_note("Jane spoke first tonight", 4_600_000)
    recorder.start_clock()
    recorder.pause_clock()
    recorder.close()
    store.close()

    again = open_store(server_url)
    reopened = Recorder(again, 1)
    assert len(reopened.events) == before + 1
    [kept] = [e for e in reopened.events if e.time_ms == 4_600_000]
    assert (kept.code, kept.actor, kept.targets) == ("self-disclosure", jane, ("group",))
    assert dict(kept.modifiers) == {"intensity": "high"}
    assert reopened.saved_clock is not None and reopened.saved_clock.running_since is None
    [group] = overview(again)
    assert [len(s.codings) for s in group.sessions] == [1, 1, 3, 1]
    assert group.sessions[0].codings[0].events == before + 1
    reopened.close()
    again.close()


def test_an_upgrade_from_0003_runs_on_the_server(server: ThrowawayServer, monkeypatch) -> None:
    """0004 on PostgreSQL: capacity moved, times with time zone, ids past the audit trail."""
    import time
    from datetime import UTC, datetime

    from observer.storage.coding_info import coding_info
    from observer.storage.migrations import HEAD
    from observer.storage.store import _server_engine, open_store
    from observer.storage.upgrade import migrate_server
    from observer.workspace.groups import list_sessions
    from observer.workspace.recording import Recorder

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    url = server.new_database("upgrade_from_0003")
    engine = _server_engine(url)
    migrate_server(engine, "0003")
    book = (ROOT_CODEBOOKS / "here-and-now.yaml").read_text(encoding="utf-8")
    with engine.begin() as conn:
        run = conn.exec_driver_sql
        run("INSERT INTO groups (id, name, modality, notes, created_at) "
            "VALUES (1, 'Tuesday', '', '', '2026-01-01 10:00:00')")  # fmt: skip
        run("INSERT INTO members (id, group_id, pseudonym, initials, role, colour, seat) "
            "VALUES (1, 1, 'Jane', 'JA', 'member', '#1f77b4', 0)")  # fmt: skip
        run("INSERT INTO sessions (id, group_id, number, starts_at, setting, notes) "
            "VALUES (1, 1, 1, '2026-10-01 18:00:00', 'in person', '')")  # fmt: skip
        run("INSERT INTO observers (id, initials, name, capacity) "
            "VALUES (1, 'SV', '', 'supervisor')")  # fmt: skip
        run("INSERT INTO codebooks (id, codebook_id, version, name, digest, source, stored_at) "
            "VALUES (1, 'here-and-now', '1', 'Here and now', 'x', %(book)s, "
            "'2026-01-01 10:00:00')", {"book": book})  # fmt: skip
        run("INSERT INTO codings (id, session_id, observer_id, name, clock_mode, is_reference, "
            "notes, created_at, clock_elapsed_ms) "
            "VALUES (1, 1, 1, '', 'live', false, '', '2026-10-01 16:05:00', 0)")  # fmt: skip
        run("INSERT INTO coding_codebooks (coding_id, codebook_pk, position) VALUES (1, 1, 0)")
        run("INSERT INTO event_audit (coding_id, event_id, action, who, at) "
            "VALUES (1, 1641, 'delete', 'SV', '2026-10-01 16:20:00')")  # fmt: skip
    engine.dispose()
    try:
        store = open_store(url)
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD
            kinds = set(
                conn.exec_driver_sql(
                    "SELECT data_type FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND data_type LIKE 'timestamp%%'"
                ).scalars()
            )
        assert kinds == {"timestamp with time zone"}
        assert coding_info(store, 1).capacity == "supervisor"
        [session] = list_sessions(store)
        assert session.starts_at == datetime(2026, 10, 1, 16, 0, tzinfo=UTC)
        recorder = Recorder(store, 1, outbox=False)  # written directly: server ids at once
        event = recorder.record(1000, "self-disclosure", "m1", ["group"])
        recorder.undo()
        again = recorder.record(2000, "self-disclosure", "m1", ["group"])
        recorder.close()
        assert event.id == 1642 and again.id == 1643
        store.close()
    finally:
        monkeypatch.undo()
        time.tzset()


def test_one_writer_per_coding_on_the_server(server: ThrowawayServer) -> None:
    """The lock table works on the server: a second client is refused, may read, may take
    over a silent holder; the first then writes nothing more."""
    from observer.domain.errors import CodingInUse, CodingTakenOver
    from observer.storage import coding_lock
    from observer.storage.store import open_store
    from observer.workspace.demo import create_demo
    from observer.workspace.recording import Recorder

    store = open_store(server.new_database("locks"))
    create_demo(store)
    first = Recorder(store, 2, outbox=False)  # direct: the refusal comes with the write
    with pytest.raises(CodingInUse, match="by"):
        Recorder(store, 2)
    viewer = Recorder(store, 2, read_only=True)
    assert len(viewer.events) == len(first.events)
    viewer.close()
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE coding_locks SET heartbeat = heartbeat - make_interval(secs => %s)",
            (coding_lock.STALE_AFTER_S + 5,),
        )
    second = Recorder(store, 2, "MB", take_over=True, outbox=False)
    member = next(p.key for p in first.info.participants if p.key.startswith("m"))
    with pytest.raises(CodingTakenOver):
        first.record(4_700_000, "work", member)
    second.record(4_700_000, "work", member)
    first.close()
    second.close()
    store.close()


def test_a_laptop_with_its_clock_minutes_off_cannot_take_a_live_coding_over(
    server: ThrowawayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a server every lock is judged by the server's clock, not the opener's."""
    from datetime import timedelta

    from observer.domain.clock import utcnow
    from observer.domain.errors import CodingInUse
    from observer.storage import coding_lock
    from observer.storage.store import open_store
    from observer.workspace.demo import create_demo
    from observer.workspace.recording import Recorder

    store = open_store(server.new_database("clocks"))
    create_demo(store)
    first = Recorder(store, 2, outbox=False)
    try:
        # This computer's clock runs ten minutes fast: by it the holder's heartbeat looks
        # stale, and the holder would be taken over while it records.
        monkeypatch.setattr(coding_lock, "utcnow", lambda: utcnow() + timedelta(minutes=10))
        with pytest.raises(CodingInUse) as refused:
            Recorder(store, 2, "MB", take_over=True, outbox=False)
        assert not refused.value.can_take_over
    finally:
        first.close()
        store.close()


def test_a_lost_server_connection_is_reported_and_the_next_write_reconnects(
    server: ThrowawayServer,
) -> None:
    from sqlalchemy import create_engine

    from observer.domain.errors import ConnectionLost
    from observer.storage.store import open_store
    from observer.workspace.demo import create_demo
    from observer.workspace.recording import Recorder

    url = server.new_database("lost")
    store = open_store(url)
    create_demo(store)
    recorder = Recorder(store, 1, outbox=False)  # direct: the fault comes with the write
    before = list(recorder.events)
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.connect() as conn:  # the server drops every other connection
        conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    admin.dispose()
    with pytest.raises(ConnectionLost) as caught:
        recorder.record(4_700_000, "work", "group")
    assert str(caught.value).startswith(
        "Not saved: the connection to the database server was lost. Check the network"
    )
    assert recorder.events == before
    event = recorder.record(4_700_000, "work", "group")  # a new connection
    assert recorder.events[-1] == event
    recorder.close()
    store.close()


def test_a_dropped_network_is_noticed_within_seconds_not_minutes(server: ThrowawayServer) -> None:
    """Keepalives and a write timeout on every server connection; the URL may set its own."""
    from sqlalchemy.engine import make_url

    from observer.storage.store import open_store

    url = server.new_database("keepalive")
    own = make_url(url).update_query_dict({"connect_timeout": "3"})
    for given, connect_timeout in ((url, "10"), (own.render_as_string(False), "3")):
        store = open_store(given)
        with store.engine.connect() as conn:
            driver = conn.connection.driver_connection
            assert driver is not None
            told = driver.info.get_parameters()
        store.close()
        assert told["connect_timeout"] == connect_timeout
        assert (told["keepalives_idle"], told["tcp_user_timeout"]) == ("10", "30000")
