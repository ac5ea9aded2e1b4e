"""``media attach | list | offset | locate | remove | edit``.

A session's recordings and how they line up."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from observer.cli.commands import Context, print_json, print_table
from observer.cli.commands.corrections import add_media_commands


def register(commands: Any) -> None:
    media = commands.add_parser("media", help="recordings of a session (video or audio)")
    sub = media.add_subparsers(dest="action", metavar="ACTION", required=True)

    attach = sub.add_parser("attach", help="attach a recording to a session")
    attach.add_argument("session", type=int, metavar="SESSION_ID")
    attach.add_argument("file", type=Path, metavar="FILE")
    attach.add_argument(
        "--offset", default="0", metavar="TIME",
        help="session time at the recording's start, e.g. 2:15 (started earlier: --offset=-0:30)",
    )  # fmt: skip
    attach.add_argument("--label", default="")
    attach.add_argument("--json", action="store_true")
    attach.set_defaults(handler=_attach)

    listing = sub.add_parser("list", help="a session's recordings, and whether each is there")
    listing.add_argument("session", type=int, metavar="SESSION_ID")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)

    offset = sub.add_parser(
        "offset", help="line a recording up with the session clock",
        description="Give the offset (session time at the recording's start), or mark one "
        "moment in both: --mark SESSION_TIME MEDIA_TIME.",
    )  # fmt: skip
    offset.add_argument("media", type=int, metavar="MEDIA_ID")
    group = offset.add_mutually_exclusive_group(required=True)
    group.add_argument("--to", metavar="TIME", help="the offset itself (negative: --to=-1:30)")
    group.add_argument("--mark", nargs=2, metavar=("SESSION_TIME", "MEDIA_TIME"))
    offset.add_argument("--json", action="store_true")
    offset.set_defaults(handler=_offset)

    locate = sub.add_parser("locate", help="point a moved recording at its new place")
    locate.add_argument("media", type=int, metavar="MEDIA_ID")
    locate.add_argument("file", type=Path, metavar="FILE")
    locate.add_argument("--json", action="store_true")
    locate.set_defaults(handler=_locate)
    add_media_commands(sub)


def _time(text: str) -> int:
    from observer.domain.clock import parse_time
    from observer.domain.errors import InputError

    try:
        return parse_time(text)
    except ValueError:
        raise InputError(f"{text!r} is not a time (use seconds or [h:]mm:ss[.mmm]).") from None


def _row(m: Any) -> dict[str, Any]:
    from observer.domain.clock import format_time

    check = m.check()
    return {
        "id": m.id,
        "session": m.session_id,
        "path": m.path,
        "label": m.label,
        "offset_ms": m.offset_ms,
        "offset": format_time(m.offset_ms),
        "duration_ms": m.duration_ms,
        "status": check.status,
        "message": check.message,
    }


def _attach(args: argparse.Namespace, ctx: Context) -> None:
    from observer.domain.errors import InputError
    from observer.workspace.groups import attach_media
    from observer.workspace.media import check_media, get_media

    found = check_media(args.file)
    if not found.ok:
        raise InputError(found.message)
    store = ctx.store()
    path = str(args.file.expanduser().resolve())
    media_id = attach_media(store, args.session, path, _time(args.offset), args.label)
    media = get_media(store, media_id)
    if args.json:
        print_json(_row(media))
    else:
        print(f"Attached recording {media_id} to session {args.session}: {media.summary()}")


def _list(args: argparse.Namespace, ctx: Context) -> None:
    from observer.workspace.media import session_media

    rows = [_row(m) for m in session_media(ctx.store(), args.session)]
    if args.json:
        print_json(rows)
        return
    print_table(
        [[r["id"], r["offset"], r["status"], r["label"], r["path"]] for r in rows],
        ["id", "offset", "status", "label", "path"],
    )


def _offset(args: argparse.Namespace, ctx: Context) -> None:
    from observer.workspace.media import set_media_offset, set_offset_by_marks

    store = ctx.store()
    if args.mark:
        info = set_offset_by_marks(store, args.media, _time(args.mark[0]), _time(args.mark[1]))
    else:
        info = set_media_offset(store, args.media, _time(args.to))
    row = _row(info)
    if args.json:
        print_json(row)
    else:
        print(f"Recording {info.id}: session time = media time + {row['offset']}")


def _locate(args: argparse.Namespace, ctx: Context) -> None:
    from observer.workspace.media import locate_media

    updated = locate_media(ctx.store(), args.media, args.file)
    if args.json:
        print_json([_row(m) for m in updated])
        return
    for m in updated:
        print(f"Recording {m.id} is now {m.path}")
