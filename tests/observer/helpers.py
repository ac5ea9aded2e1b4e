"""Small builders shared by core tests."""

from __future__ import annotations

from observer.codings import new_coding
from observer.groups import MemberSpec, add_group, add_session, get_group
from observer.participants import member_key
from observer.store import Store

PEOPLE = ["Jane", "Sam", "Priya", "Tom"]


def small_coding(
    store: Store, codebooks: tuple[str, ...] = ("here-and-now", "bion")
) -> tuple[int, dict[str, str]]:
    """A group of four members and a leader, one session, one live coding.

    Returns the coding id and the participant keys by pseudonym.
    """
    specs = [MemberSpec(n) for n in PEOPLE] + [MemberSpec("Dr Lee", role="leader")]
    group_id = add_group(store, "Tuesday group", "process", members=specs)
    keys = {m.pseudonym: member_key(m.id) for m in get_group(store, group_id).members}
    session_id = add_session(store, group_id)
    return new_coding(store, session_id, "RK", list(codebooks)), keys
