"""A BORIS ethogram as a codebook: behaviours as codes, modifier sets as ours.

Read by the BORIS import (``observer.formats.boris``); the mapping is in
``docs/formats.md``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from observer.domain.codebook import Codebook, CodebookError, codebook_from_source
from observer.domain.errors import InputError
from observer.formats.common import slugify

TARGET_SET = "target"
# More values than anyone can choose from while coding: such a set's values go into the
# event notes (documented in docs/formats.md, "Limits of a file").
MAX_MODIFIER_VALUES = 1_000
SINGLE, MULTIPLE = 0, 1
# BORIS's separators in a modifier string, and what a name holding one is written with.
ESCAPES = {"|": "\u00a6", ",": "\u201a"}
_KEYED_VALUE = re.compile(r"^(?P<label>.*?)\s*\((?P<key>[^()\s])\)\s*$")


def ordered(value: Any, where: str) -> list[Any]:
    """BORIS keeps lists as dicts keyed "0", "1", …; in numeric order."""
    if value in ("", None):
        return []
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        raise InputError(f"{where}: expected a list or a numbered mapping")

    def order(k: str) -> tuple[int, Any]:
        return (0, int(k)) if str(k).isdigit() else (1, str(k))

    return [value[k] for k in sorted(value, key=order)]


def text_of(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


@dataclass
class SetMap:
    """How one BORIS modifier set of a behaviour arrives here."""

    name: str
    set_id: str | None  # None: the values go into the event's note
    kind: str  # "values" | "target" | "note"
    multiple: bool = False
    values: dict[str, str] = field(default_factory=dict)  # label (casefolded) -> value id


@dataclass
class Ethogram:
    book: Codebook
    yaml_text: str
    code_of: dict[str, str]
    sets_of: dict[str, list[SetMap]]
    states: set[str]
    added: list[str]


class _Ids:
    """Ids given once each: ``x``, then ``x-2``, ``x-3``… A project may repeat one name
    thousands of times; each next id is found where the last one stopped, never by
    counting up from 2 again (which made 20,000 repeats take minutes)."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.taken = set(taken or ())
        self._next: dict[str, int] = {}

    def __call__(self, slug: str) -> str:
        n = self._next.get(slug, 2)
        candidate = slug
        while candidate in self.taken:
            candidate = f"{slug}-{n}"
            n += 1
        self._next[slug] = n
        self.taken.add(candidate)
        return candidate


def carried(project: Mapping[str, Any]) -> dict[str, Any]:
    """The project as BORIS wrote it, each observation without its events.

    Kept in the codebook (``boris:``) so that an export gives BORIS back its own ethogram,
    subjects, variables and observation settings; the events are the coding's own.
    """
    out = {k: v for k, v in project.items() if k != "observations"}
    observations = project.get("observations")
    if isinstance(observations, dict):
        out["observations"] = {
            str(name): {k: v for k, v in obs.items() if k != "events"}
            for name, obs in observations.items()
            if isinstance(obs, dict)
        }
    return out


def escaped(name: str) -> str:
    for separator, look_alike in ESCAPES.items():
        name = name.replace(separator, look_alike)
    return name


def unescaped(name: str) -> str:
    for separator, look_alike in ESCAPES.items():
        name = name.replace(look_alike, separator)
    return name


def split_value(raw: str) -> tuple[str, str]:
    """'happy (h)' -> ('happy', 'h'): BORIS shows a value's shortcut key in parentheses."""
    text = raw.strip()
    found = _KEYED_VALUE.match(text)
    if found and found.group("label").strip():
        return found.group("label").strip(), found.group("key")
    return text, ""


