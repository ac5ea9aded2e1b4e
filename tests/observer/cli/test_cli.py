"""The headless commands, as a script or a person at a terminal would use them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from observer import __version__
from observer.cli.main import main

ROOT = Path(__file__).resolve().parents[3]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_python_dash_m_observer_is_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "observer", "codebook", "list", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert {b["id"] for b in json.loads(result.stdout)} >= {"here-and-now", "bion"}


def test_codebook_list_show_and_validate(capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "codebook", "list", "--json")
    assert code == 0
    ids = {b["id"] for b in json.loads(out)}
    assert ids == {
        "here-and-now",
        "bion",
        "yalom-factors",
        "bales-ipa",
        "hill-interaction-matrix",
        "airtime",
    }

    code, out, _ = run(capsys, "codebook", "show", "bion", "--json")
    shown = json.loads(out)
    assert shown["exclusive_groups"]["basic-assumption"]["codes"][:4] == [
        "work",
        "dependency",
        "fight-flight",
        "pairing",
    ]

    good = ROOT / "codebooks" / "bion.yaml"
    assert run(capsys, "codebook", "validate", str(good))[0] == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "codebook: x\nname: X\nversion: '1'\ncodes:\n  - id: a\n    label: A\n    kind: sometimes\n"
    )
    code, _, err = run(capsys, "codebook", "validate", str(good), str(bad))
    assert code == 1
    assert f"{bad}:7: codes.a.kind: 'sometimes' is not one of: point, state" in err


def test_groups_sessions_codings_by_command(capsys, tmp_path: Path) -> None:
    db = str(tmp_path / "cli.sqlite3")
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "group",
        "add",
        "Tuesday group",
        "--modality",
        "process",
        "--member",
        "Jane",
        "--member",
        "Sam",
        "--member",
        "Dr Lee:leader",
        "--json",
    )
    assert code == 0
    group_id = json.loads(out)["id"]
    code, out, _ = run(capsys, "--db", db, "group", "list", "--json")
    [group] = json.loads(out)
    assert [(m["pseudonym"], m["role"]) for m in group["members"]] == [
        ("Jane", "member"),
        ("Sam", "member"),
        ("Dr Lee", "leader"),
    ]
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "session",
        "add",
        str(group_id),
        "--date",
        "2026-11-19T18:00",
        "--absent",
        "Sam",
        "--json",
    )
    session_id = json.loads(out)["id"]
    code, out, _ = run(capsys, "--db", db, "session", "list", "--json")
    assert json.loads(out)[0]["present"] == ["Jane", "Dr Lee"]
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "coding",
        "new",
        str(session_id),
        "--observer",
        "RK",
        "--codebook",
        "here-and-now",
        "--codebook",
        "bion",
        "--json",
    )
    coding_id = json.loads(out)["id"]
    code, out, _ = run(capsys, "--db", db, "coding", "list", "--json")
    [listed] = json.loads(out)
    assert (listed["id"], listed["session"], listed["observer"]) == (coding_id, session_id, "RK")

    events = tmp_path / "events.csv"
    events.write_text(
        "time,end,actor,target,code,note\n0,,group,,work,\n2.5,,Jane,Dr Lee,question,\n"
    )
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "coding",
        "import-csv",
        str(session_id),
        str(events),
        "--observer",
        "TR",
        "--codebook",
        "here-and-now",
        "--codebook",
        "bion",
        "--json",
    )
    imported = json.loads(out)["id"]
    exported = tmp_path / "out.csv"
    assert run(capsys, "--db", db, "coding", "export-csv", str(imported), str(exported))[0] == 0
    # The same table as ``export --format csv``: labels, categories and modifier columns too.
    assert exported.read_text().splitlines() == [
        "time,time_hms,end,end_hms,actor,target,code,code_label,category,modifier:valence,"
        "modifier:intensity,note",
        "0.000,00:00:00.000,,,group,,work,Work group (W),work,,,",
        "2.500,00:00:02.500,,,Jane,Dr Lee,question,Question,helping,,,",
    ]


def test_errors_are_one_clear_line_and_exit_2(capsys, tmp_path: Path) -> None:
    db = str(tmp_path / "cli.sqlite3")
    code, _, err = run(capsys, "--db", db, "coding", "export-csv", "42", str(tmp_path / "x.csv"))
    assert code == 2
    assert err.strip() == "group-observer: No coding 42."
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    code, _, err = run(capsys, "--db", str(notes), "group", "list")
    assert code == 2
    assert "is not a Group Process Observer database" in err
    assert notes.read_text() == "not a database"


def test_demo_fills_a_database(capsys, tmp_path: Path) -> None:
    db = str(tmp_path / "demo.sqlite3")
    code, out, _ = run(capsys, "--db", db, "demo", "--json")
    assert code == 0
    summary = json.loads(out)
    assert len(summary["sessions"]) == 4 and len(summary["codings"]) == 6
    code, out, _ = run(capsys, "--db", db, "group", "list", "--json")
    [group] = json.loads(out)
    roles = [m["role"] for m in group["members"]]
    assert roles.count("member") == 8 and roles.count("leader") + roles.count("co-leader") == 2


def test_export_choices_match_the_formats_the_core_writes() -> None:
    from observer.cli.commands.interop import FORMATS
    from observer.formats import EXPORT_FORMATS

    assert set(FORMATS) == set(EXPORT_FORMATS)


def test_the_dates_choices_match_the_core() -> None:
    from observer.cli.commands.interop import DATE_CHOICES as OFFERED
    from observer.domain.deidentify import DATE_CHOICES

    assert OFFERED == DATE_CHOICES


def test_building_the_command_line_imports_no_database_or_chart_library() -> None:
    """The app's start must not wait for SQLAlchemy or matplotlib just to parse arguments."""
    script = (
        "import sys; from observer.cli.main import build_parser; build_parser(); "
        "print(sorted(m for m in ('sqlalchemy', 'matplotlib', 'PySide6') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "[]", result.stderr
