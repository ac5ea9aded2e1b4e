"""Codebook files: read and validate the YAML that people write, locating every problem.

A codebook is edited by people, so validation names the file, the line and the field
of every problem it finds, and reports all of them at once rather than the first.
The format is documented in ``docs/codebooks.md``. This module loads PyYAML, so it is
imported only when a file or a stored source is read (opening a coding reads the
parsed form kept beside the source instead; see ``observer.codebook_json``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml

from observer.domain.codebook import (
    ACTOR_ROLES,
    KINDS,
    TARGET_ROLES,
    TARGET_RULES,
    Code,
    Codebook,
    CodebookError,
    EventSpec,
    ExclusiveGroup,
    ModifierSet,
    ModifierValue,
    PatternRule,
    Problem,
)
from observer.domain.errors import InputError

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_TOP_KEYS = {
    "codebook", "name", "version", "description", "categories", "modifier_sets",
    "exclusive_groups", "codes", "patterns", "boris",
}  # fmt: skip
_CODE_KEYS = {
    "id", "label", "category", "kind", "target", "key", "colour", "definition", "example",
    "modifiers", "exclusive_group", "optional",
}  # fmt: skip


# --- reading YAML with line numbers ------------------------------------------------------


class _Reader:
    """Walks a composed YAML tree, turning nodes into values and collecting problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node | None, fld: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(self.file, line, fld, message))

    def mapping(self, node: yaml.Node, fld: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """Key -> (key node, value node); duplicate keys are problems, not silent overwrites."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, fld or "document", "expected a mapping of names to values")
            return {}
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in out:
                self.problem(key_node, f"{fld}.{key}" if fld else key, "appears twice")
                continue
            out[key] = (key_node, value_node)
        return out

    def sequence(self, node: yaml.Node, fld: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, fld, "expected a list")
            return []
        return list(node.value)

    def text(self, node: yaml.Node, fld: str, *, allow_empty: bool = True) -> str:
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, fld, "expected text")
            return ""
        value = str(node.value).strip()
        if not value and not allow_empty:
            self.problem(node, fld, "must not be empty")
        return value

    def flag(self, node: yaml.Node, fld: str) -> bool:
        value = self.text(node, fld).lower()
        if value in ("true", "yes"):
            return True
        if value in ("false", "no", ""):
            return False
        self.problem(node, fld, f"expected true or false, not {value!r}")
        return False

    def number(self, node: yaml.Node, fld: str) -> float:
        value = self.text(node, fld)
        try:
            number = float(value)
        except ValueError:
            self.problem(node, fld, f"expected a number of seconds, not {value!r}")
            return 0.0
        if not math.isfinite(number):
            self.problem(node, fld, f"expected a number of seconds, not {value!r}")
        elif number <= 0:
            self.problem(node, fld, "must be more than zero")
        return number

    def slug(self, node: yaml.Node, fld: str) -> str:
        value = self.text(node, fld, allow_empty=False)
        if value and not _SLUG.match(value):
            self.problem(
                node, fld, f"{value!r} is not a valid id (lower-case letters, digits, - and _)"
            )
        return value

    def choice(self, node: yaml.Node, fld: str, options: Sequence[str]) -> str:
        value = self.text(node, fld)
        if value not in options:
            self.problem(node, fld, f"{value!r} is not one of: {', '.join(options)}")
        return value

    def unknown_keys(
        self, items: dict[str, tuple[yaml.Node, yaml.Node]], allowed: set[str], fld: str
    ) -> None:
        for key, (key_node, _) in items.items():
            if key not in allowed:
                self.problem(
                    key_node,
                    f"{fld}.{key}" if fld else key,
                    f"unknown field (expected one of: {', '.join(sorted(allowed))})",
                )

    def require(
        self, items: dict[str, tuple[yaml.Node, yaml.Node]], key: str, owner: yaml.Node, fld: str
    ) -> yaml.Node | None:
        if key not in items:
            self.problem(owner, f"{fld}.{key}" if fld else key, "is required")
            return None
        return items[key][1]


T = TypeVar("T")

# libyaml's parser when PyYAML was built with it: the pure-Python one took a fifth of a
# second to read a coding's codebooks every time a coding was opened.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_codebook(text: str, file: str = "<codebook>") -> Codebook:
    """Parse and validate a codebook's YAML text; raise CodebookError listing every problem."""
    return parse_checked(text, file, CodebookError, _read_codebook)


def parse_checked(
    text: str,
    file: str,
    error: Callable[[list[Problem]], Exception],
    read: Callable[[_Reader, yaml.Node, str], T | None],
) -> T:
    """A YAML file read by ``read`` (codebooks, questionnaires): every problem it has is
    raised at once as ``error``, each as ``FILE:LINE: field: message``."""
    reader = _Reader(file)
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise error([_syntax_problem(file, exc)]) from exc
    if root is None:
        raise error([Problem(file, 1, "document", "the file is empty")])
    found = read(reader, root, text)
    if reader.problems or found is None:
        raise error(sorted(reader.problems, key=lambda p: p.line))
    return found


def _syntax_problem(file: str, exc: yaml.YAMLError) -> Problem:
    """A YAML syntax error on one line: where it is and what is wrong, without PyYAML's excerpt."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    parts = [getattr(exc, "context", None), getattr(exc, "problem", None)]
    detail = "; ".join(" ".join(str(p).split()) for p in parts if p) or "cannot be read"
    return Problem(file, line, "syntax", f"not valid YAML: {detail}")


def _encoding_problem(file: str, exc: UnicodeDecodeError) -> Problem:
    """The line of the first byte that is not UTF-8 (editors in another encoding do this)."""
    line = exc.object[: exc.start].count(b"\n") + 1
    byte = exc.object[exc.start : exc.start + 1].hex()
    return Problem(file, line, "encoding", f"not UTF-8 text (byte 0x{byte}); save it as UTF-8")


def _read_codebook(r: _Reader, root: yaml.Node, source: str) -> Codebook | None:
    top = r.mapping(root, "")
    if not isinstance(root, yaml.MappingNode):
        return None
    r.unknown_keys(top, _TOP_KEYS, "")
    ident_node = r.require(top, "codebook", root, "")
    ident = r.slug(ident_node, "codebook") if ident_node is not None else ""
    name_node = r.require(top, "name", root, "")
    name = r.text(name_node, "name", allow_empty=False) if name_node is not None else ""
    version_node = r.require(top, "version", root, "")
    version = r.text(version_node, "version", allow_empty=False) if version_node else ""
    description = r.text(top["description"][1], "description") if "description" in top else ""
    if "boris" in top:  # a BORIS project as JSON, kept for the BORIS export (docs/codebooks.md)
        r.text(top["boris"][1], "boris")

    categories: dict[str, str] = {}
    if "categories" in top:
        for key, (key_node, value_node) in r.mapping(top["categories"][1], "categories").items():
            r.slug(key_node, f"categories.{key}")
            categories[key] = r.text(value_node, f"categories.{key}", allow_empty=False)

    modifier_sets = _read_modifier_sets(r, top)
    groups_raw = _read_exclusive_groups(r, top)
    codes = _read_codes(r, top, root, categories, modifier_sets, groups_raw)

    exclusive_groups = {
        gid: ExclusiveGroup(gid, label, tuple(c.id for c in codes if c.exclusive_group == gid))
        for gid, (label, _node) in groups_raw.items()
    }
    for gid, (_label, node) in groups_raw.items():
        if not exclusive_groups[gid].codes:
            r.problem(node, f"exclusive_groups.{gid}", "no state code belongs to this group")

    patterns = _read_patterns(r, top, {c.id for c in codes}, set(categories))
    return Codebook(
        id=ident,
        name=name,
        version=version,
        description=description,
        codes=tuple(codes),
        modifier_sets=modifier_sets,
        exclusive_groups=exclusive_groups,
        categories=categories,
        patterns=tuple(patterns),
        source=source,
    )


def _read_modifier_sets(
    r: _Reader, top: dict[str, tuple[yaml.Node, yaml.Node]]
) -> dict[str, ModifierSet]:
    out: dict[str, ModifierSet] = {}
    if "modifier_sets" not in top:
        return out
    for set_id, (key_node, node) in r.mapping(top["modifier_sets"][1], "modifier_sets").items():
        fld = f"modifier_sets.{set_id}"
        r.slug(key_node, fld)
        items = r.mapping(node, fld)
        r.unknown_keys(items, {"label", "values", "default"}, fld)
        label = r.text(items["label"][1], f"{fld}.label") if "label" in items else set_id
        values: list[ModifierValue] = []
        values_node = r.require(items, "values", node, fld)
        seen_keys: dict[str, str] = {}
        for value_node in r.sequence(values_node, f"{fld}.values") if values_node else []:
            vitems = r.mapping(value_node, f"{fld}.values")
            r.unknown_keys(vitems, {"id", "label", "key"}, f"{fld}.values")
            vid_node = r.require(vitems, "id", value_node, f"{fld}.values")
            vid = r.slug(vid_node, f"{fld}.values.id") if vid_node is not None else ""
            vfld = f"{fld}.values.{vid}"
            vlabel = r.text(vitems["label"][1], f"{vfld}.label") if "label" in vitems else vid
            vkey = r.text(vitems["key"][1], f"{vfld}.key") if "key" in vitems else ""
            if vkey:
                if len(vkey) != 1:
                    r.problem(vitems["key"][1], f"{vfld}.key", "must be a single character")
                elif vkey in seen_keys:
                    r.problem(
                        vitems["key"][1], f"{vfld}.key", f"{vkey!r} is also {seen_keys[vkey]!r}"
                    )
                seen_keys[vkey] = vid
            if any(v.id == vid for v in values):
                r.problem(value_node, vfld, "appears twice")
            values.append(ModifierValue(vid, vlabel, vkey))
        if values_node is not None and not values:
            r.problem(values_node, f"{fld}.values", "needs at least one value")
        default = None
        if "default" in items:
            default = r.text(items["default"][1], f"{fld}.default")
            if default and all(v.id != default for v in values):
                r.problem(
                    items["default"][1], f"{fld}.default", f"{default!r} is not one of its values"
                )
        out[set_id] = ModifierSet(set_id, label, tuple(values), default or None)
    return out


def _read_exclusive_groups(
    r: _Reader, top: dict[str, tuple[yaml.Node, yaml.Node]]
) -> dict[str, tuple[str, yaml.Node]]:
    out: dict[str, tuple[str, yaml.Node]] = {}
    if "exclusive_groups" not in top:
        return out
    groups = r.mapping(top["exclusive_groups"][1], "exclusive_groups")
    for gid, (key_node, node) in groups.items():
        fld = f"exclusive_groups.{gid}"
        r.slug(key_node, fld)
        items = r.mapping(node, fld)
        r.unknown_keys(items, {"label"}, fld)
        label = r.text(items["label"][1], f"{fld}.label") if "label" in items else gid
        out[gid] = (label, key_node)
    return out


def _read_codes(
    r: _Reader,
    top: dict[str, tuple[yaml.Node, yaml.Node]],
    root: yaml.Node,
    categories: dict[str, str],
    modifier_sets: dict[str, ModifierSet],
    groups: dict[str, tuple[str, yaml.Node]],
) -> list[Code]:
    codes: list[Code] = []
    codes_node = r.require(top, "codes", root, "")
    if codes_node is None:
        return codes
    ids: dict[str, int] = {}
    keys: dict[str, str] = {}
    for node in r.sequence(codes_node, "codes"):
        items = r.mapping(node, "codes")
        if not items:
            continue
        id_node = r.require(items, "id", node, "codes")
        cid = r.slug(id_node, "codes.id") if id_node is not None else "?"
        fld = f"codes.{cid}"
        r.unknown_keys(items, _CODE_KEYS, fld)
        if cid in ids:
            r.problem(id_node, f"{fld}.id", f"duplicate code id (first at line {ids[cid]})")
        elif id_node is not None:
            ids[cid] = id_node.start_mark.line + 1

        def opt(key: str, default: str, fld: str = fld, items: Any = items) -> str:
            return r.text(items[key][1], f"{fld}.{key}") if key in items else default

        label_node = r.require(items, "label", node, fld)
        label = r.text(label_node, f"{fld}.label", allow_empty=False) if label_node else cid
        kind = r.choice(items["kind"][1], f"{fld}.kind", KINDS) if "kind" in items else "point"
        target = (
            r.choice(items["target"][1], f"{fld}.target", TARGET_RULES)
            if "target" in items
            else "optional"
        )
        key = opt("key", "")
        if key:
            key_node = items["key"][1]
            if len(key) != 1:
                r.problem(key_node, f"{fld}.key", f"{key!r} must be a single character")
            elif key.isdigit():
                r.problem(key_node, f"{fld}.key", "digits are kept for choosing members")
            elif key in keys:
                r.problem(key_node, f"{fld}.key", f"{key!r} is already the key of {keys[key]!r}")
            else:
                keys[key] = cid
        colour = opt("colour", "#777777")
        if not _COLOUR.match(colour):
            r.problem(items["colour"][1], f"{fld}.colour", f"{colour!r} is not a #rrggbb colour")
        category = opt("category", "")
        if category and categories and category not in categories:
            r.problem(items["category"][1], f"{fld}.category", f"unknown category {category!r}")
        modifiers: list[str] = []
        if "modifiers" in items:
            for mnode in r.sequence(items["modifiers"][1], f"{fld}.modifiers"):
                mid = r.text(mnode, f"{fld}.modifiers")
                if mid not in modifier_sets:
                    r.problem(mnode, f"{fld}.modifiers", f"unknown modifier set {mid!r}")
                modifiers.append(mid)
        group = opt("exclusive_group", "") or None
        if group is not None:
            gnode = items["exclusive_group"][1]
            if group not in groups:
                r.problem(gnode, f"{fld}.exclusive_group", f"unknown exclusive group {group!r}")
            if kind != "state":
                r.problem(
                    gnode,
                    f"{fld}.exclusive_group",
                    "only state codes can belong to an exclusive group (this is a point code)",
                )
        optional = r.flag(items["optional"][1], f"{fld}.optional") if "optional" in items else False
        codes.append(
            Code(
                id=cid,
                label=label,
                kind=kind,
                target=target,
                key=key,
                colour=colour,
                definition=opt("definition", ""),
                example=opt("example", ""),
                category=category,
                modifiers=tuple(modifiers),
                exclusive_group=group,
                optional=optional,
            )
        )
    if not codes and not r.problems:
        r.problem(codes_node, "codes", "needs at least one code")
    return codes


def _read_spec(
    r: _Reader, node: yaml.Node, fld: str, codes: set[str], categories: set[str]
) -> EventSpec:
    items = r.mapping(node, fld)
    r.unknown_keys(items, {"code", "category", "actor", "target"}, fld)
    code = r.text(items["code"][1], f"{fld}.code") if "code" in items else None
    category = r.text(items["category"][1], f"{fld}.category") if "category" in items else None
    if (code is None) == (category is None):
        r.problem(node, fld, "name exactly one of code or category")
    # A code from another codebook is written "codebook-id/code-id" and checked on use.
    if code and "/" not in code and code not in codes:
        r.problem(items["code"][1], f"{fld}.code", f"unknown code {code!r}")
    if category and "/" not in category and category not in categories:
        r.problem(items["category"][1], f"{fld}.category", f"unknown category {category!r}")
    actor = r.choice(items["actor"][1], f"{fld}.actor", ACTOR_ROLES) if "actor" in items else "any"
    target = (
        r.choice(items["target"][1], f"{fld}.target", TARGET_ROLES) if "target" in items else "any"
    )
    return EventSpec(code or None, category or None, actor, target)


def _read_patterns(
    r: _Reader, top: dict[str, tuple[yaml.Node, yaml.Node]], codes: set[str], cats: set[str]
) -> list[PatternRule]:
    rules: list[PatternRule] = []
    if "patterns" not in top:
        return rules
    seen: set[str] = set()
    for node in r.sequence(top["patterns"][1], "patterns"):
        items = r.mapping(node, "patterns")
        if not items:
            continue
        id_node = r.require(items, "id", node, "patterns")
        pid = r.slug(id_node, "patterns.id") if id_node is not None else "?"
        fld = f"patterns.{pid}"
        r.unknown_keys(items, {"id", "label", "given", "then", "within", "observation"}, fld)
        label = r.text(items["label"][1], f"{fld}.label") if "label" in items else pid
        given_node = r.require(items, "given", node, fld)
        then_node = r.require(items, "then", node, fld)
        given = _read_spec(r, given_node, f"{fld}.given", codes, cats) if given_node else None
        then = _read_spec(r, then_node, f"{fld}.then", codes, cats) if then_node else None
        within = r.number(items["within"][1], f"{fld}.within") if "within" in items else 30.0
        observation = (
            r.text(items["observation"][1], f"{fld}.observation") if "observation" in items else ""
        )
        if pid in seen:
            r.problem(id_node, f"{fld}.id", "duplicate pattern id")
        seen.add(pid)
        if given is not None and then is not None:
            rules.append(PatternRule(pid, label, given, then, within, observation))
    return rules


# --- files ---------------------------------------------------------------------------------


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate one codebook file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CodebookError([_encoding_problem(str(path), exc)]) from exc
    except OSError as exc:
        cannot = Problem(str(path), 1, "file", f"cannot read: {exc.strerror}")
        raise CodebookError([cannot]) from exc
    book = parse_codebook(text, str(path))
    return _with_path(book, str(path))


def _with_path(book: Codebook, path: str) -> Codebook:
    codes = tuple(replace(c, codebook=book.id) for c in book.codes)
    return replace(book, path=path, codes=codes)


def validate_files(paths: Iterable[str | Path]) -> list[Problem]:
    """Every problem in the given files (an empty list when all are valid)."""
    problems: list[Problem] = []
    for path in paths:
        try:
            load_codebook(path)
        except CodebookError as exc:
            problems.extend(exc.problems)
    return problems


def shipped_codebooks() -> list[Codebook]:
    """The coding schemes that come with the application."""
    books = []
    folder = resources.files("codebooks")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            text = entry.read_text(encoding="utf-8")
            books.append(_with_path(parse_codebook(text, entry.name), entry.name))
    return books


def shipped_codebook(codebook_id: str) -> Codebook:
    for book in shipped_codebooks():
        if book.id == codebook_id:
            return book
    known = ", ".join(b.id for b in shipped_codebooks())
    raise InputError(f"No codebook {codebook_id!r}; the shipped ones are: {known}")


def codebook_from_source(source: str, name: str = "<stored>") -> Codebook:
    """A stored copy of a codebook, parsed again exactly as the coding used it."""
    return _with_path(parse_codebook(source, name), name)
