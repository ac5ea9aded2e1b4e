"""Events carry a globally unique id; a server announces new events and codings.

Revision ID: 0013
Revises: 0011

``events.uid``: a UUID (text, 36 characters) given when an event is first written, so a
laptop that recorded it first into its own outbox can send it to the server again and
again and it is kept once (``INSERT … ON CONFLICT (uid) DO NOTHING``). Existing events
get one now. ``event_audit.uid`` does the same for an audit row sent from an outbox
(NULL for rows written directly).

On PostgreSQL, triggers announce every event recorded, changed or deleted (channel
``observer_events``, payload the coding id) and every new coding (``observer_codings``,
payload the session id), so a watching window follows through LISTEN without polling.
Self-contained, like every migration: it imports nothing from the app.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# A version-4 UUID in SQLite's own SQL (no extension needed).
_SQLITE_UUID = (
    "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || "
    "substr(lower(hex(randomblob(2))), 2) || '-' || "
    "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || "
    "'-' || lower(hex(randomblob(6)))"
)

_NOTIFY = """
CREATE OR REPLACE FUNCTION observer_announce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'events' AND TG_OP = 'DELETE' THEN
        PERFORM pg_notify('observer_events', OLD.coding_id::text);
    ELSIF TG_TABLE_NAME = 'events' THEN
        PERFORM pg_notify('observer_events', NEW.coding_id::text);
    ELSE
        PERFORM pg_notify('observer_codings', NEW.session_id::text);
    END IF;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # ADD COLUMN without rebuilding the table: NOT NULL needs a constant default there.
        op.execute("ALTER TABLE events ADD COLUMN uid VARCHAR(36) NOT NULL DEFAULT ''")
        op.execute(f"UPDATE events SET uid = {_SQLITE_UUID}")
    else:
        op.add_column(
            "events", sa.Column("uid", sa.String(36), nullable=True, server_default=sa.text("''"))
        )
        op.execute("UPDATE events SET uid = gen_random_uuid()::text")
        op.alter_column("events", "uid", nullable=False, existing_type=sa.String(length=36))
    op.create_index("ux_events_uid", "events", ["uid"], unique=True)
    op.add_column("event_audit", sa.Column("uid", sa.String(length=36), nullable=True))
    op.create_index("ux_event_audit_uid", "event_audit", ["uid"], unique=True)
    if bind.dialect.name == "postgresql":
        op.execute(_NOTIFY)
        # Once per statement's row; PostgreSQL folds equal notices of one transaction into
        # one, so a batch of a thousand events wakes a watcher once.
        for table, changes in (("events", "INSERT OR UPDATE OR DELETE"), ("codings", "INSERT")):
            op.execute(
                f"CREATE TRIGGER observer_announce_{table} AFTER {changes} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION observer_announce()"
            )


def downgrade() -> None:
    raise NotImplementedError("Restore the copy kept before the upgrade instead.")
