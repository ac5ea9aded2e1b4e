"""One event typed as a line of text, for the headless recorder: the keyboard's choices in words.

A line is ``[@TIME] ACTOR TARGET CODE [MODIFIER…]``, fields apart by spaces, a name with
spaces in quotes (``"Dr Lee"``). People are picked as the keyboard picks them: a seat
digit (1 to 9, then 0, in seat order), initials or a name (``observer.domain.participants``
``Roster``, any case), ``group`` for the group as a whole and ``leaders`` for the leaders
together; a TARGET of ``-`` means nobody (the keyboard's Enter). A CODE is its key or its
id. A MODIFIER is ``SET=VALUE`` or a value that only one of the code's sets has (each by
id or key). ``@TIME`` gives the session time (seconds, ``12.5``, or ``[h:]mm:ss``);
without it the coding's live clock times the event. A blank line or one starting with
``#`` holds no event.

Reading a line only puts names to keys: whether the event may be kept is for the one
set of event rules (``observer.domain.event_rules``) when it is recorded.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass

from observer.domain.clock import parse_time
from observer.domain.codebook import Code, ModifierSet, ModifierValue
from observer.domain.errors import Refused
from observer.domain.event_rules import EventRules

LINE_FORMAT = "[@TIME] ACTOR TARGET CODE [MODIFIER…]"
NOBODY = "-"


@dataclass(frozen=True)
class TypedEvent:
    """What a line says: when (None: now, by the live clock), what, who and to whom."""

    time_ms: int | None
    code: str
    actor: str
    targets: tuple[str, ...]
    modifiers: dict[str, str]


def read_line(text: str, rules: EventRules, seats: Mapping[str, str]) -> TypedEvent | None:
    """The event a line types (None for a blank or comment line); Refused, naming the field,
    for a line that cannot be read. ``seats``: digit → participant key (``seat_keys``)."""
    if not text.strip() or text.lstrip().startswith("#"):
        return None
    try:
        fields = shlex.split(text)
    except ValueError as exc:
        raise Refused("line", f"cannot be read ({exc}); expected {LINE_FORMAT}") from None
    time_ms = None
    if fields and fields[0].startswith("@"):
        time_ms = _time(fields.pop(0)[1:])
    if len(fields) < 3:
        raise Refused("line", f"expected {LINE_FORMAT}, e.g. 'Jane Sam f' or '@12.5 1 - q'")
    actor_name, target_name, code_name, *modifier_fields = fields
    if actor_name == NOBODY:
        raise Refused("actor", "someone acts: give a seat, initials, a name or group")
    actor = _person(actor_name, "actor", rules, seats)
    targets = () if target_name == NOBODY else (_person(target_name, "target", rules, seats),)
    code = _code(code_name, rules)
    return TypedEvent(time_ms, code.id, actor, targets, _modifiers(modifier_fields, code, rules))


def _time(text: str) -> int:
    try:
        return parse_time(text)
    except ValueError:
        raise Refused("time", f"{text!r} is not a time (seconds, or [h:]mm:ss)") from None


def _person(name: str, field: str, rules: EventRules, seats: Mapping[str, str]) -> str:
    if name in seats:
        return seats[name]
    return rules.roster.key_of(name, field)


def _code(name: str, rules: EventRules) -> Code:
    found = rules.palette.code(name) or rules.palette.by_key(name)
    return found if found is not None else rules.code(name)  # refused in the rules' words


def _modifiers(fields: list[str], code: Code, rules: EventRules) -> dict[str, str]:
    sets = [s for s in (rules.palette.modifier_set(i, code) for i in code.modifiers) if s]
    chosen: dict[str, str] = {}
    for text in fields:
        set_id, sep, value = text.partition("=")
        if sep:
            found = next((s for s in sets if s.id == set_id), None)
            picked = _value(found, value) if found is not None else None
            # An unknown set or value is kept as typed: the event rules refuse it in their words.
            chosen[set_id] = picked.id if picked is not None else value
            continue
        having = [s for s in sets if _value(s, text) is not None]
        if not having:
            known = ", ".join(s.id for s in sets) or "none"
            raise Refused(
                "modifier", f"{text!r} is not a value of {code.label}'s modifier sets ({known})"
            )
        if len(having) > 1:
            both = " or ".join(s.id for s in having)
            raise Refused("modifier", f"{text!r} could be {both}: write SET=VALUE")
        picked = _value(having[0], text)
        assert picked is not None
        chosen[having[0].id] = picked.id
    return chosen


def _value(modifier_set: ModifierSet, text: str) -> ModifierValue | None:
    """A value of the set by id, else by its key."""
    found = modifier_set.value(text)
    return found or next((v for v in modifier_set.values if v.key and v.key == text), None)
