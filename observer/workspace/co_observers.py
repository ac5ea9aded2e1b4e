"""Co-observers: the other live codings of the session a coding belongs to, and how far
they agree with it so far (``observer.analysis.live_agreement``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from observer.domain.coding_data import CodingData
from observer.domain.errors import NotFound
from observer.storage.read_coding import from_coding
from observer.storage.store import Store, run

if TYPE_CHECKING:  # the figure needs numpy: loaded only once there is a co-observer
    from observer.analysis.live_agreement import RecentAgreement


@dataclass(frozen=True)
class CoCoding:
    id: int
    observer: str


def co_codings(store: Store, coding_id: int) -> list[CoCoding]:
    """The other live codings of this coding's session (out of the trash), oldest first.

    Practice attempts and references are not co-observers; on a server, only the codings
    this person may see are found.
    """
    conn = store.connect()
    try:
        rows = run(
            conn,
            "SELECT c.id, o.initials FROM codings c JOIN observers o ON o.id = c.observer_id "
            "WHERE c.session_id = (SELECT session_id FROM codings WHERE id = ?) AND c.id <> ? "
            "AND c.clock_mode = 'live' AND c.trashed_at IS NULL AND NOT c.is_reference "
            "AND c.practice_of_id IS NULL ORDER BY c.id",
            (coding_id, coding_id),
        ).fetchall()
    finally:
        conn.close()
    return [CoCoding(int(cid), str(initials)) for cid, initials in rows]


def agreement_so_far(
    store: Store, mine: CodingData, now_ms: int | None = None
) -> list[RecentAgreement]:
    """Agreement of each co-observer's coding with ``mine`` over the last minutes."""
    if mine.info is None:
        return []
    others = co_codings(store, mine.info.id)
    if not others:
        return []
    from observer.analysis.live_agreement import recent_agreement

    found = []
    for other in others:
        try:
            theirs = from_coding(store, other.id)
        except NotFound:  # trashed or removed since it was listed
            continue
        found.append(recent_agreement(mine, theirs, other.observer, now_ms))
    return found
