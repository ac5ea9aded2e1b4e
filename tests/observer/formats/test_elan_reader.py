"""ELAN files read by a real EAF reader (pympi-ling): every annotation's times and values."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from observer.analysis.agreement import closed_events
from observer.domain.events import Event
from observer.domain.participants import GROUP
from observer.formats import export_coding, export_notices
from observer.storage.event_rows import insert_events
from observer.storage.read_coding import from_coding
from observer.workspace.recording import Recorder

pympi = pytest.importorskip("pympi", reason="pympi-ling (the test extra) reads EAF files")


def annotations(path: Path) -> Counter[tuple[str, int, int, str]]:
    """(participant, start, end, value) of every code annotation."""
    eaf = pympi.Elan.Eaf(str(path))
    found: Counter[tuple[str, int, int, str]] = Counter()
    for tier, (_aligned, _refs, attributes, _ordinal) in eaf.tiers.items():
        if attributes.get("LINGUISTIC_TYPE_REF") != "code":
            continue
        for start, end, value in eaf.get_annotation_data_for_tier(tier):
            found[(attributes["PARTICIPANT"], start, end, value)] += 1
    return found


def test_every_state_and_act_is_read_back(demo_store: Any, tmp_path: Path) -> None:
    recorder = Recorder(demo_store, 3)
    recorder.record(4_702_000, "pairing", GROUP)  # still running at the end
    jane = next(p.key for p in recorder.info.participants if p.label == "Jane")
    recorder.record(4_760_000, "humour", jane)  # the coding's end
    recorder.close()
    data = from_coding(demo_store, 3)
    path = tmp_path / "c.eaf"
    export_coding(demo_store, 3, "eaf", path)
    found = annotations(path)
    assert sum(found.values()) == len(data.events)
    closed = closed_events(data)
    states = Counter((data.name_of(e.actor), e.time_ms, e.end_ms, e.code)
                     for e in closed if e.end_ms is not None)  # fmt: skip
    assert states and states <= found  # every state with its own start and end
    starts = Counter((data.name_of(e.actor), e.time_ms, e.code) for e in closed)
    assert Counter((who, start, value) for who, start, _end, value in found.elements()) == starts
    running = [(e.time_ms, e.end_ms) for e in closed if e.code == "pairing"][-1]
    assert running == (4_702_000, data.duration_ms) == (4_702_000, 4_760_000)


def test_running_state_lasts_until_the_codings_end(store: Any, tmp_path: Path) -> None:
    from tests.observer.formats.test_boris_export_cases import own_coding

    coding, keys = own_coding(store)
    insert_events(store, coding, [
        Event(0, 190_000, "work", GROUP),
        Event(0, 377_000, "feedback", keys["Jane"], (keys["Sam"],)),
    ])  # fmt: skip
    notices = export_notices(store, [coding], "eaf")
    assert any("1 state still running ends at the coding's end (06:17.000)" in n for n in notices)
    path = tmp_path / "w.eaf"
    export_coding(store, coding, "eaf", path)
    found = annotations(path)
    assert ("group", 190_000, 377_000, "work") in found
