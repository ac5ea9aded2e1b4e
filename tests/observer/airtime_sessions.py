"""A group whose sessions have speaking turns: airtime becoming more equal."""

from __future__ import annotations

from observer.domain.participants import member_key
from observer.storage.store import Store
from observer.workspace.codings import new_coding
from observer.workspace.groups import MemberSpec, add_group, add_session, get_group
from observer.workspace.recording import Recorder

# Seconds spoken per session by Jane, Sam, Priya, Tom and Dr Lee: Jane holds the floor at
# first, the others find their voice.
SPOKEN = [(300, 60, 30, 0, 120), (240, 120, 60, 30, 90), (150, 130, 110, 100, 60)]


def airtime_group(store: Store, sessions: int = 3) -> tuple[int, dict[str, str]]:
    """A group with a live coding of speaking turns per session; its id and the keys."""
    specs = [MemberSpec(n) for n in ("Jane", "Sam", "Priya", "Tom")]
    specs.append(MemberSpec("Dr Lee", role="leader"))
    group_id = add_group(store, "Thursday group", members=specs)
    keys = {m.pseudonym: member_key(m.id) for m in get_group(store, group_id).members}
    for number in range(sessions):
        session = add_session(store, group_id)
        coding = new_coding(store, session, "RK", ["here-and-now", "bion", "airtime"])
        recorder = Recorder(store, coding)
        at = 0
        spoken = SPOKEN[number % len(SPOKEN)]
        for _round in range(3):  # three rounds: everyone speaks a third of their time
            for name, seconds in zip(keys, spoken, strict=True):
                if seconds:
                    recorder.record(at, "speaking", keys[name], end_ms=at + seconds * 333)
                    recorder.record(at + 100, "question", keys[name], ("group",))
                    at += seconds * 333 + 500
        recorder.close()
    return group_id, keys
