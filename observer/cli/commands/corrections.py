"""Correcting records from the command line.

``group edit``, ``member add | edit | leave``, ``session edit | delete``, ``coding edit |
move | delete | restore | trash`` and ``media remove | edit``. Each calls one correction
of the workspace. Bad input is refused with one line and exit status 2, nothing written;
deleting for good asks for ``--yes`` and otherwise only says what would go.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import TYPE_CHECKING, Any

from observer.cli.commands import Context, print_json, print_table

if TYPE_CHECKING:
    from observer.workspace.workspace import Workspace

Handler = Callable[[argparse.Namespace, Context], Any]


def refusing(handler: Handler) -> Handler:
    """Bad input: one line on stderr, exit status 2 (the correction wrote nothing), as every
    command says it. A database fault goes on to ``main``, which says it with status 1."""

    @wraps(handler)
    def run(args: argparse.Namespace, ctx: Context) -> Any:
        from observer.domain.errors import ObserverError, StorageFault, WrongPassphrase

        try:
            return handler(args, ctx)
        except (StorageFault, WrongPassphrase):
            raise
        except ObserverError as exc:
            print(f"group-observer: {' '.join(str(exc).split())}", file=sys.stderr)
            return 2

    return run


def _workspace(ctx: Context) -> Workspace:
    from observer.workspace.workspace import Workspace

    return Workspace(ctx.store())


def _date(text: str | None, option: str) -> date | None:
    from observer.domain.errors import InputError

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option}: {text!r} is not an ISO date (2026-11-20)") from None


def when(text: str | None, option: str = "--date") -> datetime | None:
    """An ISO date and time; without an offset, this computer's local time."""
    from observer.domain.errors import InputError

    if text is None:
        return None
    try:
        return datetime.fromisoformat(text).astimezone()
    except (ValueError, OverflowError, OSError):
        raise InputError(f"{option}: {text!r} is not an ISO date (2026-11-20T18:00)") from None


def _done(args: argparse.Namespace, data: dict[str, Any], sentence: str) -> None:
    if args.json:
        print_json(data)
    else:
        print(sentence)


def _parser(sub: Any, name: str, help_text: str, handler: Handler, json: bool = True) -> Any:
    parser = sub.add_parser(name, help=help_text)
    parser.set_defaults(handler=refusing(handler))
    if json:
        parser.add_argument("--json", action="store_true")
    return parser


# --- groups and members ------------------------------------------------------------------------


def add_group_commands(gsub: Any) -> None:
    edit = _parser(
        gsub, "edit", "rename a group, change its modality or notes, archive it", _edit_group
    )
    edit.add_argument("group", type=int, metavar="GROUP_ID")
    edit.add_argument("--name")
    edit.add_argument("--modality")
    edit.add_argument("--notes")
    shown = edit.add_mutually_exclusive_group()
    shown.add_argument("--archive", action="store_true", help="hide it from the start screen")
    shown.add_argument("--unarchive", action="store_true", help="list it again")


def _edit_group(args: argparse.Namespace, ctx: Context) -> None:
    ws = _workspace(ctx)
    ws.edit_group(args.group, name=args.name, modality=args.modality, notes=args.notes)
    if args.archive or args.unarchive:
        ws.archive_group(args.group, archived=args.archive)
    from observer.workspace.groups import get_group

    group = get_group(ctx.store(), args.group)
    data = {
        "id": group.id,
        "name": group.name,
        "modality": group.modality,
        "notes": group.notes,
        "archived": group.archived_at is not None,
    }
    _done(
        args, data, f"Group {group.id}: {group.name}" + (" (archived)" if group.archived_at else "")
    )


def register(commands: Any) -> None:
    member = commands.add_parser("member", help="members of a group: newcomers, edits, leaving")
    sub = member.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = _parser(sub, "add", "add a newcomer to a group", _add_member)
    add.add_argument("group", type=int, metavar="GROUP_ID")
    add.add_argument("pseudonym")
    add.add_argument("--initials", default="")
    add.add_argument("--role", default="member")
    add.add_argument("--colour", default="", metavar="#RRGGBB")
    add.add_argument("--session", type=int, metavar="SESSION_ID", help="the session they joined")
    add.add_argument("--joined", metavar="DATE", help="default: that session's date")
    edit = _parser(
        sub, "edit", "rename a member, change initials, role, colour or seat", _edit_member
    )
    edit.add_argument("member", type=int, metavar="MEMBER_ID")
    edit.add_argument("--pseudonym")
    edit.add_argument("--initials")
    edit.add_argument("--role")
    edit.add_argument("--colour", metavar="#RRGGBB")
    edit.add_argument("--seat", type=int)
    leave = _parser(sub, "leave", "mark a member as having left the group", _leave)
    leave.add_argument("member", type=int, metavar="MEMBER_ID")
    leave.add_argument("--on", required=True, metavar="DATE")


