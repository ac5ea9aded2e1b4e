"""Live entry on a real coding: what the keys describe is what the database holds, at once."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observer.domain.errors import StoreError
from observer.storage.store import open_store
from observer.workspace.live_entry import LiveEntry
from observer.workspace.recording import Recorder
from tests.observer.domain.test_entry_modifiers import scripted_event
from tests.observer.helpers import small_coding


def stored(path: Path, coding_id: int) -> list[tuple[Any, ...]]:
    """The coding's events read afresh, as another program would."""
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT time_ms, code, actor, targets, modifiers, awaiting_modifiers FROM events "
            "WHERE coding_id = ? ORDER BY id",
            (coding_id,),
        ).fetchall()


def typed(desk: LiveEntry, keys: str, at: int = 0) -> Any:
    done = None
    for ch in keys:
        done = desk.key(ch, at)
    return done


@pytest.fixture
def coding(tmp_path: Path) -> tuple[Path, int, dict[str, str]]:
    path = tmp_path / "live.sqlite3"
    store = open_store(path)
    coding_id, keys = small_coding(store)
    store.close()
    return path, coding_id, keys


def test_the_event_is_on_disk_while_its_modifiers_are_chosen(coding: Any) -> None:
    path, coding_id, _ = coding
    recorder = Recorder(open_store(path), coding_id)
    desk = LiveEntry(recorder)
    done = typed(desk, "21c", at=357_000)  # confrontation: valence and intensity to choose
    assert done.recorded is not None and done.timer_ms
    [(time_ms, code, *_rest, awaiting)] = stored(path, coding_id)
    assert (time_ms, code, awaiting) == (357_000, "confrontation", 1)
    # A crash now: the coding, looked at again, says which event still lacks its modifiers.
    reopened = Recorder(open_store(path), coding_id, read_only=True)
    [lacking] = reopened.awaiting_modifiers()
    assert lacking.id == done.recorded.id
    typed(desk, "nh")
    [(_t, _c, _a, _tg, modifiers, awaiting)] = stored(path, coding_id)
    assert (modifiers, awaiting) == ('{"valence": "negative", "intensity": "high"}', 0)


def test_one_undo_takes_the_event_with_its_modifiers_and_ids_are_never_reused(
    coding: Any,
) -> None:
    path, coding_id, _ = coding
    recorder = Recorder(open_store(path), coding_id)
    desk = LiveEntry(recorder)
    first = typed(desk, "21c").recorded
    typed(desk, "pl")
    recorder.undo()
    assert stored(path, coding_id) == []
    again = typed(desk, "12q").recorded
    assert again.id != first.id


def test_escape_in_the_strip_discards_and_says_how_to_bring_it_back(coding: Any) -> None:
    path, coding_id, _ = coding
    desk = LiveEntry(Recorder(open_store(path), coding_id))
    typed(desk, "21f")
    done = desk.key("\x1b", 0)
    assert done.discarded is not None and "Ctrl+Z brings it back" in done.message
    assert stored(path, coding_id) == []


def test_a_late_value_key_reaches_the_stored_event(coding: Any) -> None:
    path, coding_id, _ = coding
    desk = LiveEntry(Recorder(open_store(path), coding_id))
    typed(desk, "21f", at=1000)
    desk.timeout()  # the strip closed by itself
    done = typed(desk, "p")
    assert "added" in done.message
    typed(desk, "12q", at=2000)
    assert [(r[1], r[4]) for r in stored(path, coding_id)] == [
        ("feedback", '{"valence": "positive"}'),
        ("question", "{}"),
    ]


def test_a_failed_save_is_kept_as_unsaved_and_saved_again_on_enter(
    coding: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, coding_id, _ = coding
    recorder = Recorder(open_store(path), coding_id)
    desk = LiveEntry(recorder)
    real = recorder.record

    def full_disk(*args: Any, **kwargs: Any) -> Any:
        raise StoreError("Not saved: the disk is full. Free some space, then try again.")

    monkeypatch.setattr(recorder, "record", full_disk)
    done = typed(desk, "12q", at=5_970)
    assert done.failed and len(done.unsaved) == 1
    assert "Not saved: the disk is full" in done.message and "Press Enter to save" in done.message
    assert stored(path, coding_id) == []
    monkeypatch.setattr(recorder, "record", real)
    done = desk.key("\r", 9_000)
    assert not done.failed and done.recorded is not None and desk.unsaved == []
    assert [(r[0], r[1]) for r in stored(path, coding_id)] == [(5_970, "question")]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    script=st.lists(
        # Acts only: a second withdrawal by the same person would end the first, not add one.
        scripted_event().filter(lambda s: s[1]["code"] != "withdrawal"),
        min_size=1,
        max_size=6,
    )
)
def test_a_scripted_session_is_on_disk_exactly(tmp_path: Path, script: list[Any]) -> None:
    path = tmp_path / f"s{abs(hash(repr(script)))}.sqlite3"
    store = open_store(path)
    coding_id, _keys = small_coding(store)
    desk = LiveEntry(Recorder(store, coding_id))
    expected = []
    for at, (inputs, event) in enumerate(script):
        for item in inputs:
            if item == "TIMEOUT":
                desk.timeout()
            elif isinstance(item, tuple):
                desk.choose_modifier(item[1], item[2])
            else:
                desk.key(item, at * 1000)
        desk.finish()
        expected.append((at * 1000, event["code"], event["modifiers"]))
    got = [(r[0], r[1], json.loads(r[4])) for r in stored(path, coding_id)]
    assert got == expected
    assert all(r[5] == 0 for r in stored(path, coding_id))
    store.close()
