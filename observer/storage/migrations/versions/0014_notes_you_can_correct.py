"""Process notes and phase marks you can correct, and send from an outbox.

Revision ID: 0014
Revises: 0013

- ``process_notes.uid``: a UUID given when a note is first written (here or in a server
  coding's outbox), so a note sent to the server again is kept once; existing notes get
  one now. ``process_notes.edited_at``: when a note (or phase mark) was last corrected.
- ``note_audit``: every edit, deletion and restoration of a note or phase mark, who made
  it and when, the note before and after (as ``event_audit`` does for events); it names
  the note by its uid, which stays the same through an undo. ``uid`` keeps an audit row
  sent from an outbox once.

Self-contained, like every migration: it imports nothing from the app.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# A version-4 UUID in SQLite's own SQL (no extension needed).
_SQLITE_UUID = (
    "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || "
    "substr(lower(hex(randomblob(2))), 2) || '-' || "
    "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || "
    "'-' || lower(hex(randomblob(6)))"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # ADD COLUMN without rebuilding the table: NOT NULL needs a constant default there.
        op.execute("ALTER TABLE process_notes ADD COLUMN uid VARCHAR(36) NOT NULL DEFAULT ''")
        op.execute(f"UPDATE process_notes SET uid = {_SQLITE_UUID}")
    else:
        op.add_column(
            "process_notes",
            sa.Column("uid", sa.String(36), nullable=True, server_default=sa.text("''")),
        )
        op.execute("UPDATE process_notes SET uid = gen_random_uuid()::text")
        op.alter_column("process_notes", "uid", nullable=False, existing_type=sa.String(36))
    op.create_index("ux_process_notes_uid", "process_notes", ["uid"], unique=True)
    op.add_column(
        "process_notes", sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_table(
        "note_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=True),
        sa.Column("coding_id", sa.Integer(), nullable=False),
        sa.Column("note_uid", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("who", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["coding_id"], ["codings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_note_audit_coding_id", "note_audit", ["coding_id"])
    op.create_index("ux_note_audit_uid", "note_audit", ["uid"], unique=True)


def downgrade() -> None:
    raise NotImplementedError("Restore the copy kept before the upgrade instead.")
