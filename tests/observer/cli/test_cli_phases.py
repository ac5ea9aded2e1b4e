"""Phases as filters on the command line: ``--phase NAME`` and ``--third N``, read afresh."""

from __future__ import annotations

import json
from typing import Any

import pytest

from observer.cli.main import main
from observer.domain.errors import InputError
from observer.domain.participants import member_key
from observer.storage.read_coding import from_coding
from observer.storage.store import Store
from observer.workspace.codings import new_coding
from observer.workspace.groups import MemberSpec, add_group, add_session, get_group
from observer.workspace.recording import Recorder


def phased_coding(store: Store) -> tuple[int, dict[str, str]]:
    """Ann, Ben and Cat; a 90-minute session marked check-in, work, closing.

    Acts: Ann at 1:00 (check-in), Ben at 20:00 and 40:00 (work, first third; work, second
    third), Cat at 70:00 and 90:00 (work, last third; closing, at the very end).
    """
    group = add_group(
        store, "Tuesday group", members=[MemberSpec(n) for n in ("Ann", "Ben", "Cat")]
    )
    keys = {m.pseudonym: member_key(m.id) for m in get_group(store, group).members}
    coding = new_coding(store, add_session(store, group), "RK", ["here-and-now"])
    recorder = Recorder(store, coding)
    try:
        recorder.mark_phase("check-in", 0)
        recorder.mark_phase("work", 10 * 60_000)
        recorder.mark_phase("closing", 80 * 60_000)
        for minute, who in ((1, "Ann"), (20, "Ben"), (40, "Ben"), (70, "Cat"), (90, "Cat")):
            recorder.record(minute * 60_000, "feedback", keys[who], ("group",))
    finally:
        recorder.close()
    return coding, keys


def sent(store: Store, coding: int, capsys: Any, *options: str) -> dict[str, int]:
    assert main(["--db", store.location, "network", str(coding), "--json", *options]) == 0
    nodes = json.loads(capsys.readouterr().out)["nodes"]
    return {n["label"]: n["sent"] for n in nodes if n["sent"]}


def test_a_phase_and_a_third_filter_the_network(store: Store, capsys: Any) -> None:
    coding, _ = phased_coding(store)
    assert [(m.time_ms, m.name) for m in from_coding(store, coding).phase_marks] == [
        (0, "check-in"),
        (600_000, "work"),
        (4_800_000, "closing"),
    ]
    assert sent(store, coding, capsys, "--phase", "check-in") == {"Ann": 1}
    assert sent(store, coding, capsys, "--phase", "work") == {"Ben": 2, "Cat": 1}
    # The last phase runs to the end: the act at the last moment is in it.
    assert sent(store, coding, capsys, "--phase", "Closing") == {"Cat": 1}
    # The coding is 90:00 long: thirds cut at 30:00 and 60:00.
    assert sent(store, coding, capsys, "--third", "1") == {"Ann": 1, "Ben": 1}
    assert sent(store, coding, capsys, "--third", "2") == {"Ben": 1}
    assert sent(store, coding, capsys, "--third", "3") == {"Cat": 2}


def test_phase_options_are_refused_clearly(store: Store, capsys: Any) -> None:
    coding, _ = phased_coding(store)
    db = store.location
    assert main(["--db", db, "network", str(coding), "--phase", "break"]) == 2
    said = capsys.readouterr().err
    assert "--phase: No phase 'break'" in said and "work 10:00–1:20:00" in said
    assert "Traceback" not in said
    assert main(["--db", db, "network", str(coding), "--third", "1", "--from", "5"]) == 2
    assert "without --from/--to" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--db", db, "network", str(coding), "--third", "4"])
    assert "invalid choice: 4 (choose from 1, 2, 3)" in capsys.readouterr().err


def test_a_mark_needs_a_name(store: Store) -> None:
    coding, _ = phased_coding(store)
    recorder = Recorder(store, coding)
    try:
        with pytest.raises(InputError, match="needs a name"):
            recorder.mark_phase("  ", 5_000)
    finally:
        recorder.close()
    assert len(from_coding(store, coding).phase_marks) == 3


def test_the_report_breaks_participation_down_by_phase(
    store: Store, capsys: Any, tmp_path: Any
) -> None:
    from observer.analysis.phase_participation import participation_by_phase
    from tests.observer.helpers import pdf_text

    coding, _ = phased_coding(store)
    sentences = [p.sentence() for p in participation_by_phase(from_coding(store, coding))]
    assert sentences == [
        "third 1 (00:00–30:00): 2 acts — Ann 50%, Ben 50%.",
        "third 2 (30:00–1:00:00): 1 act — Ben 100%.",
        "third 3 (1:00:00–end): 2 acts — Cat 100%.",
        "check-in (00:00–10:00): 1 act — Ann 100%.",
        "work (10:00–1:20:00): 3 acts — Ben 67%, Cat 33%.",
        "closing (1:20:00–end): 1 act — Cat 100%.",
    ]
    out = tmp_path / "report.pdf"
    assert main(["--db", store.location, "report", str(coding), "--out", str(out)]) == 0
    text = pdf_text(out.read_bytes())
    assert "PARTICIPATION BY PHASE" in text
    section = text[text.index("PARTICIPATION BY PHASE") : text.index("SEQUENCES")]
    # (The PDF's text drops the dashes: the sentences are checked whole above.)
    assert "work (10:00" in section and "3 acts" in section and "Ben 67%, Cat 33%." in section
