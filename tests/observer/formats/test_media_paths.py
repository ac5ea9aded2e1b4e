"""Recording paths from imported files: only plain local files are kept, or ever linked."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

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
