"""``demo``: fill a database with the demo group."""

from __future__ import annotations

import argparse
from typing import Any

from observer.cli.commands import Context, print_json


def register(commands: Any) -> None:
    demo = commands.add_parser("demo", help="add a realistic demo group with sessions and codings")
    demo.add_argument("--json", action="store_true")
    demo.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace, ctx: Context) -> None:
    from observer.workspace.demo import create_demo

    summary = create_demo(ctx.store())
    if args.json:
        print_json(
            {
                "group": summary.group_id,
                "sessions": summary.session_ids,
                "codings": summary.coding_ids,
            }
        )
    else:
        print(
            f"Added the demo group ({summary.group_id}) with {len(summary.session_ids)} sessions "
            f"and {len(summary.coding_ids)} codings."
        )
