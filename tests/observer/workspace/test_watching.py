"""Watching a server live: a read-only opening follows a coding as someone records it, and
a new coding is heard of at once (LISTEN/NOTIFY on a real throwaway server, no polling)."""

from __future__ import annotations

import threading

import pytest

from observer.domain.events import Changes
from observer.storage.coding_info import coding_info
from observer.storage.store import open_store
from observer.workspace.codings import new_coding
from observer.workspace.recording import Recorder
from observer.workspace.watching import CODINGS, EVENTS, RECONNECTED, Watcher
from tests.observer.helpers import small_coding
from tests.postgres_server import ThrowawayServer

pytestmark = pytest.mark.slow


class Heard:
    """What a watcher heard, with a way to wait for a notice (with a deadline)."""

    def __init__(self) -> None:
        self.notices: list[tuple[str, int]] = []
        self._came = threading.Condition()

    def __call__(self, channel: str, about: int) -> None:
        with self._came:
            self.notices.append((channel, about))
            self._came.notify_all()

    def wait_for(self, notice: tuple[str, int], timeout: float = 30) -> None:
        with self._came:
            assert self._came.wait_for(lambda: notice in self.notices, timeout), self.notices


def test_a_read_only_opening_grows_as_someone_records(server: ThrowawayServer) -> None:
    store = open_store(server.new_database("watched"))
    coding_id, k = small_coding(store)
    heard = Heard()
    watcher = Watcher(store, heard)
    watcher.start()
    assert watcher.wait_until_listening(30)
    recording = Recorder(store, coding_id)
    supervisor = Recorder(store, coding_id, "SV", read_only=True)
    seen: list[Changes] = []
    supervisor.subscribe(seen.append)
    event = recording.record(1000, "feedback", k["Jane"], [k["Sam"]])
    heard.wait_for((EVENTS, coding_id))
    changes = supervisor.follow()
    assert changes is not None and seen == [changes]
    [shown] = changes.added
    assert (shown.time_ms, shown.code, shown.actor) == (event.time_ms, "feedback", k["Jane"])
    assert supervisor.follow() is None  # nothing new: nothing announced
    heard.notices.clear()
    recording.edit(event.id, time_ms=1500)  # a correction is followed too
    heard.wait_for((EVENTS, coding_id))
    edited = supervisor.follow()
    assert edited is not None and [e.time_ms for e in edited.changed] == [1500]
    session = coding_info(store, coding_id).session_id
    second = new_coding(store, session, "MB", ["here-and-now"])  # a co-observer starts
    heard.wait_for((CODINGS, session))
    assert second != coding_id
    recording.close()
    supervisor.close()
    watcher.close()
    store.close()


def test_a_watcher_listens_again_after_the_server_restarts(server: ThrowawayServer) -> None:
    store = open_store(server.new_database("watched_again"))
    coding_id, k = small_coding(store)
    heard = Heard()
    watcher = Watcher(store, heard)
    watcher.start()
    assert watcher.wait_until_listening(30)
    recording = Recorder(store, coding_id)
    server.stop("immediate")
    server.start()
    heard.wait_for((RECONNECTED, 0))
    recording.record(1000, "feedback", k["Jane"], [k["Sam"]])
    heard.wait_for((EVENTS, coding_id))
    recording.close()
    watcher.close()
    store.close()
