"""Coding schemes: codes, modifier sets and exclusive groups, combined for a coding.

These are the plain values the app works with. Reading and validating the YAML files
people write lives in ``observer.codebook_file`` (it loads PyYAML); the functions of that
module are re-exported here and import it on first call, so that opening a coding,
which reads the stored parsed form (``observer.codebook_json``), does not wait for it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from observer.domain.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path

KINDS = ("point", "state")
TARGET_RULES = ("required", "optional", "none")
ACTOR_ROLES = ("any", "member", "leader", "group", "same", "other")
_PLAIN_FIELD = re.compile(r"^[\w.\[\]/-]+$")
TARGET_ROLES = ("any", "member", "leader", "group", "none", "given-actor")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a codebook file, located for the person who will fix it."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        # A field named by what the person typed (an unknown key, say) may hold a colon or a
        # space: quoted, it cannot be mistaken for the separators of FILE:LINE: field: message.
        field = self.field or "document"
        if not _PLAIN_FIELD.match(field):
            field = json.dumps(field, ensure_ascii=False)
        return f"{self.file}:{self.line}: {field}: {' '.join(self.message.split())}"


class CodebookError(InputError):
    """A codebook that cannot be used, with every problem found in it."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class ModifierValue:
    id: str
    label: str
    key: str = ""


@dataclass(frozen=True)
class ModifierSet:
    """A dimension an act can be qualified on, such as valence or intensity."""

    id: str
    label: str
    values: tuple[ModifierValue, ...]
    default: str | None = None

    def value(self, value_id: str) -> ModifierValue | None:
        return next((v for v in self.values if v.id == value_id), None)


@dataclass(frozen=True)
class ExclusiveGroup:
    """State codes of which at most one runs at a time (e.g. Bion's basic assumptions)."""

    id: str
    label: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Code:
    id: str
    label: str
    kind: str = "point"
    target: str = "optional"
    key: str = ""
    colour: str = "#777777"
    definition: str = ""
    example: str = ""
    category: str = ""
    modifiers: tuple[str, ...] = ()
    exclusive_group: str | None = None
    optional: bool = False
    codebook: str = ""

    @property
    def is_state(self) -> bool:
        return self.kind == "state"


# A state code marks a speaking turn when its id or category is one of these.
SPEAKING = frozenset({"speaking", "speaking-turn", "turn", "speech"})


def is_speaking(code_id: str, category: str, is_state: bool) -> bool:
    """Whether a code marks a speaking turn (a state whose id or category says so)."""
    return is_state and (code_id in SPEAKING or category in SPEAKING)


@dataclass(frozen=True)
class EventSpec:
    """Which events a pattern rule means: by code or category, and by who acts on whom."""

    code: str | None = None
    category: str | None = None
    actor: str = "any"
    target: str = "any"


@dataclass(frozen=True)
class PatternRule:
    """A sequential pattern worth naming to the group ("after X, Y within N s")."""

    id: str
    label: str
    given: EventSpec
    then: EventSpec
    within_s: float
    observation: str = ""


@dataclass(frozen=True)
class Codebook:
    id: str
    name: str
    version: str
    description: str
    codes: tuple[Code, ...]
    modifier_sets: dict[str, ModifierSet] = field(default_factory=dict)
    exclusive_groups: dict[str, ExclusiveGroup] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    patterns: tuple[PatternRule, ...] = ()
    source: str = ""
    path: str = ""

    @property
    def digest(self) -> str:
        """The SHA-256 of the source text: which exact text a coding used."""
        import hashlib  # its OpenSSL binding costs milliseconds; only storing needs it

        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()

    def code(self, code_id: str) -> Code | None:
        return self._by_id.get(code_id)

    @functools.cached_property
    def _by_id(self) -> dict[str, Code]:
        return {c.id: c for c in self.codes}


# --- files (read by observer.codebook_file, imported on first use) -------------------------


