"""``codebook list | show ID | validate FILE…``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from observer.cli.commands import Context, print_json, print_table

if TYPE_CHECKING:
    from observer.storage.store import Store


def register(commands: Any) -> None:
    parser = commands.add_parser("codebook", help="list, show and validate coding schemes")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = sub.add_parser(
        "list", help="the codebooks a new coding can use: shipped, and this database's own"
    )
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)
    show = sub.add_parser("show", help="the codes of one codebook")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show)
    validate = sub.add_parser("validate", help="check codebook files (exit 1 if any is invalid)")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(handler=_validate)


def _list(args: argparse.Namespace, ctx: Context) -> None:
    from observer.domain.codebook import shipped_codebooks
    from observer.workspace.codings import available_codebooks

    shipped = {b.id for b in shipped_codebooks()}
    books = available_codebooks(_database(ctx))
    origin = {b.id: "shipped" if b.id in shipped else "this database" for b in books}
    if args.json:
        print_json(
            [
                {
                    "id": b.id,
                    "name": b.name,
                    "version": b.version,
                    "codes": len(b.codes),
                    "from": origin[b.id],
                }
                for b in books
            ]
        )
        return
    print_table(
        [[b.id, b.version, len(b.codes), origin[b.id], b.name] for b in books],
        ["id", "version", "codes", "from", "name"],
    )


def _show(args: argparse.Namespace, ctx: Context) -> None:
    from dataclasses import asdict

    from observer.workspace.codings import find_codebook

    book = find_codebook(_database(ctx), args.id)
    if args.json:
        print_json(
            {
                "id": book.id,
                "name": book.name,
                "version": book.version,
                "description": book.description,
                "codes": [asdict(c) for c in book.codes],
                "modifier_sets": {k: asdict(v) for k, v in book.modifier_sets.items()},
                "exclusive_groups": {k: asdict(v) for k, v in book.exclusive_groups.items()},
                "patterns": [asdict(p) for p in book.patterns],
            }
        )
        return
    print(f"{book.name} (version {book.version})")
    print_table(
        [[c.key, c.id, c.kind, c.target, c.category, c.label] for c in book.codes],
        ["key", "id", "kind", "target", "category", "label"],
    )


def _database(ctx: Context) -> Store | None:
    """The database, when there is one: looking at codebooks never creates a database."""
    from observer.storage.store import database_exists

    return ctx.store() if database_exists(ctx.db) else None


def _validate(args: argparse.Namespace, _ctx: Context) -> int:
    from observer.domain.codebook import validate_files

    problems = validate_files(args.files)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{len(args.files)} codebook file{'s' if len(args.files) > 1 else ''} valid.")
    return 1 if problems else 0
