"""``rating add | import | list`` as a leader at a terminal uses them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from observer.cli.main import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_then_list_as_json(capsys, demo_template: Path, tmp_path: Path) -> None:
    db = str(shutil.copy(demo_template, tmp_path / "demo.sqlite3"))
    code, out, err = run(capsys, "--db", db, "rating", "add", "1", "--instrument", "gcq-s",
                         "--member", "JA", "--answers", "4,,1,6,,0,1,3,2,0,2,")  # fmt: skip
    assert (code, err) == (0, "")
    run(capsys, "--db", db, "rating", "add", "1", "--instrument", "gcq-s",
        "--observer", "RK", "--answers", ",,,,,,,,1,1,1,1")  # fmt: skip
    code, out, _ = run(capsys, "--db", db, "rating", "list", "1", "--json")
    assert code == 0
    jane, observer = json.loads(out)
    assert jane == {
        "id": 1, "session": 1, "member_id": 1, "member": "Jane", "observer": "",
        "rater": "member", "instrument": "gcq-s", "version": "1983",
        "answers": [4, None, 1, 6, None, 0, 1, 3, 2, 0, 2, None],
        "scales": {"engaged": 3.75, "avoiding": 1.5, "conflict": 0.3333},
        "missing": 3, "valid": True,
    }  # fmt: skip
    assert (observer["observer"], observer["rater"], observer["valid"]) == ("RK", "observer", False)


def test_refusals_are_one_line_without_a_traceback(
    capsys, demo_template: Path, tmp_path: Path
) -> None:
    db = str(shutil.copy(demo_template, tmp_path / "demo.sqlite3"))
    code, _, err = run(capsys, "--db", db, "rating", "add", "2", "--instrument", "gcq-s",
                       "--member", "Chloe", "--answers", ",".join("3" * 12))  # fmt: skip
    assert (code, err) == (
        2, "group-observer: Chloe (CH) was absent from session 2 and cannot be rated for it\n"
    )  # fmt: skip
    forms = tmp_path / "forms.csv"
    forms.write_text("session,member,instrument,1,2,3,4,5,6,7,8,9,10,11,12\n"
                     "1,Jane,gcq-s,3,3,3,3,3,3,3,3,3,3,3,3\n"
                     "1,Sam,gcq-s,3,3,3,3,3,3,3,3,3,3,3,seven\n")  # fmt: skip
    code, _, err = run(capsys, "--db", db, "rating", "import", str(forms))
    assert (code, err) == (
        2,
        f"group-observer: {forms}:3: answers[12]: 'seven' is not a whole number\n",
    )
    assert json.loads(run(capsys, "--db", db, "rating", "list", "1", "--json")[1]) == []
