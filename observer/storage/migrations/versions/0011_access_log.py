"""The access log: who opened, exported or reported which coding, and when.

Revision ID: 0011
Revises: 0010

``coding_access`` holds one row per access (``observer.storage.access_log``). It goes
with its coding: a coding emptied from the trash takes its log along. Self-contained,
like every migration: it imports nothing from the app.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coding_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coding_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["coding_id"], ["codings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_coding_access_coding_id", "coding_access", ["coding_id"])


def downgrade() -> None:
    op.drop_index("ix_coding_access_coding_id", table_name="coding_access")
    op.drop_table("coding_access")
