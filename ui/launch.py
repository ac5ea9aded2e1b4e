"""``group-observer``: the desktop app, or, given a command, the headless tools.

With only the app's own options (``--db``, ``--coding``, ``--passphrase-file``) the app
starts at once; anything else (a command, ``--help``, ``--version``) goes to
``observer.cli.main``. Deciding here keeps the app's start free of the command line's
set-up (its parser of every command and the entry-point lookup took about 50 ms), while
the Qt-free core still never imports Qt.

The key of an encrypted database is derived (a quarter of a second on purpose) from the
first moment, before Qt and the app are loaded, so that the two run side by side.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from observer.storage.cipher import Passphrase

APP_OPTIONS = ("--db", "--coding", "--passphrase-file")
APP_FLAGS = ("--ready-signal",)


@dataclass(frozen=True)
class AppStart:
    """What the app starts on: a database (None: the default), perhaps one coding."""

    db: str | None
    coding: int | None
    ready_signal: bool
    passphrase: Passphrase | None


def wants_the_app(args: Sequence[str]) -> bool:
    """True when ``args`` hold nothing but the app's own options."""
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg in APP_OPTIONS:
            if not rest:
                return False  # let the full command line explain what is missing
            rest.pop(0)
        elif not (arg in APP_FLAGS or arg.startswith(tuple(f"{o}=" for o in APP_OPTIONS))):
            return False
    return True


def database_file(db: str | None) -> Path | None:
    """The file ``db`` names (None: the default one); None for a server."""
    if db is None:
        from observer.storage.store import default_database_path

        return default_database_path()
    return None if "://" in db else Path(db)


def app_start(argv: Sequence[str], prog: str) -> AppStart | int:
    """The app's options read, and the passphrase's key (if any) already being derived.

    The passphrase comes from ``--passphrase-file``, else ``GROUP_OBSERVER_PASSPHRASE``.
    An unreadable passphrase file is told on stderr and gives the exit status 2.
    """
    parser = argparse.ArgumentParser(prog=prog, description="Group Process Observer")
    parser.add_argument("--db", metavar="PATH", help="database file or SQLAlchemy URL")
    parser.add_argument("--coding", type=int, metavar="ID", help="open this coding directly")
    parser.add_argument(
        "--passphrase-file", metavar="FILE", type=Path, help="passphrase of an encrypted database"
    )
    parser.add_argument("--ready-signal", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    db = str(Path(args.db).expanduser()) if args.db and "://" not in args.db else args.db
    from observer.cli.commands import PASSPHRASE_VARIABLE, passphrase_from
    from observer.domain.errors import ObserverError

    try:
        passphrase = passphrase_from(args.passphrase_file, os.environ.get(PASSPHRASE_VARIABLE))
    except ObserverError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    if passphrase is not None and (file := database_file(db)) is not None:
        passphrase.derive_ahead(file)
    return AppStart(db, args.coding, args.ready_signal, passphrase)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if wants_the_app(args):
        start = app_start(args, "group-observer")
        if isinstance(start, int):
            return start
        # Start-up creates many objects and frees few: the collector's passes meanwhile are
        # wasted work (the app turns it back on once its window is up).
        gc.disable()
        # The coding's core before Qt: PySide checks every module imported after it.
        import observer.workspace.recording  # noqa: F401
        from ui.app import run

        return run(start.db, start.coding, start.ready_signal, start.passphrase)
    from observer.cli.main import main as command_line

    return command_line(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
