"""The core never imports Qt: every observer module imports with PySide6 blocked."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import observer

ROOT = Path(__file__).resolve().parents[1]


def all_core_modules() -> list[str]:
    names = ["observer"]
    for info in pkgutil.walk_packages(observer.__path__, "observer."):
        if ".migrations.versions" in info.name or info.name.endswith("migrations.env"):
            continue  # run only by Alembic, inside a migration
        if info.name == "observer.__main__":
            continue  # runs the command line on import
        names.append(info.name)
    return names


def test_every_core_module_imports_without_qt() -> None:
    modules = all_core_modules()
    assert "observer.workspace.recording" in modules and "observer.storage.store" in modules
    script = textwrap.dedent(
        f"""
        import importlib, sys

        class BlockQt:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6"):
                    raise ImportError(f"observer must not import Qt (tried {{name}})")
                return None

        sys.meta_path.insert(0, BlockQt())
        for name in {modules!r}:
            importlib.import_module(name)
        assert not any(m.split(".")[0] in ("PySide6", "shiboken6") for m in sys.modules)
        print("ok", len({modules!r}))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


def test_no_core_source_mentions_qt_imports() -> None:
    offenders = []
    for path in (ROOT / "observer").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")) and any(
                q in stripped for q in ("PySide6", "shiboken6", "PyQt", "backend_qt")
            ):
                offenders.append(f"{path.relative_to(ROOT)}: {stripped}")
    assert offenders == []
