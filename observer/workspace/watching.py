"""Watching a server live: PostgreSQL's LISTEN/NOTIFY, heard on a thread of its own (no Qt).

The server's triggers (migration 0013) announce every event recorded, changed or deleted
(``observer_events``, with the coding's id) and every new coding (``observer_codings``,
with the session's id). A :class:`Watcher` listens on one connection of its own and calls
back at once: a supervisor's read-only window follows a coding as it is recorded, and the
start screen shows a co-observer's new coding, without polling.

When the connection is lost the watcher connects again (after 0.2 s, then longer up to
5 s) and calls back with ``RECONNECTED``: what was announced meanwhile was not heard, so
whoever follows reads afresh.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from observer.storage.store import NETWORK_LIMITS, Store

EVENTS = "observer_events"
CODINGS = "observer_codings"
RECONNECTED = "reconnected"

Heard = Callable[[str, int], None]  # (channel, coding or session id); 0 with RECONNECTED


class Watcher:
    """Listens to a server database's notices and calls ``heard`` for each (its thread)."""

    def __init__(self, store: Store, heard: Heard) -> None:
        if store.is_sqlite:
            raise ValueError("Only a server database announces its changes.")
        self.store = store
        self._heard = heard
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="server-watcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait_until_listening(self, timeout_s: float) -> bool:
        """Whether the watcher listens now (a notice sent after this is heard)."""
        return self._listening.wait(timeout_s)

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2.0)

    def _run(self) -> None:
        delay = 0.2
        first = True
        while not self._stop.is_set():
            try:
                with self._connect() as conn:
                    conn.execute(f"LISTEN {EVENTS}")
                    conn.execute(f"LISTEN {CODINGS}")
                    self._listening.set()
                    if not first:
                        self._heard(RECONNECTED, 0)
                    first, delay = False, 0.2
                    while not self._stop.is_set():
                        # Returns after the timeout even when nothing came: to see _stop.
                        for notice in conn.notifies(timeout=0.25):
                            self._tell(notice.channel, notice.payload)
            except Exception:  # the server is gone for now: listen again when it is back
                self._listening.clear()
                self._stop.wait(delay)
                delay = min(delay * 2, 5.0)

    def _tell(self, channel: str, payload: str) -> None:
        with suppress(ValueError):
            self._heard(channel, int(payload))

    def _connect(self) -> Any:
        import psycopg

        engine = self.store.engine
        args, options = engine.dialect.create_connect_args(engine.url)
        given = {**NETWORK_LIMITS, **options}
        return psycopg.connect(*args, **given, autocommit=True)
