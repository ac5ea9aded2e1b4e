"""A group's course over its sessions: which coding speaks for each session, its trends,
the members' climate ratings beside them, and the flags a supervisor should look at."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from observer.analysis.airtime import SessionAirtime
from observer.analysis.filters import ChartFilter
from observer.analysis.trends import (
    Climate,
    CourseFlag,
    RaterClimate,
    SessionTrend,
    course_flags,
    session_label,
    session_trend,
)
from observer.domain.coding_data import CodingData
from observer.domain.instrument import Instrument
from observer.domain.participants import member_key
from observer.domain.wording import counted
from observer.storage.outbox import not_on_server
from observer.storage.read_coding import each_coding
from observer.storage.store import Store, run
from observer.workspace.group_airtime import airtime_codings, group_airtime
from observer.workspace.groups import get_group
from observer.workspace.ratings import RatingForm, session_forms

_CODINGS = (
    "SELECT s.id, c.id, o.initials, c.is_reference FROM codings c "
    "JOIN sessions s ON s.id = c.session_id JOIN observers o ON o.id = c.observer_id "
    "WHERE s.group_id = ? AND c.practice_of_id IS NULL AND c.trashed_at IS NULL "
    "ORDER BY s.number, s.id, c.id"
)


def group_codings(store: Store, group_id: int, observer: str | None = None) -> list[int]:
    """One coding per session of a group, in session order (practice codings left out).

    With ``observer``, that observer's codings; otherwise the observer who coded the most
    sessions, falling back to the reference coding, then the first coding of a session.
    """
    return list(_session_codings(store, group_id, observer).values())


def _session_codings(store: Store, group_id: int, observer: str | None) -> dict[int, int]:
    """``group_codings`` by session id: session id → the coding that speaks for it."""
    # One query, not one per session: a year of weekly sessions is opened at a glance.
    conn = store.connect()
    try:
        rows = run(conn, _CODINGS, (group_id,)).fetchall()
    finally:
        conn.close()
    per_session: dict[int, list[tuple[int, str, bool]]] = {}
    for session_id, coding_id, initials, is_reference in rows:
        per_session.setdefault(session_id, []).append((coding_id, initials, bool(is_reference)))
    if observer is None:
        tally = Counter(i for cs in per_session.values() for i in {c[1] for c in cs})
        observer = tally.most_common(1)[0][0] if tally else None
    chosen = {}
    for session_id, codings in per_session.items():
        own = [c for c in codings if c[1] == observer]
        reference = [c for c in codings if c[2]]
        chosen[session_id] = (own or reference or codings)[0][0]
    return chosen


def group_trends(
    store: Store,
    group_id: int,
    observer: str | None = None,
    chart_filter: ChartFilter | None = None,
) -> list[SessionTrend]:
    """Trends over a group's sessions from the database, members' climate ratings included."""
    return group_course(store, group_id, observer, chart_filter).sessions


@dataclass(frozen=True)
class GroupCourse:
    """What the group view and the course report show: sessions, climate scales, flags."""

    group: str
    sessions: list[SessionTrend]
    instrument: Instrument | None
    flags: list[CourseFlag]
    # Speaking turns per session, from the coding that has them (``group_airtime``).
    airtime: tuple[SessionAirtime, ...] = ()
    # On a server: sessions whose coding has changes made on this computer not there yet.
    not_on_server: str = ""

    @property
    def scales(self) -> dict[str, str]:
        """Climate scale id → label (none without ratings)."""
        return {s.id: s.label for s in self.instrument.scales} if self.instrument else {}

    def as_dict(self) -> dict[str, Any]:
        """The JSON of ``group-observer trends GROUP --json``."""
        return {
            "group": self.group,
            "instrument": self.instrument.id if self.instrument else None,
            "scales": self.scales,
            "sessions": [s.as_dict() for s in self.sessions],
            "flags": [f.as_dict() for f in self.flags],
            "not_on_server": self.not_on_server or None,
        }


def group_course(
    store: Store,
    group_id: int,
    observer: str | None = None,
    chart_filter: ChartFilter | None = None,
) -> GroupCourse:
    """A group's course: coded figures and members' ratings, session by session."""
    name = get_group(store, group_id).name
    chosen = _session_codings(store, group_id, observer)
    forms = session_forms(store, list(chosen))
    instrument = _most_used(forms)
    # Codings that hold speaking turns are kept for the airtime; the others are let go.
    turns = set(airtime_codings(store, group_id))
    kept: dict[int, CodingData] = {}
    rows = []
    # One coding at a time: a year's events are never all held at once, and each is let
    # go as soon as its session is computed (the collector need not walk them again).
    for session_id, data in zip(chosen, each_coding(store, list(chosen.values())), strict=True):
        number = data.stored.session_number
        climate = _climate(forms, session_id, instrument)
        row = session_trend(data, session_label(data, number), number, chart_filter, climate)
        rows.append(replace(row, raters=_raters(forms, session_id, instrument)))
        if data.coding_id in turns:
            kept[data.coding_id] = data
    watch = {s.id: s.flag_when for s in instrument.scales if s.flag_when} if instrument else {}
    # A sixth of the response scale (one point of the GCQ-S's 0–6) over the three sessions.
    least = (instrument.high - instrument.low) / 6 if instrument else 0.0
    spoken = group_airtime(store, group_id, kept)
    waiting = not_on_server(store, list(chosen.values()))
    behind = [row.label for row, coding in zip(rows, chosen.values(), strict=True)
              if coding in waiting]  # fmt: skip
    course = GroupCourse(name, rows, instrument, course_flags(rows, watch, least), tuple(spoken))
    if behind:
        named = ", ".join(behind[:3]) + (", …" if len(behind) > 3 else "")
        course = replace(course, not_on_server=(
            f"{counted(len(behind), 'session')} with changes made on this computer, not on "
            f"the server yet ({named})"))  # fmt: skip
    return course


def _most_used(forms: list[RatingForm]) -> Instrument | None:
    """The instrument most forms of the group were filled in on (its newest text)."""
    tally = Counter(f.instrument.id for f in forms if f.rater == "member")
    if not tally:
        return None
    wanted = tally.most_common(1)[0][0]
    return [f.instrument for f in forms if f.instrument.id == wanted][-1]


def _climate(
    forms: list[RatingForm], session_id: int, instrument: Instrument | None
) -> dict[str, Climate]:
    """Each member's scale scores from their valid form of the session.

    Members' own forms only: the group's climate as its members saw it (leaders' and
    observers' forms are shown beside it, ``_raters``, never averaged in).
    """
    if instrument is None:
        return {}
    return {
        member_key(f.member_id): f.score.scales
        for f in forms
        if f.session_id == session_id
        and f.member_id is not None
        and f.rater == "member"
        and f.instrument.id == instrument.id
        and f.score.valid
    }


def _raters(
    forms: list[RatingForm], session_id: int, instrument: Instrument | None
) -> tuple[RaterClimate, ...]:
    """The leaders' and observers' valid forms of the session on the group's instrument."""
    if instrument is None:
        return ()
    found = [
        RaterClimate(f.rater, f.member if f.rater == "leader" else f.observer, f.score.scales)
        for f in forms
        if f.session_id == session_id
        and f.rater in ("leader", "observer")
        and f.instrument.id == instrument.id
        and f.score.valid
    ]
    return tuple(sorted(found, key=lambda r: (r.rater != "leader", r.name)))