def _member_data(ctx: Context, member_id: int) -> dict[str, Any]:
    from observer.storage.models import Member

    with ctx.store().reader() as s:
        m = s.get(Member, member_id)
        assert m is not None  # just written
        return {
            "id": m.id,
            "group": m.group_id,
            "pseudonym": m.pseudonym,
            "initials": m.initials,
            "role": m.role,
            "colour": m.colour,
            "seat": m.seat,
            "joined": m.joined,
            "left": m.left,
        }


def _add_member(args: argparse.Namespace, ctx: Context) -> None:
    from observer.workspace.changes import Kind
    from observer.workspace.groups import MemberSpec

    spec = MemberSpec(
        args.pseudonym, args.role, args.initials, args.colour, joined=_date(args.joined, "--joined")
    )
    member_id = _workspace(ctx).add_member(args.group, spec, args.session).new(Kind.MEMBER)
    data = _member_data(ctx, member_id)
    _done(args, data, f"Added member {member_id}: {data['pseudonym']} ({data['initials']})")


def _edit_member(args: argparse.Namespace, ctx: Context) -> None:
    _workspace(ctx).edit_member(
        args.member,
        pseudonym=args.pseudonym,
        initials=args.initials,
        role=args.role,
        colour=args.colour,
        seat=args.seat,
    )
    data = _member_data(ctx, args.member)
    _done(args, data, f"Member {args.member}: {data['pseudonym']} ({data['initials']})")


def _leave(args: argparse.Namespace, ctx: Context) -> None:
    on = _date(args.on, "--on")
    assert on is not None
    _workspace(ctx).member_leaves(args.member, on)
    data = _member_data(ctx, args.member)
    _done(args, data, f"{data['pseudonym']} left on {on}")


# --- sessions ----------------------------------------------------------------------------------


def add_session_commands(ssub: Any) -> None:
    edit = _parser(
        ssub, "edit", "change a session's date, setting, number, attendance or notes", _edit_session
    )
    edit.add_argument("session", type=int, metavar="SESSION_ID")
    edit.add_argument("--number", type=int)
    edit.add_argument("--date", help="ISO date and time, e.g. 2026-11-20T18:00")
    edit.add_argument("--setting", choices=["in person", "telehealth"])
    edit.add_argument("--notes")
    edit.add_argument(
        "--present",
        action="append",
        metavar="PSEUDONYM",
        help="someone who was there (marks them present)",
    )
    edit.add_argument("--absent", action="append", metavar="PSEUDONYM")
    delete = _parser(
        ssub, "delete", "delete a session with its codings (needs --yes)", _delete_session
    )
    delete.add_argument("session", type=int, metavar="SESSION_ID")
    delete.add_argument("--yes", action="store_true", help="yes, delete it for good")


def _attendance(ctx: Context, args: argparse.Namespace) -> list[int] | None:
    from observer.domain.errors import InputError, Refused
    from observer.domain.participants import member_id_of
    from observer.workspace.groups import session_roster

    if not (args.present or args.absent):
        return None
    with ctx.store().reader() as s:
        roster = session_roster(s, args.session)
    present = {member_id_of(p.key) for p in roster.participants if p.present}
    try:
        for name in args.present or ():
            present.add(member_id_of(roster.key_of(name, "member")))
        for name in args.absent or ():
            present.discard(member_id_of(roster.key_of(name, "member")))
    except Refused as exc:
        raise InputError(f"--present/--absent: {exc.message}") from None
    return sorted(i for i in present if i is not None)


def _edit_session(args: argparse.Namespace, ctx: Context) -> None:
    from observer.workspace.groups import list_sessions

    _workspace(ctx).edit_session(
        args.session,
        number=args.number,
        starts_at=when(args.date),
        setting=args.setting,
        notes=args.notes,
        present=_attendance(ctx, args),
    )
    [s] = [s for s in list_sessions(ctx.store()) if s.id == args.session]
    data = {
        "id": s.id,
        "group": s.group_id,
        "number": s.number,
        "starts_at": s.starts_at.astimezone().isoformat() if s.starts_at else None,
        "setting": s.setting,
        "notes": s.notes,
        "present": [m.pseudonym for m in s.present],
    }
    _done(args, data, f"Session {s.id}: number {s.number}, {s.setting}, {len(s.present)} present")


def _delete_session(args: argparse.Namespace, ctx: Context) -> int:
    from observer.workspace.records import session_deletion

    goes = session_deletion(ctx.store(), args.session)
    if not args.yes:
        print(
            f"group-observer: deleting session {args.session} takes {goes.sentence()}; "
            "add --yes to delete it",
            file=sys.stderr,
        )
        return 2
    _workspace(ctx).delete_session(args.session)
    _done(
        args,
        {"deleted": args.session, "codings": goes.codings, "events": goes.events},
        f"Deleted session {args.session}: {goes.sentence()}",
    )
    return 0


# --- codings -----------------------------------------------------------------------------------


