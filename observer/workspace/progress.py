"""Long work that reports how far it got and stops when asked.

Imports, exports, the report and agreement on long codings take seconds. They report
``progress(done, total)`` (``total`` 0 while the amount is not known yet); a window runs
them in a worker thread and shows a bar. Stopping is asked through a cancel check that
is looked at on every report: the work then raises :class:`Cancelled` from inside its
transaction, which rolls back whole, so a cancelled import writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from observer.domain.errors import InputError

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


class Cancelled(InputError):
    """The person cancelled; what was begun is rolled back and nothing is written.

    An ``InputError``, so that every import passes it on as it is (they turn other
    exceptions raised while reading a file into a message about the file).
    """

    def __init__(self, message: str = "Cancelled; nothing was written.") -> None:
        super().__init__(message)


def no_progress(_done: int, _total: int) -> None:
    """For work nobody watches."""


def never() -> bool:
    """For work nobody can cancel."""
    return False


def watched(progress: Progress | None = None, cancelled: CancelCheck | None = None) -> Progress:
    """The callback to give long work: it passes reports on and stops the work when asked."""
    report = progress or no_progress
    asked = cancelled or never

    def check(done: int, total: int) -> None:
        if asked():
            raise Cancelled()
        report(done, total)

    return check
