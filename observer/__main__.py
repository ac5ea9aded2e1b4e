"""``python -m observer``: the same as the ``group-observer`` command."""

import sys

from observer.cli import main

sys.exit(main())