def parse_codebook(text: str, file: str = "<codebook>") -> Codebook:
    """Parse and validate a codebook's YAML text; raise CodebookError listing every problem."""
    from observer.domain import codebook_file

    return codebook_file.parse_codebook(text, file)


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate one codebook file."""
    from observer.domain import codebook_file

    return codebook_file.load_codebook(path)


def validate_files(paths: Iterable[str | Path]) -> list[Problem]:
    """Every problem in the given files (an empty list when all are valid)."""
    from observer.domain import codebook_file

    return codebook_file.validate_files(paths)


def shipped_codebooks() -> list[Codebook]:
    """The coding schemes that come with the application."""
    from observer.domain import codebook_file

    return codebook_file.shipped_codebooks()


def shipped_codebook(codebook_id: str) -> Codebook:
    """One shipped coding scheme by id; InputError naming the known ones otherwise."""
    from observer.domain import codebook_file

    return codebook_file.shipped_codebook(codebook_id)


def codebook_from_source(source: str, name: str = "<stored>") -> Codebook:
    """A stored copy of a codebook, parsed again exactly as the coding used it."""
    from observer.domain import codebook_file

    return codebook_file.codebook_from_source(source, name)


@dataclass(frozen=True)
class Palette:
    """The codes available in one coding: its codebooks combined, ids and keys unique."""

    codebooks: tuple[Codebook, ...]

    @property
    def codes(self) -> tuple[Code, ...]:
        return tuple(c for b in self.codebooks for c in b.codes)

    def code(self, code_id: str) -> Code | None:
        for book in self.codebooks:
            found = book.code(code_id)
            if found is not None:
                return found
        return None

    def by_key(self, key: str) -> Code | None:
        return next((c for c in self.codes if c.key == key), None)

    def modifier_set(self, set_id: str, code: Code) -> ModifierSet | None:
        for book in self.codebooks:
            if book.id == code.codebook and set_id in book.modifier_sets:
                return book.modifier_sets[set_id]
        return None

    def exclusive_group(self, code: Code) -> ExclusiveGroup | None:
        if code.exclusive_group is None:
            return None
        for book in self.codebooks:
            if book.id == code.codebook:
                return book.exclusive_groups.get(code.exclusive_group)
        return None

    @property
    def patterns(self) -> tuple[PatternRule, ...]:
        return tuple(p for b in self.codebooks for p in b.patterns)


# Keys that pick people in the entry's who steps: a code can never have one of these.
WHO_KEYS = frozenset("1234567890 -'")


@dataclass(frozen=True)
class KeyClash:
    """Two codes of one coding's codebooks that want the same shortcut key."""

    key: str
    kept: Code  # of the earlier codebook
    other: Code  # of the later one: it needs another key in this coding

    def __str__(self) -> str:
        return (
            f"Key {self.key!r} is wanted by both {self.kept.label} ({self.kept.codebook}) "
            f"and {self.other.label} ({self.other.codebook}, code {self.other.id})"
        )


class KeyClashError(InputError):
    """Codebooks whose codes want the same keys: the coder gives some of them other keys."""

    def __init__(self, clashes: Sequence[KeyClash], free: Sequence[str] = ()) -> None:
        self.clashes = list(clashes)
        self.free = list(free)
        lines = [f"{c}." for c in self.clashes]
        if self.free:
            lines.append(f"Keys no code uses: {' '.join(self.free[:12])}")
        lines.append(
            "Give each of the later codes another key for this coding "
            "(the New coding dialog asks; on the command line: --key CODE=KEY)."
        )
        super().__init__("\n".join(lines))


def with_keys(codebooks: Sequence[Codebook], overrides: Mapping[str, str]) -> list[Codebook]:
    """The codebooks with the keys a coding gave some of its codes (code id -> key)."""
    from dataclasses import replace

    known = {c.id for b in codebooks for c in b.codes}
    for code_id, key in overrides.items():
        if code_id not in known:
            raise InputError(f"No code {code_id!r} in this coding's codebooks to give a key.")
        if len(key) != 1 or not key.isprintable() or key in WHO_KEYS:
            raise InputError(
                f"{key!r} cannot be a code key: one letter or sign, not a digit, Space, - or '."
            )
    return [
        replace(b, codes=tuple(replace(c, key=overrides.get(c.id, c.key)) for c in b.codes))
        for b in codebooks
    ]


def free_keys(codebooks: Sequence[Codebook]) -> list[str]:
    """Letters no code of these codebooks uses, lower case first: keys to offer."""
    used = {c.key for b in codebooks for c in b.codes}
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [k for k in letters if k not in used]


def key_clashes(codebooks: Sequence[Codebook]) -> list[KeyClash]:
    """Every key two codes of these codebooks want, the earlier codebook's code first."""
    owner: dict[str, Code] = {}
    clashes = []
    for book in codebooks:
        for code in book.codes:
            if not code.key:
                continue
            if code.key in owner:
                clashes.append(KeyClash(code.key, owner[code.key], code))
            else:
                owner[code.key] = code
    return clashes


def combine(
    codebooks: Sequence[Codebook], key_overrides: Mapping[str, str] | None = None
) -> Palette:
    """Combine codebooks for one coding; clashing code ids are refused.

    ``key_overrides``: keys the coding gave some of its codes (stored with it). A new
    coding is refused while keys clash (:func:`key_clashes`); a coding made before that
    rule still opens, its later clashing code then left without a shortcut, as it was.
    """
    from dataclasses import replace

    if key_overrides:
        codebooks = with_keys(codebooks, key_overrides)
    seen: dict[str, str] = {}
    taken: set[str] = set()
    books = []
    for book in codebooks:
        codes = []
        for code in book.codes:
            if code.id in seen:
                raise InputError(
                    f"Code {code.id!r} is in both {seen[code.id]!r} and {book.id!r}; "
                    "a coding cannot use both codebooks."
                )
            seen[code.id] = book.id
            if code.key and code.key in taken:
                code = replace(code, key="")
            taken.add(code.key)
            codes.append(code)
        books.append(replace(book, codes=tuple(codes)))
    return Palette(tuple(books))
