"""Call transcripts into a session: Zoom's and Teams' WebVTT, SRT; speakers never guessed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from observer.domain.errors import InputError
from observer.formats import import_file
from observer.formats.common import count_rows
from observer.formats.transcript import read_transcript
from observer.storage.read_coding import from_coding
from observer.storage.store import Store
from tests.observer.helpers import small_coding

# Zoom: "Name: text"; an unnamed cue; a name that is nobody in the group (Dr Who); a
# display name (Jane Doe) that is no pseudonym; Sam's two cues overlap.
ZOOM = """WEBVTT

1
00:00:01.000 --> 00:00:04.500
Jane Doe: I wasn't sure I'd come back.

2
00:00:05.000 --> 00:00:06.000
Yes. Okay.

3
00:00:06.000 --> 00:00:09.000
Sam: Me neither: it was a hard week.

4
00:00:08.500 --> 00:00:10.000
Sam: Really hard.

5
00:00:10.500 --> 00:00:12.000
Dr Who: Let's stay with that.

6
00:00:12.000 --> 00:00:15.250
Priya: Can I say something
about last time?
"""

# Teams: voice tags, GUID-like ids, a cue over two lines, one without a voice.
TEAMS = """WEBVTT

1a2b3c4d-0001-4e5f-9a8b-1234567890ab/12-0
00:00:00.000 --> 00:00:02.000
<v Priya>Hello everyone.</v>

1a2b3c4d-0001-4e5f-9a8b-1234567890ab/13-0
00:00:02.500 --> 00:00:05.000
<v Tom>I have been thinking
about what Jane said.</v>

1a2b3c4d-0001-4e5f-9a8b-1234567890ab/14-0
00:00:05.000 --> 00:00:06.000
Mm-hm.
"""

SRT = """1
00:00:01,000 --> 00:00:03,000
Tom: First.

2
00:00:03,500 --> 00:00:04,000
Jane: Second.
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_zoom_cues_name_their_speaker_before_a_colon(tmp_path: Path) -> None:
    cues = read_transcript(write(tmp_path, "call.vtt", ZOOM))
    assert [(c.line, c.start_ms, c.end_ms, c.speaker) for c in cues] == [
        (4, 1000, 4500, "Jane Doe"),
        (8, 5000, 6000, ""),
        (12, 6000, 9000, "Sam"),
        (16, 8500, 10000, "Sam"),
        (20, 10500, 12000, "Dr Who"),
        (24, 12000, 15250, "Priya"),
    ]
    assert cues[2].text == "Me neither: it was a hard week."
    assert cues[5].text == "Can I say something\nabout last time?"


def test_teams_voice_tags_name_the_speaker_over_several_lines(tmp_path: Path) -> None:
    cues = read_transcript(write(tmp_path, "teams.vtt", TEAMS))
    assert [(c.speaker, c.text) for c in cues] == [
        ("Priya", "Hello everyone."),
        ("Tom", "I have been thinking\nabout what Jane said."),
        ("", "Mm-hm."),
    ]
    assert [c.line for c in cues] == [4, 8, 13]


def test_srt_with_name_prefixes(tmp_path: Path) -> None:
    cues = read_transcript(write(tmp_path, "call.srt", SRT))
    assert [(c.start_ms, c.end_ms, c.speaker, c.text) for c in cues] == [
        (1000, 3000, "Tom", "First."),
        (3500, 4000, "Jane", "Second."),
    ]


def test_a_broken_timing_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.vtt", "WEBVTT\n\n00:00:01.000 --> soon\nJane: hi\n")
    with pytest.raises(InputError, match=r"bad\.vtt:3: not a WebVTT cue timing"):
        read_transcript(path)


def session_of(store: Store) -> int:
    coding_id, _keys = small_coding(store)
    session = from_coding(store, coding_id).session_id
    assert session is not None
    return session


def turns(store: Store, coding_id: int) -> list[tuple[int, int | None, str, str]]:
    data = from_coding(store, coding_id)
    return [(e.time_ms, e.end_ms, data.label(e.actor), e.note) for e in data.events]


def test_import_keeps_who_spoke_when_and_lists_what_it_left_out(store, tmp_path: Path) -> None:
    session = session_of(store)
    report = import_file(
        store, write(tmp_path, "call.vtt", ZOOM), session=session, observer="RK",
        names={"Jane Doe": "Jane"},
    )  # fmt: skip
    # Sam's overlapping cues are one turn; the words are not kept unless asked.
    assert turns(store, report.coding_ids[0]) == [
        (1000, 4500, "Jane", ""),
        (6000, 10000, "Sam", ""),
        (12000, 15250, "Priya", ""),
    ]
    text = "\n".join(report.warnings)
    assert "'Dr Who' is nobody in this group" in text and "call.vtt:20" in text
    assert "1 cue names no speaker (lines 8)" in text


