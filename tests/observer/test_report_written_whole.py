"""The report PDF is whole or absent under its name: never truncated by a full disk or a stop."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

import observer.report as report
from observer.domain.coding_data import CodingData
from observer.domain.errors import InputError
from observer.storage import private_file
from observer.storage.read_coding import from_coding


@pytest.fixture
def data(demo_store: Any) -> CodingData:
    return from_coding(demo_store, 3)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder of its own for the report (the database lives beside it in tmp_path)."""
    path = tmp_path / "reports"
    path.mkdir()
    return path


def no_space(*_args: Any) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_leaves_no_pdf_under_its_name(
    data: CodingData, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = folder / "report.pdf"
    # The last write does not reach the disk.
    monkeypatch.setattr(private_file.os, "fsync", no_space)
    with pytest.raises(InputError) as caught:
        report.write_report(data, out)
    assert str(caught.value) == (
        f"{out}: cannot write the report (No space left on device); "
        "nothing was written under that name"
    )
    assert list(folder.iterdir()) == []  # nor a half-written file beside it


def test_an_earlier_report_is_kept_whole_when_a_new_one_fails(
    data: CodingData, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = folder / "report.pdf"
    report.write_report(data, out)
    before = out.read_bytes()
    pages: list[int] = []

    def disk_fills(done: int, _total: int) -> None:  # a write fails on the third page
        pages.append(done)
        if len(pages) == 3:
            no_space()

    with pytest.raises(InputError, match="No space left on device"):
        report.write_report(data, out, progress=disk_fills)
    assert out.read_bytes() == before and before.startswith(b"%PDF")
    assert sorted(p.name for p in folder.iterdir()) == ["report.pdf"]


def test_a_report_stopped_half_way_leaves_nothing(data: CodingData, folder: Path) -> None:
    out = folder / "report.pdf"

    def stop(_done: int, _total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        report.write_report(data, out, progress=stop)
    assert list(folder.iterdir()) == []


def test_a_whole_report_is_in_place(data: CodingData, folder: Path) -> None:
    out = folder / "report.pdf"
    pages = report.write_report(data, out)
    assert pages >= 7 and out.read_bytes().startswith(b"%PDF")
    assert out.read_bytes().rstrip().endswith(b"%%EOF")
    assert sorted(p.name for p in folder.iterdir()) == ["report.pdf"]
