"""A real X screen for tests that type into the app as a person does (Xvfb, openbox, xdotool).

Offscreen Qt never routes keys through menus and mnemonics the way a desktop does; these
tests start a virtual screen with a window manager and drive the real program with
xdotool, so a key that would reach a menu instead of the coding is caught.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

TOOLS = ("Xvfb", "openbox", "xdotool", "import")


def require_tools() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        pytest.skip(
            f"a real-window test needs {', '.join(missing)} "
            "(scripts/install-system-deps.sh --tests installs them)"
        )


@dataclass
class Screen:
    display: str

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
        env["DISPLAY"] = self.display
        env["QT_QPA_PLATFORM"] = "xcb"
        return env

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=30
        )
        return done.stdout.strip()

    def window(self, name: str, timeout_s: float = 20.0) -> str:
        """The id of the first visible window whose title contains ``name``, once it is up."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = self.xdotool("search", "--onlyvisible", "--name", name)
            if found:
                return found.splitlines()[0]
            time.sleep(0.1)  # polling for a window to appear, not proving absence
        raise AssertionError(f"no window named {name!r} appeared within {timeout_s} s")

    def focus(self, window: str) -> None:
        self.xdotool("windowactivate", "--sync", window)
        self.xdotool("windowfocus", "--sync", window)

    def keys(self, names: Sequence[str], delay_ms: int = 15) -> None:
        """Key presses by X key name ('1', 'space', 'Escape', 'ctrl+z')."""
        if names:
            self.xdotool("key", "--clearmodifiers", "--delay", str(delay_ms), *names)

    def click(self, window: str, x: int, y: int) -> None:
        self.xdotool("mousemove", "--window", window, str(x), str(y), "click", "1")


@contextmanager
def virtual_screen(width: int = 1280, height: int = 800) -> Iterator[Screen]:
    """Xvfb on a free display with openbox, so windows take the keyboard as on a desktop."""
    require_tools()
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24", "-nolisten",
         "tcp"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        raise AssertionError("Xvfb did not start")
    screen = Screen(f":{number}")
    manager = subprocess.Popen(
        ["openbox"], env=screen.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield screen
    finally:
        manager.kill()
        server.kill()
        manager.wait()
        server.wait()
