"""Long work: progress passed on, and stopped at the next report once Cancel is asked."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from observer.domain.errors import InputError
from observer.workspace.progress import Cancelled, watched


@given(reports=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), max_size=30))
def test_reports_are_passed_on_as_they_come(reports: list[tuple[int, int]]) -> None:
    seen: list[tuple[int, int]] = []
    progress = watched(lambda done, total: seen.append((done, total)))
    for done, total in reports:
        progress(done, total)
    assert seen == reports


@given(reports=st.integers(1, 40), cancel_after=st.integers(0, 40))
def test_cancel_stops_the_work_at_its_next_report(reports: int, cancel_after: int) -> None:
    seen: list[int] = []
    progress = watched(lambda done, _total: seen.append(done), lambda: len(seen) >= cancel_after)
    stopped = False
    try:
        for done in range(reports):
            progress(done, reports)
    except Cancelled:
        stopped = True
    assert stopped == (cancel_after < reports)
    assert seen == list(range(min(cancel_after, reports)))


def test_cancelled_is_an_input_error_every_import_passes_on() -> None:
    # Imports turn other exceptions raised while reading a file into a message about it.
    assert issubclass(Cancelled, InputError)
    with pytest.raises(Cancelled, match="nothing was written"):
        watched(cancelled=lambda: True)(0, 1)
