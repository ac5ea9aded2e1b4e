"""``group-observer sequences``: which events follow which, more often than chance."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from observer.cli.commands import Context, print_json, print_table
from observer.domain.errors import InputError


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "sequences",
        help="sequential analysis: lag or time-window transitions between codes",
        description=(
            "Transition table of one or more codings (pooled; never across a coding "
            "boundary): observed count, expected count, transitional probability, adjusted "
            "residual z and Yule's Q per pair. See docs/sequences.md."
        ),
    )
    parser.add_argument("codings", nargs="+", metavar="CODING", help="coding id or events CSV")
    parser.add_argument("--lag", type=int, default=1, metavar="K", help="lag (default 1)")
    parser.add_argument(
        "--within", type=float, metavar="S", help="time-window transitions: within S seconds"
    )
    parser.add_argument("--by", choices=("code", "category"), default="code")
    parser.add_argument(
        "--with-modes",
        action="store_true",
        help="keep the group's modes (Bion's basic assumptions) in the sequence",
    )
    parser.add_argument(
        "--min-expected",
        type=float,
        metavar="E",
        help="smallest expected count for the significance flag (default 3)",
    )
    parser.add_argument("--diagram", type=Path, metavar="FILE", help="save the transition diagram")
    parser.add_argument("--heatmap", type=Path, metavar="FILE", help="save the residual heatmap")
    parser.add_argument("--all", action="store_true", help="list every pair, not only flagged")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=_sequences)


def _sequences(args: argparse.Namespace, ctx: Context) -> None:
    from observer.analysis.sequences import MIN_EXPECTED, describe_significant, transitions
    from observer.formats.load_source import load_source

    if args.lag < 1:
        raise InputError("--lag must be 1 or more.")
    if args.within is not None and not args.within > 0:
        raise InputError("--within must be more than zero seconds.")
    datas = [load_source(spec, ctx.store) for spec in args.codings]
    result = transitions(
        datas,
        lag=args.lag,
        within_s=args.within,
        by=args.by,
        include_modes=args.with_modes,
        min_expected=args.min_expected if args.min_expected is not None else MIN_EXPECTED,
    )
    for path, draw in ((args.diagram, "transition_diagram"), (args.heatmap, "residual_heatmap")):
        if path is not None:
            from observer.charts import sequence_charts
            from observer.charts.export import save_figure

            save_figure(getattr(sequence_charts, draw)(result), path, bbox_inches="tight")
    if args.json:
        out = result.to_json()
        if len(datas) == 1:
            out["observations"] = describe_significant(datas[0])
        print_json(out)
        return
    rows = [
        [
            result.label(t.given),
            result.label(t.target),
            t.count,
            f"{t.expected:.2f}",
            "" if t.probability is None else f"{t.probability:.2f}",
            "" if t.z is None else f"{t.z:+.2f}",
            "" if t.yules_q is None else f"{t.yules_q:+.2f}",
            "*" if t.significant else "",
        ]
        for t in (result.transitions if args.all else result.significant())
    ]
    how = f"within {args.within:g} s" if args.within is not None else f"lag {args.lag}"
    print(f"{how}, n = {result.n}; * = |z| >= 1.96 with expected >= {result.min_expected:g}")
    print_table(rows, ["given", "target", "count", "expected", "p", "z", "Q", ""])
    if len(datas) == 1:
        for line in describe_significant(datas[0]):
            print(f"- {line}")
