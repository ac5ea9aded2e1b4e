"""``group-observer airtime``: who holds the floor, for how long, who speaks after whom."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from observer.cli.commands import Context, print_json, print_table


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "airtime",
        help="airtime: speaking time, share and turns per member; who speaks after whom",
        description=(
            "Airtime of a coding's speaking turns (an imported transcript, voice activity, "
            "or held keys): per member speaking time, share, turns and mean turn; the Gini "
            "of speaking time; silence and overlap; turn transitions. Several codings: "
            "one row per session. Definitions: docs/airtime.md."
        ),
    )
    parser.add_argument("codings", nargs="+", metavar="CODING", help="coding id or events CSV")
    parser.add_argument("--chart", type=Path, metavar="FILE", help="save the airtime chart")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=_airtime)

    vad = commands.add_parser(
        "voice-activity",
        help="speaking turns from audio: one file per member, or one of the room",
        description=(
            "Find speaking turns in audio by voice activity detection, on this computer "
            "(the model ships with the app; nothing is sent anywhere), and keep them as a "
            "new coding of the session. Give WHO=FILE for each member's own recording, or "
            "group=FILE for one recording of the room (turns of someone, to attribute)."
        ),
    )
    vad.add_argument("recordings", nargs="+", metavar="WHO=FILE")
    vad.add_argument("--session", type=int, required=True, metavar="ID")
    vad.add_argument("--observer", required=True, metavar="INITIALS")
    vad.add_argument("--offset", type=float, default=0.0, metavar="S",
                     help="session time at the start of the audio, in seconds")  # fmt: skip
    vad.add_argument("--name", default="", help="the coding's name")
    vad.add_argument("--json", action="store_true")
    vad.set_defaults(handler=_voice_activity)


def _airtime(args: argparse.Namespace, ctx: Context) -> None:
    from observer.analysis.airtime import airtime, airtime_course
    from observer.formats.load_source import load_source

    datas = [load_source(spec, ctx.store) for spec in args.codings]
    if len(datas) > 1:
        course = airtime_course(datas)
        if args.json:
            print_json([
                {"session": r.session_number, "coding": r.coding_name, **r.airtime.as_dict()}
                for r in course
            ])  # fmt: skip
            return
        print_table(
            [
                [
                    r.session_number,
                    r.coding_name,
                    _gini(r.airtime.gini),
                    f"{r.airtime.speech_seconds:.0f}",
                    f"{r.airtime.silence_seconds:.0f}",
                ]
                for r in course
            ],
            ["session", "coding", "gini", "speech s", "silence s"],
        )
        return
    data = datas[0]
    result = airtime(data)
    if args.chart is not None:
        from observer.charts.airtime import airtime_chart

        airtime_chart(data).savefig(args.chart, dpi=150, bbox_inches="tight")
    if args.json:
        print_json(result.as_dict(data.label))
        return
    print_table(
        [
            [s.name, f"{s.seconds:.1f}", f"{100 * s.share:.1f}%", s.turns, f"{s.mean_turn:.1f}"]
            for s in result.speakers
        ],
        ["member", "seconds", "share", "turns", "mean turn s"],
    )
    print(
        f"\nGini {_gini(result.gini)} · speech {result.speech_seconds:.0f} s · silence "
        f"{result.silence_seconds:.0f} s · overlap {result.overlap_seconds:.0f} s"
    )


def _gini(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _voice_activity(args: argparse.Namespace, ctx: Context) -> None:
    from observer.domain.errors import InputError
    from observer.formats.voice_activity import import_voice_activity

    recordings = {}
    for pair in args.recordings:
        who, sep, file = pair.partition("=")
        if not sep or not who.strip() or not file.strip():
            raise InputError(f"{pair!r}: write it as WHO=FILE (Jane=jane.m4a, group=room.mp4)")
        path = Path(file.strip())
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        recordings[who.strip()] = path
    report = import_voice_activity(
        ctx.store(), recordings, session=args.session, observer=args.observer,
        offset_ms=round(args.offset * 1000), name=args.name,
    )  # fmt: skip
    if args.json:
        print_json(report.as_dict())
    else:
        print(report.summary())
