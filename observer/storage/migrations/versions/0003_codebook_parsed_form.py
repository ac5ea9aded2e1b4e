"""Open codings faster: keep each stored codebook's parsed form (JSON) beside its source.

Revision ID: 0003
Revises: 0002

Rows whose source does not parse keep NULL; they are read from their source as before.

Frozen as it ran: the reader below is a private copy of what the app's codebook reader
and ``codebook_json`` (format 1) did when this revision was written, so upgrading an old
database gives the same result whatever the app's reader has become since. It checks
every rule the app's reader checked, but stops at the first problem (it only has to
decide between JSON and NULL). A reader that finds JSON of a format it does not know
reads the source instead, so this stays safe when the app moves to a newer format.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import sqlalchemy as sa
import yaml
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

FORMAT = 1


def upgrade() -> None:
    with op.batch_alter_table("codebooks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("compiled", sa.Text(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, source FROM codebooks")).fetchall()
    for pk, source in rows:
        compiled = compiled_from_source(source)
        if compiled is not None:
            conn.execute(
                sa.text("UPDATE codebooks SET compiled = :compiled WHERE id = :id"),
                {"compiled": compiled, "id": pk},
            )


def downgrade() -> None:
    with op.batch_alter_table("codebooks", schema=None) as batch_op:
        batch_op.drop_column("compiled")


# --- the codebook reader of format 1, frozen ----------------------------------------------

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_KINDS = ("point", "state")
_TARGET_RULES = ("required", "optional", "none")
_ACTOR_ROLES = ("any", "member", "leader", "group", "same", "other")
_TARGET_ROLES = ("any", "member", "leader", "group", "none", "given-actor")
_TOP_KEYS = {
    "codebook", "name", "version", "description", "categories", "modifier_sets",
    "exclusive_groups", "codes", "patterns",
}  # fmt: skip
_CODE_KEYS = {
    "id", "label", "category", "kind", "target", "key", "colour", "definition", "example",
    "modifiers", "exclusive_group", "optional",
}  # fmt: skip
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Items = dict[str, yaml.Node]


class _Invalid(Exception):
    """The source breaks a rule: it gets no JSON."""


def compiled_from_source(source: str) -> str | None:
    """The format-1 JSON of a codebook source, or None when it does not parse or validate."""
    try:
        return json.dumps(
            {"format": FORMAT, **_codebook(source)}, ensure_ascii=False, separators=(",", ":")
        )
    except Exception:
        return None


def _mapping(node: yaml.Node | None) -> Items:
    if not isinstance(node, yaml.MappingNode):
        raise _Invalid
    out: Items = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in out:
            raise _Invalid
        out[key] = value_node
    return out


def _mapping_with_keys(node: yaml.Node) -> list[tuple[yaml.Node, yaml.Node]]:
    _mapping(node)  # the same checks; the key nodes are needed too
    return list(node.value)


def _sequence(node: yaml.Node | None) -> list[yaml.Node]:
    if not isinstance(node, yaml.SequenceNode):
        raise _Invalid
    return list(node.value)


def _text(node: yaml.Node | None, *, allow_empty: bool = True) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise _Invalid
    value = str(node.value).strip()
    if not value and not allow_empty:
        raise _Invalid
    return value


def _slug(node: yaml.Node | None) -> str:
    value = _text(node, allow_empty=False)
    if not _SLUG.match(value):
        raise _Invalid
    return value


def _key(node: yaml.Node) -> str:
    """A mapping key that must be an id; kept as written (the id is checked stripped)."""
    _slug(node)
    return str(node.value)


def _choice(node: yaml.Node, options: tuple[str, ...]) -> str:
    value = _text(node)
    if value not in options:
        raise _Invalid
    return value


def _known(items: Items, allowed: set[str], *required: str) -> None:
    if set(items) - allowed or set(required) - set(items):
        raise _Invalid


def _opt(items: Items, key: str, default: str) -> str:
    return _text(items[key]) if key in items else default


def _codebook(source: str) -> dict[str, Any]:
    root = yaml.compose(source, Loader=_LOADER)
    top = _mapping(root)
    _known(top, _TOP_KEYS, "codebook", "name", "version", "codes")
    ident = _slug(top["codebook"])
    name = _text(top["name"], allow_empty=False)
    version = _text(top["version"], allow_empty=False)
    description = _opt(top, "description", "")
    categories: dict[str, str] = {}
    if "categories" in top:
        for key_node, value_node in _mapping_with_keys(top["categories"]):
            categories[_key(key_node)] = _text(value_node, allow_empty=False)
    modifier_sets = _modifier_sets(top)
    group_labels: dict[str, str] = {}
    if "exclusive_groups" in top:
        for key_node, node in _mapping_with_keys(top["exclusive_groups"]):
            gid = _key(key_node)
            items = _mapping(node)
            _known(items, {"label"})
            group_labels[gid] = _opt(items, "label", gid)
    codes = _codes(top["codes"], ident, categories, modifier_sets, group_labels)
    exclusive_groups = {}
    for gid, label in group_labels.items():
        members = [c["id"] for c in codes if c["exclusive_group"] == gid]
        if not members:
            raise _Invalid
        exclusive_groups[gid] = {"id": gid, "label": label, "codes": members}
    code_ids = {c["id"] for c in codes}
    patterns = _patterns(top, code_ids, set(categories))
    return {
        "id": ident,
        "name": name,
        "version": version,
        "description": description,
        "codes": codes,
        "modifier_sets": modifier_sets,
        "exclusive_groups": exclusive_groups,
        "categories": categories,
        "patterns": patterns,
    }


def _modifier_sets(top: Items) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    if "modifier_sets" not in top:
        return out
    for key_node, node in _mapping_with_keys(top["modifier_sets"]):
        set_id = _key(key_node)
        items = _mapping(node)
        _known(items, {"label", "values", "default"}, "values")
        label = _opt(items, "label", set_id)
        values: list[dict[str, str]] = []
        keys: set[str] = set()
        for value_node in _sequence(items["values"]):
            vitems = _mapping(value_node)
            _known(vitems, {"id", "label", "key"}, "id")
            vid = _slug(vitems["id"])
            vkey = _opt(vitems, "key", "")
            if vkey and (len(vkey) != 1 or vkey in keys):
                raise _Invalid
            keys.add(vkey)
            if any(v["id"] == vid for v in values):
                raise _Invalid
            values.append({"id": vid, "label": _opt(vitems, "label", vid), "key": vkey})
        if not values:
            raise _Invalid
        default = _opt(items, "default", "")
        if default and all(v["id"] != default for v in values):
            raise _Invalid
        out[set_id] = {"id": set_id, "label": label, "values": values, "default": default or None}
    return out


def _codes(
    node: yaml.Node,
    book: str,
    categories: dict[str, str],
    modifier_sets: dict[str, dict[str, Any]],
    groups: dict[str, str],
) -> list[dict[str, Any]]:
    codes: list[dict[str, Any]] = []
    keys: set[str] = set()
    for code_node in _sequence(node):
        items = _mapping(code_node)
        if not items:
            continue  # an empty entry was passed over, not refused
        _known(items, _CODE_KEYS, "id", "label")
        cid = _slug(items["id"])
        if any(c["id"] == cid for c in codes):
            raise _Invalid
        label = _text(items["label"], allow_empty=False)
        kind = _choice(items["kind"], _KINDS) if "kind" in items else "point"
        target = _choice(items["target"], _TARGET_RULES) if "target" in items else "optional"
        key = _opt(items, "key", "")
        if key:
            if len(key) != 1 or key.isdigit() or key in keys:
                raise _Invalid
            keys.add(key)
        colour = _opt(items, "colour", "#777777")
        if not _COLOUR.match(colour):
            raise _Invalid
        category = _opt(items, "category", "")
        if category and categories and category not in categories:
            raise _Invalid
        modifiers = []
        if "modifiers" in items:
            for mnode in _sequence(items["modifiers"]):
                mid = _text(mnode)
                if mid not in modifier_sets:
                    raise _Invalid
                modifiers.append(mid)
        group = _opt(items, "exclusive_group", "") or None
        if group is not None and (group not in groups or kind != "state"):
            raise _Invalid
        optional = _flag(items["optional"]) if "optional" in items else False
        codes.append(
            {
                "id": cid,
                "label": label,
                "kind": kind,
                "target": target,
                "key": key,
                "colour": colour,
                "definition": _opt(items, "definition", ""),
                "example": _opt(items, "example", ""),
                "category": category,
                "modifiers": modifiers,
                "exclusive_group": group,
                "optional": optional,
                "codebook": book,
            }
        )
    if not codes:
        raise _Invalid
    return codes


def _flag(node: yaml.Node) -> bool:
    value = _text(node).lower()
    if value in ("true", "yes"):
        return True
    if value in ("false", "no", ""):
        return False
    raise _Invalid


def _patterns(top: Items, codes: set[str], categories: set[str]) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    if "patterns" not in top:
        return rules
    for node in _sequence(top["patterns"]):
        items = _mapping(node)
        if not items:
            continue
        _known(
            items, {"id", "label", "given", "then", "within", "observation"}, "id", "given", "then"
        )
        pid = _slug(items["id"])
        rule = {
            "id": pid,
            "label": _opt(items, "label", pid),
            "given": _spec(items["given"], codes, categories),
            "then": _spec(items["then"], codes, categories),
            "within_s": _seconds(items["within"]) if "within" in items else 30.0,
            "observation": _opt(items, "observation", ""),
        }
        if any(r["id"] == pid for r in rules):
            raise _Invalid
        rules.append(rule)
    return rules


def _seconds(node: yaml.Node) -> float:
    number = float(_text(node))  # ValueError: invalid, like any other exception here
    if not math.isfinite(number) or number <= 0:
        raise _Invalid
    return number


def _spec(node: yaml.Node, codes: set[str], categories: set[str]) -> dict[str, Any]:
    items = _mapping(node)
    _known(items, {"code", "category", "actor", "target"})
    code = _text(items["code"]) if "code" in items else None
    category = _text(items["category"]) if "category" in items else None
    if (code is None) == (category is None):
        raise _Invalid
    # A code from another codebook is written "codebook-id/code-id" and checked on use.
    if code and "/" not in code and code not in codes:
        raise _Invalid
    if category and "/" not in category and category not in categories:
        raise _Invalid
    return {
        "code": code or None,
        "category": category or None,
        "actor": _choice(items["actor"], _ACTOR_ROLES) if "actor" in items else "any",
        "target": _choice(items["target"], _TARGET_ROLES) if "target" in items else "any",
    }
