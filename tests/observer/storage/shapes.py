"""What a database's schema is, compared by meaning rather than by the text of its DDL."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any


def schema_of(path: Path) -> tuple[Any, ...]:
    """The schema stamp and each table's columns, keys, indexes and AUTOINCREMENT.

    The order of a table's foreign keys in its DDL is left out: rebuilding a table
    (Alembic's batch mode) writes them in no fixed order.
    """
    with closing(sqlite3.connect(path)) as conn:
        stamp = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        shapes = []
        for kind, name, sql in sorted(
            conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite%'")
        ):
            if kind != "table":
                shapes.append((kind, name, sql))
                continue
            columns = [r[1:6] for r in conn.execute(f'PRAGMA table_info("{name}")')]
            keys = sorted(r[2:7] for r in conn.execute(f'PRAGMA foreign_key_list("{name}")'))
            shapes.append((kind, name, tuple(columns), tuple(keys), "AUTOINCREMENT" in sql))
    return (tuple(stamp), tuple(shapes))