def build_ethogram(
    project: Mapping[str, Any], file: Path, missing: Mapping[str, int], warnings: list[str]
) -> Ethogram:
    """The ethogram as a codebook (validated YAML), plus how BORIS names map onto it."""
    name = text_of(project.get("project_name")).strip() or file.stem
    ident = "boris-" + slugify(name, "project")[:60]
    categories: dict[str, str] = {}
    cat_ids: dict[str, str] = {}
    set_specs: dict[str, dict[str, Any]] = {}
    set_by_content: dict[tuple[str, tuple[str, ...]], str] = {}
    codes: list[dict[str, Any]] = []
    code_of: dict[str, str] = {}
    sets_of: dict[str, list[SetMap]] = {}
    states: set[str] = set()
    excluded: dict[str, list[str]] = {}  # BORIS: the states a state ends when it starts
    code_id = _Ids()
    taken_keys: set[str] = set()
    set_id_of = _Ids({TARGET_SET})
    category_id = _Ids()
    for n, raw in enumerate(ordered(project.get("behaviors_conf"), f"{file}: behaviors_conf")):
        where = f"{file}: behaviors_conf[{n}]"
        if not isinstance(raw, dict):
            raise InputError(f"{where}: expected a behaviour")
        boris_code = text_of(raw.get("code"))
        if not boris_code.strip():
            warnings.append(f"behaviour {n + 1} of the ethogram has no code and was left out")
            continue
        if boris_code in code_of:
            warnings.append(f"behaviour {boris_code!r} appears twice in the ethogram; kept once")
            continue
        cid = code_id(slugify(boris_code, f"code-{n + 1}")[:90])
        code_of[boris_code] = cid
        kind = "state" if "state" in text_of(raw.get("type")).lower() else "point"
        if kind == "state":
            states.add(boris_code)
        entry: dict[str, Any] = {"id": cid, "label": boris_code.strip(), "kind": kind}
        description = text_of(raw.get("description")).strip()
        if description:
            entry["definition"] = description
        colour = text_of(raw.get("color")).strip()
        if re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
            entry["colour"] = colour
        key = text_of(raw.get("key"))
        if len(key) == 1 and not key.isdigit() and not key.isspace() and key not in taken_keys:
            entry["key"] = key
            taken_keys.add(key)
        elif key:
            warnings.append(f"the key {key!r} of behaviour {boris_code!r} could not be kept")
        category = text_of(raw.get("category")).strip()
        if category:
            if category not in cat_ids:
                cat_ids[category] = category_id(slugify(category, "category"))
                categories[cat_ids[category]] = category
            entry["category"] = cat_ids[category]
        mapped: list[SetMap] = []
        used: list[str] = []
        for m, mraw in enumerate(ordered(raw.get("modifiers"), f"{where}.modifiers")):
            if not isinstance(mraw, dict):
                raise InputError(f"{where}.modifiers[{m}]: expected a modifier set")
            set_name = text_of(mraw.get("name")).strip() or f"modifier {m + 1}"
            listed = [v for v in (mraw.get("values") or []) if isinstance(v, str) and v.strip()]
            values = list(dict.fromkeys(v.strip() for v in listed))  # each value once
            if len(values) < len(listed):
                warnings.append(
                    f"modifier set {set_name!r} of {boris_code!r} lists a value more than "
                    "once; each is kept once"
                )
            mtype = mraw.get("type", SINGLE)
            if set_name.casefold() == TARGET_SET:
                mapped.append(SetMap(set_name, None, "target", True))
                continue
            if mtype not in (SINGLE, MULTIPLE) or not values:
                mapped.append(SetMap(set_name, None, "note"))
                warnings.append(
                    f"modifier set {set_name!r} of {boris_code!r} has no fixed values "
                    "(numeric or free); its values are kept in the event notes"
                )
                continue
            if len(values) > MAX_MODIFIER_VALUES:
                mapped.append(SetMap(set_name, None, "note"))
                warnings.append(
                    f"modifier set {set_name!r} of {boris_code!r} has {len(values):,} values, "
                    f"more than the {MAX_MODIFIER_VALUES:,} a set of a codebook may offer; its "
                    "values are kept in the event notes"
                )
                continue
            content = (set_name, tuple(values))
            set_id = set_by_content.get(content)
            smap = SetMap(set_name, None, "values", mtype == MULTIPLE)
            if set_id is None:
                set_id = set_id_of(slugify(set_name, f"modifier-{m + 1}")[:90])
                set_by_content[content] = set_id
                value_specs: list[dict[str, str]] = []
                value_id = _Ids()
                value_keys: set[str] = set()
                for v, value in enumerate(values):
                    label, vkey = split_value(value)
                    vid = value_id(slugify(label, f"v{v + 1}")[:90])
                    spec = {"id": vid, "label": label or vid}
                    if vkey and vkey not in value_keys:
                        spec["key"] = vkey
                        value_keys.add(vkey)
                    value_specs.append(spec)
                set_specs[set_id] = {"label": set_name, "values": value_specs}
            smap.set_id = set_id
            for value, spec in zip(values, set_specs[set_id]["values"], strict=True):
                smap.values[spec["label"].casefold()] = spec["id"]
                smap.values.setdefault(value.strip().casefold(), spec["id"])
            mapped.append(smap)
            if set_id not in used:
                used.append(set_id)
        if used:
            entry["modifiers"] = used
        sets_of[boris_code] = mapped
        excluded[boris_code] = [c for c in text_of(raw.get("excluded")).split(",") if c]
        codes.append(entry)
    added = []
    for boris_code, count in missing.items():
        if boris_code in code_of:
            continue
        cid = code_id(slugify(boris_code, "code")[:90])
        code_of[boris_code] = cid
        sets_of[boris_code] = []
        codes.append({"id": cid, "label": boris_code.strip() or cid, "kind": "point",
                      "definition": "Not in the BORIS ethogram; added on import."})  # fmt: skip
        added.append(boris_code)
        warnings.append(
            f"behaviour {boris_code!r} is not in the ethogram ({count} events): "
            "added to the codebook as a point code"
        )
    if not codes:
        raise InputError(f"{file}: the ethogram has no behaviours")
    doc: dict[str, Any] = {
        "codebook": ident,
        "name": f"{name} (BORIS ethogram)",
        "version": "1.0",
        "description": (
            text_of(project.get("project_description")).strip()
            + f"\nImported from the BORIS project {file.name}."
        ).strip(),
    }
    if categories:
        doc["categories"] = categories
    if set_specs:
        doc["modifier_sets"] = set_specs
    groups = _exclusive_groups(excluded, states, warnings)
    if groups:
        doc["exclusive_groups"] = {}
        by_id = {entry["id"]: entry for entry in codes}
        for n, members in enumerate(groups, start=1):
            ids = [code_of[c] for c in members]
            gid, label = _group_name(ids, n)
            doc["exclusive_groups"][gid] = {"label": label}
            for cid in ids:
                by_id[cid]["exclusive_group"] = gid
    doc["codes"] = codes
    # As one JSON text: a large ethogram stays quick to store and to read.
    doc["boris"] = json.dumps(carried(project), ensure_ascii=False)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: a large ethogram in ms
    text = yaml.dump(doc, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
    try:
        book = codebook_from_source(text, f"{file} (ethogram)")
    except CodebookError as exc:  # pragma: no cover - the generator keeps to the format
        raise InputError(f"{file}: the ethogram cannot be turned into a codebook: {exc}") from exc
    return Ethogram(book, text, code_of, sets_of, states, added)


def _exclusive_groups(
    excluded: Mapping[str, list[str]], states: set[str], warnings: list[str]
) -> list[list[str]]:
    """BORIS's exclusions as our exclusive groups: the states linked by them, each group in
    the ethogram's order. BORIS names pairs (starting one state ends the others it lists);
    a group here is whole, so states that exclude each other only in part are one group,
    and the import says so. Exclusions of point events, or of unknown behaviours, mean
    nothing and are left out."""
    linked: dict[str, set[str]] = {code: set() for code in excluded if code in states}
    for code, others in excluded.items():
        for other in others:
            if code in linked and other in linked and other != code:
                linked[code].add(other)
                linked[other].add(code)
    groups: list[list[str]] = []
    placed: set[str] = set()
    for code in linked:  # the ethogram's order
        if code in placed or not linked[code]:
            continue
        found, todo = {code}, [code]
        while todo:
            for other in linked[todo.pop()] - found:
                found.add(other)
                todo.append(other)
        placed |= found
        members = [c for c in linked if c in found]
        groups.append(members)
        if any(b not in linked[a] for a in members for b in members if a != b):
            warnings.append(
                f"the states {', '.join(repr(c) for c in members)} exclude each other only "
                "in part in BORIS; here they form one exclusive group (starting one ends "
                "any other)"
            )
    return groups


def _group_name(code_ids: list[str], number: int) -> tuple[str, str]:
    """A shipped codebook's id and label for a group of exactly its codes (the Bion
    codebook's basic-assumption group, back from a BORIS file we wrote); else made up."""
    from observer.domain.codebook import shipped_codebooks

    for book in shipped_codebooks():
        for group in book.exclusive_groups.values():
            if set(group.codes) == set(code_ids):
                return group.id, group.label
    return f"exclusive-{number}", "One at a time: " + ", ".join(code_ids)[:150]
