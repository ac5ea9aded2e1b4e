"""The coding window's running states: the group's mode now, by the one basic-assumption rule."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observer.domain.basic_assumption import BASIC_ASSUMPTION, BION_MODES, mode_at, mode_codes
from observer.storage.store import open_store
from observer.workspace.recording import Recorder
from tests.observer.helpers import small_coding
from ui.live_state import RunningStates

# What an observer does to the group's mode: start one, stop the running one, undo.
steps = st.lists(
    st.one_of(st.sampled_from(BION_MODES), st.just("stop"), st.just("undo")),
    min_size=1,
    max_size=10,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_the_window_shows_the_mode_the_record_holds_now(actions: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "observer.sqlite3")
        coding_id, _keys = small_coding(store)
        recorder = Recorder(store, coding_id)
        states = RunningStates(recorder)
        modes = mode_codes(recorder.palette.codes)
        now = 0
        try:
            for action in actions:
                now += 1_000
                running = states.mode()
                if action == "undo":
                    recorder.undo()
                elif action == "stop":
                    if running is not None:
                        recorder.stop_state(running.id, now)
                else:
                    recorder.record(now, action, "group")
                recorded = [e for e in recorder.events if e.code in modes]
                expected = mode_at(recorded, recorded[-1].time_ms) if recorded else None
                if expected is not None and expected.end_ms is not None:
                    expected = None  # stopped: no mode runs now
                assert states.mode() == expected
                assert recorder.current_state(BASIC_ASSUMPTION, "group") == expected
        finally:
            recorder.close()
            store.close()
