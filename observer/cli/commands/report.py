"""``report CODING --out FILE.pdf``: the supervision report of a coding."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from observer.cli.commands import Context, say_unlogged
from observer.cli.commands.interop import DEIDENTIFY_HELP


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "report",
        help="write the supervision report of a coding as a PDF",
        description="CODING is a coding id (with session, observer and process notes) or the "
        "path of a plain events CSV (events only).",
    )
    parser.add_argument("coding", metavar="CODING", help="coding id or events CSV")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    parser.add_argument("--deidentify", action="store_true", help=DEIDENTIFY_HELP)
    parser.set_defaults(handler=_report)


def _report(args: argparse.Namespace, ctx: Context) -> None:
    from observer.domain.deidentify import deidentified
    from observer.formats.load_source import load_source
    from observer.report import report_for_coding, write_report

    spec = args.coding
    if spec.isdigit() and not Path(spec).exists():
        pages = report_for_coding(
            ctx.store(), int(spec), args.out, deidentify=args.deidentify, unlogged=say_unlogged
        )
    else:
        data = load_source(spec, ctx.store)
        pages = write_report(deidentified(data) if args.deidentify else data, args.out)
    print(f"Wrote {args.out} ({pages} pages)")
