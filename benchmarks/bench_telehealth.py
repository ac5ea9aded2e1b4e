"""``import_transcript_90min``: a 90-minute call's transcript of 2,000 cues into a session.
``voice_activity_90min``: speaking turns found in 90 minutes of one audio track, with its
speed against real time (``speed_factor``: minutes of audio per minute of work;
``speed_factor_cpu`` the same per minute of processor time this process used)."""

from __future__ import annotations

import functools
import random
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks._timing import scratch_dir, summary

MINUTES = 90
CUES = 2_000
NAMES = ("Jane Doe", "Sam Okafor", "Priya", "Tom (iPad)", "Dr Lee")
SENTENCES = (
    "I wasn't sure I wanted to come back this week.",
    "Can I say something about last time?",
    "That sounds really hard.",
    "Yes. Okay.",
    "What do the others think about that?",
)


def zoom_transcript(
    path: Path, cues: int = CUES, minutes: int = MINUTES, seed: int = 7, names=NAMES
) -> Path:
    """A Zoom-style WebVTT of ``cues`` cues over ``minutes``: unequal airtime, a few unnamed."""
    rng = random.Random(seed)
    weights = [5, 3, 2, 1, 4][: len(names)]
    step = minutes * 60_000 // cues
    lines = ["WEBVTT", ""]
    for i in range(cues):
        start = i * step + rng.randrange(0, step // 4)
        end = start + rng.randrange(step // 3, step - step // 8)
        text = rng.choice(SENTENCES)
        if rng.random() > 0.03:
            text = f"{rng.choices(names, weights)[0]}: {text}"
        lines += [str(i + 1), f"{_stamp(start)} --> {_stamp(end)}", text, ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _stamp(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


@functools.cache
def _session() -> tuple[Any, int]:
    from observer.storage.store import open_store
    from observer.workspace.groups import MemberSpec, add_group, add_session

    store = open_store(scratch_dir() / "telehealth.sqlite3")
    specs = [MemberSpec(n) for n in ("Jane", "Sam", "Priya", "Tom")]
    specs.append(MemberSpec("Dr Lee", role="leader"))
    group = add_group(store, "Thursday video group", members=specs)
    return store, add_session(store, group, setting="telehealth")


def _import() -> dict[str, Any]:
    from observer.formats import import_file

    store, session = _session()
    path = zoom_transcript(scratch_dir() / "call.vtt")
    names = {"Jane Doe": "Jane", "Sam Okafor": "Sam", "Tom (iPad)": "Tom"}
    samples = []
    for _ in range(3):
        began = time.perf_counter()
        report = import_file(store, path, session=session, observer="RK", names=names)
        samples.append((time.perf_counter() - began) * 1000)
    return summary(samples, cues=CUES, turns=report.events)


def speech_track(path: Path, minutes: int, seed: int = 3) -> Path:
    """``minutes`` of a room: espeak-ng's voices one after another, pauses of 0.3-1.5 s
    between them (about four fifths of the time is speech, as in a lively group)."""
    from tests.observer.formats.speech_audio import RATE, spoken

    rng = np.random.default_rng(seed)
    said = [
        spoken(text, voice, path.parent)
        for text in SENTENCES
        for voice in ("en-us", "en+m3", "en+f2")
    ]
    audio = np.zeros(minutes * 60 * RATE, dtype=np.int16)
    at = 0
    while at < audio.size:
        at += int(rng.uniform(0.3, 1.5) * RATE)
        speech = said[int(rng.integers(len(said)))][: max(0, audio.size - at)]
        audio[at : at + speech.size] = speech
        at += speech.size
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(audio.tobytes())
    return path


def _voice_activity() -> dict[str, Any]:
    from observer.formats.voice_activity import speech_in

    path = speech_track(scratch_dir() / "room.wav", MINUTES)  # needs espeak-ng
    began, cpu = time.perf_counter(), time.process_time()
    found = speech_in(path)
    took, cpu = time.perf_counter() - began, time.process_time() - cpu
    # On a shared machine the wall clock also counts others' work: the processor time
    # this process used says what the work itself costs.
    return summary(
        [took * 1000], audio_minutes=MINUTES, stretches=len(found),
        speed_factor=round(MINUTES * 60 / took, 1),
        speed_factor_cpu=round(MINUTES * 60 / cpu, 1),
    )  # fmt: skip


BENCHMARKS = {
    "import_transcript_90min": _import,
    "voice_activity_90min": _voice_activity,
}
