"""A scripted live session typed into the real app on a real X screen, with kills.

Over 300 events are typed with xdotool as a co-therapist types them: menus opened with
the mouse and closed with Escape, modifiers chosen by key, by a click on the strip (found
on a screenshot by its colour), left to their defaults and given late, undo and redo, and
three ``kill -9`` at random moments (one while a strip is open). The database must then
hold exactly the events the script describes.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from observer.domain.codebook import combine, shipped_codebook
from observer.storage.store import open_store
from tests.observer.helpers import small_coding
from tests.screen import Screen, virtual_screen

pytestmark = pytest.mark.slow

PALETTE = combine([shipped_codebook("here-and-now"), shipped_codebook("bion")])
ACTS = "fcdqsarihte"  # point codes only: a state typed twice would end, not add
SEATS = "12345"
LATE_WAIT_S = 7.0  # the strip closes by itself after 6 s; its grace lasts 4 s more
CLICK = ("CLICK",)
STRIP = (255, 253, 246)  # the modifier strip's background, found on a screenshot


@dataclass
class Script:
    """What has been typed so far, and the events it describes (in the order recorded)."""

    rng: random.Random
    expected: list[dict[str, Any]] = field(default_factory=list)
    undone: list[dict[str, Any]] = field(default_factory=list)

    def event(
        self, late: bool = False, leave_open: bool = False, mouse: bool = False
    ) -> list[str | float | tuple[str]]:
        """Keys for one event (a float is a pause in seconds, for a late modifier; CLICK, a
        click on the strip's first value)."""
        rng = self.rng
        actor = rng.choice(SEATS)
        code_key = rng.choice(ACTS)
        code = PALETTE.by_key(code_key)
        assert code is not None
        keys: list[str | float | tuple[str]] = [actor]
        targets: tuple[str, ...] = ()
        if code.target == "required" or rng.random() < 0.7:
            target = rng.choice([s for s in SEATS if s != actor] + ["space"])
            keys.append(target)
            targets = (target,)
        else:
            keys.append("Return")
        keys.append(code_key)
        sets = [s for s in (PALETTE.modifier_set(m, code) for m in code.modifiers) if s]
        chosen: dict[str, str] = {}
        for i, modifier_set in enumerate(sets):
            if late and i == 0:
                value = rng.choice([v for v in modifier_set.values if v.key])
                keys += [LATE_WAIT_S, value.key]  # after the strip closed by itself
                chosen[modifier_set.id] = value.id
                break
            if leave_open:
                break  # the next event's first key closes the strip with its defaults
            if mouse and i == 0:
                keys.append(CLICK)  # the strip's first value, with the mouse
                chosen[modifier_set.id] = modifier_set.values[0].id
                continue
            how = rng.choice(["key", "key", "enter"])
            if how == "key":
                value = rng.choice([v for v in modifier_set.values if v.key])
                # 'm' is both "mixed" and "medium": it means the value of the current set.
                keys.append(value.key)
                chosen[modifier_set.id] = value.id
            else:
                keys.append("Return")
        for modifier_set in sets:
            if modifier_set.id not in chosen and modifier_set.default:
                chosen[modifier_set.id] = modifier_set.default
        self.expected.append(
            {"code": code.id, "actor": actor, "targets": targets, "modifiers": chosen}
        )
        self.undone.clear()
        return keys


def seat_keys(store: Any, coding_id: int) -> dict[str, str]:
    from observer.storage.coding_info import coding_info

    people = [p for p in coding_info(store, coding_id).participants if p.seat >= 0]
    out = {str(i + 1): p.key for i, p in enumerate(sorted(people, key=lambda p: p.seat))}
    out["space"] = "group"
    return out


def events_on_disk(path: Path, coding_id: int) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT code, actor, targets, modifiers FROM events WHERE coding_id = ? ORDER BY id",
            (coding_id,),
        ).fetchall()


