"""Run benchmarks and print one JSON line each: ``python benchmarks/run.py [NAME…]``.

Every ``benchmarks/bench_*.py`` module defines ``BENCHMARKS``, a dict from a
benchmark's name to a function returning its figures (at least ``median_ms``,
``p99_ms`` and ``n``; see ``_timing.summary``). With no names, all of them run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def discover() -> dict[str, Callable[[], dict[str, Any]]]:
    if str(HERE.parent) not in sys.path:
        sys.path.insert(0, str(HERE.parent))
    found: dict[str, Callable[[], dict[str, Any]]] = {}
    for path in sorted(HERE.glob("bench_*.py")):
        module = importlib.import_module(f"benchmarks.{path.stem}")
        found.update(module.BENCHMARKS)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    args = parser.parse_args(argv)
    benchmarks = discover()
    if args.list:
        print("\n".join(benchmarks))
        return 0
    unknown = [n for n in args.names if n not in benchmarks]
    if unknown:
        print(
            f"unknown benchmark: {', '.join(unknown)}; known: {', '.join(benchmarks)}",
            file=sys.stderr,
        )
        return 2
    for name in args.names or list(benchmarks):
        figures = benchmarks[name]()
        print(json.dumps({"name": name, **figures}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
