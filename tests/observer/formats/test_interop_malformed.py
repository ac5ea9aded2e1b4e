"""Damaged files (truncated, bytes flipped, mis-encoded): a clear refusal, never a crash,
never half an import."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observer.domain.errors import InputError
from observer.formats import export_coding, import_file
from observer.formats.common import count_rows
from observer.storage.store import open_store
from observer.workspace.recording import Recorder
from tests.observer.helpers import small_coding

FORMATS = ("json", "csv", "tsv", "xlsx", "boris")
TEXT_FORMATS = ("json", "csv", "tsv", "boris")


@pytest.fixture(scope="module")
def setup() -> Iterator[tuple[Any, dict[str, bytes], Path]]:
    """One store with a small coding, and that coding exported in every importable format."""
    with tempfile.TemporaryDirectory(prefix="gpo-malformed-") as folder:
        root = Path(folder)
        store = open_store(root / "db.sqlite3")
        coding_id, keys = small_coding(store)
        recorder = Recorder(store, coding_id)
        recorder.record(0, "work", "group")
        recorder.record(1_500, "self-disclosure", keys["Jane"], ("group",), {"intensity": "high"})
        recorder.record(4_250, "feedback", keys["Sam"], (keys["Jane"],), {"valence": "positive"},
                        "Zoë: “ok”, fine")  # fmt: skip
        recorder.record(9_000, "dependency", "group")
        recorder.record(12_000, "question", keys["Dr Lee"], (keys["Tom"], keys["Priya"]))
        recorder.close()
        samples = {}
        for fmt in FORMATS:
            path = root / f"sample.{fmt}"
            export_coding(store, coding_id, fmt, path)
            samples[fmt] = path.read_bytes()
        yield store, samples, root
        store.close()


def attempt(store: Any, root: Path, fmt: str, data: bytes) -> None:
    """Import damaged bytes: success, or an InputError with nothing written."""
    path = root / f"damaged.{fmt}"
    path.write_bytes(data)
    before = count_rows(store)
    try:
        import_file(store, path, session=1, observer="HY")
    except InputError as exc:
        assert str(exc)
        assert count_rows(store) == before
    finally:
        path.unlink()


SETTINGS = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(cut=st.floats(min_value=0.0, max_value=0.999))
def test_truncated(setup: Any, fmt: str, cut: float) -> None:
    store, samples, root = setup
    data = samples[fmt]
    attempt(store, root, fmt, data[: int(len(data) * cut)])


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(
    flips=st.lists(st.tuples(st.floats(0.0, 0.999), st.integers(0, 255)), min_size=1, max_size=4)
)
def test_bytes_flipped(setup: Any, fmt: str, flips: list[tuple[float, int]]) -> None:
    store, samples, root = setup
    data = bytearray(samples[fmt])
    for where, value in flips:
        data[int(len(data) * where)] = value
    attempt(store, root, fmt, bytes(data))


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
@SETTINGS
@given(encoding=st.sampled_from(["utf-16", "utf-32", "cp1252", "latin-1", "shift_jis"]))
def test_mis_encoded(setup: Any, fmt: str, encoding: str) -> None:
    store, samples, root = setup
    text = samples[fmt].decode("utf-8")
    attempt(store, root, fmt, text.encode(encoding, errors="replace"))


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_wrong_format_is_refused_by_name(setup: Any, fmt: str) -> None:
    store, samples, root = setup
    path = root / f"wrong.{fmt}"
    path.write_bytes(samples["xlsx"])
    before = count_rows(store)
    with pytest.raises(InputError, match="wrong"):
        import_file(store, path, session=1, observer="HY")
    assert count_rows(store) == before
    path.unlink()


def test_undamaged_samples_import(setup: Any) -> None:
    """The samples themselves import (so the damage tests start from valid files)."""
    store, samples, root = setup
    for fmt in FORMATS:
        path = root / f"clean.{fmt}"
        path.write_bytes(samples[fmt])
        report = import_file(store, path, session=1, observer="OK")
        assert report.events == 5, fmt
        path.unlink()
