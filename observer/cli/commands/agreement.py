"""``agreement A B [C…]`` and ``practice mark-reference | start | feedback | attempts``."""

from __future__ import annotations

import argparse
from typing import Any

from observer.cli.commands import Context, print_json, print_table
from observer.cli.commands.corrections import refusing
from observer.cli.commands.network import add_filter_arguments, chart_filters


def register(commands: Any) -> None:
    agree = commands.add_parser(
        "agreement",
        help="agreement between two or more codings (coding ids or events CSVs)",
        description=(
            "Event-based agreement (events paired by time within a tolerance), time-unit "
            "kappa and Krippendorff's alpha; every figure says how it was computed. "
            "--code, --category, --actor and --target restrict every figure to those "
            "events (per-behaviour agreement). See docs/agreement.md."
        ),
    )
    agree.add_argument("sources", nargs="+", metavar="CODING", help="coding id or events CSV")
    agree.add_argument(
        "--tolerance",
        type=float,
        default=2.0,
        metavar="S",
        help="seconds two events may be apart and still pair (default 2)",
    )
    agree.add_argument(
        "--unit",
        type=float,
        default=1.0,
        metavar="S",
        help="length of a time unit for the time-unit kappa, seconds (default 1)",
    )
    agree.add_argument("--by", choices=["code", "actor", "target"], default="code")
    agree.add_argument(
        "--align",
        choices=["anchors", "auto", "none"],
        default="anchors",
        help=(
            "line the codings up by their clocks' anchors (default); auto: by the shift the "
            "events suggest when it pairs more of them; none: times as stored"
        ),
    )
    agree.add_argument("--json", action="store_true")
    add_filter_arguments(agree, times=False)
    agree.set_defaults(handler=refusing(_agreement))

    practice = commands.add_parser("practice", help="practice codings against a reference")
    sub = practice.add_subparsers(dest="action", metavar="ACTION", required=True)

    mark = sub.add_parser("mark-reference", help="mark a coding as the reference for trainees")
    mark.add_argument("coding", type=int, metavar="CODING_ID")
    mark.add_argument("--unset", action="store_true", help="no longer a reference")
    mark.set_defaults(handler=_mark)

    start = sub.add_parser("start", help="start a practice attempt at a reference coding")
    start.add_argument("reference", type=int, metavar="REFERENCE_ID")
    start.add_argument("--trainee", required=True, metavar="INITIALS")
    start.add_argument("--json", action="store_true")
    start.set_defaults(handler=_start)

    fb = sub.add_parser("feedback", help="compare an attempt with its reference")
    fb.add_argument("attempt", type=int, metavar="ATTEMPT_ID")
    fb.add_argument("--tolerance", type=float, default=2.0, metavar="S")
    fb.add_argument(
        "--align",
        choices=["anchors", "auto", "none"],
        default="anchors",
        help="line the attempt up with the reference as agreement --align does",
    )
    fb.add_argument("--json", action="store_true")
    fb.set_defaults(handler=_feedback)

    tries = sub.add_parser("attempts", help="a trainee's attempts and their agreement")
    tries.add_argument("--trainee", required=True, metavar="INITIALS")
    tries.add_argument("--reference", type=int, metavar="REFERENCE_ID")
    tries.add_argument("--json", action="store_true")
    tries.set_defaults(handler=_attempts)


_LINED = {"anchors": "by the anchors", "events": "by the events", "none": "as stored"}


def _fmt(value: float | None, digits: int = 3) -> str:
    return "undefined" if value is None else f"{value:.{digits}f}"


