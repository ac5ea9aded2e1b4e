"""A codebook as the app reads it, kept as JSON beside its YAML source in the database.

Opening a coding used to parse every codebook's YAML again; decoding this JSON takes a
fraction of that and needs no PyYAML. The YAML source stays the record: the JSON is
always derived from it (``compiled_from_source``), and a reader that finds no JSON, or
JSON of another ``FORMAT``, parses the source exactly as before.

Change ``FORMAT`` whenever the shape below changes (a test compares ``SHAPES`` with the
dataclasses); rows written in an older format are then read from their source.
"""

from __future__ import annotations

import json
from typing import Any

from observer.domain.codebook import (
    Code,
    Codebook,
    EventSpec,
    ExclusiveGroup,
    ModifierSet,
    ModifierValue,
    PatternRule,
    codebook_from_source,
)

FORMAT = 1

# The fields written for each class, by name. ``Codebook.source`` and ``path`` are not
# written: the source is its own column and the path is the name the reader gives it.
SHAPES: dict[str, tuple[str, ...]] = {
    "Code": (
        "id", "label", "kind", "target", "key", "colour", "definition", "example",
        "category", "modifiers", "exclusive_group", "optional", "codebook",
    ),
    "ModifierValue": ("id", "label", "key"),
    "ModifierSet": ("id", "label", "values", "default"),
    "ExclusiveGroup": ("id", "label", "codes"),
    "EventSpec": ("code", "category", "actor", "target"),
    "PatternRule": ("id", "label", "given", "then", "within_s", "observation"),
    "Codebook": (
        "id", "name", "version", "description", "codes", "modifier_sets",
        "exclusive_groups", "categories", "patterns",
    ),
}  # fmt: skip


def codebook_to_json(book: Codebook) -> str:
    """The parsed codebook as compact JSON, with the format number inside."""
    data = _fields(book, "Codebook")
    data["codes"] = [_fields(c, "Code") for c in book.codes]
    data["modifier_sets"] = {
        k: {**_fields(m, "ModifierSet"), "values": [_fields(v, "ModifierValue") for v in m.values]}
        for k, m in book.modifier_sets.items()
    }
    data["exclusive_groups"] = {
        k: _fields(g, "ExclusiveGroup") for k, g in book.exclusive_groups.items()
    }
    data["patterns"] = [
        {
            **_fields(p, "PatternRule"),
            "given": _fields(p.given, "EventSpec"),
            "then": _fields(p.then, "EventSpec"),
        }
        for p in book.patterns
    ]
    return json.dumps({"format": FORMAT, **data}, ensure_ascii=False, separators=(",", ":"))


def codebook_from_json(text: str, source: str, name: str = "<stored>") -> Codebook | None:
    """The codebook stored as ``text``, or None when it is of another format or unreadable.

    ``source`` and ``name`` become the codebook's source and path, as
    ``codebook_from_source(source, name)`` would set them.
    """
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.pop("format", None) != FORMAT:
            return None
        codes = []
        for c in data["codes"]:
            c["modifiers"] = tuple(c["modifiers"])
            codes.append(Code(**c))
        data["codes"] = tuple(codes)
        data["modifier_sets"] = {
            k: ModifierSet(
                **{**m, "values": tuple(ModifierValue(**v) for v in m["values"])},
            )
            for k, m in data["modifier_sets"].items()
        }
        data["exclusive_groups"] = {
            k: ExclusiveGroup(**{**g, "codes": tuple(g["codes"])})
            for k, g in data["exclusive_groups"].items()
        }
        data["patterns"] = tuple(
            PatternRule(**{**p, "given": EventSpec(**p["given"]), "then": EventSpec(**p["then"])})
            for p in data["patterns"]
        )
        return Codebook(**data, source=source, path=name)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None  # damaged or hand-edited: the caller reads the source instead


def compiled_from_source(source: str) -> str | None:
    """The JSON to store beside ``source``; None when the source does not parse.

    Never raises: the JSON only saves time, and a database upgrade must not stop at a
    codebook that cannot be read (it is read from its source, failing as before).
    """
    try:
        return codebook_to_json(codebook_from_source(source))
    except Exception:
        return None


def stored_codebook_of(source: str, compiled: str | None, name: str) -> Codebook:
    """A stored codebook: from its JSON when usable, else parsed from its YAML source."""
    if compiled:
        book = codebook_from_json(compiled, source, name)
        if book is not None:
            return book
    return codebook_from_source(source, name)


def _fields(value: Any, shape: str) -> dict[str, Any]:
    """The value's fields named in ``SHAPES`` (the caller replaces nested dataclasses)."""
    return {f: getattr(value, f) for f in SHAPES[shape]}
