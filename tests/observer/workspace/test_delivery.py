"""Recording into a server coding: each change is on this computer first, then delivered.

Against a real throwaway PostgreSQL server (``tests/postgres_server.py``); skipped, saying
why, where there is none. Waits are on conditions, each with a deadline.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from observer.domain.errors import CodingTakenOver
from observer.storage.store import Store, open_store
from observer.workspace.delivery import DeliveryState
from observer.workspace.recording import Recorder
from tests.observer.helpers import small_coding
from tests.postgres_server import ThrowawayServer

pytestmark = pytest.mark.slow


@pytest.fixture
def on_server(server: ThrowawayServer, request: pytest.FixtureRequest) -> Iterator[Store]:
    store = open_store(server.new_database(f"d_{request.node.name[5:40].lower()}"))
    yield store
    store.close()


def server_events(store: Store, coding_id: int) -> list[tuple[Any, ...]]:
    """The coding's events as the server holds them, read on a connection of the test's own."""
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT uid, time_ms, end_ms, code, actor, targets, modifiers FROM events "
            "WHERE coding_id = %s ORDER BY time_ms, id",
            (coding_id,),
        ).all()
    return [(u, t, e, c, a, list(ts), dict(m)) for u, t, e, c, a, ts, m in rows]


def as_recorded(recorder: Recorder) -> list[tuple[Any, ...]]:
    return [
        (
            recorder.uid_of(e.id),
            e.time_ms,
            e.end_ms,
            e.code,
            e.actor,
            list(e.targets),
            dict(e.modifiers),
        )
        for e in recorder.events
    ]


def states_of(recorder: Recorder) -> tuple[list[DeliveryState], threading.Condition]:
    seen: list[DeliveryState] = []
    changed = threading.Condition()
    assert recorder.delivery is not None

    def note(state: DeliveryState) -> None:
        with changed:
            seen.append(state)
            changed.notify_all()

    recorder.delivery.subscribe(note)
    return seen, changed


def wait_for(changed: threading.Condition, ready: Callable[[], bool], timeout: float = 30) -> None:
    with changed:
        assert changed.wait_for(ready, timeout), "not within the deadline"


def test_every_change_reaches_the_server_once(on_server: Store) -> None:
    coding_id, k = small_coding(on_server)
    recorder = Recorder(on_server, coding_id)
    assert recorder.delivery is not None
    jane = recorder.record(1000, "feedback", k["Jane"], [k["Sam"]], awaiting_modifiers=True)
    recorder.settle_modifiers(jane.id, {})  # the strip's choice, a moment later
    recorder.record(2000, "question", k["Sam"], [k["Jane"]])
    gone = recorder.record(3000, "support", k["Tom"], [k["Priya"]])
    recorder.delete([gone.id])
    recorder.undo()  # back as itself
    recorder.edit(jane.id, time_ms=1500)
    recorder.record(4000, "work", "group")  # a state
    recorder.record(5000, "work", "group")  # …ended
    assert recorder.delivery.wait_until_delivered(30)
    assert server_events(on_server, coding_id) == as_recorded(recorder)
    with on_server.engine.connect() as conn:
        audit = conn.exec_driver_sql(
            "SELECT a.action, e.time_ms FROM event_audit a JOIN events e ON e.id = a.event_id "
            "ORDER BY a.id"
        ).all()
    assert audit == [("delete", 3000), ("restore", 3000), ("edit", 1500)]
    recorder.close()
    reopened = Recorder(on_server, coding_id)  # the server's ids now, the same events
    assert as_recorded(reopened) == server_events(on_server, coding_id)
    reopened.close()


def test_a_stopped_server_costs_nothing_and_the_window_is_told(
    server: ThrowawayServer, on_server: Store
) -> None:
    coding_id, k = small_coding(on_server)
    recorder = Recorder(on_server, coding_id)
    seen, changed = states_of(recorder)
    recorder.record(1000, "feedback", k["Jane"], [k["Sam"]])
    assert recorder.delivery is not None and recorder.delivery.wait_until_delivered(30)
    server.stop("immediate")
    try:
        for t in range(2000, 14_000, 1000):  # recorded at once: nothing waits on the network
            recorder.record(t, "feedback", k["Sam"], [k["Jane"]])
        wait_for(changed, lambda: bool(seen) and seen[-1].waiting == 12 and not seen[-1].reachable)
        assert seen[-1].text == "server unreachable · 12 events waiting"
    finally:
        server.start()
    wait_for(changed, lambda: seen[-1].text == "all delivered")
    kept = server_events(on_server, coding_id)
    assert kept == as_recorded(recorder)
    assert len({uid for uid, *_ in kept}) == 13
    recorder.close()


def test_a_coding_taken_over_elsewhere_stops_the_sender(on_server: Store) -> None:
    from observer.storage import coding_lock

    coding_id, k = small_coding(on_server)
    first = Recorder(on_server, coding_id)
    seen, changed = states_of(first)
    with on_server.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE coding_locks SET heartbeat = heartbeat - make_interval(secs => %s)",
            (coding_lock.STALE_AFTER_S + 5,),
        )
    second = Recorder(on_server, coding_id, "MB", take_over=True)
    first.record(1000, "feedback", k["Jane"], [k["Sam"]])
    wait_for(changed, lambda: bool(seen) and seen[-1].stopped)
    assert seen[-1].text.startswith("not sending · 1 event waiting · MB took this coding over")
    assert server_events(on_server, coding_id) == []
    # The window's heartbeat hears it from the sender, without a round trip of its own.
    with pytest.raises(CodingTakenOver, match="MB took this coding over"):
        first.heartbeat()
    second.close()
    first.close(deliver_s=0)


def test_the_sender_keeps_the_lock_alive_while_the_observer_types_nothing(
    on_server: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other computers see the coding recorded here by its heartbeat; the sender beats it."""
    from observer.storage import coding_lock

    monkeypatch.setattr(coding_lock, "HEARTBEAT_S", 0.3)
    coding_id, _k = small_coding(on_server)
    recorder = Recorder(on_server, coding_id)

    def heartbeat() -> Any:
        with on_server.engine.connect() as conn:
            return conn.exec_driver_sql(
                "SELECT heartbeat FROM coding_locks WHERE coding_id = %s", (coding_id,)
            ).scalar_one()

    try:
        first = heartbeat()
        deadline = time.monotonic() + 30
        while heartbeat() == first:  # nobody calls recorder.heartbeat() here
            assert time.monotonic() < deadline, "the lock's heartbeat never moved"
            time.sleep(0.05)
        recorder.heartbeat()  # nothing taken over: the window hears nothing amiss
    finally:
        recorder.close()


