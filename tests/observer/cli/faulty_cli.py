"""``python -m tests.observer.cli.faulty_cli FAULT AT ARGS…``: the command line, its store failing.

The database opens as usual; from then on every statement of kind ``AT`` (see
``tests/observer/injected.py``) fails with SQLite's error ``FAULT`` (``IOERR``, ``FULL``,
``BUSY``, ``READONLY``). What a person sees on the terminal is then exactly what they
would see on a failing disk.
"""

from __future__ import annotations

import sys

import pytest

from observer.cli.commands import Context
from observer.cli.main import main
from tests.observer import injected


def run(fault: str, at: str, argv: list[str], patch: pytest.MonkeyPatch | None = None) -> int:
    """Run the command line with its store failing (``patch`` undoes it, in a test)."""
    plan = injected.inject(patch)
    opened = Context.store

    def store(self: Context) -> object:
        found = opened(self)
        plan.fail(getattr(injected, fault), at=at)
        return found

    put = setattr if patch is None else patch.setattr
    put(Context, "store", store)
    return main(argv)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1], sys.argv[2], sys.argv[3:]))
