"""The header's group mode at a moment: the latest mode begun by then and not yet ended."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from observer.domain.codebook import combine, shipped_codebook
from observer.domain.events import Changes, Event
from ui.group_mode import GroupModes

PALETTE = combine([shipped_codebook("here-and-now"), shipped_codebook("bion")])
MODES = ("work", "dependency", "fight-flight", "pairing")
CODES = (*MODES, "question", "feedback")  # modes and other codes, which never count


def mode_at(events: dict[int, Event], time_ms: int) -> Event | None:
    """What the pill should show, by its definition, over every event."""
    running = [e for e in events.values() if e.code in MODES and e.time_ms <= time_ms
               and (e.end_ms is None or time_ms < e.end_ms)]  # fmt: skip
    return max(running, key=lambda e: e.sort_key, default=None)


times = st.integers(0, 60_000)
added = st.builds(
    lambda t, code, length: ("add", t, code, length),
    times, st.sampled_from(CODES), st.none() | st.integers(1, 20_000),
)  # fmt: skip
edits = st.builds(lambda i, t: ("move", i, t), st.integers(0, 40), times)
removals = st.builds(lambda i: ("remove", i), st.integers(0, 40))


@given(st.lists(st.one_of(added, edits, removals), max_size=40), st.lists(times, max_size=10))
def test_the_mode_at_a_moment_follows_every_change(steps: list[tuple], moments: list[int]) -> None:
    events: dict[int, Event] = {}
    modes = GroupModes(PALETTE, [])
    for number, step in enumerate(steps):
        if step[0] == "add":
            _, t, code, length = step
            e = Event(number, t, code, "group", end_ms=None if length is None else t + length)
            events[e.id] = e
            change = Changes("Record", added=(e,))
        elif step[0] == "move" and step[1] in events:
            old = events[step[1]]
            end = None if old.end_ms is None else old.end_ms - old.time_ms + step[2]
            e = events[old.id] = replace(old, time_ms=step[2], end_ms=end)
            change = Changes("Edit", changed=(e,))
        elif step[0] == "remove" and step[1] in events:
            e = events.pop(step[1])
            change = Changes("Delete", removed=(e.id,))
        else:
            continue
        # The header is refreshed when, and only when, a mode was touched.
        assert modes.update(change) == (e.code in MODES)
    for moment in [*moments, 0, 60_000, 80_000]:
        assert modes.at(moment) == mode_at(events, moment)


def test_a_coding_opened_knows_its_modes() -> None:
    events = [
        Event(1, 1_000, "work", "group", end_ms=5_000),
        Event(2, 3_000, "question", "m1", ("group",)),
        Event(3, 5_000, "dependency", "group"),
    ]
    modes = GroupModes(PALETTE, events)
    assert modes.at(999) is None
    assert modes.at(4_999) == events[0]
    assert modes.at(5_000) == events[2]  # where two touch, the later one
    assert modes.at(10**9) == events[2]  # still running
