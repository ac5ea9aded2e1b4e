"""A group's course over its sessions: which coding speaks for each session, and its trends."""

from __future__ import annotations

from collections import Counter

from observer.analysis.filters import ChartFilter
from observer.analysis.trends import SessionTrend, trends
from observer.storage.read_coding import from_coding
from observer.storage.store import Store
from observer.workspace.codings import list_codings
from observer.workspace.groups import list_sessions


def group_codings(store: Store, group_id: int, observer: str | None = None) -> list[int]:
    """One coding per session of a group, in session order (practice codings left out).

    With ``observer``, that observer's codings; otherwise the observer who coded the most
    sessions, falling back to the reference coding, then the first coding of a session.
    """
    per_session = []
    for session in list_sessions(store, group_id):
        codings = [c for c in list_codings(store, session.id) if c.practice_of_id is None]
        if codings:
            per_session.append(codings)
    if observer is None:
        tally = Counter(i for cs in per_session for i in {c.observer.initials for c in cs})
        observer = tally.most_common(1)[0][0] if tally else None
    chosen = []
    for codings in per_session:
        own = [c for c in codings if c.observer.initials == observer]
        reference = [c for c in codings if c.is_reference]
        chosen.append((own or reference or codings)[0].id)
    return chosen


def group_trends(
    store: Store,
    group_id: int,
    observer: str | None = None,
    chart_filter: ChartFilter | None = None,
) -> list[SessionTrend]:
    """Trends over a group's sessions from the database."""
    ids = group_codings(store, group_id, observer)
    datas = [from_coding(store, i) for i in ids]
    numbers: list[int | None] = [d.stored.session_number for d in datas]
    return trends(datas, numbers, chart_filter)
