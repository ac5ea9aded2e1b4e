"""``db encrypt | decrypt | rekey``: encrypt a database file in place, or undo it, or change
its passphrase. The passphrase comes from ``--passphrase-file`` or the
``GROUP_OBSERVER_PASSPHRASE`` variable (the current one); a new one for ``rekey`` from
``--new-passphrase-file`` or ``GROUP_OBSERVER_NEW_PASSPHRASE``. Never from the command
line itself, where other users of the machine could read it."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from observer.cli.commands import Context, passphrase_from
from observer.domain.errors import InputError

NEW_VARIABLE = "GROUP_OBSERVER_NEW_PASSPHRASE"


def register(commands: Any) -> None:
    db = commands.add_parser("db", help="encrypt, decrypt or change the passphrase of a database")
    actions = db.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser(
        "encrypt", help="encrypt the database file in place (the passphrase: --passphrase-file)"
    ).set_defaults(handler=_encrypt)
    actions.add_parser(
        "decrypt", help="make the encrypted database a plain file again"
    ).set_defaults(handler=_decrypt)
    rekey = actions.add_parser("rekey", help="give the encrypted database a new passphrase")
    rekey.add_argument(
        "--new-passphrase-file",
        metavar="FILE",
        type=Path,
        help=f"file holding the new passphrase (or the {NEW_VARIABLE} variable)",
    )
    rekey.set_defaults(handler=_rekey)


def _database(ctx: Context) -> Path:
    from observer.storage.store import default_database_path

    if ctx.db is not None and "://" in ctx.db and not ctx.db.startswith("sqlite"):
        raise InputError("Only a database file can be encrypted (not one on a server).")
    return Path(ctx.db.removeprefix("sqlite:///")) if ctx.db else default_database_path()


def _current(ctx: Context) -> Any:
    if ctx.passphrase is None:
        raise InputError(
            "No passphrase given: use --passphrase-file FILE or GROUP_OBSERVER_PASSPHRASE."
        )
    return ctx.passphrase


def _encrypt(_args: argparse.Namespace, ctx: Context) -> None:
    from observer.storage.encryption import encrypt

    print(encrypt(_database(ctx), _current(ctx)).summary())


def _decrypt(_args: argparse.Namespace, ctx: Context) -> None:
    from observer.storage.encryption import decrypt

    print(decrypt(_database(ctx), _current(ctx)).summary())


def _rekey(args: argparse.Namespace, ctx: Context) -> None:
    from observer.storage.encryption import rekey

    new = passphrase_from(args.new_passphrase_file, os.environ.get(NEW_VARIABLE))
    if new is None:
        raise InputError(
            f"No new passphrase given: use --new-passphrase-file FILE or {NEW_VARIABLE}."
        )
    print(rekey(_database(ctx), _current(ctx), new).summary())
