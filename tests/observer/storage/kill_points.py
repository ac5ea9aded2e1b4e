"""Open a database in a child process that is killed (SIGKILL) at its n-th step.

A step is each SQL statement and each commit the child sends, and each flush, rename or
link of a file. ``kill_points`` names every step before which a crash leaves something
different on disk: the first, and each one after a step that may change a file (a kill
between two reads leaves what a kill before the first of them does). Killing at each
of them tries every moment at which a crash can stop creating or upgrading a database.

The children are forked by a driver process that has the store loaded already (this
module run as a script), so each one starts at once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
FILE_STEPS = ("fsync", "replace", "rename", "link")
FINISH = 1_000_000


class Killer:
    """The driver of the children that open a database and are killed."""

    def __init__(self, driver: subprocess.Popen[str]) -> None:
        self._driver = driver

    def open_killed_at(self, step: int, path: Path) -> bool:
        """Open ``path`` in a child killed before its ``step``-th step; False if it finished."""
        return self._ask(f"{step} {path}") == "killed"

    def kill_points(self, path: Path, log: Path) -> list[int]:
        """Open ``path`` to the end, noting its steps; the steps worth killing before.

        Opening again with a step beyond them (``FINISH``) is not killed at all.
        """
        assert self._ask(f"0 {path} {log}") == "finished"
        steps = json.loads(log.read_text())
        after_changes = [i + 2 for i, step in enumerate(steps[:-1]) if not _reads_only(step)]
        return [1, *after_changes]

    def _ask(self, line: str) -> str:
        assert self._driver.stdin is not None and self._driver.stdout is not None
        self._driver.stdin.write(line + "\n")
        self._driver.stdin.flush()
        answer = self._driver.stdout.readline().strip()
        assert answer in ("killed", "finished"), f"{line}: {answer or 'no answer'}"
        return answer


def _reads_only(step: str) -> bool:
    text = step.lstrip().upper()
    return text.startswith(("SELECT", "BEGIN")) or (text.startswith("PRAGMA") and "=" not in text)


@contextmanager
def killer() -> Iterator[Killer]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    driver = subprocess.Popen(
        [sys.executable, "-m", "tests.observer.storage.kill_points"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield Killer(driver)
    finally:
        assert driver.stdin is not None
        driver.stdin.close()
        driver.wait(timeout=60)


def _drive() -> None:
    import observer.storage.store
    import observer.storage.upgrade  # noqa: F401  (loaded once, before forking)

    for line in sys.stdin:
        step, path, *log = line.rstrip("\n").split(" ")
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _open(int(step), path, log[0] if log else None)
            except BaseException:
                traceback.print_exc()
                code = 1
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            print("killed", flush=True)
        elif os.waitstatus_to_exitcode(status) == 0:
            print("finished", flush=True)
        else:
            print(f"failed with exit {os.waitstatus_to_exitcode(status)}", flush=True)


def _open(step: int, path: str, log: str | None) -> None:
    """Open ``path``, killed before step ``step`` (0: never, noting every step in ``log``)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from observer.storage.store import open_store

    steps: list[str] = []

    def one_step(what: str) -> None:
        steps.append(what)
        if len(steps) == step:
            os.kill(os.getpid(), signal.SIGKILL)

    event.listen(Engine, "before_cursor_execute", lambda *a: one_step(a[2]))
    event.listen(Engine, "commit", lambda *a: one_step("COMMIT"))
    for name in FILE_STEPS:
        setattr(os, name, _counted(getattr(os, name), name, one_step))
    open_store(path).close()
    if log is not None:
        Path(log).write_text(json.dumps(steps))


def _counted(function: Any, name: str, one_step: Any) -> Any:
    def counted(*args: Any, **kwargs: Any) -> Any:
        one_step(name)
        return function(*args, **kwargs)

    return counted


if __name__ == "__main__":
    _drive()
