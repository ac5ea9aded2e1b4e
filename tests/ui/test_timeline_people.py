"""The timeline's tracks name people as the coding tells them apart, and follow arrivals."""

from __future__ import annotations

from typing import Any

from tests.observer.helpers import two_sams
from tests.ui.conftest import open_window


def test_two_members_called_sam_have_two_tracks_told_apart(
    store: Any, fake_time: Any, qtbot: Any
) -> None:
    coding_id, _keys = two_sams(store)
    window = open_window(store, coding_id, fake_time, qtbot)
    names = [name for name, _present in window.timeline.track_names()]
    assert "Sam (SK)" in names and "Sam (SM)" in names