def test_what_a_crash_left_in_the_outbox_is_sent_at_the_next_opening(on_server: Store) -> None:
    from observer.storage.outbox import Outbox, outbox_path

    coding_id, k = small_coding(on_server)
    recorder = Recorder(on_server, coding_id)
    event = recorder.record(1000, "feedback", k["Jane"], [k["Sam"]])
    assert recorder.delivery is not None and recorder.delivery.wait_until_delivered(30)
    recorder.close()
    # As a killed program leaves it: a change in the outbox the server never saw, and one
    # the server has already (its answer was lost), to be kept once.
    box = Outbox(outbox_path(on_server.location, coding_id))
    [(uid, *_)] = server_events(on_server, coding_id)
    payload = {"coding_id": coding_id, "time_ms": 2000, "end_ms": None, "code": "question",
               "actor": k["Sam"], "targets": [], "modifiers": {}, "note": "",
               "created_at": "2026-12-01T10:00:00+00:00", "awaiting": False}  # fmt: skip
    with box.transaction():
        box.put(uid, "insert", {**payload, "time_ms": event.time_ms})
        box.put("5e4f9a7c-0000-4000-8000-000000000001", "insert", payload)
    box.close()
    reopened = Recorder(on_server, coding_id)
    assert [e.time_ms for e in reopened.events] == [1000, 2000]
    assert json.dumps(server_events(on_server, coding_id)[1][0]) == (
        '"5e4f9a7c-0000-4000-8000-000000000001"'
    )
    reopened.close()


