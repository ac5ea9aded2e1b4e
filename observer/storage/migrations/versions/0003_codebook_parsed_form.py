"""Open codings faster: keep each stored codebook's parsed form (JSON) beside its source.

Revision ID: 0003
Revises: 0002

Rows whose source does not parse keep NULL; they are read from their source as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The app's own reader writes the JSON, so it is in the format this version reads.
    from observer.storage.codebook_json import compiled_from_source

    with op.batch_alter_table("codebooks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("compiled", sa.Text(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, source FROM codebooks")).fetchall()
    for pk, source in rows:
        compiled = compiled_from_source(source)
        if compiled is not None:
            conn.execute(
                sa.text("UPDATE codebooks SET compiled = :compiled WHERE id = :id"),
                {"compiled": compiled, "id": pk},
            )


def downgrade() -> None:
    with op.batch_alter_table("codebooks", schema=None) as batch_op:
        batch_op.drop_column("compiled")
