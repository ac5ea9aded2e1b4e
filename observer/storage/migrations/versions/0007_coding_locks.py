"""One writer per coding: the lock a coding's recorder holds while it is open.

Revision ID: 0007
Revises: 0006

A row per coding open for recording: who (initials), on which computer, which process,
since when, and the last heartbeat. Self-contained, like every migration: it imports
nothing from the app.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coding_locks",
        sa.Column("coding_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=20), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["coding_id"], ["codings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("coding_id"),
    )


def downgrade() -> None:
    op.drop_table("coding_locks")
