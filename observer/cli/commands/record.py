"""``record CODING``: record events typed one per line on standard input (headless)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from observer.cli.commands import Context


def register(commands: Any) -> None:
    record = commands.add_parser(
        "record",
        help="record events typed one per line on standard input",
        description=(
            "Each line: [@TIME] ACTOR TARGET CODE [MODIFIER…]. People by seat digit, "
            "initials or name (quoted if it has spaces), group or leaders; TARGET - for "
            "nobody. CODE by key or id; MODIFIER as SET=VALUE or a value of one set. "
            "@TIME in seconds or [h:]mm:ss; without it the coding's live clock. One line "
            "out per event once it is on disk ('ok ID …'), one per refused line "
            "('refused line N: …'). See docs/live-coding.md."
        ),
    )
    record.add_argument("coding", type=int, metavar="CODING_ID")
    record.add_argument(
        "--who", metavar="INITIALS", help="whose work the audit trail names (default: the coder)"
    )
    record.set_defaults(handler=_record)


def _record(args: argparse.Namespace, ctx: Context) -> int:
    from observer.domain.errors import InputError, Refused
    from observer.workspace.headless import LineRecorder
    from observer.workspace.recording import Recorder

    recorder = Recorder(ctx.store(), args.coding, args.who)
    refused = recorded = 0
    try:
        lines = LineRecorder(recorder)
        try:
            for number, text in enumerate(sys.stdin, 1):
                try:
                    done = lines.take(text)
                except InputError as exc:
                    refused += 1
                    where = f"line {number}"
                    why = exc.at(where) if isinstance(exc, Refused) else f"{where}: {exc}"
                    print(f"refused {why}", flush=True)
                    continue
                if done is not None:
                    recorded += 1
                    print(done.line, flush=True)
        finally:
            lines.finish()
    finally:
        recorder.close()
    print(f"{recorded} recorded, {refused} refused.", file=sys.stderr)
    return 2 if refused else 0
