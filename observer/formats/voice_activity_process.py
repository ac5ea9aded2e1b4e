"""Voice activity found in a child process, so no decoder or model lives in the caller.

The coding app runs long work on a worker thread of its GUI process; PyAV's decoder and
the model's native session, finalised there later, could crash that process while Qt
was handling events. Here the detection runs in a fresh interpreter (``spawn``: nothing
of the parent's threads or native state is inherited); only plain data comes back:
progress as ``(done, total)`` and, per file, a list of ``(start_ms, end_ms)``. Cancel
terminates the child: nothing was written, since the caller writes only what a finished
child returned.
"""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from observer.domain.errors import InputError
from observer.formats.common import Progress, no_progress
from observer.formats.voice_activity import Speech

# How often the waiting side looks at the child and asks whether to cancel.
POLL_S = 0.1
# Each file counts this much of the progress bar.
PER_FILE = 1000


def speech_in_child(paths: Sequence[Path], progress: Progress = no_progress) -> list[list[Speech]]:
    """The stretches of speech in each file, found by a child process, in order.

    ``progress`` may raise (``Cancelled``): the child is then terminated and it propagates.
    """
    context = multiprocessing.get_context("spawn")
    reports: Any = context.Queue()
    child = context.Process(
        target=_find, args=([str(p) for p in paths], reports), name="voice-activity", daemon=True
    )
    child.start()
    done, total = 0, PER_FILE * len(paths)
    try:
        while True:
            try:
                kind, value = reports.get(timeout=POLL_S)
            except queue.Empty:
                if not child.is_alive():
                    raise InputError(
                        f"Finding speech stopped unexpectedly (exit code {child.exitcode}); "
                        "nothing was written."
                    ) from None
                progress(done, total)  # where Cancel is heard while a long file decodes
                continue
            if kind == "progress":
                done = value
                progress(done, total)
            elif kind == "error":
                raise InputError(value)
            else:
                return [[Speech(start, end) for start, end in found] for found in value]
    finally:
        if child.is_alive():
            child.terminate()
        child.join()
        reports.close()
        reports.join_thread()


def _find(paths: list[str], reports: Any) -> None:
    """In the child: each file's speech as plain lists, then ``("done", …)``."""
    from observer.formats.voice_activity import speech_in

    found: list[list[tuple[int, int]]] = []
    try:
        for n, path in enumerate(paths):

            def part(done: int, total: int, n: int = n) -> None:
                reports.put(("progress", n * PER_FILE + PER_FILE * done // max(total, 1)))

            found.append([(s.start_ms, s.end_ms) for s in speech_in(Path(path), part)])
    except InputError as exc:
        reports.put(("error", str(exc)))
        return
    except Exception as exc:  # a bug: still a message, never a silent child
        reports.put(("error", f"Finding speech failed: {type(exc).__name__}: {exc}"))
        return
    reports.put(("done", found))
