"""Alembic migrations of the observer database.

``HEAD`` names the newest revision so that opening an up-to-date database does not
have to load Alembic at all (a test checks it against the scripts).
"""

HEAD = "0014"
