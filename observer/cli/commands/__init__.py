"""The headless subcommands of ``group-observer``, one module per subject.

A module here defines ``register(subparsers)``; each parser it adds sets
``handler=function(args, context)``. Add a new module's name to ``COMMAND_MODULES``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from observer.domain.errors import InputError

if TYPE_CHECKING:  # the store pulls in SQLAlchemy: not before the app's window is up
    from observer.storage.cipher import Passphrase
    from observer.storage.store import Store

PASSPHRASE_VARIABLE = "GROUP_OBSERVER_PASSPHRASE"
# Who is at the keyboard, for the access log (``--as``).
INITIALS_VARIABLE = "GROUP_OBSERVER_INITIALS"

COMMAND_MODULES = [
    # Setting up: schemes, groups, sessions, recordings, codings.
    "codebooks",
    "groups",
    "corrections",
    "media",
    "codings",
    "demo",
    "db",
    "server",
    # Recording without the app.
    "record",
    # Moving codings in and out.
    "interop",
    # Looking at codings.
    "network",
    "report",
    "sequences",
    "agreement",
    "trends",
    # Members' own ratings of a session.
    "ratings",
    "airtime",
]


class Context:
    """What a command needs from outside: the database, opened only when first asked for,
    and who is at the keyboard (None: this computer's user name, ``storage.access_log``)."""

    def __init__(
        self, db: str | None, passphrase: Passphrase | None = None, who: str | None = None
    ) -> None:
        self.db = db
        self.passphrase = passphrase
        self.who = who
        self._store: Store | None = None

    def store(self) -> Store:
        if self._store is None:
            from observer.storage.store import open_store

            self._store = open_store(self.db, self.passphrase)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def passphrase_from(file: Path | None, variable: str | None) -> Passphrase | None:
    """A passphrase from a file (its first line) or else from a variable's value; or None."""
    from observer.storage.cipher import Passphrase

    if file is not None:
        try:
            text = file.expanduser().read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"Cannot read the passphrase file {file}: {exc}") from exc
        if not text or not text[0]:
            raise InputError(f"{file}: the passphrase file is empty.")
        return Passphrase(text[0])
    return Passphrase(variable) if variable else None


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def print_table(rows: list[list[Any]], header: list[str]) -> None:
    """A plain aligned table for people; scripts use --json."""
    cells = [header] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def say_unlogged(why: str) -> None:
    """The access log could not be written: the work is done, and the person is told."""
    print(f"Warning: {why}", file=sys.stderr)
