"""Find one event's history quickly: index the audit trail by event.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_audit_event_id"), ["event_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("event_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_audit_event_id"))
