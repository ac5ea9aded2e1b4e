"""The headless subcommands of ``group-observer``, one module per subject.

A module here defines ``register(subparsers)``; each parser it adds sets
``handler=function(args, context)``. Add a new module's name to ``COMMAND_MODULES``.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the store pulls in SQLAlchemy: not before the app's window is up
    from observer.storage.store import Store

COMMAND_MODULES = [
    # Setting up: schemes, groups, sessions, recordings, codings.
    "codebooks",
    "groups",
    "corrections",
    "media",
    "codings",
    "demo",
    # Recording without the app.
    "record",
    # Moving codings in and out.
    "interop",
    # Looking at codings.
    "network",
    "report",
    "sequences",
    "agreement",
]


class Context:
    """What a command needs from outside: the database, opened only when first asked for."""

    def __init__(self, db: str | None) -> None:
        self.db = db
        self._store: Store | None = None

    def store(self) -> Store:
        if self._store is None:
            from observer.storage.store import open_store

            self._store = open_store(self.db)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def print_table(rows: list[list[Any]], header: list[str]) -> None:
    """A plain aligned table for people; scripts use --json."""
    cells = [header] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
