"""Migrations never import the app: what an upgrade does must not change when the app does."""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import observer.storage.migrations

MIGRATIONS = Path(observer.storage.migrations.__file__).parent

ALLOWED = {
    "__future__",
    "alembic",
    "sqlalchemy",
    "yaml",
    "datetime",
    "json",
    "math",
    "re",
    "typing",
}


@pytest.mark.parametrize(
    "script",
    [*sorted(MIGRATIONS.glob("versions/0*.py")), MIGRATIONS / "env.py"],
    ids=lambda p: p.name,
)
def test_migrations_import_nothing_from_the_app(script: Path) -> None:
    """What an upgrade does must not change when the app's code does."""
    imported = set()
    for node in ast.walk(ast.parse(script.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported <= ALLOWED, imported - ALLOWED


def frozen_0003() -> ModuleType:
    [script] = MIGRATIONS.glob("versions/0003_*.py")
    spec = importlib.util.spec_from_file_location("frozen_0003", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def variants(source: str) -> Iterator[str]:
    """A codebook source, and each line of it dropped, doubled or changed."""
    yield source
    lines = source.splitlines(keepends=True)
    changes = [(": ", ": x"), ("id: ", "id: 1"), ("state", "point"), ("true", "maybe"),
               ("#", "#g"), ("- ", "-"), ("label", "lable")]  # fmt: skip
    for i, line in enumerate(lines):
        yield "".join(lines[:i] + lines[i + 1 :])
        yield "".join(lines[: i + 1] + lines[i:])
        for old, new in changes:
            if old in line:
                yield "".join([*lines[:i], line.replace(old, new, 1), *lines[i + 1 :]])


def test_the_frozen_0003_reads_codebooks_as_the_app_read_them_then() -> None:
    """The private reader of 0003 agrees with the app's reader of format 1, valid or not."""
    from observer.domain.codebook import shipped_codebooks
    from observer.storage import codebook_json
    from tests.observer.storage.test_codebook_json import RICH

    frozen = frozen_0003()
    # Every shipped codebook as it is; every variant of the two smaller ones that use every
    # feature between them (bion's exclusive states, RICH's modifiers and patterns).
    books = {b.id: b.source for b in shipped_codebooks()}
    texts = [*books.values(), *variants(books["bion"]), *variants(RICH)]
    readable = 0
    for text in texts:
        mine = frozen.compiled_from_source(text)
        if codebook_json.FORMAT == frozen.FORMAT:
            assert mine == codebook_json.compiled_from_source(text), text
        elif mine is not None:  # a newer app reads format 1 from the source instead
            assert codebook_json.codebook_from_json(mine, text) is None
        readable += mine is not None
    assert len(texts) > 500 and 0.2 < readable / len(texts) < 0.8
