"""Alembic environment: run on the connection the store hands over (batch mode for SQLite).

Nothing of the app is imported here or in a migration: what an upgrade does must not
change when the app's code does. The transaction is the caller's (one for the whole
upgrade, with its stamp; see ``observer.storage.upgrade``).
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the alembic CLI by hand
    raise RuntimeError("Run migrations through observer.storage.store.open_store().")

context.configure(
    connection=connection,
    target_metadata=None,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
