"""Live entry: events waiting for modifiers, late arrivals, a coding's own code keys.

Revision ID: 0005
Revises: 0004

- ``events.awaiting_modifiers``: an event is stored the moment its code key goes down and
  its modifiers follow; until they do it is marked, so a coding reopened after a crash can
  say which events still lack them.
- ``attendance.arrived_ms``: a member marked absent who comes in late is recorded as
  present from that session time on (a late arrival is a real event in a group).
- ``codings.key_overrides``: when two codebooks of a coding want the same key, the coder
  gives one code another key for this coding; the choice is kept with the coding (JSON,
  code id to key).

Self-contained, like every migration: it imports nothing from the app.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on every dialect: no table is rebuilt (the events table keeps its
    # AUTOINCREMENT counter).
    op.add_column(
        "events",
        sa.Column("awaiting_modifiers", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("attendance", sa.Column("arrived_ms", sa.Integer(), nullable=True))
    op.add_column("codings", sa.Column("key_overrides", sa.JSON(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("Restore the copy kept before the upgrade instead.")
