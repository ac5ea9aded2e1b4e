"""The media player for coding: a precise position at the key press, and a coder's transport.

Qt's ``QMediaPlayer.position()`` follows the audio clock in coarse steps (50–130 ms on
the FFmpeg backend) and, while paused after playing, can lag the frame on screen. A
coder marks what they *see*, so the position here is kept on the video frame clock:
each frame that reaches the video sink re-anchors it, and between frames it runs on
the monotonic clock at the playback rate. Paused, the position is exactly where the
coder put it (a seek, a step, a pause), and the frame shown is the one covering it.

Playing backwards is not supported by Qt Multimedia: the J shuttle emulates it by
stepping back while paused, a few frames a second.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtMultimedia import QAudioOutput, QMediaMetaData, QMediaPlayer, QVideoFrame
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from observer.domain.clock import format_time
from observer.workspace.media import check_media

MIN_RATE = 0.25
MAX_RATE = 4.0
RATES = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)
DEFAULT_FRAME_MS = 40.0  # 25 fps when the file does not say
DEFAULT_STEP_MS = 5000
TICK_MS = 40  # playhead refresh while running
REVERSE_TICK_MS = 100  # one emulated backwards step
AUDIO_AHEAD_MS = 250  # audio only: how far to run on past Qt's last (coarse) position

# States of the file, for the views and the tests.
EMPTY = "empty"
LOADING = "loading"
READY = "ready"
MISSING = "missing"
UNPLAYABLE = "unplayable"

_ERRORS = {
    QMediaPlayer.Error.ResourceError: "The file could not be read",
    QMediaPlayer.Error.FormatError: "The file is damaged or in a format this computer cannot play",
    QMediaPlayer.Error.AccessDeniedError: "Permission to read the file was refused",
    QMediaPlayer.Error.NetworkError: "The file could not be reached over the network",
}


class MediaPlayer(QWidget):
    """A recording with a coder's controls; ``position_ms()`` is what a key press records."""

    position_changed = Signal(int)  # media ms, while running and after every seek
    frame_shown = Signal(int)  # start (media ms) of the frame that reached the screen
    playing_changed = Signal(bool)
    rate_changed = Signal(float)
    loaded = Signal(int)  # duration in ms
    media_error = Signal(str)
    locate_requested = Signal()
    loop_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path: Path | None = None
        self.status = EMPTY
        self.message = ""
        self.frame_ms = DEFAULT_FRAME_MS
        self.step_ms = DEFAULT_STEP_MS
        self.pause_while_choosing = False
        self.loop: tuple[int, int] | None = None
        self.loop_on = False
        self.pitch_kept = False
        self._rate = 1.0  # the rate chosen in the transport; L starts playing at it
        self._speed = 0.0  # signed: 0 paused, > 0 forwards at that rate, < 0 backwards
        self._anchor_ms = 0
        self._anchor_at = time.monotonic()
        self._anchored = True  # False between play/seek and the first frame that follows
        self._seek_target: int | None = None
        self._holds = 0
        self._held_speed = 0.0
        self._duration = 0

        self._player = QMediaPlayer(self)
        self._audio = QAudioOutput(self)
        self._player.setAudioOutput(self._audio)
        self._video = QVideoWidget(self)
        self._player.setVideoOutput(self._video)
        self._sink = self._video.videoSink()
        self._keep_pitch()

        self._message = QLabel(wordWrap=True)
        self._message.setObjectName("mediaMessage")
        self._locate = QPushButton("Locate…")
        self._locate.setObjectName("locateMedia")
        self._locate.clicked.connect(self.locate_requested)
        page = QWidget()
        box = QVBoxLayout(page)
        box.addStretch(1)
        box.addWidget(self._message)
        box.addWidget(self._locate)
        box.addStretch(1)
        self._pages = QStackedWidget()
        self._pages.addWidget(self._video)
        self._pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._pages)
        self._show_message("No recording opened.", locate=False)

        self._tick = QTimer(self, interval=TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._player.mediaStatusChanged.connect(self._on_status)
        self._player.errorOccurred.connect(self._on_error)
        self._player.positionChanged.connect(self._on_backend_position)
        self._sink.videoFrameChanged.connect(self._on_frame)

    # --- opening ---------------------------------------------------------------------------

    def open(self, path: str | Path) -> bool:
        """Open a recording; False (with a message and a Locate… button) when it is missing."""
        self._stop_running()
        self.path = Path(path)
        self._anchor(0)
        self._duration = 0
        found = check_media(self.path)
        if not found.ok:
            self._player.setSource(QUrl())
            self.status = MISSING
            self._fail(found.message, locate=True)
            return False
        self.status = LOADING
        self.message = ""
        self._pages.setCurrentIndex(0)
        self._player.setSource(QUrl())  # the same file again must load again
        self._player.setSource(QUrl.fromLocalFile(str(self.path.resolve())))
        return True

    def close_media(self) -> None:
        self._stop_running()
        self._player.setSource(QUrl())
        self.path = None
        self.status = EMPTY
        self._show_message("No recording opened.", locate=False)

    @property
    def ready(self) -> bool:
        return self.status == READY

    @property
    def has_video(self) -> bool:
        return self._player.hasVideo()

    def duration_ms(self) -> int:
        return self._duration

    # --- position --------------------------------------------------------------------------

    def position_ms(self) -> int:
        """The media position now: read it at the key press to time an event."""
        if self._speed <= 0 or not self._anchored:
            return self._anchor_ms
        ahead = (time.monotonic() - self._anchor_at) * 1000.0 * self._speed
        if self.has_video:
            # Never past the frame on screen: if the next one is late, the picture waits too.
            ahead = min(ahead, self.frame_ms - 1)
        else:
            ahead = min(ahead, AUDIO_AHEAD_MS * self._speed)
        return self._clamp(self._anchor_ms + int(ahead))

    def backend_position_ms(self) -> int:
        """Qt's own position (audio clock, coarse); for comparison only."""
        return int(self._player.position())

    def backend_rate(self) -> float:
        """The rate Qt's player plays at (the shuttle's, or the one chosen)."""
        return float(self._player.playbackRate())

    def frame_image(self) -> QImage:
        """The frame on screen as an image (null when none): for pictures of the window."""
        frame: QVideoFrame = self._sink.videoFrame()
        return frame.toImage() if frame.isValid() else QImage()

    def grab_window(self, window: QWidget) -> QPixmap:
        """A picture of ``window`` with the current frame where the video sits.

        Offscreen, the video widget paints nothing a grab can see; the sink's frame can.
        """
        picture = window.grab()
        frame = self.frame_image()
        if frame.isNull() or not self.has_video:
            return picture
        area = self.rect().translated(self.mapTo(window, QPoint(0, 0)))
        scaled = frame.scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
        painter = QPainter(picture)
        painter.fillRect(area, Qt.GlobalColor.black)
        x = area.x() + (area.width() - scaled.width()) // 2
        y = area.y() + (area.height() - scaled.height()) // 2
        painter.drawImage(x, y, scaled)
        painter.end()
        return picture

    # --- transport -------------------------------------------------------------------------

    @property
    def playing(self) -> bool:
        return self._speed != 0

    @property
    def speed(self) -> float:
        """Signed playback speed: 0 paused, negative when going backwards (emulated)."""
        return self._speed

    @property
    def rate(self) -> float:
        return self._rate

    def play(self) -> None:
        self._run(self._rate)

    def pause(self) -> None:
        self._run(0.0)

    def toggle_play(self) -> None:
        self._run(0.0 if self.playing else self._rate)

    def set_rate(self, rate: float) -> None:
        """Playback rate 0.25×–4× (pitch kept where the backend can: ``pitch_kept``)."""
        rate = min(MAX_RATE, max(MIN_RATE, float(rate)))
        self._rate = rate
        if self._speed > 0:
            self._run(rate)
        self.rate_changed.emit(rate)

    def seek(self, media_ms: int) -> None:
        """Go to a media time; playing goes on from there, paused shows the frame at it."""
        if not self._can_play():
            return
        target = self._clamp(int(media_ms))
        if self._speed > 0:
            self._seek_target = target
        self._backend_seek(target)
        self._anchor(target, anchored=self._speed <= 0)
        self.position_changed.emit(target)

    def step(self, delta_ms: int) -> None:
        self.seek(self.position_ms() + delta_ms)

    def step_seconds(self, steps: int) -> None:
        """Back (negative) or forwards by ``steps`` × the step size (5 s unless changed)."""
        self.step(steps * self.step_ms)

    def step_frames(self, frames: int) -> None:
        """Pause and move by whole frames (1/25 s when the file does not give its frame rate)."""
        self.pause()
        here = self.position_ms()
        index = math.floor((here + 0.5) / self.frame_ms)
        self.seek(round((index + frames) * self.frame_ms))

    # J/K/L: the shuttle of video editors.
    def shuttle_forward(self) -> None:
        """L: play; again: faster (×2 up to 4×); while going backwards: slower backwards."""
        s = self._speed
        if s < -1:
            self._run(s / 2)
        elif s <= 0:
            self._run(self._rate)
        else:
            self._run(min(MAX_RATE, s * 2))

    def shuttle_stop(self) -> None:
        """K: pause."""
        self._run(0.0)

    def shuttle_back(self) -> None:
        """J: slower while playing faster than 1×; otherwise backwards, again: faster backwards."""
        s = self._speed
        if s > 1:
            self._run(max(1.0, s / 2))
        elif s >= 0:
            self._run(-1.0)
        else:
            self._run(max(-MAX_RATE, s * 2))

    # --- loop ------------------------------------------------------------------------------

    def set_loop(self, start_ms: int, end_ms: int) -> None:
        """Play [start, end] over and over (for a passage that needs several looks)."""
        a, b = sorted((int(start_ms), int(end_ms)))
        if b - a < 100:
            b = a + 100
        self.loop = (self._clamp(a), self._clamp(b) if self._duration else b)
        self.loop_on = True
        self.loop_changed.emit()

    def mark_loop_start(self) -> None:
        end = self.loop[1] if self.loop else self._duration or self.position_ms() + 5000
        self.set_loop(self.position_ms(), max(end, self.position_ms() + 100))

    def mark_loop_end(self) -> None:
        start = self.loop[0] if self.loop else 0
        self.set_loop(min(start, self.position_ms()), self.position_ms())

    def clear_loop(self) -> None:
        self.loop = None
        self.loop_on = False
        self.loop_changed.emit()

    # --- pause while a modifier is chosen ----------------------------------------------------

    def hold(self) -> None:
        """A modifier is being chosen: pause if the option is on; ``release`` resumes."""
        self._holds += 1
        if self._holds == 1 and self.pause_while_choosing and self.playing:
            self._held_speed = self._speed
            self._run(0.0)

    def release(self) -> None:
        if self._holds == 0:
            return
        self._holds -= 1
        if self._holds == 0 and self._held_speed:
            speed, self._held_speed = self._held_speed, 0.0
            self._run(speed)

    # --- internals -------------------------------------------------------------------------

    def _keep_pitch(self) -> None:
        # Qt 6.10 added pitch compensation; older versions change pitch with the rate.
        availability = getattr(self._player, "pitchCompensationAvailability", None)
        if availability is None:
            return
        state = availability()
        enum = QMediaPlayer.PitchCompensationAvailability
        if state == enum.Available:
            self._player.setPitchCompensation(True)
        self.pitch_kept = state in (enum.Available, enum.AlwaysOn)

    def _can_play(self) -> bool:
        return self.status == READY

    def _clamp(self, ms: int) -> int:
        high = self._duration if self._duration > 0 else ms
        return max(0, min(ms, high))

    def _anchor(self, ms: int, anchored: bool = True) -> None:
        self._anchor_ms = ms
        self._anchor_at = time.monotonic()
        self._anchored = anchored

    def _backend_seek(self, ms: int) -> None:
        # After a seek to t the FFmpeg backend shows the frame that *ends* at t when t is on
        # a frame boundary; 1 ms later shows the frame that starts at t, the one the coder saw.
        ask = ms + 1 if self.has_video and 0 < ms < self._duration - 1 else ms
        self._player.setPosition(ask)

    def _run(self, speed: float) -> None:
        """Go to a signed speed: the one place that starts, stops and reverses playback."""
        if not self._can_play():
            return
        was_playing = self.playing
        here = self.position_ms()
        if speed > 0 and here >= self._duration > 0 and self._speed <= 0:
            here = 0  # at the end, play starts over
            self._backend_seek(0)
        self._speed = speed
        self._seek_target = None
        if speed > 0:
            self._player.setPlaybackRate(speed)
            self._anchor(here, anchored=False)
            self._player.play()
            self._tick.setInterval(TICK_MS)
            self._tick.start()
        else:
            self._player.pause()
            # The picture and the position agree when paused: show the frame at ``here``.
            self._backend_seek(here)
            self._anchor(here)
            if speed < 0:
                self._tick.setInterval(REVERSE_TICK_MS)
                self._tick.start()
            else:
                self._tick.stop()
        self.position_changed.emit(here)
        if was_playing != self.playing:
            self.playing_changed.emit(self.playing)

    def _stop_running(self) -> None:
        self._tick.stop()
        if self._speed != 0:
            self._speed = 0.0
            self.playing_changed.emit(False)
        self._holds = 0
        self._held_speed = 0.0

    def _on_tick(self) -> None:
        if self._speed < 0:
            target = self._anchor_ms + int(REVERSE_TICK_MS * self._speed)
            if self.loop_on and self.loop and target <= self.loop[0]:
                target = self.loop[1]
            if target <= 0:
                target = 0
                self._run(0.0)
            self._backend_seek(target)
            self._anchor(target)
            self.position_changed.emit(target)
            return
        here = self.position_ms()
        if self.loop_on and self.loop and here >= self.loop[1]:
            self.seek(self.loop[0])
            return
        self.position_changed.emit(here)

    def _on_frame(self, frame: QVideoFrame) -> None:
        if not frame.isValid():
            return
        start = int(frame.startTime() // 1000)
        if start < 0:
            return
        self.frame_shown.emit(start)
        if self._speed <= 0:
            return
        if self._seek_target is not None:
            # A frame decoded before the seek can still arrive; wait for one near the target.
            if abs(start - self._seek_target) > 2 * self.frame_ms + 1:
                return
            self._seek_target = None
        here = self.position_ms()
        if start < here < start + self.frame_ms:
            # Still the frame we are on (the first one after play starts): keep the exact time.
            self._anchor(here)
        else:
            self._anchor(start)

    def _on_backend_position(self, ms: int) -> None:
        # Without video the coarse audio position is the only clock there is. It lags and
        # jitters, so it may pull the clock forwards but never back (the playhead would jump).
        if self._speed > 0 and not self.has_video and self._seek_target is None:
            self._anchor(max(int(ms), self.position_ms()))

    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        S = QMediaPlayer.MediaStatus
        if status == S.LoadedMedia and self.status == LOADING:
            self._duration = int(self._player.duration())
            rate = self._player.metaData().value(QMediaMetaData.Key.VideoFrameRate)
            if isinstance(rate, int | float) and rate > 0:
                self.frame_ms = 1000.0 / float(rate)
            self.status = READY
            self._pages.setCurrentIndex(0 if self.has_video else 1)
            if not self.has_video:
                name = self.path.name if self.path else ""
                self._show_message(f"Audio recording: {name}", locate=False)
            # Paused (not stopped) so that seeks show their frame at once.
            self._player.pause()
            self.loaded.emit(self._duration)
        elif status == S.EndOfMedia and self._speed > 0:
            self._tick.stop()
            self._speed = 0.0
            self._anchor(self._duration)
            self._player.pause()
            self.position_changed.emit(self._duration)
            self.playing_changed.emit(False)
        elif status == S.InvalidMedia and self.status != UNPLAYABLE:
            self._unplayable(self._player.errorString())

    def _on_error(self, error: QMediaPlayer.Error, text: str) -> None:
        if error != QMediaPlayer.Error.NoError:
            self._unplayable(text, _ERRORS.get(error, "The recording cannot be played"))

    def _unplayable(self, detail: str, what: str = "The recording cannot be played") -> None:
        self._stop_running()
        self.status = UNPLAYABLE
        name = self.path.name if self.path else "The recording"
        because = f" ({detail})" if detail else ""
        self._fail(
            f"{name} cannot be played. {what}{because}. It may be cut short or need a codec "
            "this computer lacks; convert it (e.g. to MP4 with H.264 and AAC) and locate the "
            "converted file. The coding stays open and can be edited.",
            locate=True,
        )

    def _fail(self, message: str, locate: bool) -> None:
        self._show_message(message, locate)
        self.media_error.emit(message)

    def _show_message(self, message: str, locate: bool) -> None:
        self.message = message
        self._message.setText(message)
        self._locate.setVisible(locate)
        self._pages.setCurrentIndex(1)

    def time_text(self) -> str:
        return f"{format_time(self.position_ms())} / {format_time(self._duration)}"
