"""The bridge: every change-set of a database as a Qt signal, in the GUI thread, once."""

from __future__ import annotations

import threading
from typing import Any

from observer.domain.events import Changes
from observer.workspace.changes import ChangeSet, Kind, notices_of, recorded
from observer.workspace.workspace import Workspace
from ui.bridge import CodingNotices, bridge_for


def test_one_bridge_per_database(store: Any, demo_store: Any) -> None:
    bridge = bridge_for(notices_of(store))
    assert bridge_for(Workspace(store).notices) is bridge
    assert bridge_for(notices_of(demo_store)) is not bridge


def test_a_change_in_the_gui_thread_is_signalled_at_once(store: Any) -> None:
    heard: list[ChangeSet] = []
    bridge_for(notices_of(store)).changed.connect(heard.append)
    changes = Workspace(store).create_group("Monday group")
    assert heard == [changes]  # no event loop needed: recording stays synchronous


def test_a_change_made_on_a_worker_thread_arrives_in_the_gui_thread(store: Any, qtbot: Any) -> None:
    heard: list[tuple[str, bool]] = []
    bridge = bridge_for(notices_of(store))
    bridge.changed.connect(
        lambda c: heard.append((c.label, threading.current_thread() is threading.main_thread()))
    )
    worker = threading.Thread(target=lambda: Workspace(store).create_group("From a worker"))
    with qtbot.waitSignal(bridge.changed, timeout=10_000):
        worker.start()
        worker.join()
        assert heard == []  # handed over, not called on the worker thread
    assert heard == [("New group", True)]


def test_a_coding_window_hears_its_own_coding_only(store: Any) -> None:
    notices = notices_of(store)
    relay = CodingNotices(notices, 7)
    heard: list[Changes] = []
    relay.changed.connect(heard.append)
    mine, other = Changes("Record Support"), Changes("Record Feedback")
    notices.announce(recorded(7, mine))
    notices.announce(recorded(8, other))
    notices.announce(ChangeSet("Close coding", changed={Kind.CODING: (7,)}))
    assert heard == [mine]
    relay.stop()
    relay.stop()  # twice is harmless
    notices.announce(recorded(7, mine))
    assert heard == [mine]
