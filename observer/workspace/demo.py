"""A realistic demo group, so a newcomer sees something on first start.

Eight members and two leaders meet for four sessions. The codings carry patterns a
supervisor would recognise: members change the subject soon after a disclosure,
Ben hardly speaks, confronting the leader tips the group into fight-flight, and
the group settles into work as the sessions go on. Session 3 is coded three times:
live by the co-therapist, from the recording by the supervisor (the reference, agreeing
with the co-therapist as two trained observers do, kappa about 0.7), and by a trainee
whose attempt shows a beginner's typical mistakes.
All names are invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime

from observer.domain.events import Event
from observer.domain.participants import GROUP, member_key
from observer.storage.event_rows import insert_events
from observer.storage.store import Store
from observer.workspace.codings import new_coding, set_reference
from observer.workspace.groups import (
    MemberSpec,
    add_group,
    add_session,
    attach_media,
    get_group,
)

MEMBERS = [
    MemberSpec("Jane", initials="JA"),
    MemberSpec("Sam", initials="SA"),
    MemberSpec("Priya", initials="PR"),
    MemberSpec("Tom", initials="TO"),
    MemberSpec("Dr Rivera", role="leader", initials="DR"),
    MemberSpec("Alex", initials="AL"),
    MemberSpec("Maria", initials="MA"),
    MemberSpec("Ben", initials="BE"),
    MemberSpec("Chloe", initials="CH"),
    MemberSpec("Dr Kim", role="co-leader", initials="DK"),
]
# How much each member talks: Jane discloses a lot, Ben is the quiet member.
TALKATIVENESS = {"Jane": 5, "Sam": 4, "Priya": 3, "Tom": 4, "Alex": 3, "Maria": 3, "Ben": 0.4,
                 "Chloe": 2}  # fmt: skip
SESSION_MS = 75 * 60_000
# The basic-assumption course of each session: (start minute, mode).
BA_COURSE = {
    1: [(0, "dependency"), (22, "work"), (48, "pairing"), (62, "work")],
    2: [(0, "dependency"), (12, "work"), (30, "fight-flight"), (46, "work")],
    3: [(0, "work"), (25, "fight-flight"), (34, "work"), (58, "pairing"), (66, "work")],
    4: [(0, "work"), (40, "dependency"), (50, "work")],
}
POINT_CODES = [
    ("self-disclosure", 5), ("feedback", 6), ("question", 5), ("support", 5), ("advice", 2),
    ("confrontation", 2), ("humour", 2), ("interruption", 2), ("there-and-then", 3),
    ("rescuing", 1),
]  # fmt: skip


@dataclass(frozen=True)
class DemoSummary:
    group_id: int
    session_ids: list[int]
    coding_ids: list[int]


def _targets_for(code: str, actor: str, people: list[str], rng: random.Random) -> tuple[str, ...]:
    if code in ("self-disclosure", "there-and-then", "humour"):
        return (GROUP,) if rng.random() < 0.7 else ()
    others = [p for p in people if p != actor]
    if code == "question" and rng.random() < 0.3:
        return (GROUP,)
    return (rng.choice(others),)


def generate_session(
    number: int, members: dict[str, str], leaders: list[str], seed: int
) -> list[Event]:
    """Events of one session (participant keys), time-ordered."""
    rng = random.Random(seed)
    names = list(members)
    weights = [TALKATIVENESS[n] for n in names]
    people = [members[n] for n in names] + leaders
    events: list[Event] = []

    course = BA_COURSE[number]
    for i, (minute, mode) in enumerate(course):
        end = course[i + 1][0] * 60_000 if i + 1 < len(course) else SESSION_MS
        events.append(Event(0, minute * 60_000, mode, GROUP, (), {}, "", end))
    fight = [(m * 60_000) for m, mode in course if mode == "fight-flight"]

    t = rng.randint(20_000, 40_000)
    while t < SESSION_MS - 30_000:
        in_fight = any(f <= t < f + 8 * 60_000 for f in fight)
        if rng.random() < 0.12:
            leader = rng.choice(leaders)
            code = rng.choice(["process-comment", "question", "process-comment", "support"])
            targets = (GROUP,) if code == "process-comment" else (rng.choice(people[:-2]),)
            events.append(Event(0, t, code, leader, targets))
            if code == "question" and rng.random() < 0.5:
                quiet = members["Ben"] if rng.random() < 0.5 else targets[0]
                start = t + rng.randint(3_000, 8_000)
                events.append(
                    Event(
                        0,
                        start,
                        "withdrawal",
                        quiet,
                        (),
                        {},
                        "",
                        start + rng.randint(20_000, 60_000),
                    )
                )
        else:
            actor = members[rng.choices(names, weights)[0]]
            codes, cweights = zip(*POINT_CODES, strict=True)
            code = rng.choices(codes, cweights)[0]
            if in_fight:
                code = rng.choice(["confrontation", "interruption", "humour", "there-and-then"])
            modifiers: dict[str, str] = {}
            if code in ("feedback", "confrontation"):
                modifiers["valence"] = rng.choice(["positive", "negative", "mixed"])
            if code in ("self-disclosure", "confrontation"):
                modifiers["intensity"] = rng.choice(["low", "medium", "high"])
            events.append(
                Event(0, t, code, actor, _targets_for(code, actor, people, rng), modifiers)
            )
            # The pattern to illuminate: a disclosure, then someone else changes the subject.
            if code == "self-disclosure" and rng.random() < 0.55:
                other = members[rng.choices([n for n in names if members[n] != actor])[0]]
                events.append(
                    Event(0, t + rng.randint(4_000, 20_000), "subject-change", other, (GROUP,))
                )
            # Confronting a leader tips the group into fight-flight (session 2 and 3).
            if code == "confrontation" and number in (2, 3) and rng.random() < 0.3:
                events.append(
                    Event(
                        0,
                        t + 2_000,
                        "confrontation",
                        actor,
                        (leaders[0],),
                        {"valence": "negative", "intensity": "high"},
                    )
                )
        t += rng.randint(8_000, 28_000)
    return sorted(events, key=lambda e: e.time_ms)


def _end_states_in_turn(events: list[Event]) -> list[Event]:
    """Marked at shifted times, one basic-assumption state would still be running when the
    next starts; states of one exclusive group take turns, so each ends as the next begins."""
    modes = {mode for course in BA_COURSE.values() for _, mode in course}
    starts = sorted(e.time_ms for e in events if e.code in modes)
    out = list(events)
    for i, e in enumerate(out):
        if e.code in modes and e.end_ms is not None:
            following = [t for t in starts if t > e.time_ms]
            if following and e.end_ms > following[0]:
                out[i] = replace(e, end_ms=following[0])
    return sorted(out, key=lambda e: e.time_ms)


def _shifted(e: Event, lag_ms: int) -> Event:
    end = None if e.end_ms is None else e.end_ms + lag_ms
    return replace(e, time_ms=max(0, e.time_ms + lag_ms), end_ms=end)


# Where a supervisor watching the tape and a co-therapist in the room typically differ:
# in the room a subject change passes for a question, advice for support, a joke
# that deflects for plain humour.
LIVE_READINGS = {"subject-change": "question", "rescuing": "support", "humour": "there-and-then"}


def _observed_by_supervisor(
    live: list[Event], members: list[str], rng: random.Random
) -> list[Event]:
    """The supervisor's reference coding of the recorded session, against the co-therapist's
    live one: the same session seen differently, as trained observers really differ.

    From the tape the supervisor times acts more precisely, catches acts the co-therapist,
    busy leading, did not code (interruptions, withdrawals, subject changes), leaves out a
    few the co-therapist coded in passing, and reads some acts differently.
    """
    out: list[Event] = []
    for e in live:
        if e.actor == GROUP and e.end_ms is not None:
            out.append(_shifted(e, rng.randint(-4_000, 4_000)))  # modes: when it tipped
            continue
        if rng.random() < 0.06:
            continue  # coded in passing in the room; not an act on the tape
        code = e.code
        readings = {v: k for k, v in LIVE_READINGS.items()}
        if code in readings and rng.random() < 0.35:
            code = readings[code]
        out.append(replace(_shifted(e, rng.randint(-1_200, 600)), code=code))
    # Acts the co-therapist missed while leading.
    t = rng.randint(30_000, 90_000)
    while t < SESSION_MS - 60_000:
        actor = rng.choice(members)
        code = rng.choice(["interruption", "subject-change", "humour", "question"])
        # An interruption cuts someone off; the rest are said to the group.
        whom = rng.choice([m for m in members if m != actor]) if code == "interruption" else GROUP
        out.append(Event(0, t, code, actor, (whom,)))
        t += rng.randint(60_000, 150_000)
    return _end_states_in_turn(out)


def _observed_by_trainee(reference: list[Event], rng: random.Random) -> list[Event]:
    """A trainee's first attempt at the reference, with the typical mistakes of a beginner:
    confrontations missed (they pass for feedback or go unnoticed), subject changes coded
    as questions, acts marked a second or two late, and a few acts missed altogether."""
    out = []
    for e in reference:
        if e.end_ms is None and rng.random() < 0.08:
            continue
        code = e.code
        if code == "confrontation":
            roll = rng.random()
            if roll < 0.45:
                continue
            if roll < 0.75:
                code = "feedback"
        elif code == "subject-change" and rng.random() < 0.7:
            code = "question"
        elif code in ("support", "advice") and rng.random() < 0.2:
            code = "feedback"
        # Feedback takes a valence only; what the trainee did not see is not recorded.
        modifiers = {k: v for k, v in e.modifiers.items() if code != "feedback" or k == "valence"}
        late = _shifted(e, rng.randint(600, 2_300))
        out.append(replace(late, code=code, modifiers=modifiers))
    return _end_states_in_turn(out)


def _record_session(store: Store, session_id: int, reference: list[Event]) -> int | None:
    """The recorded stretch of session 3, written beside the database and attached to the
    session; None where no recording can be made (no PyAV, or a server database)."""
    from observer.workspace import demo_recording

    if store.path is None or not demo_recording.available():
        return None
    start, end = RECORDED_MS
    path = store.path.with_name(f"{store.path.stem}-demo") / "session-3-clock.mp4"
    acts = [e.time_ms - start for e in reference if start <= e.time_ms < end and e.end_ms is None]
    demo_recording.write_recording(path, end - start, acts)
    return attach_media(store, session_id, str(path), start, label="Demo recording (clock, tones)")


# The stretch of session 3 on the demo recording, which the trainee practised on: the
# group tips into fight-flight at 25:00 and is back at work at 34:00.
RECORDED_MS = (22 * 60_000, 34 * 60_000)


def create_demo(store: Store, seed: int = 7) -> DemoSummary:
    """Add the demo group, four sessions and their codings to a database, and a recording
    of part of session 3 beside a database file (a clock and a tone at each act)."""
    group_id = add_group(
        store,
        "Thursday interpersonal group",
        modality="process (interpersonal)",
        notes="Demo data: invented members, for trying the app out.",
        members=MEMBERS,
    )
    group = get_group(store, group_id)
    members = {m.pseudonym: member_key(m.id) for m in group.members if not m.is_leader}
    leaders = [member_key(m.id) for m in group.members if m.is_leader]
    books = ["here-and-now", "bion"]
    session_ids: list[int] = []
    coding_ids: list[int] = []
    for number in range(1, 5):
        absent = {m.id for m in group.members if number == 2 and m.pseudonym == "Chloe"}
        session_id = add_session(
            store,
            group_id,
            number,
            starts_at=datetime(2026, 10, 1 + 7 * (number - 1), 18, 0).astimezone(),
            present=[m.id for m in group.members if m.id not in absent],
        )
        session_ids.append(session_id)
        events = generate_session(number, members, leaders, seed * 100 + number)
        coding = new_coding(store, session_id, "RK", books, name="live, co-therapist")
        insert_events(store, coding, events)
        coding_ids.append(coding)
        if number == 3:
            people = [*members.values(), *leaders]
            supervised = _observed_by_supervisor(events, people, random.Random(seed + 3))
            recording = _record_session(store, session_id, supervised)  # tape review, practice
            reference = new_coding(
                store,
                session_id,
                "SV",
                books,
                "media",
                "reference",
                capacity="reference",
            )
            insert_events(store, reference, supervised)
            set_reference(store, reference)
            trainee = new_coding(
                store,
                session_id,
                "TR",
                books,
                "media",
                "practice",
                capacity="trainee",
                practice_of_id=reference,
                media_file_id=recording,
            )
            # The trainee practised on the recording: the stretch it shows, scored over it.
            start, end = RECORDED_MS if recording is not None else (0, SESSION_MS)
            shown = [e for e in supervised if start <= e.time_ms < end]
            insert_events(store, trainee, _observed_by_trainee(shown, random.Random(seed)))
            coding_ids += [reference, trainee]
    # The demo codings are finished sessions: their clocks stand at the end, so pressing
    # start in one continues after its last event rather than at zero.
    from observer.storage.models import Coding

    with store.session() as s:
        for coding_id in coding_ids:
            stored = s.get(Coding, coding_id)
            assert stored is not None
            stored.clock_elapsed_ms = SESSION_MS
    return DemoSummary(group_id, session_ids, coding_ids)
