"""``import_FORMAT_100k`` / ``export_FORMAT_100k``: one coding of 100,000 events in and out."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks._timing import scratch_dir, summary

EVENTS = 100_000
FORMATS = ("csv", "tsv", "xlsx", "json", "boris", "sdis", "eaf")
IMPORTABLE = ("csv", "tsv", "xlsx", "json", "boris")
SUFFIX = {"sdis": "sds"}
REPEATS = {"xlsx": 2}  # the slowest format: fewer runs keep the suite short


@functools.cache
def _seeded() -> tuple[Any, int, Path]:
    from benchmarks.bench_recording import seeded_coding

    store, coding_id = seeded_coding(EVENTS)
    return store, coding_id, scratch_dir()


def _file(fmt: str) -> Path:
    """The 100k-event coding exported once in this format (the input of the import runs)."""
    from observer.formats import export_coding

    store, coding_id, folder = _seeded()
    path = folder / f"coding.{SUFFIX.get(fmt, fmt)}"
    if not path.exists():
        export_coding(store, coding_id, fmt, path)
    return path


def _export(fmt: str) -> dict[str, Any]:
    from observer.formats import export_coding

    store, coding_id, folder = _seeded()
    samples = []
    for i in range(REPEATS.get(fmt, 3)):
        path = folder / f"export-{i}.{SUFFIX.get(fmt, fmt)}"
        began = time.perf_counter()
        count = export_coding(store, coding_id, fmt, path)
        samples.append((time.perf_counter() - began) * 1000)
    size = path.stat().st_size
    return summary(samples, events=count, file_mb=round(size / 1e6, 1))


def _import(fmt: str) -> dict[str, Any]:
    from observer.formats import import_file
    from observer.storage.coding_info import coding_info

    store, coding_id, _folder = _seeded()
    path = _file(fmt)
    session = coding_info(store, coding_id).session_id
    samples = []
    for _ in range(REPEATS.get(fmt, 3)):
        began = time.perf_counter()
        report = import_file(store, path, session=session, observer="BI")
        samples.append((time.perf_counter() - began) * 1000)
    return summary(samples, events=report.events, one_transaction=True)


def _bind(action: Callable[[str], dict[str, Any]], fmt: str) -> Callable[[], dict[str, Any]]:
    return lambda: action(fmt)


BENCHMARKS: dict[str, Callable[[], dict[str, Any]]] = {}
for _fmt in FORMATS:
    BENCHMARKS[f"export_{_fmt}_100k"] = _bind(_export, _fmt)
for _fmt in IMPORTABLE:
    BENCHMARKS[f"import_{_fmt}_100k"] = _bind(_import, _fmt)
