"""``trends GROUP [--json] [--pdf FILE]``: the course of a group over its sessions."""

from __future__ import annotations

import argparse
from typing import Any

from observer.cli.commands import Context, print_json, print_table


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "trends",
        help="the course of a group: figures, members and climate ratings session by session",
        description="One coding per session speaks for it (the observer who coded most "
        "sessions, unless --observer). Flags: docs/measures.md.",
    )
    parser.add_argument("group", type=int, metavar="GROUP_ID")
    parser.add_argument("--observer", metavar="INITIALS", help="this observer's codings")
    parser.add_argument("--json", action="store_true", help="sessions, members and flags as JSON")
    parser.add_argument("--pdf", metavar="FILE", help="write the course-of-the-group report")
    parser.set_defaults(handler=_trends)


def _trends(args: argparse.Namespace, ctx: Context) -> None:
    from observer.workspace.group_course import group_course

    course = group_course(ctx.store(), args.group, args.observer)
    if args.pdf:
        from observer.course_report import write_course_report

        pages = write_course_report(course, args.pdf)
        print(f"Wrote {args.pdf} ({pages} pages)")
        return
    if args.json:
        print_json(course.as_dict())
        return
    scales = list(course.scales)
    print_table(
        [
            [
                s.label,
                s.events,
                f"{s.density:.2f}",
                f"{s.participation_gini:.2f}",
                f"{s.consensual_validation:.0%}",
                *("" if (v := s.climate_mean.get(k)) is None else f"{v:.2f}" for k in scales),
            ]
            for s in course.sessions
        ],
        ["session", "events", "density", "Gini", "validated", *scales],
    )
    for flag in course.flags:
        print(f"flag: {flag.sentence()}")
