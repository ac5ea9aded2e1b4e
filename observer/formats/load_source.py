"""What an analysis command reads: a coding id, or the path of a plain events CSV."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from observer.domain.coding_data import CodingData
from observer.storage.read_coding import from_coding
from observer.storage.store import Store


def load_source(spec: str, store: Callable[[], Store]) -> CodingData:
    """A coding id (looked up in the store) or the path of a plain events CSV."""
    if spec.isdigit() and not Path(spec).exists():
        return from_coding(store(), int(spec))
    from observer.formats.csv_format import read_events_csv

    return read_events_csv(Path(spec))
