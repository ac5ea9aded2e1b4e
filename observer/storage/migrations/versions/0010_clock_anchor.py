"""One session clock: each live coding keeps the wall time of its session time zero.

Revision ID: 0010
Revises: 0009

``codings.clock_anchor``: the moment (UTC) that the coding's session time 0 corresponds
to, set when its live clock first starts. Two live codings of one session then line up
by wall time, whoever pressed start first. Codings recorded before, media codings and
imported codings have none (NULL). Self-contained, like every migration: it imports
nothing from the app.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on every dialect: no table is rebuilt.
    op.add_column("codings", sa.Column("clock_anchor", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("Restore the copy kept before the upgrade instead.")