def test_words_are_kept_only_when_asked(store, tmp_path: Path) -> None:
    session = session_of(store)
    report = import_file(
        store, write(tmp_path, "teams.vtt", TEAMS), session=session, observer="RK",
        keep_text=True,
    )  # fmt: skip
    assert turns(store, report.coding_ids[0]) == [
        (0, 2000, "Priya", "Hello everyone."),
        (2500, 5000, "Tom", "I have been thinking\nabout what Jane said."),
    ]


def test_a_mapped_call_name_is_remembered_for_the_group(store, tmp_path: Path) -> None:
    session = session_of(store)
    path = write(tmp_path, "call.vtt", ZOOM)
    import_file(store, path, session=session, observer="RK", names={"jane doe": "Jane"})
    again = import_file(store, path, session=session, observer="RK")
    assert turns(store, again.coding_ids[0])[0] == (1000, 4500, "Jane", "")
    assert not any("Jane Doe" in w for w in again.warnings)


def test_a_map_to_nobody_is_refused_and_nothing_is_written(store, tmp_path: Path) -> None:
    session = session_of(store)
    before = count_rows(store)
    with pytest.raises(InputError, match="nobody called 'Janet'"):
        import_file(store, write(tmp_path, "call.vtt", ZOOM), session=session, observer="RK",
                    names={"Jane Doe": "Janet"})  # fmt: skip
    assert count_rows(store) == before


def test_the_command_line_imports_with_a_map(capsys, store, tmp_path: Path) -> None:
    from observer.cli.main import main

    session = session_of(store)
    path = write(tmp_path, "call.srt", SRT)
    store.close()
    code = main(["--db", str(store.location), "import", str(path), "--session", str(session),
                 "--observer", "RK", "--map", "Tom=Tom", "--json"])  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert code in (0, None)
    assert out["events"] == 2 and out["format"] == "transcript"


def test_a_map_without_equals_is_one_clear_line(capsys, store, tmp_path: Path) -> None:
    from observer.cli.main import main

    session = session_of(store)
    path = write(tmp_path, "call.srt", SRT)
    store.close()
    code = main(["--db", str(store.location), "import", str(path), "--session", str(session),
                 "--observer", "RK", "--map", "Tom"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "--map 'Tom'" in err and "Traceback" not in err


def test_a_database_from_before_gains_the_call_names_and_keeps_its_group(tmp_path: Path) -> None:
    from observer.storage.store import open_store
    from observer.workspace.groups import list_groups
    from tests.observer.helpers import old_database

    path = tmp_path / "old.sqlite3"
    old_database(path, "0007").dispose()
    store = open_store(path)
    with store.engine.connect() as conn:
        tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
    assert "call_names" in tables
    assert [g.name for g in list_groups(store)] == ["Tuesday group"]
    store.close()


def test_the_report_gains_an_airtime_page_and_the_chart_names_everyone(
    store, tmp_path: Path
) -> None:
    from observer.charts.airtime import airtime_chart
    from observer.report import report_for_coding
    from tests.observer.helpers import pdf_text

    session = session_of(store)
    report = import_file(store, write(tmp_path, "call.vtt", ZOOM), session=session,
                         observer="RK", names={"Jane Doe": "Jane"})  # fmt: skip
    coding = report.coding_ids[0]
    pages = report_for_coding(store, coding, tmp_path / "report.pdf")
    plain = report_for_coding(store, 1, tmp_path / "plain.pdf")
    assert pages == plain + 1
    text = pdf_text((tmp_path / "report.pdf").read_bytes())
    assert "Speaking time (Gini" in text and "Who speaks after whom" in text
    fig = airtime_chart(from_coding(store, coding))
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    assert {"Jane", "Sam", "Priya", "Tom", "Dr Lee"} <= set(labels)


def test_a_transcript_of_nobody_known_is_refused(store, tmp_path: Path) -> None:
    session = session_of(store)
    before = count_rows(store)
    path = write(tmp_path, "strangers.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nX Y: hi\n")
    with pytest.raises(InputError, match=r"no cue is of a member.*'X Y'"):
        import_file(store, path, session=session, observer="RK")
    assert count_rows(store) == before


def test_a_codebook_to_code_with_comes_beside_the_turns(store, tmp_path: Path) -> None:
    session = session_of(store)
    report = import_file(store, write(tmp_path, "teams.vtt", TEAMS), session=session,
                         observer="RK", codebooks=["here-and-now"])  # fmt: skip
    data = from_coding(store, report.coding_ids[0])
    assert data.palette is not None
    assert {b.id for b in data.palette.codebooks} == {"airtime", "here-and-now"}
