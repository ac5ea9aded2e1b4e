"""``group-observer``: the desktop app, or, given a command, the headless tools.

With only the app's own options (``--db``, ``--coding``) the app starts at once; anything
else (a command, ``--help``, ``--version``) goes to ``observer.cli.main``. Deciding here keeps
the app's start free of the command line's set-up (its parser of every command and the
entry-point lookup took about 50 ms), while the Qt-free core still never imports Qt.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence

APP_OPTIONS = ("--db", "--coding", "--passphrase-file")
APP_FLAGS = ("--ready-signal",)


def wants_the_app(args: Sequence[str]) -> bool:
    """True when ``args`` hold nothing but the app's own options."""
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg in APP_OPTIONS:
            if not rest:
                return False  # let the full command line explain what is missing
            rest.pop(0)
        elif not (arg in APP_FLAGS or arg.startswith(tuple(f"{o}=" for o in APP_OPTIONS))):
            return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if wants_the_app(args):
        # Start-up creates many objects and frees few: the collector's passes meanwhile are
        # wasted work (the app turns it back on once its window is up).
        gc.disable()
        # The coding's core before Qt: PySide checks every module imported after it.
        import observer.workspace.recording  # noqa: F401
        from ui.app import main as app

        return app(args, prog="group-observer")
    from observer.cli.main import main as command_line

    return command_line(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
