"""Records you can correct: archived groups, a trash for codings, where a codebook came from.

Revision ID: 0006
Revises: 0005

- ``groups.archived_at``: an archived group is kept with everything in it but no longer
  listed on the start screen (NULL: in use).
- ``codings.trashed_at``: a deleted coding goes to the trash first, with its events, notes
  and audit trail untouched, and can be restored until the trash is emptied (NULL: kept).
- ``codebooks.origin``: where a stored codebook came from (the file a person added), shown
  beside the database's codebooks ('' for those stored because a coding used them).

Plain ADD COLUMN on every dialect, nullable or with a server default: no table is rebuilt.
Self-contained, like every migration: it imports nothing from the app.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("groups", sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("codings", sa.Column("trashed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "codebooks", sa.Column("origin", sa.Text(), nullable=False, server_default=sa.text("''"))
    )


def downgrade() -> None:
    raise NotImplementedError("Restore the copy kept before the upgrade instead.")
