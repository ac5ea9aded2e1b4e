"""Who may see what on a clinic's server: people, the groups they lead, references given.

Revision ID: 0012
Revises: 0011

``people``: one row per person who signs in to a server as their own PostgreSQL role
(``name``), in one capacity (``supervisor``, ``cotherapist`` or ``trainee``) and coding
under one observer's initials. ``group_leaders``: which groups a co-therapist leads.
``given_references``: which reference codings a trainee was given to practise on. The
server's row-level security reads these (``observer.storage.server_roles``); on an SQLite
file they stay empty and change nothing. Self-contained, like every migration: it imports
nothing from the app.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("observer_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["observer_id"], ["observers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "group_leaders",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("group_id", "person_id"),
    )
    op.create_table(
        "given_references",
        sa.Column("coding_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["coding_id"], ["codings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("coding_id", "person_id"),
    )


def downgrade() -> None:
    op.drop_table("given_references")
    op.drop_table("group_leaders")
    op.drop_table("people")
