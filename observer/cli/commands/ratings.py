"""``rating add | import | list``: members' and observers' forms filled in after a session."""

from __future__ import annotations

import argparse
from typing import Any

from observer.cli.commands import Context, print_json, print_table


def register(commands: Any) -> None:
    rating = commands.add_parser(
        "rating", help="session ratings: questionnaires members and observers fill in"
    )
    sub = rating.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="keep one filled-in form")
    add.add_argument("session", type=int, metavar="SESSION_ID")
    add.add_argument(
        "--instrument", required=True, help="a shipped instrument's id (gcq-s) or a file"
    )
    who = add.add_mutually_exclusive_group(required=True)
    who.add_argument("--member", metavar="NAME", help="pseudonym or initials of who filled it in")
    who.add_argument("--observer", metavar="INITIALS", help="an observer's own rating")
    add.add_argument(
        "--answers", required=True, help="one answer per item in order, blank if left out: 3,4,,5"
    )
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=_add)
    imp = sub.add_parser(
        "import", help="forms from a CSV: session,member,instrument,1,2,… (all or none)"
    )
    imp.add_argument("file")
    imp.set_defaults(handler=_import)
    listing = sub.add_parser("list", help="a session's forms with their scale scores")
    listing.add_argument("session", type=int, metavar="SESSION_ID")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)


def _add(args: argparse.Namespace, ctx: Context) -> None:
    from observer.domain.instrument import parse_answers
    from observer.domain.instrument_file import find_instrument
    from observer.storage.models import GroupSession
    from observer.workspace.ratings import add_rating, member_named

    instrument = find_instrument(args.instrument)
    answers = parse_answers(args.answers)
    store = ctx.store()
    member_id = None
    if args.member is not None:
        with store.reader() as s:
            session = s.get(GroupSession, args.session)
            if session is None:
                from observer.domain.errors import NotFound

                raise NotFound(f"No session {args.session}.")
            member_id = member_named(session, args.member).id
    rating_id = add_rating(store, args.session, instrument, answers, member_id, args.observer or "")
    if args.json:
        print_json({"id": rating_id})
    else:
        print(f"Added rating {rating_id} ({instrument.id}) to session {args.session}")


def _import(args: argparse.Namespace, ctx: Context) -> None:
    from observer.workspace.ratings import import_ratings

    count = import_ratings(ctx.store(), args.file)
    print(f"Imported {count} form{'' if count == 1 else 's'} from {args.file}")


def _list(args: argparse.Namespace, ctx: Context) -> None:
    from observer.workspace.ratings import session_forms

    forms = session_forms(ctx.store(), [args.session])
    if args.json:
        print_json([f.as_dict() for f in forms])
        return

    def score(v: float | None) -> str:
        return "" if v is None else f"{v:.2f}"

    print_table(
        [
            [
                f.member or f"observer {f.observer}",
                f.instrument.id,
                ",".join("" if a is None else str(a) for a in f.answers),
                "  ".join(f"{k} {score(v)}" for k, v in f.score.scales.items()),
                "yes" if f.score.valid else f"no ({f.score.missing} missing)",
            ]
            for f in forms
        ],
        ["who", "instrument", "answers", "scales", "valid"],
    )