def add_coding_commands(sub: Any) -> None:
    edit = _parser(sub, "edit", "rename a coding, change its observer or capacity", _edit_coding)
    edit.add_argument("coding", type=int, metavar="CODING_ID")
    edit.add_argument("--name")
    edit.add_argument("--observer", metavar="INITIALS")
    edit.add_argument("--capacity", choices=["co-therapist", "supervisor", "trainee", "reference"])
    move = _parser(sub, "move", "move a coding to another session of its group", _move)
    move.add_argument("coding", type=int, metavar="CODING_ID")
    move.add_argument("session", type=int, metavar="SESSION_ID")
    delete = _parser(sub, "delete", "put a coding in the trash", _trash_coding)
    delete.add_argument("coding", type=int, metavar="CODING_ID")
    restore = _parser(sub, "restore", "take a coding out of the trash", _restore)
    restore.add_argument("coding", type=int, metavar="CODING_ID")
    trash = _parser(sub, "trash", "the codings in the trash; --empty --yes deletes them", _trash)
    trash.add_argument("--empty", action="store_true")
    trash.add_argument("--yes", action="store_true", help="yes, delete them for good")


def _coding_data(ctx: Context, coding_id: int) -> dict[str, Any]:
    from observer.storage.models import Coding

    with ctx.store().reader() as s:
        c = s.get(Coding, coding_id)
        assert c is not None
        return {
            "id": c.id,
            "session": c.session_id,
            "name": c.name,
            "observer": c.observer.initials,
            "capacity": c.capacity,
            "trashed": c.trashed_at is not None,
        }


def _edit_coding(args: argparse.Namespace, ctx: Context) -> None:
    _workspace(ctx).edit_coding(
        args.coding, name=args.name, observer=args.observer, capacity=args.capacity
    )
    d = _coding_data(ctx, args.coding)
    _done(args, d, f"Coding {d['id']}: {d['name']!r} by {d['observer']} ({d['capacity']})")


def _move(args: argparse.Namespace, ctx: Context) -> None:
    _workspace(ctx).move_coding(args.coding, args.session)
    d = _coding_data(ctx, args.coding)
    _done(args, d, f"Moved coding {args.coding} to session {args.session}")


def _trash_coding(args: argparse.Namespace, ctx: Context) -> None:
    _workspace(ctx).trash_coding(args.coding)
    _done(
        args,
        _coding_data(ctx, args.coding),
        f"Coding {args.coding} is in the trash (coding restore {args.coding} brings it back)",
    )


def _restore(args: argparse.Namespace, ctx: Context) -> None:
    _workspace(ctx).restore_coding(args.coding)
    _done(args, _coding_data(ctx, args.coding), f"Restored coding {args.coding}")


def _trash(args: argparse.Namespace, ctx: Context) -> int:
    from observer.workspace.coding_records import trash

    found = trash(ctx.store())
    if args.empty:
        events = sum(t.events for t in found)
        if not args.yes:
            print(
                f"group-observer: emptying the trash deletes {len(found)} codings and "
                f"{events:,} events for good; add --yes",
                file=sys.stderr,
            )
            return 2
        from observer.workspace.changes import Kind

        gone = _workspace(ctx).empty_trash().removed.get(Kind.CODING, ())
        _done(
            args,
            {"deleted": list(gone), "events": events},
            f"Deleted {len(gone)} codings and {events:,} events for good",
        )
        return 0
    rows = [
        {
            "id": t.id,
            "name": t.name,
            "group": t.group,
            "session": t.session_number,
            "observer": t.observer,
            "events": t.events,
            "trashed_at": t.trashed_at.astimezone().isoformat(),
        }
        for t in found
    ]
    if args.json:
        print_json(rows)
    else:
        print_table(
            [
                [r["id"], r["group"], r["session"], r["observer"], r["events"], r["name"]]
                for r in rows
            ],
            ["id", "group", "session", "observer", "events", "name"],
        )
    return 0


# --- recordings --------------------------------------------------------------------------------


def add_media_commands(sub: Any) -> None:
    remove = _parser(
        sub, "remove", "remove a recording from its session (the file stays)", _remove_media
    )
    remove.add_argument("media", type=int, metavar="MEDIA_ID")
    edit = _parser(sub, "edit", "relabel a recording", _edit_media)
    edit.add_argument("media", type=int, metavar="MEDIA_ID")
    edit.add_argument("--label", required=True)


def _remove_media(args: argparse.Namespace, ctx: Context) -> None:
    _workspace(ctx).remove_media(args.media)
    _done(args, {"removed": args.media}, f"Removed recording {args.media} from its session")


def _edit_media(args: argparse.Namespace, ctx: Context) -> None:
    _workspace(ctx).edit_media(args.media, args.label)
    _done(
        args,
        {"id": args.media, "label": args.label.strip()},
        f"Recording {args.media}: {args.label.strip()}",
    )
