"""``group-observer``: start the app, or run a headless subcommand.

Each subcommand lives in a module of ``observer.cli.commands`` that registers itself; the
modules import their heavy dependencies inside their handlers so ``--help`` and the
GUI start stay fast. With no subcommand the GUI starts: it is found through the
``group_observer.gui`` entry point, so this Qt-free core never imports Qt itself.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from contextlib import suppress
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from observer import __version__
from observer.cli.commands import (
    COMMAND_MODULES,
    INITIALS_VARIABLE,
    PASSPHRASE_VARIABLE,
    Context,
    passphrase_from,
)
from observer.domain.errors import (
    ObserverError,
    StorageFault,
    StoreError,
    WrongPassphrase,
)

if TYPE_CHECKING:
    from observer.storage.cipher import Passphrase


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="group-observer",
        description="Observe and code therapy groups. With no command, the app starts.",
    )
    parser.add_argument("--version", action="version", version=f"group-observer {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="database file or SQLAlchemy URL (default: observer.sqlite3 in your data folder)",
    )
    parser.add_argument(
        "--coding", type=int, metavar="ID", help="start the app with this coding open"
    )
    parser.add_argument(
        "--as",
        dest="initials",
        metavar="INITIALS",
        help=f"who is at the keyboard, for the access log (or set {INITIALS_VARIABLE}; "
        "default: your user name on this computer)",
    )
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        type=Path,
        help="file whose first line is the passphrase of an encrypted database "
        f"(or set {PASSPHRASE_VARIABLE}); a new database is then created encrypted",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        import_module(f"observer.cli.commands.{name}").register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Exit 0 when done, 2 for input that cannot be used, and 1 when the
    database failed (full disk, I/O error, busy, read-only, lost server) or the passphrase
    given does not open it: one line each. No passphrase for an encrypted file is input
    that cannot be used (2)."""
    args = build_parser().parse_args(argv)
    try:
        passphrase = passphrase_from(args.passphrase_file, os.environ.get(PASSPHRASE_VARIABLE))
    except ObserverError as exc:
        print(f"group-observer: {exc}", file=sys.stderr)
        return 2
    if args.command is None:
        return _start_gui(args.db, args.coding, passphrase)
    who = args.initials or os.environ.get(INITIALS_VARIABLE) or None
    context = Context(args.db, passphrase, who)
    try:
        result: Any = args.handler(args, context)
    except (StorageFault, WrongPassphrase) as exc:
        return _fault(exc)
    except ObserverError as exc:
        print(f"group-observer: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except Exception as exc:
        # A driver error no layer turned into words (read while rows were fetched).
        from observer.storage.faults import as_fault

        fault = as_fault(exc)
        if fault is None:
            raise
        return _fault(fault)
    finally:
        _close(context)
    if isinstance(result, int):
        return result
    return 0


def _fault(fault: StoreError) -> int:
    print(f"group-observer: {fault}", file=sys.stderr)
    return 1


def _close(context: Context) -> None:
    with suppress(Exception):  # closing after a fault may fail again; it was reported
        context.close()


def _start_gui(db: str | None, coding: int | None, passphrase: Passphrase | None) -> int:
    """The app, through its entry point, with the passphrase given on the command line."""
    from importlib.metadata import entry_points

    found = entry_points(group="group_observer.gui")
    if not found:
        print("group-observer: the desktop app is not installed.", file=sys.stderr)
        return 2
    run = next(iter(found)).load()
    return int(run(db, coding=coding, passphrase=passphrase))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
