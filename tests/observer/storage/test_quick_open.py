"""Opening a coding and recording into it needs no ORM: the observer is waiting to code."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_opening_and_recording_load_no_sqlalchemy(demo_template: Path, tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, path)
    script = textwrap.dedent(
        f"""
        import sys
        from observer.storage.store import open_store
        from observer.workspace.workspace import Workspace

        store = open_store({str(path)!r})
        recorder = Workspace(store).open_coding(1)  # as the app opens it
        jane = next(p.key for p in recorder.info.participants if p.label == "Jane")
        event = recorder.record(4_000_000, "self-disclosure", jane, ["group"])
        recorder.undo()
        recorder.redo()
        recorder.add_note("Jane spoke first tonight", 4_000_000)
        print(event.id, "sqlalchemy" in sys.modules, "yaml" in sys.modules)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    event_id, orm_loaded, yaml_loaded = result.stdout.split()
    assert orm_loaded == "False"
    assert yaml_loaded == "False"  # the codebooks were read from their stored parsed form

    from observer.storage.store import open_store
    from observer.workspace.recording import Recorder, audit_trail

    store = open_store(path)
    recorder = Recorder(store, 1)
    assert recorder.event(int(event_id)).code == "self-disclosure"
    assert [a.action for a in audit_trail(store, 1)] == ["delete", "restore"]
    assert recorder.notes()[-1].text == "Jane spoke first tonight"
    recorder.close()
    store.close()


# Loaded only when needed: PyYAML (codebook files), hashlib (storing a codebook), importlib
# resources (the shipped codebooks) and SQLAlchemy (everything but opening and recording).
SLOW_TO_LOAD = ("yaml", "hashlib", "importlib.resources", "sqlalchemy")


def test_importing_the_recorder_loads_nothing_slow() -> None:
    modules = (
        "observer.workspace.recording",
        "observer.storage.coding_info",
        "observer.domain.codebook",
    )
    script = textwrap.dedent(
        f"""
        import importlib, sys
        for name in {modules!r}:
            importlib.import_module(name)
        print(" ".join(m for m in {SLOW_TO_LOAD!r} if m in sys.modules) or "none")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["none"]
