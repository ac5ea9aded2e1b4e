"""Every file the app writes is its user's alone (0600), whatever the umask, and whole.

The mode bits are read from ``st_mode``, which holds even when the tests run as root.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from matplotlib.figure import Figure

from observer.charts.export import save_figure
from observer.cli.main import main
from observer.formats import BY_ID, EXPORT_FORMATS, export_coding, export_codings, import_file
from observer.formats.csv_format import write_events_csv
from observer.report import report_for_coding
from observer.storage.private_file import ensure_private, write_private_text, written_whole
from observer.storage.read_coding import from_coding

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


@pytest.fixture(autouse=True)
def generous_umask() -> Iterator[None]:
    """A umask that lets others read new files: what a plain ``open`` would then give."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_every_export_format_is_written_for_its_owner_only(
    demo_store: Any, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"coding{BY_ID[fmt].suffixes[0]}"
    export_coding(demo_store, 1, fmt, out)
    assert mode(out) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_an_export_over_a_file_others_could_read_makes_it_private(
    demo_store: Any, tmp_path: Path
) -> None:
    out = tmp_path / "coding.csv"
    out.write_text("old\n")
    out.chmod(0o644)
    export_coding(demo_store, 1, "csv", out)
    assert mode(out) == 0o600 and out.read_text().startswith("time,")


def test_pooled_sdis_is_private(demo_store: Any, tmp_path: Path) -> None:
    out = tmp_path / "pooled.sds"
    export_codings(demo_store, [1, 2], "sdis", out)
    assert mode(out) == 0o600


def test_the_report_is_private(demo_store: Any, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    report_for_coding(demo_store, 3, out)
    assert mode(out) == 0o600


def test_the_course_report_is_private(demo_store: Any, tmp_path: Path) -> None:
    from observer.course_report import write_course_report
    from observer.workspace.group_course import group_course

    out = tmp_path / "course.pdf"
    write_course_report(group_course(demo_store, 1), out)
    assert mode(out) == 0o600
    assert not list(tmp_path.glob(".course.pdf*"))  # nothing left beside it


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_a_saved_chart_is_private(tmp_path: Path, suffix: str) -> None:
    figure = Figure()
    figure.add_subplot().plot([0, 1], [1, 0])
    out = save_figure(figure, tmp_path / f"chart{suffix}")
    assert mode(out) == 0o600 and out.stat().st_size > 0


def test_sequence_charts_from_the_command_line_are_private(
    demo_store: Any, tmp_path: Path, capsys: Any
) -> None:
    diagram, heatmap = tmp_path / "d.png", tmp_path / "h.svg"
    db = str(demo_store.path)  # type: ignore[attr-defined]
    code = main(
        ["--db", db, "sequences", "1", "--diagram", str(diagram), "--heatmap", str(heatmap)]
    )
    capsys.readouterr()
    assert code == 0
    assert (mode(diagram), mode(heatmap)) == (0o600, 0o600)


def test_a_codebook_saved_from_a_boris_project_is_private(demo_store: Any, tmp_path: Path) -> None:
    project = tmp_path / "c.boris"
    export_coding(demo_store, 1, "boris", project)
    book = tmp_path / "ethogram.yaml"
    import_file(demo_store, project, codebook_out=book)
    assert mode(book) == 0o600 and "codes" in book.read_text()


def test_an_events_csv_written_for_a_script_is_private(demo_store: Any, tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    write_events_csv(from_coding(demo_store, 1).with_names().events, out)
    assert mode(out) == 0o600


def test_a_text_file_is_private_and_replaces_the_old_one_whole(tmp_path: Path) -> None:
    out = tmp_path / "codebook.yaml"
    out.write_text("before")
    write_private_text(out, "after")
    assert (out.read_text(), mode(out)) == ("after", 0o600)


def test_a_write_that_fails_leaves_the_earlier_file_and_nothing_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    out.write_text(json.dumps({"kept": True}))
    with pytest.raises(RuntimeError), written_whole(out) as partial:
        assert mode(partial) == 0o600
        partial.write_text("half")
        raise RuntimeError("stopped")
    assert json.loads(out.read_text()) == {"kept": True}
    assert [p.name for p in tmp_path.iterdir()] == ["export.json"]


def test_even_a_strict_umask_gives_the_owner_read_and_write(tmp_path: Path) -> None:
    os.umask(0o277)
    write_private_text(tmp_path / "a.txt", "x")
    assert mode(tmp_path / "a.txt") == 0o600


def test_a_file_kept_by_another_library_is_made_private_in_a_private_folder(
    tmp_path: Path,
) -> None:
    settings = tmp_path / "new folder" / "app.conf"
    ensure_private(settings)
    assert (mode(settings), mode(settings.parent)) == (0o600, 0o700)
    settings.chmod(0o644)
    ensure_private(settings)
    assert mode(settings) == 0o600


def test_a_symlink_planted_at_the_partial_name_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("untouched")
    out = tmp_path / "out.txt"
    (tmp_path / f".out.txt.{os.getpid()}.partial").symlink_to(victim)
    write_private_text(out, "written")
    assert victim.read_text() == "untouched" and out.read_text() == "written"
