"""``python -m observer``: the same as the ``group-observer`` command."""

import sys

from observer.cli.main import main

sys.exit(main())
