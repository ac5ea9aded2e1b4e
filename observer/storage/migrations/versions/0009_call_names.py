"""The names a group's members go by in video calls, mapped to their pseudonyms.

Revision ID: 0009
Revises: 0008

A transcript names people as the call showed them ("Jane Doe"); the app knows them by
pseudonym. Mapped once per group, a name is remembered for the next session's transcript.
Self-contained, like every migration: it imports nothing from the app.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "call_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("call_name", sa.String(length=200), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("group_id", "call_name"),
    )


def downgrade() -> None:
    op.drop_table("call_names")
