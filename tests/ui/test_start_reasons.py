"""Which start-screen action can be used for every kind of selection, and why not."""

from __future__ import annotations

import itertools

from ui.start_reasons import DOES, Picked, reasons


def test_every_selection_gives_a_reason_for_each_action_it_disables() -> None:
    for flags in itertools.product((False, True), repeat=5):
        picked = Picked(*flags)
        found = reasons(picked)
        assert set(found) == set(DOES)
        assert (found["open"] is None) == picked.coding == (found["review"] is None)
        assert (found["attach"] is None) == picked.session == (found["new_coding"] is None)
        assert (found["new_session"] is None) == picked.group
        assert (found["feedback"] is None) == (picked.coding and picked.practice)
        assert (found["attempt"] is None) == (
            picked.coding and (picked.reference or picked.practice)
        )
        assert (found["reference"] is None) == (picked.coding and not picked.practice)
        for reason in found.values():
            assert reason is None or (reason[0].isupper() and reason.endswith("."))
