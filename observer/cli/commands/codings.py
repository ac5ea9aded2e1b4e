"""``coding new | list | export-csv | import-csv | access``, and the corrections (``corrections``).

``export-csv``/``import-csv`` write and read the one events table of ``observer.formats``
(``export --format csv`` and ``import``), so no column is lost either way.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from observer.cli.commands import Context, print_json, print_table, say_unlogged
from observer.cli.commands.corrections import add_coding_commands
from observer.domain.errors import InputError


def register(commands: Any) -> None:
    coding = commands.add_parser("coding", help="codings: one observer's record of a session")
    sub = coding.add_subparsers(dest="action", metavar="ACTION", required=True)

    new = sub.add_parser("new", help="start a coding of a session")
    new.add_argument("session", type=int, metavar="SESSION_ID")
    new.add_argument("--observer", required=True, metavar="INITIALS")
    new.add_argument(
        "--key",
        action="append",
        default=[],
        metavar="CODE=KEY",
        help="give a code another key in this coding (where two codebooks want the same key)",
    )
    new.add_argument(
        "--capacity",
        default="co-therapist",
        choices=["co-therapist", "supervisor", "trainee", "reference"],
    )
    new.add_argument("--codebook", action="append", required=True, metavar="ID")
    new.add_argument("--mode", default="live", choices=["live", "media"])
    new.add_argument("--name", default="")
    new.add_argument("--json", action="store_true")
    new.set_defaults(handler=_new)

    listing = sub.add_parser("list", help="codings, optionally of one session")
    listing.add_argument("--session", type=int)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)

    export = sub.add_parser(
        "export-csv", help="write a coding's events as CSV (the same file as export --format csv)"
    )
    export.add_argument("coding", type=int, metavar="CODING_ID")
    export.add_argument("file", type=Path, metavar="FILE")
    export.set_defaults(handler=_export_csv)

    imp = sub.add_parser(
        "import-csv",
        help="create a coding of a session from an events CSV (as import --session does)",
    )
    imp.add_argument("session", type=int, metavar="SESSION_ID")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--observer", required=True, metavar="INITIALS")
    imp.add_argument(
        "--codebook",
        action="append",
        metavar="ID|FILE",
        help="codebook id or YAML file (default: the shipped ones holding every code)",
    )
    imp.add_argument("--name", default="")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=_import_csv)

    access = sub.add_parser(
        "access", help="who opened, exported or reported a coding, and when (its access log)"
    )
    access.add_argument("coding", type=int, metavar="CODING_ID")
    access.add_argument("--json", action="store_true")
    access.set_defaults(handler=_access)
    add_coding_commands(sub)


def _new(args: argparse.Namespace, ctx: Context) -> None:
    from observer.workspace.codings import new_coding

    keys = {}
    for given in args.key:
        code, sep, key = given.partition("=")
        if not sep or not code.strip():
            raise InputError(f"--key {given!r}: write CODE=KEY, for example feedback=F.")
        keys[code.strip()] = key
    coding_id = new_coding(
        ctx.store(),
        args.session,
        args.observer,
        args.codebook,
        args.mode,
        args.name,
        args.capacity,
        key_overrides=keys,
    )
    if args.json:
        print_json({"id": coding_id, "session": args.session, "observer": args.observer})
    else:
        print(f"Added coding {coding_id} of session {args.session} by {args.observer}")


def _list(args: argparse.Namespace, ctx: Context) -> None:
    from observer.workspace.codings import event_counts, list_codings

    store = ctx.store()
    codings = list_codings(store, args.session)
    counts = event_counts(store)
    rows = [
        {
            "id": c.id,
            "session": c.session_id,
            "session_number": c.session.number,
            "group": c.session.group.name,
            "observer": c.observer.initials,
            "capacity": c.capacity,
            "name": c.name,
            "clock_mode": c.clock_mode,
            "is_reference": c.is_reference,
            "codebooks": [b.codebook_id for b in c.codebooks],
            "events": counts.get(c.id, 0),
        }
        for c in codings
    ]
    if args.json:
        print_json(rows)
        return
    print_table(
        [
            [
                r["id"],
                r["group"],
                r["session_number"],
                r["observer"],
                r["clock_mode"],
                r["events"],
                r["name"],
            ]
            for r in rows
        ],
        ["id", "group", "session", "observer", "mode", "events", "name"],
    )


def _export_csv(args: argparse.Namespace, ctx: Context) -> None:
    from observer.formats import export_coding

    count = export_coding(ctx.store(), args.coding, "csv", args.file, unlogged=say_unlogged)
    print(f"Wrote {count} events to {args.file}")


def _import_csv(args: argparse.Namespace, ctx: Context) -> None:
    from observer.formats import import_file

    report = import_file(
        ctx.store(),
        args.file,
        fmt="csv",
        session=args.session,
        observer=args.observer,
        codebooks=args.codebook,
        name=args.name,
    )
    [coding_id] = report.coding_ids
    if args.json:
        print_json({"id": coding_id, "session": args.session, "warnings": report.warnings})
    else:
        print(f"Imported {args.file} as coding {coding_id} of session {args.session}")
        for warning in report.warnings:
            print(f"  - {warning}")


def _access(args: argparse.Namespace, ctx: Context) -> None:
    from observer.storage.access_log import access_log
    from observer.storage.coding_info import coding_info

    store = ctx.store()
    coding_info(store, args.coding)  # no such coding: said, rather than an empty log
    log = access_log(store, args.coding)
    if args.json:
        print_json(
            [{"at": a.at.isoformat(), "who": a.who, "action": a.action, "detail": a.detail}
             for a in log]
        )  # fmt: skip
        return
    if not log:
        print(f"Coding {args.coding} has no access logged.")
        return
    print_table(
        [[a.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), a.who, a.action, a.detail] for a in log],
        ["when", "who", "action", "detail"],
    )
