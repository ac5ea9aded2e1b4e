"""The soak benchmark, small: ten SIGKILLs of a recorder lose nothing and break nothing.

The full run (``python benchmarks/run.py soak_kill``: 200 kills) is in the README.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.bench_soak import soak


@pytest.mark.slow
def test_ten_kills_of_a_recorder_lose_no_acknowledged_event(tmp_path: Path) -> None:
    figures = soak(kills=10, seed=7, folder=tmp_path)
    # Each figure on its own, so that a failure says which promise broke.
    assert figures["unopenable"] == 0, figures
    assert figures["lost"] == 0, figures
    assert figures["kills"] == 10, figures
    assert figures["acknowledged"] > 0, figures
