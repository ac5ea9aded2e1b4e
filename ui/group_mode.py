"""The group's basic-assumption mode at a moment: what the header's pill shows at "now".

Now is the live clock or the frame on screen; either way the pill is asked on every
tick of the clock, so the mode events are kept apart, in time order, from the
recorder's change notices: a look-up is a bisection, not a pass over a long coding.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from observer.domain.basic_assumption import mode_at, mode_codes
from observer.domain.codebook import Palette
from observer.domain.events import Changes, Event


def _key(e: Event) -> tuple[int, int]:
    return e.sort_key


class GroupModes:
    """The mode events of a coding (codes of the basic-assumption group), in time order."""

    def __init__(self, palette: Palette, events: Iterable[Event]) -> None:
        self._codes = mode_codes(palette.codes)
        self._by_id = {e.id: e for e in events if e.code in self._codes}
        self._ordered = sorted(self._by_id.values(), key=_key)

    def update(self, changes: Changes) -> bool:
        """Follow a change; True when a mode event was added, changed or removed."""
        touched = False
        for event_id in changes.removed:
            touched |= self._drop(event_id)
        for e in changes.changed:
            touched |= self._drop(e.id)
            touched |= self._add(e)
        for e in changes.added:
            touched |= self._add(e)
        return touched

    def at(self, time_ms: int) -> Event | None:
        """The mode running at a moment (the one rule: ``observer.domain.basic_assumption``)."""
        return mode_at(self._ordered, time_ms)

    def _add(self, e: Event) -> bool:
        if e.code not in self._codes:
            return False
        self._by_id[e.id] = e
        bisect.insort(self._ordered, e, key=_key)
        return True

    def _drop(self, event_id: int) -> bool:
        old = self._by_id.pop(event_id, None)
        if old is None:
            return False
        del self._ordered[bisect.bisect_left(self._ordered, old.sort_key, key=_key)]
        return True