def as_typed(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Rows of ``events_on_disk`` in the script's terms."""
    return [
        {"code": code, "actor": actor, "targets": tuple(json.loads(targets)),
         "modifiers": json.loads(modifiers)}
        for code, actor, targets, modifiers in rows
    ]  # fmt: skip


def _first_difference(
    on_disk: list[tuple[Any, ...]], expected: list[dict[str, Any]], keys_of: dict[str, str]
) -> str:
    """Where the events on disk first differ from those typed (for a failure to say)."""
    for n, (row, e) in enumerate(zip(on_disk, expected, strict=False)):
        code, actor, targets, _modifiers = row
        if (code, actor, tuple(json.loads(targets))) != (
            e["code"],
            keys_of[e["actor"]],
            tuple(keys_of[t] for t in e["targets"]),
        ):
            return f"{len(on_disk)} on disk, {len(expected)} typed; #{n}: {row} for {e}"
    return f"{len(on_disk)} on disk, {len(expected)} typed; the same as far as both go"


class App:
    """The real program on the virtual screen."""

    def __init__(self, screen: Screen, path: Path, coding_id: int) -> None:
        self.screen, self.path, self.coding_id = screen, path, coding_id
        self.process: subprocess.Popen[bytes] | None = None
        self.window = ""

    def start(self) -> None:
        command = Path(sys.executable).with_name("group-observer")
        self.process = subprocess.Popen(
            [str(command), "--db", str(self.path), "--coding", str(self.coding_id)],
            env=self.screen.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.window = self.screen.window("Tuesday group")
        self.screen.focus(self.window)

    def type(self, keys: list[str | float | tuple[str]]) -> None:
        batch: list[str] = []
        for key in keys:
            if isinstance(key, tuple):
                self.screen.keys(batch)
                batch = []
                self.click_first_value()
            elif isinstance(key, float):
                self.screen.keys(batch)
                batch = []
                time.sleep(key)  # the strip must close by itself: real time passes
            else:
                batch.append(key)
        self.screen.keys(batch)

    def click_first_value(self) -> None:
        """Click the first value of the modifier strip, found by its colour on the screen."""
        import matplotlib.image as image
        import numpy as np

        shot = self.path.with_name("screen.png")
        deadline = time.monotonic() + 10
        while True:
            subprocess.run(["import", "-window", "root", str(shot)], env=self.screen.env,
                           check=True, timeout=30)  # fmt: skip
            pixels = (image.imread(str(shot))[:, :, :3] * 255).round().astype(int)
            rows, cols = np.nonzero((np.abs(pixels - np.array(STRIP)) <= 1).all(axis=2))
            if len(rows) > 200:
                break
            assert time.monotonic() < deadline, "the modifier strip did not show"
            time.sleep(0.1)  # polling for the strip to be drawn
        y = int((rows.min() + rows.max()) // 2)
        x = int(cols.min()) + 30  # inside the first value's button
        self.screen.xdotool("mousemove", str(x), str(y), "click", "1")
        self.screen.focus(self.window)

    def open_and_escape_a_menu(self) -> None:
        self.screen.click(self.window, 45, 10)  # Edit, in the menu bar
        time.sleep(0.4)  # the menu opens (a person looks at it)
        self.screen.keys(["Escape"])

    def wait_for(
        self, done: Callable[[], bool], timeout_s: float = 30.0, state: Callable[[], str] = str
    ) -> None:
        deadline = time.monotonic() + timeout_s
        while not done():
            assert self.process is not None and self.process.poll() is None, self.errors()
            assert time.monotonic() < deadline, f"the app did not catch up: {state()}"
            time.sleep(0.05)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def errors(self) -> str:
        if self.process is None or self.process.stderr is None or self.process.poll() is None:
            return ""
        return self.process.stderr.read().decode(errors="replace")


def test_a_scripted_session_with_menus_undo_and_kills_is_on_disk_exactly(
    tmp_path: Path,
) -> None:
    path = tmp_path / "session.sqlite3"
    store = open_store(path)
    coding_id, _names = small_coding(store)
    keys_of = seat_keys(store, coding_id)
    store.close()
    rng = random.Random(20261201)
    script = Script(rng)
    segments = [80, 90, 70, 75]  # three kills between four runs of the app: 315 events
    late_at = {(0, 20), (2, 33)}
    menu_every = 17
    with virtual_screen() as screen:
        app = App(screen, path, coding_id)
        app.start()

        def wanted() -> list[dict[str, Any]]:
            return [
                {**e, "actor": keys_of[e["actor"]],
                 "targets": tuple(keys_of[t] for t in e["targets"])}
                for e in script.expected
            ]  # fmt: skip

        app.type(["F5"])
        for segment, count in enumerate(segments):
            for i in range(count):
                if i % menu_every == 5:
                    app.open_and_escape_a_menu()
                leave_open = rng.random() < 0.15
                mouse = not leave_open and i % 19 == 7
                app.type(script.event((segment, i) in late_at, leave_open, mouse))
                if i % 23 == 11:  # undo the last event, and sometimes redo it
                    app.type(["ctrl+z"])
                    script.undone.append(script.expected.pop())
                    if rng.random() < 0.5:
                        app.type(["ctrl+shift+z"])
                        script.expected.append(script.undone.pop())
            if segment == len(segments) - 1:
                break
            # A kill at a random moment: after the last event's keys, one with its strip
            # still open (its code typed, modifiers not yet chosen: kept, without them).
            if segment == 1:
                keys = script.event(leave_open=True)
                app.type(keys[:3])
                script.expected[-1]["modifiers"] = {}
            # Killed once every key typed has been handled (the last one may be a modifier,
            # saved after its event): what is on disk is then all that was on screen.
            app.wait_for(
                lambda: as_typed(events_on_disk(path, coding_id)) == wanted(),
                state=lambda: _first_difference(
                    events_on_disk(path, coding_id), script.expected, keys_of
                ),
            )
            app.kill()
            app.start()
            app.type(["F5"])
        app.wait_for(
            lambda: as_typed(events_on_disk(path, coding_id)) == wanted(),
            state=lambda: _first_difference(
                events_on_disk(path, coding_id), script.expected, keys_of
            ),
        )
        app.kill()
    assert len(wanted()) >= 300
    assert as_typed(events_on_disk(path, coding_id)) == wanted()
