"""Encrypted databases from the command line: the passphrase from a file or the environment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from observer.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    file = tmp_path / "passphrase.txt"
    file.write_text("a passphrase for scripts\n", encoding="utf-8")
    return file


def groups(capsys: pytest.CaptureFixture[str], db: Path, *options: str) -> tuple[int, str, str]:
    return run(capsys, "--db", str(db), *options, "group", "list", "--json")


def test_encrypt_then_open_with_the_file_or_the_variable(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    secret: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tmp_path / "observer.sqlite3"
    assert run(capsys, "--db", str(db), "demo")[0] == 0
    code, out, _err = run(
        capsys, "--db", str(db), "--passphrase-file", str(secret), "db", "encrypt"
    )
    assert code == 0 and "was encrypted" in out
    assert not db.read_bytes().startswith(b"SQLite format 3")

    code, out, _err = groups(capsys, db, "--passphrase-file", str(secret))
    assert code == 0 and json.loads(out)[0]["name"] == "Thursday interpersonal group"
    monkeypatch.setenv("GROUP_OBSERVER_PASSPHRASE", "a passphrase for scripts")
    assert groups(capsys, db)[0] == 0


def test_a_missing_or_wrong_passphrase_is_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    secret: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tmp_path / "observer.sqlite3"
    assert groups(capsys, db, "--passphrase-file", str(secret))[0] == 0  # created encrypted
    before = db.read_bytes()

    code, out, err = groups(capsys, db)
    assert (code, out) == (2, "")  # input that cannot be used, as for any file not ours
    assert err.count("\n") == 1 and "passphrase is needed" in err

    monkeypatch.setenv("GROUP_OBSERVER_PASSPHRASE", "not the passphrase")
    code, out, err = groups(capsys, db)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "passphrase does not open" in err
    assert "Traceback" not in err
    assert db.read_bytes() == before


def test_rekey_and_decrypt(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    secret: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tmp_path / "observer.sqlite3"
    assert run(capsys, "--db", str(db), "--passphrase-file", str(secret), "demo")[0] == 0
    new = tmp_path / "new.txt"
    new.write_text("the new passphrase here", encoding="utf-8")
    code, out, err = run(
        capsys, "--db", str(db), "--passphrase-file", str(secret),
        "db", "rekey", "--new-passphrase-file", str(new),
    )  # fmt: skip
    assert code == 0, err
    assert groups(capsys, db, "--passphrase-file", str(secret))[0] == 1
    monkeypatch.setenv("GROUP_OBSERVER_PASSPHRASE", "the new passphrase here")
    code, out, err = run(capsys, "--db", str(db), "db", "decrypt")
    assert code == 0 and "decrypted" in out
    assert db.read_bytes().startswith(b"SQLite format 3")


def test_an_unreadable_passphrase_file_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "absent.txt"
    code, _out, err = groups(capsys, tmp_path / "x.sqlite3", "--passphrase-file", str(missing))
    assert code == 2 and str(missing) in err
    assert not (tmp_path / "x.sqlite3").exists()
