"""``network CODING [--json] [--from S --to S --code ID …]``: who talks to whom, and how much."""

from __future__ import annotations

import argparse
from typing import Any

from observer.cli.commands import Context, print_json, print_table


def add_filter_arguments(parser: argparse.ArgumentParser, times: bool = True) -> None:
    """The chart filter as options (shared by the commands that analyse codings).

    ``times``: with ``--from``/``--to`` (agreement spans whole sessions, so it has none).
    """
    if times:
        parser.add_argument(
            "--from", dest="start", metavar="TIME", help="from this time (s or mm:ss)"
        )
        parser.add_argument("--to", dest="end", metavar="TIME", help="up to this time (s or mm:ss)")
        parser.add_argument(
            "--phase",
            metavar="NAME",
            help="only this marked phase, from its mark to the next (e.g. work; a name "
            "marked again: 'work (2)')",
        )
        parser.add_argument(
            "--third", type=int, choices=(1, 2, 3), help="only this third of the session"
        )
    parser.add_argument(
        "--code", action="append", default=[], metavar="ID", help="only these codes (repeatable)"
    )
    parser.add_argument(
        "--category",
        action="append",
        default=[],
        metavar="ID",
        help="only codes of these categories (repeatable)",
    )
    parser.add_argument(
        "--actor",
        action="append",
        default=[],
        metavar="NAME",
        help="only acts by these people: pseudonym, initials or as shown (repeatable)",
    )
    parser.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="NAME",
        help="only acts addressed to these (repeatable)",
    )


def chart_filters(args: argparse.Namespace, datas: list[Any]) -> list[Any]:
    """One ChartFilter per coding (CodingData) from the parsed options, None where nothing
    filters. Codes and categories must be known to one of the codings; people are named as
    a person types them and looked up in each coding."""
    from dataclasses import replace

    from observer.analysis.filters import filters_for
    from observer.domain.clock import parse_time
    from observer.domain.errors import InputError

    def time_of(text: str | None, option: str) -> int | None:
        if text is None:
            return None
        try:
            return parse_time(text)
        except ValueError:
            raise InputError(f"{option} {text!r}: not a time (seconds or [hh:]mm:ss)") from None

    start = time_of(getattr(args, "start", None), "--from")
    end = time_of(getattr(args, "end", None), "--to")
    if start is not None and end is not None and end <= start:
        raise InputError("--to must be later than --from")
    phase, third = getattr(args, "phase", None), getattr(args, "third", None)
    if (phase is not None or third is not None) and (start is not None or end is not None):
        raise InputError("--phase and --third are time windows: give them without --from/--to")
    windows = [(start, end)] * len(datas)
    if phase is not None or third is not None:
        windows = [_phase_times(d, phase, third, len(datas) > 1) for d in datas]
    # Each option checked alone first, so a refusal names the option it is about.
    for option, field in (
        ("--code", "codes"),
        ("--category", "categories"),
        ("--actor", "actors"),
        ("--target", "targets"),
    ):
        try:
            filters_for(datas, **{field: getattr(args, option[2:])})
        except InputError as exc:
            raise InputError(f"{option}: {exc}") from None
    found = filters_for(datas, args.code, args.category, args.actor, args.target)
    out = [replace(f, start_ms=a, end_ms=b) for f, (a, b) in zip(found, windows, strict=True)]
    return [None if f.is_empty else f for f in out]


def _phase_times(
    data: Any, phase: str | None, third: int | None, name_coding: bool
) -> tuple[int | None, int | None]:
    """A coding's window for --phase or --third (``observer.domain.phases`` decides)."""
    from observer.domain.errors import InputError
    from observer.domain.phases import phase_window

    try:
        found = phase_window(data.phase_marks, data.duration_ms, phase, third)
    except InputError as exc:
        option = "--phase" if phase is not None else "--third"
        which = f"coding {data.coding_id or data.name}: " if name_coding else ""
        raise InputError(f"{option}: {which}{exc}") from None
    assert found is not None
    return found.start_ms, found.end_ms


def chart_filter(args: argparse.Namespace, data: Any) -> Any:
    """The ChartFilter of one coding from the parsed options (None when nothing filters)."""
    return chart_filters(args, [data])[0]


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "network",
        help="interaction network of a coding: acts from whom to whom, and group measures",
        description="CODING is a coding id or the path of a plain events CSV. Measures are "
        "on the graph of members and leaders (see docs/measures.md).",
    )
    parser.add_argument("coding", metavar="CODING", help="coding id or events CSV")
    parser.add_argument("--json", action="store_true", help="nodes, edges and measures as JSON")
    add_filter_arguments(parser)
    parser.set_defaults(handler=_network)


def _network(args: argparse.Namespace, ctx: Context) -> None:
    from observer.analysis.network import build_network
    from observer.formats.load_source import load_source

    data = load_source(args.coding, ctx.store)
    network = build_network(data, chart_filter(args, data))
    if args.json:
        print_json({"coding": data.coding_id or data.name, **network.as_dict()})
        return
    m = network.measures
    print(f"{data.name}: {m.people} people, {m.ties} ties, {m.acts} acts sent")
    print(
        f"density {m.density:.3f}  reciprocity {m.reciprocity:.3f}  "
        f"degree centralisation {m.degree_centralisation:.3f} "
        f"(out {m.out_degree_centralisation:.3f}, in {m.in_degree_centralisation:.3f})  "
        f"participation Gini {m.participation_gini:.3f}  to the group {m.to_group_share:.0%}"
    )
    print()
    print_table(
        [
            [
                n.label,
                n.role,
                n.sent,
                n.received,
                n.to_group,
                n.out_degree,
                n.in_degree,
                f"{n.betweenness:.3f}",
            ]
            for n in network.nodes
        ],
        ["who", "role", "sent", "received", "to group", "out", "in", "betweenness"],
    )
