"""A coding's audit trail: every edit, deletion and restoration, and who made it when."""

from __future__ import annotations

from typing import TYPE_CHECKING

from observer.storage.store import Store

if TYPE_CHECKING:
    from observer.storage.models import AuditEntry


def audit_trail(store: Store, coding_id: int) -> list[AuditEntry]:
    """Every edit, deletion and restoration of a coding, oldest first."""
    from sqlalchemy import select

    from observer.storage.models import AuditEntry

    with store.reader() as s:
        return list(
            s.scalars(
                select(AuditEntry).where(AuditEntry.coding_id == coding_id).order_by(AuditEntry.id)
            )
        )


def event_history(store: Store, event_id: int) -> list[AuditEntry]:
    """What happened to one event after it was recorded, oldest first."""
    from sqlalchemy import select

    from observer.storage.models import AuditEntry

    with store.reader() as s:
        return list(
            s.scalars(
                select(AuditEntry).where(AuditEntry.event_id == event_id).order_by(AuditEntry.id)
            )
        )
