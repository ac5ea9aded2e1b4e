"""``import FILE`` and ``export CODING --format … --out FILE``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from observer.cli.commands import Context, print_json, say_unlogged

# Spelled out so that building the command line does not import the formats (a test checks
# it matches observer.formats.EXPORT_FORMATS).
FORMATS = ("csv", "tsv", "xlsx", "json", "boris", "sdis", "eaf")
# As observer.domain.deidentify.DATE_CHOICES (a test checks it).
DATE_CHOICES = ("drop", "shift")
DEIDENTIFY_HELP = (
    "for sharing: members as Member A, B…, leaders and observers numbered, the group "
    "unnamed; notes and recordings left out; dates as --dates says"
)
DATES_HELP = (
    "with --deidentify: drop dates and times of day (the default), or shift every date "
    "by one secret number of days, the same in the whole file (intervals kept)"
)


def add_sharing_options(parser: argparse.ArgumentParser) -> None:
    """``--deidentify`` and ``--dates``, for the exports and the report alike."""
    parser.add_argument("--deidentify", action="store_true", help=DEIDENTIFY_HELP)
    parser.add_argument("--dates", choices=DATE_CHOICES, help=DATES_HELP)


def dates_chosen(args: argparse.Namespace) -> str:
    """The dates choice; refused without --deidentify, where it would mean nothing."""
    from observer.domain.errors import InputError

    if args.dates is not None and not args.deidentify:
        raise InputError("--dates goes with --deidentify (an identifiable file keeps its dates)")
    return str(args.dates or "drop")


def register(commands: Any) -> None:
    imp = commands.add_parser(
        "import",
        help="import a coding, a BORIS project or a call transcript (vtt, srt)",
        description=(
            "Import a file; its format is known from the file. A BORIS project becomes a "
            "group, one session and one coding per observation. CSV, TSV and XLSX need "
            "--session and --observer, and so does a call's transcript (.vtt, .srt), whose "
            "utterances become speaking turns. Nothing is written if anything in the file "
            "is wrong."
        ),
    )
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument(
        "--format",
        choices=("json", "csv", "tsv", "xlsx", "boris", "transcript"),
        help="read the file as this format (default: from the file)",
    )
    imp.add_argument("--session", type=int, metavar="ID", help="CSV/TSV/XLSX: the session coded")
    imp.add_argument(
        "--media-folder",
        type=Path,
        metavar="DIR",
        help="BORIS/JSON: relative recording paths must stay inside this folder "
        "(default: the imported file's folder); any leading outside is not kept",
    )
    imp.add_argument(
        "--observer",
        metavar="INITIALS",
        help="CSV/TSV/XLSX: who coded it; BORIS: the observer (default BORIS)",
    )
    imp.add_argument("--capacity", choices=("co-therapist", "supervisor", "trainee", "reference"))
    imp.add_argument(
        "--codebook",
        action="append",
        metavar="ID|FILE",
        help="CSV/TSV/XLSX: codebook id or YAML file (default: found from the codes); "
        "transcript: a codebook to code with on top of the turns",
    )
    imp.add_argument("--name", default="", help="CSV/TSV/XLSX: the coding's name")
    imp.add_argument(
        "--save-codebook",
        type=Path,
        metavar="YAML",
        help="BORIS: also write the ethogram's codebook to this YAML file",
    )
    imp.add_argument(
        "--map",
        action="append",
        metavar='"CALL NAME=PSEUDONYM"',
        help="transcript: who a name in the call is (remembered for the group); repeatable",
    )
    imp.add_argument(
        "--keep-text",
        action="store_true",
        help="transcript: keep the words said (default: only who spoke when)",
    )
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=_import)

    exp = commands.add_parser(
        "export",
        help="write a coding as csv, tsv, xlsx, json, boris, sdis or eaf",
        description="Write a coding to a file. SDIS pools several codings, BORIS makes each an "
        "observation of one project: give several ids.",
    )
    exp.add_argument("coding", type=int, nargs="+", metavar="CODING")
    exp.add_argument("--format", choices=FORMATS, help="default: from the --out suffix")
    exp.add_argument("--out", type=Path, required=True, metavar="FILE")
    exp.add_argument("--by-actor", action="store_true",
                     help="SDIS: one code per code and actor (feedback_Jane)")  # fmt: skip
    add_sharing_options(exp)
    exp.add_argument("--json", action="store_true")
    exp.set_defaults(handler=_export)


def _import(args: argparse.Namespace, ctx: Context) -> None:
    from observer.formats import import_file

    opts: dict[str, Any] = {}
    if args.session is not None:
        opts["session"] = args.session
    if args.observer:
        opts["observer"] = args.observer
    if args.capacity:
        opts["capacity"] = args.capacity
    if args.media_folder is not None:
        opts["media_folder"] = args.media_folder
    if args.codebook:
        opts["codebooks"] = args.codebook
    if args.name:
        opts["name"] = args.name
    if args.save_codebook:
        opts["codebook_out"] = args.save_codebook
    if args.map:
        from observer.formats.transcript_import import parse_names

        opts["names"] = parse_names(args.map)
    if args.keep_text:
        opts["keep_text"] = True
    report = import_file(ctx.store(), args.file, fmt=args.format, **opts)
    if args.json:
        print_json(report.as_dict())
    else:
        print(report.summary())


def _export(args: argparse.Namespace, ctx: Context) -> int:
    from observer.domain.errors import InputError
    from observer.formats import (
        carried_over_message,
        export_codings,
        export_notices,
        format_for_suffix,
    )

    dates = dates_chosen(args)
    fmt = args.format or format_for_suffix(args.out)
    if fmt is None:
        raise InputError(f"Which format? Give --format ({', '.join(FORMATS)}).")
    store = ctx.store()
    said = carried_over_message(export_notices(store, args.coding, fmt, args.deidentify))
    if said:  # before writing, so nothing is discovered later
        print(said, file=sys.stderr)
    count = export_codings(
        store,
        args.coding,
        fmt,
        args.out,
        who=ctx.who,
        unlogged=say_unlogged,
        by_actor=args.by_actor,
        deidentify=args.deidentify,
        dates=dates,
    )
    if args.json:
        print_json({"codings": args.coding, "format": fmt, "file": str(args.out), "events": count})
    else:
        print(f"Wrote {count} events to {args.out} ({fmt})", file=sys.stdout)
    return 0
