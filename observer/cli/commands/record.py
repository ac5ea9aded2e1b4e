"""``record CODING``: record events typed one per line on standard input (headless)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from observer.cli.commands import Context, say_unlogged

if TYPE_CHECKING:  # the recorder pulls in the store: not before the command runs
    from observer.workspace.headless import LineRecorder
    from observer.workspace.recording import Recorder

# How long ``record`` waits at the end for a server to take what it recorded.
DELIVERY_WAIT_S = 30.0


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
        "file",
        nargs="?",
        type=Path,
        metavar="FILE",
        help="read the lines from this file (default: standard input)",
    )
    record.add_argument(
        "--who",
        metavar="INITIALS",
        help="whose work the audit trail names (default: --as, else the coder)",
    )
    record.set_defaults(handler=_record)


def _record(args: argparse.Namespace, ctx: Context) -> int:
    from observer.workspace.headless import LineRecorder
    from observer.workspace.recording import Recorder

    with _lines_from(args.file) as typed:
        recorder = Recorder(ctx.store(), args.coding, args.who or ctx.who)
        if recorder.unlogged:
            say_unlogged(recorder.unlogged)
        try:
            lines = LineRecorder(recorder)
            try:
                recorded, refused = _take_all(lines, typed)
            finally:
                lines.finish()
            _deliver(recorder)
        finally:
            recorder.close(deliver_s=0)
    print(f"{recorded} recorded, {refused} refused.", file=sys.stderr)
    return 2 if refused else 0


def _deliver(recorder: Recorder) -> None:
    """On a server: wait a while for the outbox to empty, and say what is left in it."""
    delivery = recorder.delivery
    if delivery is None or delivery.wait_until_delivered(DELIVERY_WAIT_S):
        return
    waiting = delivery.outbox.waiting()
    print(
        f"{waiting} event{'' if waiting == 1 else 's'} could not be sent to the server yet "
        f"({delivery.state.problem or 'no answer'}); they are kept on this computer and sent "
        "when this coding is next opened.",
        file=sys.stderr,
    )


def _take_all(lines: LineRecorder, typed: Iterable[str]) -> tuple[int, int]:
    """Each line recorded and acknowledged, or refused, at once: (recorded, refused)."""
    from observer.domain.errors import InputError, Refused

    recorded = refused = 0
    for number, text in enumerate(typed, 1):
        try:
            done = lines.take(text)
        except InputError as exc:
            refused += 1
            where = f"line {number}"
            print(f"refused {exc.at(where) if isinstance(exc, Refused) else f'{where}: {exc}'}",
                  flush=True)  # fmt: skip
            continue
        if done is not None:
            recorded += 1
            print(done.line, flush=True)
    return recorded, refused


@contextmanager
def _lines_from(path: Path | None) -> Iterator[TextIO]:
    """Standard input, or the file named (refused in one line when it cannot be read)."""
    from observer.domain.errors import InputError

    if path is None:
        yield sys.stdin
        return
    try:
        opened = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    with opened:
        yield opened