def _agreement(args: argparse.Namespace, ctx: Context) -> None:
    from observer.analysis.agreement import agreement
    from observer.domain.errors import InputError
    from observer.formats.load_source import load_source

    if len(args.sources) < 2:
        raise InputError("Agreement needs at least two codings (ids or events CSV files).")
    datas = [load_source(spec, ctx.store) for spec in args.sources]
    result = agreement(
        datas, args.tolerance, args.unit, args.by, chart_filters(args, datas), args.align
    )
    if args.json:
        print_json(result)
        return
    for note in result["notes"]:
        print(note)
    if result["notes"]:
        print()
    explain = result["explanations"]
    pairs = result["pairs"] if len(result["codings"]) > 2 else [result]
    for pair in pairs:
        a, b = pair["codings"]
        print(f"{a}  vs  {b}   (by {pair['by']})")
        print(f"  {pair['explanations']['alignment']}")
        offset = pair["offset"]
        print(
            f"  {'clocks':27} {offset['ms'] / 1000:+.3f} s added to {b}'s times "
            f"({_LINED[offset['method']]}; {offset['matched']} same-code pairs)"
        )
        for key in (
            "event_kappa",
            "event_kappa_matched",
            "percent_agreement",
            "percent_agreement_matched",
            "time_unit_kappa",
            "krippendorff_alpha",
        ):
            digits = 1 if key.startswith("percent") else 3
            print(f"  {key:27} {_fmt(pair[key], digits):>9}   {pair['explanations'][key]}")
        off = pair["offsets"]
        if off["n"]:
            print(
                f"  {'timing':27} median {off['median_ms'] / 1000:+.2f} s, quartiles "
                f"{off['q1_ms'] / 1000:+.2f} … {off['q3_ms'] / 1000:+.2f} s   "
                f"{pair['explanations']['offsets']}"
            )
        print("\n  Confusion (rows: " + a + ", columns: " + b + ")")
        labels = pair["confusion"]["labels"]
        print_table(
            [[label, *row] for label, row in zip(labels, pair["confusion"]["matrix"], strict=True)],
            ["", *labels],
        )
        print("\n  Per " + pair["by"])
        print_table(
            [
                [
                    r["label"],
                    r["a"],
                    r["b"],
                    r["agreed"],
                    _fmt(r["agreement"], 2),
                    _fmt(r["precision"], 2),
                    _fmt(r["recall"], 2),
                ]
                for r in pair["per_code"]
            ],
            [pair["by"], a, b, "agreed", "agreement", "precision", "recall"],
        )
        print()
    if len(result["codings"]) > 2:
        alpha = _fmt(result["krippendorff_alpha"])
        print(f"krippendorff_alpha (all) {alpha}   {explain['krippendorff_alpha']}")


def _mark(args: argparse.Namespace, ctx: Context) -> None:
    from observer.workspace.codings import set_reference

    set_reference(ctx.store(), args.coding, not args.unset)
    state = "no longer a reference" if args.unset else "the reference for practice"
    print(f"Coding {args.coding} is {state}.")


def _start(args: argparse.Namespace, ctx: Context) -> None:
    from observer.workspace.practice import start_attempt

    coding_id = start_attempt(ctx.store(), args.reference, args.trainee)
    if args.json:
        print_json({"id": coding_id, "reference": args.reference, "trainee": args.trainee})
    else:
        print(
            f"Started practice attempt {coding_id} at reference {args.reference} for {args.trainee}"
        )


def _feedback(args: argparse.Namespace, ctx: Context) -> None:
    from observer.workspace.practice import KINDS, feedback

    fb = feedback(ctx.store(), args.attempt, args.tolerance, align_by=args.align)
    if args.json:
        print_json(fb.to_dict())
        return
    for note in fb.notes:
        print(note)
    counts = ", ".join(f"{fb.count(k)} {k}" for k in KINDS)
    print(f"Attempt {fb.attempt_id} by {fb.trainee} against reference {fb.reference_id}: {counts}")
    print(
        f"kappa {_fmt(fb.kappa)} (unmatched events as 'nothing'), "
        f"agreement {_fmt(fb.percent_agreement, 1)} %"
    )
    print_table(
        [
            [
                c.label,
                c.reference_n,
                c.attempt_n,
                c.agreed,
                _fmt(c.precision, 2),
                _fmt(c.recall, 2),
                _fmt(c.f1, 2),
            ]
            for c in fb.per_code
        ],
        ["code", "reference", "attempt", "agreed", "precision", "recall", "F1"],
    )
    for title, lines in (
        ("Too often", fb.too_often),
        ("Too rarely", fb.too_rarely),
        ("Too late", fb.too_late),
        ("Too early", fb.too_early),
        ("Mix-ups", fb.mixups),
    ):
        if lines:
            print(f"\n{title}:")
            for line in lines:
                print(f"  {line}")


def _attempts(args: argparse.Namespace, ctx: Context) -> None:
    from observer.workspace.practice import attempts

    found = attempts(ctx.store(), args.trainee, args.reference)
    rows: list[dict[str, Any]] = [
        {
            "id": a.coding_id,
            "reference": a.reference_id,
            "created_at": a.created_at.isoformat(timespec="seconds"),
            "events": a.events,
            "kappa": a.kappa,
            "percent_agreement": a.percent_agreement,
        }
        for a in found
    ]
    if args.json:
        print_json(rows)
        return
    print_table(
        [
            [
                r["id"],
                r["reference"],
                r["created_at"],
                r["events"],
                _fmt(r["kappa"]),
                _fmt(r["percent_agreement"], 1),
            ]
            for r in rows
        ],
        ["attempt", "reference", "started (UTC)", "events", "kappa", "agreement %"],
    )