def test_the_app_sends_what_a_crash_left_behind_without_opening_the_coding(
    on_server: Store,
) -> None:
    from observer.storage.outbox import Outbox, outbox_path
    from observer.workspace.delivery import send_left_behind

    coding_id, k = small_coding(on_server)
    box = Outbox(outbox_path(on_server.location, coding_id))
    payload = {"coding_id": coding_id, "time_ms": 2000, "end_ms": None, "code": "question",
               "actor": k["Sam"], "targets": [], "modifiers": {}, "note": "",
               "created_at": "2026-12-01T10:00:00+00:00", "awaiting": False}  # fmt: skip
    with box.transaction():
        box.put("5e4f9a7c-0000-4000-8000-000000000002", "insert", payload)
    box.close()
    someone = Recorder(on_server, coding_id, outbox=False)  # open elsewhere: left to them
    assert send_left_behind(on_server, "RK") == 0
    assert server_events(on_server, coding_id) == []
    someone.close()
    assert send_left_behind(on_server, "RK") == 1
    assert [t for _, t, *_ in server_events(on_server, coding_id)] == [2000]
    assert send_left_behind(on_server, "RK") == 0  # sent once, and gone from the outbox


@pytest.mark.parametrize(
    ("state", "said"),
    [
        (DeliveryState(0), "all delivered"),
        (DeliveryState(12, False), "server unreachable · 12 events waiting"),
        (DeliveryState(0, False, others=1), "server unreachable · 1 change waiting"),
        (DeliveryState(1, True, others=2), "sending · 1 event and 2 other changes waiting"),
    ],
)
def test_the_status_line_names_events_and_other_changes_apart(
    state: DeliveryState, said: str
) -> None:
    """A paused clock or a note waiting is not called an event."""
    assert state.text == said


def test_an_export_and_a_report_say_what_has_not_reached_the_server(
    server: ThrowawayServer, on_server: Store, tmp_path: Any
) -> None:
    """What the server gives lacks what waits on this computer: said before an export is
    written, and on the report's first page, never left out in silence."""
    from observer.formats import carried_over_message, export_notices
    from observer.report import report_for_coding
    from observer.storage.coding_info import coding_info
    from observer.workspace.group_course import group_course
    from tests.observer.helpers import pdf_text

    coding_id, k = small_coding(on_server)
    recorder = Recorder(on_server, coding_id)
    recorder.record(1000, "feedback", k["Jane"], [k["Sam"]])
    assert recorder.delivery is not None and recorder.delivery.wait_until_delivered(30)
    assert export_notices(on_server, [coding_id], "json") == []
    server.stop("immediate")
    try:
        recorder.record(2000, "support", k["Sam"], [k["Jane"]])
        recorder.add_note("Sam looks at the door", 2500)
    finally:
        recorder.close(deliver_s=0)  # the app ends before the server is back
        server.start()
    name = coding_info(on_server, coding_id).name
    said = export_notices(on_server, [coding_id], "csv")
    assert said == [f"{name}: 2 changes made on this computer, not on the server yet"]
    assert carried_over_message(said).startswith("1 thing will not be carried over:")
    path = tmp_path / "report.pdf"
    report_for_coding(on_server, coding_id, path)
    text = pdf_text(path.read_bytes())
    assert "Left out" in text and "2 changes made on this computer, not on the" in text
    course = group_course(on_server, coding_info(on_server, coding_id).group_id)
    label = course.sessions[0].label
    assert course.not_on_server == (
        f"1 session with changes made on this computer, not on the server yet ({label})"
    )
