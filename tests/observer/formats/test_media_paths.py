"""Recording paths from imported files: only plain local files are kept, or ever linked."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from observer.cli.main import main
from observer.formats import export_coding, import_file
from observer.formats.media_paths import media_refusal
from observer.storage.models import MediaFile
from observer.workspace.groups import attach_media

HOSTILE = [
    "http://evil.example/session.mp4",
    "file:///etc/shadow",
    "\\\\server\\share\\session.mp4",
    "//server/share/session.mp4",
    "/etc/shadow",
    "../../../../../../../../../../root/.ssh/id_rsa",
    "/dev/zero",
    "NUL",
    "con.mp4",
    ".ssh/id_rsa",
]


@pytest.mark.parametrize("path", HOSTILE)
def test_addresses_shares_devices_and_system_files_are_refused(tmp_path: Path, path: str) -> None:
    assert media_refusal(path, tmp_path) is not None


def test_plain_local_files_are_kept_even_when_not_here_yet(tmp_path: Path) -> None:
    (tmp_path / "here.mp4").write_bytes(b"")
    for path in ("here.mp4", str(tmp_path / "here.mp4"), "videos/later.mp4",
                 "/recordings/session1.mp4"):  # fmt: skip
        assert media_refusal(path, tmp_path) is None, path


def test_what_is_not_a_plain_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "folder.mp4").mkdir()
    assert media_refusal("folder.mp4", tmp_path) == (
        "it is not a plain file (a folder, a device or a pipe)"
    )
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.mp4")
        assert media_refusal("pipe.mp4", tmp_path) is not None


def test_a_link_into_the_system_is_followed_and_refused(tmp_path: Path) -> None:
    (tmp_path / "innocent.mp4").symlink_to("/etc/passwd")
    assert media_refusal("innocent.mp4", tmp_path) == (
        "it leads into a system folder (/etc/passwd)"
    )


def hostile_project(store: Any, folder: Path) -> Path:
    """A BORIS project whose one observation plays hostile files and one plain file."""
    project = folder / "p.boris"
    export_coding(store, 1, "boris", project)
    doc = json.loads(project.read_text(encoding="utf-8"))
    (observation,) = doc["observations"].values()
    observation["type"] = "MEDIA"
    observation["file"] = {"1": [*HOSTILE, "session.mp4"], "2": []}
    project.write_text(json.dumps(doc), encoding="utf-8")
    return project


def test_a_boris_project_keeps_only_its_plain_recordings_and_says_which_not(
    demo_store: Any, tmp_path: Path
) -> None:
    report = import_file(demo_store, hostile_project(demo_store, tmp_path))
    with demo_store.reader() as s:
        kept = s.scalars(
            select(MediaFile.path).where(MediaFile.session_id.in_(report.session_ids))
        ).all()
    assert kept == ["session.mp4"]
    refused = [w for w in report.warnings if "not kept" in w]
    assert len(refused) == len(HOSTILE)
    assert any("recording '/etc/shadow' not kept: it leads into a system folder" in w
               for w in refused)  # fmt: skip


def test_a_json_coding_keeps_only_its_plain_recordings(demo_store: Any, tmp_path: Path) -> None:
    attach_media(demo_store, 1, "/recordings/session1.mp4")
    attach_media(demo_store, 1, "/recordings/side.mp4")
    out = tmp_path / "c.json"
    export_coding(demo_store, 1, "json", out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    doc["session"]["media"][0]["path"] = "/etc/shadow"
    doc["session"]["media"][1]["path"] = "http://evil.example/x.mp4"
    out.write_text(json.dumps(doc), encoding="utf-8")
    report = import_file(demo_store, out)
    with demo_store.reader() as s:
        kept = s.scalars(
            select(MediaFile.path).where(MediaFile.session_id.in_(report.session_ids))
        ).all()
    assert "/etc/shadow" not in kept and "http://evil.example/x.mp4" not in kept
    assert [w.split(": recording ")[1] for w in report.warnings if "not kept" in w] == [
        "'/etc/shadow' not kept: it leads into a system folder (/etc/shadow)",
        "'http://evil.example/x.mp4' not kept: it is a web or other address, "
        "not a file on this computer",
    ]


@pytest.mark.parametrize("path", ["/etc/shadow", "http://evil.example/x.mp4"])
def test_the_elan_export_never_links_anything_but_a_local_file(
    demo_store: Any, tmp_path: Path, path: str
) -> None:
    attach_media(demo_store, 1, path)
    out = tmp_path / "c.eaf"
    export_coding(demo_store, 1, "eaf", out)
    assert ET.parse(out).getroot().find("HEADER/MEDIA_DESCRIPTOR") is None
    assert "shadow" not in out.read_text(encoding="utf-8")


# --- relative paths stay inside the recordings folder the user picked ---------------------


def project_playing(store: Any, folder: Path, *paths: str) -> Path:
    """A BORIS project in ``folder`` whose one observation plays ``paths``."""
    folder.mkdir(parents=True, exist_ok=True)
    project = folder / "p.boris"
    export_coding(store, 1, "boris", project)
    doc = json.loads(project.read_text(encoding="utf-8"))
    (observation,) = doc["observations"].values()
    observation["type"] = "MEDIA"
    observation["file"] = {"1": list(paths), "2": []}
    project.write_text(json.dumps(doc), encoding="utf-8")
    return project


def kept_paths(store: Any, session_ids: list[int]) -> list[str]:
    with store.reader() as s:
        return list(
            s.scalars(select(MediaFile.path).where(MediaFile.session_id.in_(session_ids))).all()
        )


def test_a_relative_path_leading_out_of_the_files_folder_is_refused(
    demo_store: Any, tmp_path: Path
) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "other.mp4").write_bytes(b"")
    project_dir = tmp_path / "project"
    project = project_playing(demo_store, project_dir, "../elsewhere/other.mp4", "video/s1.mp4")
    report = import_file(demo_store, project)
    assert kept_paths(demo_store, report.session_ids) == ["video/s1.mp4"]
    [refused] = [w for w in report.warnings if "not kept" in w]
    assert str(project) in refused and "'../elsewhere/other.mp4'" in refused
    assert f"outside the recordings folder {project_dir.resolve()}" in refused


def test_a_link_inside_the_folder_that_resolves_outside_is_refused(
    demo_store: Any, tmp_path: Path
) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "other.mp4").write_bytes(b"")
    project_dir = tmp_path / "project"
    project_dir.mkdir()
    (project_dir / "looks-local.mp4").symlink_to(tmp_path / "elsewhere" / "other.mp4")
    report = import_file(demo_store, project_playing(demo_store, project_dir, "looks-local.mp4"))
    assert kept_paths(demo_store, report.session_ids) == []
    assert any("'looks-local.mp4' not kept: it leads outside" in w for w in report.warnings)


def test_the_folder_picked_can_be_wider_than_the_files_folder(
    demo_store: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "elsewhere").mkdir()
    project = project_playing(demo_store, tmp_path / "project", "../elsewhere/other.mp4")
    db = str(demo_store.path)
    args = ["--db", db, "import", str(project), "--json", "--media-folder", str(tmp_path)]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert not [w for w in report["warnings"] if "not kept" in w]
    assert kept_paths(demo_store, report["sessions"]) == ["../elsewhere/other.mp4"]


def test_a_recordings_folder_that_does_not_exist_is_refused_and_nothing_written(
    demo_store: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = project_playing(demo_store, tmp_path / "project", "s1.mp4")
    missing = tmp_path / "no-such-folder"
    with demo_store.reader() as s:
        before = len(s.scalars(select(MediaFile.id)).all())
    args = ["--db", str(demo_store.path), "import", str(project), "--media-folder", str(missing)]
    assert main(args) == 2
    assert f"{missing}: the recordings folder does not exist" in capsys.readouterr().err
    with demo_store.reader() as s:
        assert len(s.scalars(select(MediaFile.id)).all()) == before


def test_a_json_coding_confines_its_relative_recordings_too(
    demo_store: Any, tmp_path: Path
) -> None:
    attach_media(demo_store, 1, "/recordings/session1.mp4")
    out = tmp_path / "sub" / "c.json"
    out.parent.mkdir()
    export_coding(demo_store, 1, "json", out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    doc["session"]["media"][0]["path"] = "../../escape.mp4"
    out.write_text(json.dumps(doc), encoding="utf-8")
    report = import_file(demo_store, out)
    assert "../../escape.mp4" not in kept_paths(demo_store, report.session_ids)
    assert any("'../../escape.mp4' not kept: it leads outside" in w for w in report.warnings)


def test_the_elan_export_never_links_a_relative_path_of_unknown_start(
    demo_store: Any, tmp_path: Path
) -> None:
    attach_media(demo_store, 1, "session.mp4")  # as an import stores a relative path
    out = tmp_path / "c.eaf"
    export_coding(demo_store, 1, "eaf", out)
    assert ET.parse(out).getroot().find("HEADER/MEDIA_DESCRIPTOR") is None
