"""The demo session's recording, made when the demo is loaded: a small video whose picture
is the session clock and whose sound is a short tone at each coded act, so tape review
and practice against the recording work out of the box.

Made with PyAV (``av``), the FFmpeg binding Qt's media backend shares; without it the
demo simply has no recording.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import numpy as np

WIDTH, HEIGHT = 192, 108
FPS = 2
RATE = 8_000  # audio samples per second: tones need no more
TONE_MS = 120
TONE_HZ = 880.0
# Seven segments per digit (a top, b top-right, c bottom-right, d bottom, e bottom-left,
# f top-left, g middle): which are lit for each digit.
SEGMENTS = {
    "0": "abcdef", "1": "bc", "2": "abdeg", "3": "abcdg", "4": "bcfg",
    "5": "acdfg", "6": "acdefg", "7": "abc", "8": "abcdefg", "9": "abcdfg",
}  # fmt: skip
DIGIT_W, DIGIT_H, STROKE = 18, 34, 4


def available() -> bool:
    """Whether recordings can be made here (PyAV installed)."""
    try:
        import av  # noqa: F401
    except ImportError:
        return False
    return True


def _digit(frame: np.ndarray, x: int, y: int, digit: str) -> None:
    w, h, s = DIGIT_W, DIGIT_H, STROKE
    half = h // 2
    boxes = {
        "a": (x, y, w, s),
        "b": (x + w - s, y, s, half),
        "c": (x + w - s, y + half, s, half),
        "d": (x, y + h - s, w, s),
        "e": (x, y + half, s, half),
        "f": (x, y, s, half),
        "g": (x, y + half - s // 2, w, s),
    }
    for segment in SEGMENTS[digit]:
        bx, by, bw, bh = boxes[segment]
        frame[by : by + bh, bx : bx + bw] = 235


def clock_frame(ms: int) -> np.ndarray:
    """A grey picture showing the session time as mm:ss."""
    frame = np.full((HEIGHT, WIDTH, 3), 40, dtype=np.uint8)
    seconds = ms // 1000
    text = f"{seconds // 60:02d}:{seconds % 60:02d}"
    x = (WIDTH - (4 * (DIGIT_W + 6) + 10)) // 2
    y = (HEIGHT - DIGIT_H) // 2
    for char in text:
        if char == ":":
            for dy in (10, 22):
                frame[y + dy : y + dy + STROKE, x + 2 : x + 2 + STROKE] = 235
            x += 10
        else:
            _digit(frame, x, y, char)
            x += DIGIT_W + 6
    # A bar along the bottom moves with the seconds, so a paused frame shows where it is.
    frame[HEIGHT - 6 : HEIGHT - 2, 4 : 4 + (WIDTH - 8) * (seconds % 60) // 59] = 150
    return frame


def tones(length_ms: int, at_ms: Iterable[int]) -> np.ndarray:
    """Silence with a short tone at each moment (mono, float samples)."""
    sound = np.zeros(length_ms * RATE // 1000, dtype=np.float32)
    t = np.arange(TONE_MS * RATE // 1000) / RATE
    beep = (0.4 * np.sin(2 * math.pi * TONE_HZ * t) * np.hanning(t.size)).astype(np.float32)
    for ms in at_ms:
        start = ms * RATE // 1000
        if 0 <= start < sound.size:
            piece = beep[: sound.size - start]
            sound[start : start + piece.size] += piece
    return np.clip(sound, -1.0, 1.0)


def write_recording(path: Path, length_ms: int, tone_at_ms: Iterable[int]) -> Path:
    """Write the clock video with its tones as an MP4 (H.264 and AAC)."""
    import av

    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        video.options = {"preset": "ultrafast", "crf": "30", "g": str(FPS * 10)}
        audio = container.add_stream("aac", rate=RATE)
        audio.layout = "mono"
        audio.bit_rate = 12_000
        for n in range(length_ms * FPS // 1000):
            frame = av.VideoFrame.from_ndarray(clock_frame(n * 1000 // FPS), format="rgb24")
            frame.pts = n
            frame.time_base = Fraction(1, FPS)
            container.mux(video.encode(frame))
        container.mux(video.encode())
        sound = tones(length_ms, tone_at_ms)
        chunk = 1024
        for start in range(0, sound.size, chunk):
            samples = sound[start : start + chunk].reshape(1, -1)
            block = av.AudioFrame.from_ndarray(samples, format="flt", layout="mono")
            block.sample_rate = RATE
            block.pts = start
            block.time_base = Fraction(1, RATE)
            container.mux(audio.encode(block))
        container.mux(audio.encode())
    return path
