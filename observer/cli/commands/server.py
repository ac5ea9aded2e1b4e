"""``server init | add-user | give-reference``: set up a clinic's PostgreSQL server.

``init`` creates the schema, the group roles and the row-level security policies (run as
the database's owner, with CREATEROLE); ``add-user`` gives a person their own login in
one capacity; ``give-reference`` lets a trainee practise against a reference coding. The
rules are in ``observer.storage.server_roles``; the steps in docs/server.md. A password
comes from a file, never from the command line, where other users could read it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from observer.cli.commands import Context
from observer.domain.errors import InputError


def register(commands: Any) -> None:
    server = commands.add_parser("server", help="set up a clinic's server: roles and people")
    sub = server.add_subparsers(dest="action", metavar="ACTION", required=True)
    init = sub.add_parser(
        "init",
        help="create the schema, roles and row-level security on a PostgreSQL database",
        description="Safe to run again: it brings roles and policies up to date.",
    )
    init.add_argument("url", nargs="?", metavar="URL", help="postgresql://… (default: --db)")
    init.set_defaults(handler=_init)

    add = sub.add_parser("add-user", help="give a person their own sign-in to the server")
    add.add_argument("name", metavar="NAME", help="their sign-in name (lower case)")
    add.add_argument("--role", required=True, choices=["supervisor", "cotherapist", "trainee"])
    add.add_argument("--initials", required=True, metavar="XY", help="the initials they code as")
    add.add_argument("--leads", metavar="GROUP", help="a group a co-therapist leads (name or id)")
    add.add_argument(
        "--password-file", type=Path, metavar="FILE", help="file whose first line is the password"
    )
    add.add_argument("url", nargs="?", metavar="URL", help="postgresql://… (default: --db)")
    add.set_defaults(handler=_add_user)

    give = sub.add_parser("give-reference", help="let a trainee practise against a reference")
    give.add_argument("coding", type=int, metavar="CODING_ID")
    give.add_argument("--to", required=True, metavar="NAME", help="the trainee's sign-in name")
    give.add_argument("url", nargs="?", metavar="URL", help="postgresql://… (default: --db)")
    give.set_defaults(handler=_give_reference)


def _server(args: argparse.Namespace, ctx: Context) -> Any:
    if args.url:
        ctx.db = args.url
    if ctx.db is None or not ctx.db.startswith(("postgresql", "postgres:")):
        raise InputError("Give the server's address: postgresql://owner@host/database.")
    return ctx.store()


def _init(args: argparse.Namespace, ctx: Context) -> None:
    from observer.storage.server_roles import prepare_server

    url = args.url or ctx.db
    if url is None:
        raise InputError("Give the server's address: postgresql://owner@host/database.")
    print(prepare_server(url).summary())


def _add_user(args: argparse.Namespace, ctx: Context) -> None:
    from observer.storage.server_people import add_person

    password = None
    if args.password_file is not None:
        password = _first_line(args.password_file)
    added = add_person(
        _server(args, ctx), args.name, args.role, args.initials, args.leads, password
    )
    print(added.summary())


def _give_reference(args: argparse.Namespace, ctx: Context) -> None:
    from observer.storage.server_people import give_reference

    print(give_reference(_server(args, ctx), args.coding, args.to))


def _first_line(file: Path) -> str:
    try:
        lines = file.expanduser().read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read the password file {file}: {exc}") from exc
    if not lines or not lines[0]:
        raise InputError(f"{file}: the password file is empty.")
    return lines[0]
