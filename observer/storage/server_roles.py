"""Who may see what on a clinic's server: PostgreSQL's own roles and row-level security.

Three group roles (``observer_supervisor``, ``observer_cotherapist``, ``observer_trainee``,
none of which can sign in) hold the table privileges; each person signs in as their own
role, a member of one of them, and is linked by the ``people`` table to the observer whose
initials they code under. Row-level security policies then let the server itself refuse
what the app would hide:

- a supervisor sees and writes everything;
- a co-therapist sees and writes the groups they lead (``group_leaders``): their members,
  sessions and every coding of those sessions;
- a trainee sees their own codings (practice attempts) and the reference codings they were
  given (``given_references``), with the sessions, groups and members those need; they
  write only their own codings.

The rules live in a few ``SECURITY DEFINER`` functions (owned by whoever ran ``server
init``, so they read the tables without the policies applying to themselves) and the
policies call them. They ask about ``session_user``: the person who signed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import OperationalError, ProgrammingError

from observer.domain.errors import InputError, ObserverError, OutsideYourShare, StoreError

GROUP_ROLES = {
    "supervisor": "observer_supervisor",
    "cotherapist": "observer_cotherapist",
    "trainee": "observer_trainee",
}


class NotPermitted(ObserverError):
    """The server refused: the signed-in role may not do this (said in the server's words)."""


# The rules, one function each. Every one is STABLE (the same answer within a statement).
_FUNCTIONS = """
CREATE OR REPLACE FUNCTION observer_role() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT role FROM people WHERE name = session_user
$$;

CREATE OR REPLACE FUNCTION observer_leads(gid integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM group_leaders l JOIN people p ON p.id = l.person_id
                 WHERE p.name = session_user AND l.group_id = gid)
$$;

CREATE OR REPLACE FUNCTION observer_owns_coding(cid integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM codings c JOIN people p ON p.observer_id = c.observer_id
                 WHERE p.name = session_user AND c.id = cid)
$$;

CREATE OR REPLACE FUNCTION observer_was_given(cid integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM given_references g JOIN people p ON p.id = g.person_id
                 WHERE p.name = session_user AND g.coding_id = cid)
$$;

CREATE OR REPLACE FUNCTION observer_leads_session(sid integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM sessions s WHERE s.id = sid AND observer_leads(s.group_id))
$$;

CREATE OR REPLACE FUNCTION observer_sees_coding(cid integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT CASE observer_role()
    WHEN 'supervisor' THEN true
    WHEN 'cotherapist' THEN EXISTS (SELECT 1 FROM codings c WHERE c.id = cid
                                    AND observer_leads_session(c.session_id))
    WHEN 'trainee' THEN observer_owns_coding(cid) OR observer_was_given(cid)
    ELSE false END
$$;

CREATE OR REPLACE FUNCTION observer_writes_coding(cid integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT CASE observer_role()
    WHEN 'supervisor' THEN true
    WHEN 'cotherapist' THEN EXISTS (SELECT 1 FROM codings c WHERE c.id = cid
                                    AND observer_leads_session(c.session_id))
    WHEN 'trainee' THEN observer_owns_coding(cid)
    ELSE false END
$$;

CREATE OR REPLACE FUNCTION observer_sees_session(sid integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT CASE observer_role()
    WHEN 'supervisor' THEN true
    WHEN 'cotherapist' THEN observer_leads_session(sid)
    WHEN 'trainee' THEN EXISTS (SELECT 1 FROM codings c WHERE c.session_id = sid
                                AND (observer_owns_coding(c.id) OR observer_was_given(c.id)))
    ELSE false END
$$;

CREATE OR REPLACE FUNCTION observer_writes_session(sid integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT CASE observer_role()
    WHEN 'supervisor' THEN true
    WHEN 'cotherapist' THEN observer_leads_session(sid)
    ELSE false END
$$;

CREATE OR REPLACE FUNCTION observer_sees_group(gid integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT CASE observer_role()
    WHEN 'supervisor' THEN true
    WHEN 'cotherapist' THEN observer_leads(gid)
    WHEN 'trainee' THEN EXISTS (SELECT 1 FROM sessions s WHERE s.group_id = gid
                                AND observer_sees_session(s.id))
    ELSE false END
$$;

CREATE OR REPLACE FUNCTION observer_writes_group(gid integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT CASE observer_role()
    WHEN 'supervisor' THEN true
    WHEN 'cotherapist' THEN observer_leads(gid)
    ELSE false END
$$;

-- A new coding: a trainee codes as themself only, in a session they may see.
CREATE OR REPLACE FUNCTION observer_may_code(sid integer, oid integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT CASE observer_role()
    WHEN 'supervisor' THEN true
    WHEN 'cotherapist' THEN observer_leads_session(sid)
    WHEN 'trainee' THEN observer_sees_session(sid) AND EXISTS (
      SELECT 1 FROM people p WHERE p.name = session_user AND p.observer_id = oid)
    ELSE false END
$$;
"""


@dataclass(frozen=True)
class Rule:
    """Who may read a table's rows, and who may add, change or remove them (SQL, per row)."""

    read: str
    write: str | None  # None: nobody but the owner writes
    insert: str | None = None  # when adding differs from changing (the row has no id yet)
    keep: str | None = None  # what a changed row must still satisfy (default: ``write``)


_SUPERVISOR = "observer_role() = 'supervisor'"
_ME = "person_id IN (SELECT id FROM people WHERE name = session_user)"

RULES: dict[str, Rule] = {
    "groups": Rule("observer_sees_group(id)", "observer_writes_group(id)", _SUPERVISOR),
    "members": Rule("observer_sees_group(group_id)", "observer_writes_group(group_id)"),
    "call_names": Rule("observer_sees_group(group_id)", "observer_writes_group(group_id)"),
    "sessions": Rule("observer_sees_session(id)", "observer_writes_group(group_id)"),
    "attendance": Rule("observer_sees_session(session_id)", "observer_writes_session(session_id)"),
    "media_files": Rule("observer_sees_session(session_id)", "observer_writes_session(session_id)"),
    "ratings": Rule("observer_sees_session(session_id)", "observer_writes_session(session_id)"),
    "codings": Rule(
        "observer_sees_coding(id)",
        "observer_writes_coding(id)",
        "observer_may_code(session_id, observer_id)",
        "observer_may_code(session_id, observer_id)",  # no handing a coding to someone else
    ),
    "events": Rule("observer_sees_coding(coding_id)", "observer_writes_coding(coding_id)"),
    "event_audit": Rule("observer_sees_coding(coding_id)", "observer_writes_coding(coding_id)"),
    "process_notes": Rule("observer_sees_coding(coding_id)", "observer_writes_coding(coding_id)"),
    "note_audit": Rule("observer_sees_coding(coding_id)", "observer_writes_coding(coding_id)"),
    "coding_locks": Rule("observer_sees_coding(coding_id)", "observer_writes_coding(coding_id)"),
    "coding_codebooks": Rule(
        "observer_sees_coding(coding_id)", "observer_writes_coding(coding_id)"
    ),
    # Reading a coding is logged, so whoever may read one may add to its log; no one edits it.
    "coding_access": Rule(
        "observer_sees_coding(coding_id)", None, "observer_sees_coding(coding_id)"
    ),
    "people": Rule(f"name = session_user OR {_SUPERVISOR}", None),
    "group_leaders": Rule(f"{_ME} OR {_SUPERVISOR}", None),
    "given_references": Rule(f"{_ME} OR {_SUPERVISOR}", None),
}
# Shared by everyone, holding nothing about a member: initials, codebooks, forms. Each may
# be added to; of a row already there only what the app fills in later may change (an
# observer's name, a codebook's parsed form), never the initials that say whose is whose.
SHARED = {
    "observers": "UPDATE (name)",
    "codebooks": "UPDATE (compiled)",
    "instruments": "",
}
READ_ONLY = ("alembic_version",)
FUNCTIONS = tuple(re.findall(r"FUNCTION (observer_\w+)\(", _FUNCTIONS))


@dataclass(frozen=True)
class Prepared:
    """What ``server init`` left on the server."""

    location: str
    tables: int

    def summary(self) -> str:
        roles = ", ".join(GROUP_ROLES.values())
        return (
            f"{self.location} is ready for a clinic: schema up to date, roles {roles}, "
            f"row-level security on {self.tables} tables. "
            "Add each person with 'server add-user'."
        )


def prepare_server(url: str) -> Prepared:
    """Create or upgrade the schema at ``url``, then the group roles, grants and policies.

    Runs again without harm: functions are replaced, policies dropped and made again, in
    one transaction. Needs a role that may create roles and owns the tables; another is
    refused before anything is done.
    """
    from observer.storage.store import _server_engine, open_store

    if "://" not in url or url.startswith("sqlite"):
        raise InputError("Roles are for a database on a server (postgresql://…), not a file.")
    engine = _server_engine(url)
    try:
        with engine.connect() as conn:
            may_create_roles(conn)
    except OperationalError as exc:
        raise StoreError(f"Cannot reach the server: {str(exc.orig).strip()}") from exc
    finally:
        engine.dispose()
    store = open_store(url)
    try:
        with refused_as_words("prepare the server"), store.engine.begin() as conn:
            may_create_roles(conn)
            _prepare(conn)
    finally:
        store.close()
    return Prepared(store.location, len(RULES))


def may_create_roles(conn: Any) -> None:
    """Refuse, in words, a signed-in role that cannot create roles."""
    row = conn.exec_driver_sql(
        "SELECT current_user, rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
    ).one()
    if not row[1]:
        raise NotPermitted(
            f"The role {row[0]} may not create roles. Connect as the database's owner with "
            "CREATEROLE (or as a superuser), e.g. postgresql://postgres@host/clinic."
        )


def _prepare(conn: Any) -> None:
    run = conn.exec_driver_sql
    schema = run("SELECT current_schema()").scalar()
    for group in GROUP_ROLES.values():
        if run("SELECT 1 FROM pg_roles WHERE rolname = %s", (group,)).first() is None:
            run(f"CREATE ROLE {group} NOLOGIN")
    run(_FUNCTIONS.format(schema=_quoted(conn, schema)))
    everyone = ", ".join(GROUP_ROLES.values())
    for function in FUNCTIONS:  # ours only: other functions of the schema keep their grants
        run(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
        run(f"GRANT EXECUTE ON FUNCTION {function} TO {everyone}")
    run(f"GRANT USAGE ON SCHEMA {_quoted(conn, schema)} TO {everyone}")
    run(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {_quoted(conn, schema)} TO {everyone}")
    for table, changes in SHARED.items():
        run(f"REVOKE ALL ON {table} FROM {everyone}")
        run(f"GRANT SELECT, INSERT{', ' + changes if changes else ''} ON {table} TO {everyone}")
    for table in READ_ONLY:
        run(f"GRANT SELECT ON {table} TO {everyone}")
    for table, rule in RULES.items():
        _protect(run, table, rule, everyone)


def _protect(run: Any, table: str, rule: Rule, everyone: str) -> None:
    run(f"REVOKE ALL ON {table} FROM {everyone}")
    run(f"GRANT SELECT ON {table} TO {everyone}")
    if rule.write is not None:
        run(f"GRANT UPDATE, DELETE ON {table} TO {everyone}")
    if (rule.insert or rule.write) is not None:
        run(f"GRANT INSERT ON {table} TO {everyone}")
    run(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for command in ("read", "add", "change", "remove"):
        run(f"DROP POLICY IF EXISTS observer_{command} ON {table}")
    run(f"CREATE POLICY observer_read ON {table} FOR SELECT USING ({rule.read})")
    adding = rule.insert or rule.write
    if adding is not None:
        run(f"CREATE POLICY observer_add ON {table} FOR INSERT WITH CHECK ({adding})")
    if rule.write is not None:
        run(
            f"CREATE POLICY observer_change ON {table} FOR UPDATE "
            f"USING ({rule.write}) WITH CHECK ({rule.keep or rule.write})"
        )
        run(f"CREATE POLICY observer_remove ON {table} FOR DELETE USING ({rule.write})")


def _quoted(conn: Any, name: str) -> str:
    return str(conn.exec_driver_sql("SELECT quote_ident(%s)", (name,)).scalar())


@contextmanager
def refused_as_words(doing: str) -> Iterator[None]:
    """Turn the server's "permission denied" / "must be owner" into a ``NotPermitted``."""
    try:
        yield
    except (ProgrammingError, OutsideYourShare) as exc:
        detail = str(getattr(exc, "orig", None) or exc.detail).splitlines()[0]
        raise NotPermitted(
            f"The server refused to {doing}: {detail}. Nothing was changed."
        ) from exc
