"""A clinic's server: catching up, watching live, and key presses over a slow link.

Against a throwaway PostgreSQL server started for the run (``tests/postgres_server.py``,
here with TCP on localhost). ``server_catch_up``: 10,000 events waiting in a coding's
outbox (as a dropped network leaves them) delivered to the server. ``live_watch_lag``: an
event recorded by one observer until a read-only opening elsewhere has it, through
LISTEN/NOTIFY. ``live_keypress_server``: ``live_keypress`` with the server reached through
a proxy that adds 25 ms each way (50 ms a round trip), where ``tc netem`` is unavailable.
"""

from __future__ import annotations

import queue
import socket
import subprocess
import threading
import time
from typing import Any

from benchmarks._timing import summary
from benchmarks.bench_recording import seeded_coding

CATCH_UP = 10_000
WATCHED = 200
ONE_WAY_DELAY_S = 0.025
SERVER_EVENTS = 100_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server() -> Any:
    """A throwaway server listening on a free TCP port of localhost."""
    from tests.postgres_server import ThrowawayServer, as_server_user

    class TcpServer(ThrowawayServer):
        def start(self) -> None:
            if not hasattr(self, "port"):
                self.port = _free_port()
            options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
            subprocess.run(
                as_server_user([self._pg_ctl, "-D", str(self.data), "-o", options,
                                "-l", str(self.folder / "log"), "-w", "start"]),
                check=True, capture_output=True,
            )  # fmt: skip
            self.url = f"postgresql://observer@127.0.0.1:{self.port}/postgres?sslmode=disable"

    return TcpServer()


class DelayingProxy:
    """Forwards TCP connections to ``port``, each byte ``delay_s`` late in each direction.

    In a process of its own, so that its threads never compete with the app's for the GIL.
    """

    def __init__(self, port: int, delay_s: float) -> None:
        import multiprocessing

        listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(listener.getsockname()[1])
        context = multiprocessing.get_context("fork")
        self.process = context.Process(target=_proxy, args=(listener, port, delay_s), daemon=True)
        self.process.start()
        listener.close()

    def close(self) -> None:
        self.process.kill()
        self.process.join()


def _proxy(listener: socket.socket, target: int, delay_s: float) -> None:
    while True:
        client, _ = listener.accept()
        upstream = socket.create_connection(("127.0.0.1", target))
        for a, b in ((client, upstream), (upstream, client)):
            a.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            late: queue.Queue[tuple[float, bytes]] = queue.Queue()
            threading.Thread(target=_read, args=(a, late, delay_s), daemon=True).start()
            threading.Thread(target=_write, args=(b, late), daemon=True).start()


def _read(source: socket.socket, late: queue.Queue[tuple[float, bytes]], delay_s: float) -> None:
    while True:
        try:
            data = source.recv(65536)
        except OSError:
            data = b""
        late.put((time.monotonic() + delay_s, data))
        if not data:
            return


def _write(sink: socket.socket, late: queue.Queue[tuple[float, bytes]]) -> None:
    while True:
        due, data = late.get()
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)  # the link's latency itself
        if not data:
            sink.close()
            return
        try:
            sink.sendall(data)
        except OSError:
            return


def server_catch_up() -> dict[str, Any]:
    from observer.domain.events import Event
    from observer.domain.uids import new_uid
    from observer.storage.coding_writer import CodingWriter
    from observer.workspace.delivery import Delivery
    from observer.workspace.event_writes import OutboxRows

    server = _server()
    try:
        store, coding_id = seeded_coding(0, server.new_database("catch_up"))
        writer = CodingWriter(store, coding_id, "BM")
        delivery = Delivery(store, coding_id, writer.lock)
        rows = OutboxRows(delivery.outbox, coding_id, "BM", lambda: None)
        keys = [p for p in ("m1", "m2", "m3", "m4")]
        with delivery.outbox.transaction():
            for i in range(CATCH_UP):
                event = Event(0, i * 100, "feedback", keys[i % 4], (keys[(i + 1) % 4],))
                rows.insert(event, new_uid(), False, rows.now())
        began = time.perf_counter()
        delivery.send_waiting()
        took = (time.perf_counter() - began) * 1000
        with store.engine.connect() as conn:
            kept = conn.exec_driver_sql("SELECT count(*) FROM events").scalar()
        assert kept == CATCH_UP, kept
        delivery.close()
        writer.close()
        store.close()
    finally:
        server.close()
    return summary([took], events=CATCH_UP, target="< 5 s")


def live_watch_lag() -> dict[str, Any]:
    from observer.workspace.recording import Recorder
    from observer.workspace.watching import EVENTS, Watcher

    server = _server()
    try:
        store, coding_id = seeded_coding(0, server.new_database("watch_lag"))
        recording = Recorder(store, coding_id)
        supervisor = Recorder(store, coding_id, "SV", read_only=True)
        keys = [p.key for p in recording.info.participants if p.key.startswith("m")]
        seen: queue.Queue[float] = queue.Queue()

        def heard(channel: str, about: int) -> None:
            if channel == EVENTS and about == coding_id:
                changes = supervisor.follow()
                if changes is not None:
                    for _ in changes.added:
                        seen.put(time.perf_counter())

        watcher = Watcher(store, heard)
        watcher.start()
        assert watcher.wait_until_listening(30)
        samples = []
        for i in range(WATCHED):
            began = time.perf_counter()
            recording.record(i * 1000, "feedback", keys[i % 4], (keys[(i + 1) % 4],))
            samples.append((seen.get(timeout=30) - began) * 1000)
        watcher.close()
        recording.close()
        supervisor.close()
        store.close()
    finally:
        server.close()
    return summary(samples, target="median < 300 ms")


def live_keypress_server() -> dict[str, Any]:
    from benchmarks.bench_live import _live_keypress
    from observer.storage.store import open_store

    server = _server()
    try:
        direct = server.new_database("keypress")
        seeded_coding(SERVER_EVENTS, direct)[0].close()
        proxy = DelayingProxy(server.port, ONE_WAY_DELAY_S)
        slow = direct.replace(f":{server.port}/", f":{proxy.port}/")
        coding_id = 1

        def database() -> tuple[Any, int]:
            return open_store(slow), coding_id

        try:
            figures = _live_keypress(side_panels=True, database=database)
        finally:
            proxy.close()
    finally:
        server.close()
    return {**figures, "added_latency_ms": round(2 * ONE_WAY_DELAY_S * 1000)}


BENCHMARKS = {
    "server_catch_up": server_catch_up,
    "live_watch_lag": live_watch_lag,
    "live_keypress_server": live_keypress_server,
}
