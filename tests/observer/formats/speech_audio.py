"""Speech made for the tests: espeak-ng's voice, placed at known times in WAV files."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np

RATE = 22_050  # what espeak-ng writes


def spoken(text: str, voice: str, folder: Path) -> np.ndarray:
    """``text`` said by espeak-ng, its own leading and trailing silence cut off."""
    out = folder / "said.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(out), text], check=True)
    with wave.open(str(out)) as w:
        assert w.getframerate() == RATE and w.getnchannels() == 1
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    loud = np.flatnonzero(np.abs(samples) > 0.02 * np.abs(samples).max())
    return samples[loud[0] : loud[-1] + 1]


def track(
    said: list[tuple[int, str]], voice: str, length_ms: int, path: Path
) -> list[tuple[int, int]]:
    """A WAV file of ``length_ms`` with each text said from its time on, silence between.

    Returns the true (start, end) of each utterance in milliseconds.
    """
    audio = np.zeros(RATE * length_ms // 1000, dtype=np.int16)
    truth = []
    for start_ms, text in said:
        speech = spoken(text, voice, path.parent)
        at = RATE * start_ms // 1000
        audio[at : at + speech.size] = speech
        truth.append((start_ms, start_ms + speech.size * 1000 // RATE))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(audio.tobytes())
    return truth
