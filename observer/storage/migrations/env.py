"""Alembic environment: run on the connection the store hands over (batch mode for SQLite)."""

from __future__ import annotations

from alembic import context

from observer.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the alembic CLI by hand
    raise RuntimeError("Run migrations through observer.storage.store.open_store().")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
