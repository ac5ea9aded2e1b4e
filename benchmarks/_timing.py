"""Shared helpers for benchmarks: summarise timings, make a scratch database."""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def summary(samples_ms: Sequence[float], **extra: Any) -> dict[str, Any]:
    """median, p99 and n of a list of millisecond timings, plus any extra fields."""
    ordered = sorted(samples_ms)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {
        "median_ms": round(statistics.median(ordered), 3),
        "p99_ms": round(p99, 3),
        "n": len(ordered),
        **extra,
    }


def scratch_dir() -> Path:
    """A temporary folder for one benchmark's database (removed at interpreter exit)."""
    folder = tempfile.TemporaryDirectory(prefix="gpo-bench-")
    _KEEP.append(folder)
    return Path(folder.name)


_KEEP: list[tempfile.TemporaryDirectory[str]] = []
