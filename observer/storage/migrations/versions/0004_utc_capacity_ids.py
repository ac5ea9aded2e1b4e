"""Times in UTC, capacity per coding, event ids never given twice.

Revision ID: 0004
Revises: 0003

- ``sessions.starts_at`` held the local wall time typed in; every other stamp was UTC.
  It is converted to UTC with the time zone of the computer that runs the upgrade (the
  one the times were typed on, as a rule). A server's columns become
  ``timestamp with time zone``.
- The capacity (co-therapist, supervisor, trainee, reference) moves from the observer to
  each coding; existing codings take their observer's.
- SQLite gives a deleted row's id to the next new row unless the table is AUTOINCREMENT:
  the events table is rebuilt so, and its counter starts above every id the events or the
  audit trail ever held. A server's identity sequence never goes back; it is moved past
  those ids too, in case rows were written with explicit ids.

Self-contained, like every migration: it imports nothing from the app.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

STAMPS = {
    "groups": ("created_at",),
    "sessions": ("starts_at",),
    "codebooks": ("stored_at",),
    "codings": ("created_at", "clock_running_since"),
    "events": ("created_at", "edited_at"),
    "event_audit": ("at",),
    "process_notes": ("created_at",),
}
SQLITE_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    _capacity_per_coding()
    _session_starts_in_utc(sqlite)
    if sqlite:
        _sqlite_events_autoincrement()
    else:
        _server_stamps_with_time_zone()
        _server_sequence_past_audited_ids()


def downgrade() -> None:
    raise NotImplementedError("Restore the copy kept before the upgrade instead.")


def _capacity_per_coding() -> None:
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "capacity", sa.String(length=20), nullable=False, server_default="co-therapist"
            )
        )
    op.execute(
        "UPDATE codings SET capacity = "
        "(SELECT o.capacity FROM observers o WHERE o.id = codings.observer_id)"
    )
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.alter_column("capacity", server_default=None)
    with op.batch_alter_table("observers", schema=None) as batch_op:
        batch_op.drop_column("capacity")


def _session_starts_in_utc(sqlite: bool) -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, starts_at FROM sessions WHERE starts_at IS NOT NULL")
    ).fetchall()
    for session_id, value in rows:
        try:
            local = datetime.fromisoformat(value) if isinstance(value, str) else value
            # A naive datetime's astimezone() takes it as this computer's local time,
            # with the daylight-saving rule of that date.
            moment = local.astimezone(UTC).replace(tzinfo=None)
        except (TypeError, ValueError, OverflowError, OSError):
            continue  # unreadable before too: left as it was rather than stop the upgrade
        conn.execute(
            sa.text("UPDATE sessions SET starts_at = :at WHERE id = :id"),
            {"at": moment.strftime(SQLITE_FORMAT) if sqlite else moment, "id": session_id},
        )


def _server_stamps_with_time_zone() -> None:
    for table, columns in STAMPS.items():
        for column in columns:
            op.alter_column(
                table,
                column,
                type_=sa.DateTime(timezone=True),
                existing_type=sa.DateTime(),
                postgresql_using=f"{column} AT TIME ZONE 'UTC'",
            )


def _sqlite_events_autoincrement() -> None:
    # Built by hand, as 0001 left it plus AUTOINCREMENT: nothing references events by
    # foreign key, so the table can be replaced in place.
    op.execute(
        "CREATE TABLE events_new (\n"
        "\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n"
        "\tcoding_id INTEGER NOT NULL, \n"
        "\ttime_ms INTEGER NOT NULL, \n"
        "\tend_ms INTEGER, \n"
        "\tcode VARCHAR(100) NOT NULL, \n"
        "\tactor VARCHAR(40) NOT NULL, \n"
        "\ttargets JSON NOT NULL, \n"
        "\tmodifiers JSON NOT NULL, \n"
        "\tnote TEXT NOT NULL, \n"
        "\tcreated_at DATETIME NOT NULL, \n"
        "\tedited_at DATETIME, \n"
        "\tFOREIGN KEY(coding_id) REFERENCES codings (id) ON DELETE CASCADE\n"
        ")"
    )
    columns = (
        "id, coding_id, time_ms, end_ms, code, actor, targets, modifiers, note, "
        "created_at, edited_at"
    )
    op.execute(f"INSERT INTO events_new ({columns}) SELECT {columns} FROM events")
    op.execute("DROP INDEX ix_events_coding_time")
    op.execute("DROP TABLE events")
    op.execute("ALTER TABLE events_new RENAME TO events")
    op.execute("CREATE INDEX ix_events_coding_time ON events (coding_id, time_ms)")
    # Start above every id ever seen, in the events or in the audit trail.
    op.execute(
        "INSERT INTO sqlite_sequence (name, seq) SELECT 'events', 0 "
        "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'events')"
    )
    op.execute(
        "UPDATE sqlite_sequence SET seq = max(seq, "
        "(SELECT coalesce(max(id), 0) FROM events), "
        "(SELECT coalesce(max(event_id), 0) FROM event_audit)) WHERE name = 'events'"
    )


def _server_sequence_past_audited_ids() -> None:
    conn = op.get_bind()
    sequence = conn.execute(sa.text("SELECT pg_get_serial_sequence('events', 'id')")).scalar()
    if sequence is None:
        return
    highest = conn.execute(
        sa.text(
            "SELECT greatest((SELECT coalesce(max(id), 0) FROM events), "
            "(SELECT coalesce(max(event_id), 0) FROM event_audit))"
        )
    ).scalar()
    if highest:
        conn.execute(
            sa.text(
                "SELECT setval(CAST(:seq AS regclass), greatest(CAST(:highest AS bigint), "
                "coalesce(pg_sequence_last_value(CAST(:seq AS regclass)), 0)))"
            ),
            {"seq": sequence, "highest": highest},
        )
