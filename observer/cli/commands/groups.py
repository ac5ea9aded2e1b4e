"""``group add | list | edit`` and ``session add | list | edit | delete``."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from observer.cli.commands import Context, print_json, print_table
from observer.cli.commands.corrections import add_group_commands, add_session_commands
from observer.domain.errors import InputError, Refused


def register(commands: Any) -> None:
    group = commands.add_parser("group", help="therapy groups and their members")
    gsub = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = gsub.add_parser("add", help="add a group with its members")
    add.add_argument("name")
    add.add_argument("--modality", default="", help="e.g. 'process', 'DBT skills', 'MBCT'")
    add.add_argument(
        "--member",
        action="append",
        default=[],
        metavar="PSEUDONYM[:ROLE]",
        help="a member in seat order; ROLE is member (default), leader or co-leader",
    )
    add.add_argument("--notes", default="")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=_add_group)
    listing = gsub.add_parser("list", help="groups with their members")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list_groups)
    add_group_commands(gsub)

    session = commands.add_parser("session", help="sessions of a group")
    ssub = session.add_subparsers(dest="action", metavar="ACTION", required=True)
    sadd = ssub.add_parser("add", help="add a session to a group")
    sadd.add_argument("group", type=int, metavar="GROUP_ID")
    sadd.add_argument("--number", type=int)
    sadd.add_argument("--date", help="ISO date and time, e.g. 2026-11-20T18:00")
    sadd.add_argument("--setting", default="in person", choices=["in person", "telehealth"])
    sadd.add_argument("--absent", action="append", default=[], metavar="PSEUDONYM")
    sadd.add_argument("--notes", default="")
    sadd.add_argument("--json", action="store_true")
    sadd.set_defaults(handler=_add_session)
    slist = ssub.add_parser("list", help="sessions, optionally of one group")
    slist.add_argument("--group", type=int)
    slist.add_argument("--json", action="store_true")
    slist.set_defaults(handler=_list_sessions)
    add_session_commands(ssub)


def _add_group(args: argparse.Namespace, ctx: Context) -> None:
    from observer.workspace.groups import MemberSpec, add_group

    specs = []
    for text in args.member:
        pseudonym, _, role = text.partition(":")
        specs.append(MemberSpec(pseudonym.strip(), role.strip() or "member"))
    group_id = add_group(ctx.store(), args.name, args.modality, args.notes, specs)
    if args.json:
        print_json({"id": group_id, "name": args.name})
    else:
        print(f"Added group {group_id}: {args.name} ({len(specs)} members)")


def _list_groups(args: argparse.Namespace, ctx: Context) -> None:
    from observer.workspace.groups import list_groups

    groups = list_groups(ctx.store())
    if args.json:
        print_json(
            [
                {
                    "id": g.id,
                    "name": g.name,
                    "modality": g.modality,
                    "archived": g.archived_at is not None,
                    "sessions": len(g.sessions),
                    "members": [
                        {
                            "id": m.id,
                            "pseudonym": m.pseudonym,
                            "initials": m.initials,
                            "role": m.role,
                            "seat": m.seat,
                            "colour": m.colour,
                        }
                        for m in g.members
                    ],
                }
                for g in groups
            ]
        )
        return
    print_table(
        [[g.id, g.name, g.modality, len(g.members), len(g.sessions)] for g in groups],
        ["id", "name", "modality", "members", "sessions"],
    )


def _add_session(args: argparse.Namespace, ctx: Context) -> None:
    from observer.domain.participants import member_key
    from observer.workspace.groups import add_session, get_group, group_roster

    store = ctx.store()
    starts_at = None
    if args.date:
        try:
            # Without an offset, the time is this computer's local time (stored in UTC).
            starts_at = datetime.fromisoformat(args.date).astimezone()
        except (ValueError, OverflowError, OSError):
            raise InputError(
                f"--date: {args.date!r} is not an ISO date (2026-11-20T18:00)"
            ) from None
    present = None
    if args.absent:
        group = get_group(store, args.group)
        roster = group_roster(group)
        try:
            absent = {roster.key_of(name, "member") for name in args.absent}
        except Refused as exc:
            raise InputError(f"--absent: {exc.message}") from None
        present = [m.id for m in group.members if member_key(m.id) not in absent]
    session_id = add_session(
        store, args.group, args.number, starts_at, args.setting, present, args.notes
    )
    if args.json:
        print_json({"id": session_id, "group": args.group})
    else:
        print(f"Added session {session_id} to group {args.group}")


def _list_sessions(args: argparse.Namespace, ctx: Context) -> None:
    from observer.workspace.groups import list_sessions

    sessions = list_sessions(ctx.store(), args.group)
    if args.json:
        print_json(
            [
                {
                    "id": s.id,
                    "group": s.group_id,
                    "group_name": s.group.name,
                    "number": s.number,
                    "starts_at": s.starts_at.astimezone().isoformat() if s.starts_at else None,
                    "setting": s.setting,
                    "present": [m.pseudonym for m in s.present],
                    "codings": [c.id for c in s.codings],
                    "media": [
                        {"id": m.id, "path": m.path, "offset_ms": m.offset_ms} for m in s.media
                    ],
                }
                for s in sessions
            ]
        )
        return
    print_table(
        [
            [
                s.id,
                s.group.name,
                s.number,
                s.starts_at.astimezone().replace(tzinfo=None) if s.starts_at else "",
                s.setting,
                len(s.present),
                len(s.codings),
            ]
            for s in sessions
        ],
        ["id", "group", "number", "date", "setting", "present", "codings"],
    )
