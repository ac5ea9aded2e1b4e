"""``python -m ui [--db PATH] [--coding ID]``: the app, optionally straight into a coding."""

import sys

from ui.app import main

sys.exit(main())
