"""Live airtime in the real app on a real X screen: a key held down and let up, with the
keyboard's own auto-repeat, and a kill while a key is down."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from test_real_window import App, seat_keys

from observer.storage.store import open_store
from tests.observer.helpers import small_coding
from tests.screen import virtual_screen

pytestmark = pytest.mark.slow


def turns(path: Path, coding_id: int) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT actor, time_ms, end_ms FROM events WHERE coding_id = ? AND code = "
            "'speaking' ORDER BY id",
            (coding_id,),
        ).fetchall()


def test_a_held_key_is_a_turn_and_a_kill_while_held_leaves_it_ended(tmp_path: Path) -> None:
    path = tmp_path / "session.sqlite3"
    store = open_store(path)
    coding_id, _names = small_coding(store, ("here-and-now", "bion", "airtime"))
    member = seat_keys(store, coding_id)
    store.close()
    with virtual_screen() as screen:
        app = App(screen, path, coding_id)
        app.start()
        app.type(["F5"])
        screen.xdotool("keydown", "1")
        app.wait_for(lambda: len(turns(path, coding_id)) == 1)  # begun while still held
        time.sleep(1.0)  # the member speaks on: real time passes, the keyboard repeats
        screen.xdotool("keyup", "1")
        app.wait_for(lambda: turns(path, coding_id)[0][2] is not None)
        [(actor, start, end)] = turns(path, coding_id)
        assert actor == member["1"] and end - start >= 1_000
        app.type(["2"])  # a tap: only an actor chosen, no turn
        app.type(["Escape"])
        screen.xdotool("keydown", "3")
        app.wait_for(lambda: len(turns(path, coding_id)) == 2)
        app.kill()  # the app is gone with the key down
        screen.xdotool("keyup", "3")
        app.start()
        app.wait_for(lambda: turns(path, coding_id)[1][2] is not None)
        app.kill()
    [_first, (actor, start, end)] = turns(path, coding_id)
    assert actor == member["3"] and end >= start
