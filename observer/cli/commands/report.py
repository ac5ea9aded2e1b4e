"""``report CODING --out FILE.pdf``: the supervision report of a coding."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from observer.cli.commands import Context, say_unlogged
from observer.cli.commands.interop import add_sharing_options, dates_chosen


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "report",
        help="write the supervision report of a coding as a PDF",
        description="CODING is a coding id (with session, observer and process notes) or the "
        "path of a plain events CSV (events only).",
    )
    parser.add_argument("coding", metavar="CODING", help="coding id or events CSV")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    add_sharing_options(parser)
    parser.set_defaults(handler=_report)


def _report(args: argparse.Namespace, ctx: Context) -> None:
    from observer.domain.deidentify import SharingCodes, deidentified
    from observer.formats.load_source import load_source
    from observer.report import report_for_coding, write_report

    spec, dates = args.coding, dates_chosen(args)
    if spec.isdigit() and not Path(spec).exists():
        pages = report_for_coding(
            ctx.store(),
            int(spec),
            args.out,
            deidentify=args.deidentify,
            dates=dates,
            who=ctx.who,
            unlogged=say_unlogged,
        )
    else:
        data = load_source(spec, ctx.store)
        shared = deidentified(data, SharingCodes.for_export(dates)) if args.deidentify else data
        pages = write_report(shared, args.out)
    print(f"Wrote {args.out} ({pages} pages)")
