"""The people of a clinic's server: each signs in as their own role, in one capacity.

``add_person`` creates (or updates) a person's login role, makes it a member of one group
role (``observer.storage.server_roles``), links it to the observer whose initials they
code under and, for a co-therapist, records a group they lead. ``give_reference`` lets a
trainee read one reference coding to practise against.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from observer.domain.errors import InputError, NotFound
from observer.storage.models import SERVER_ROLES
from observer.storage.server_roles import GROUP_ROLES, may_create_roles, refused_as_words
from observer.storage.store import Store
from observer.storage.store import run as run_sql

# Lower case, as PostgreSQL folds an unquoted name: the name in a URL is the role's name.
NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@dataclass(frozen=True)
class PersonAdded:
    name: str
    role: str
    initials: str
    leads: str | None
    new: bool

    def summary(self) -> str:
        done = "Added" if self.new else "Updated"
        leads = f", leading {self.leads}" if self.leads else ""
        return f"{done} {self.name}: {self.role}, coding as {self.initials}{leads}."


def add_person(
    store: Store,
    name: str,
    role: str,
    initials: str,
    leads: str | None = None,
    password: str | None = None,
) -> PersonAdded:
    """Give ``name`` a login on the server as a ``role``, coding under ``initials``.

    Run again for the same name, it changes their capacity, initials or password and adds
    a group they lead. ``leads``: a group's name or id (co-therapists only).
    """
    _check(store, name, role, initials, leads)
    initials = initials.strip()
    with refused_as_words(f"add {name}"), store.engine.begin() as conn:
        may_create_roles(conn)
        _require_prepared(conn)
        run = conn.exec_driver_sql
        new = run("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).first() is None
        if new:
            run(f"CREATE ROLE {name} LOGIN")
        elif _is_group_or_admin(conn, name):
            raise InputError(f"{name} is a role of the server itself, not a person.")
        if password is not None:
            _set_password(conn, name, password)
        for other in GROUP_ROLES.values():
            run(f"REVOKE {other} FROM {name}")
        run(f"GRANT {GROUP_ROLES[role]} TO {name}")
        observer_id = _observer(conn, initials, name)
        person_id = run(
            "INSERT INTO people (name, role, observer_id) VALUES (%s, %s, %s) "
            "ON CONFLICT (name) DO UPDATE SET role = excluded.role, "
            "observer_id = excluded.observer_id RETURNING id",
            (name, role, observer_id),
        ).scalar()
        group = None
        if leads is not None:
            group_id, group = _group(conn, leads)
            run(
                "INSERT INTO group_leaders (group_id, person_id) VALUES (%s, %s) "
                "ON CONFLICT DO NOTHING",
                (group_id, person_id),
            )
    return PersonAdded(name, role, initials, group, new)


def give_reference(store: Store, coding_id: int, name: str) -> str:
    """Let the trainee ``name`` read the reference coding ``coding_id``; a sentence saying so."""
    with refused_as_words("give a reference"), store.engine.begin() as conn:
        run = conn.exec_driver_sql
        coding = run("SELECT is_reference FROM codings WHERE id = %s", (coding_id,)).first()
        if coding is None:
            raise NotFound(f"No coding {coding_id}.")
        if not coding[0]:
            raise InputError(
                f"Coding {coding_id} is not a reference: mark it as one first "
                f"('practice mark-reference {coding_id}')."
            )
        person = run("SELECT id, role FROM people WHERE name = %s", (name,)).first()
        if person is None:
            raise NotFound(f"No person {name} on this server: add them with 'server add-user'.")
        if person[1] != "trainee":
            raise InputError(
                f"{name} is a {person[1]}, not a trainee: references are for trainees."
            )
        run(
            "INSERT INTO given_references (coding_id, person_id) VALUES (%s, %s) "
            "ON CONFLICT DO NOTHING",
            (coding_id, person[0]),
        )
    return f"{name} may now practise against reference coding {coding_id}."


# Why a given reference opens read-only, in the words of the window that shows it.
GIVEN_REFERENCE = "a reference you were given"


def was_given(store: Store, coding_id: int) -> bool:
    """Whether the person signed in was given this coding to practise against, without
    being its coder: theirs to read, never to change (a file database has no people)."""
    if store.is_sqlite:
        return False
    conn = store.connect()
    try:
        row = run_sql(
            conn,
            "SELECT 1 FROM given_references g JOIN people p ON p.id = g.person_id "
            "JOIN codings c ON c.id = g.coding_id WHERE p.name = session_user "
            "AND g.coding_id = ? AND c.observer_id IS DISTINCT FROM p.observer_id",
            (coding_id,),
        ).fetchone()
    finally:
        conn.close()
    return row is not None


def _check(store: Store, name: str, role: str, initials: str, leads: str | None) -> None:
    if store.is_sqlite:
        raise InputError("People sign in to a server (postgresql://…), not to a file.")
    if not NAME.fullmatch(name):
        raise InputError(
            f"{name!r} cannot be a sign-in name: use lower-case letters, digits and _ "
            "(starting with a letter), at most 63."
        )
    if name.startswith(("pg_", "observer_")):
        raise InputError(f"{name!r} cannot be a sign-in name: pg_ and observer_ are reserved.")
    if role not in SERVER_ROLES:
        raise InputError(f"Role {role!r}: choose one of {', '.join(SERVER_ROLES)}.")
    if not initials.strip() or len(initials.strip()) > 20:
        raise InputError("Initials: 1 to 20 characters, as the person signs their codings.")
    if leads is not None and role != "cotherapist":
        raise InputError("--leads is for co-therapists: a supervisor sees every group already.")


def _require_prepared(conn: Any) -> None:
    found = conn.exec_driver_sql(
        "SELECT count(*) FROM pg_roles WHERE rolname = ANY(%s)", (list(GROUP_ROLES.values()),)
    ).scalar()
    if found != len(GROUP_ROLES):
        raise InputError("This server has no observer roles yet: run 'server init' first.")


def _is_group_or_admin(conn: Any, name: str) -> bool:
    row = conn.exec_driver_sql(
        "SELECT rolsuper OR rolcreaterole OR NOT rolcanlogin FROM pg_roles WHERE rolname = %s",
        (name,),
    ).one()
    return bool(row[0])


def _set_password(conn: Any, name: str, password: str) -> None:
    # ALTER ROLE takes no parameters: the server quotes the literal itself.
    statement = conn.exec_driver_sql(
        "SELECT format('ALTER ROLE %%I PASSWORD %%L', %s::text, %s::text)", (name, password)
    ).scalar()
    conn.connection.driver_connection.execute(statement)


def _observer(conn: Any, initials: str, name: str) -> int:
    """The observer with these initials (made if new), refused if another person has it."""
    run = conn.exec_driver_sql
    taken = run(
        "SELECT p.name FROM people p JOIN observers o ON o.id = p.observer_id "
        "WHERE o.initials = %s AND p.name <> %s",
        (initials, name),
    ).first()
    if taken is not None:
        raise InputError(
            f"The initials {initials} already belong to {taken[0]}: each person codes "
            "under initials of their own (they decide whose codings a trainee sees)."
        )
    found = run("SELECT id FROM observers WHERE initials = %s", (initials,)).first()
    if found is not None:
        return int(found[0])
    return int(
        run(
            "INSERT INTO observers (initials, name) VALUES (%s, '') RETURNING id", (initials,)
        ).scalar()
    )


def _group(conn: Any, given: str) -> tuple[int, str]:
    run = conn.exec_driver_sql
    rows = run("SELECT id, name FROM groups WHERE name = %s ORDER BY id", (given,)).fetchall()
    if not rows and given.isdigit():
        rows = run("SELECT id, name FROM groups WHERE id = %s", (int(given),)).fetchall()
    if not rows:
        raise NotFound(f"No group {given!r}: give its name or id ('group list').")
    if len(rows) > 1:
        ids = ", ".join(str(r[0]) for r in rows)
        raise InputError(f"Several groups are called {given!r} (ids {ids}): give the id.")
    return int(rows[0][0]), str(rows[0][1])
