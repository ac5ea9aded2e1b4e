"""One set of event rules: every way in gives the same verdict in the same words.

Each case is an event (and the events coded before it), fed through recording, editing,
the CSV, TSV, XLSX, JSON and BORIS imports and the two commands that import a CSV. Every
way must accept it, or refuse it naming the same field with the same message.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from observer.cli.main import main
from observer.domain.errors import Refused
from observer.domain.participants import member_key
from observer.formats import export_coding, import_file
from observer.formats.common import count_rows
from observer.storage.store import Store, open_store
from observer.workspace.codings import new_coding
from observer.workspace.groups import MemberSpec, add_group, add_session, get_group
from observer.workspace.recording import Recorder

H = 3_600_000  # an hour in milliseconds


@dataclass(frozen=True)
class Ev:
    """An event as a person writes it: people by name."""

    time_ms: int
    code: str
    actor: str
    targets: tuple[str, ...] = ()
    modifiers: dict[str, str] = field(default_factory=dict)
    note: str = ""
    end_ms: int | None = None


@dataclass(frozen=True)
class Case:
    name: str
    event: Ev
    refused: tuple[str, str] | None = None  # (field, words the message holds)
    before: tuple[Ev, ...] = ()
    boris: bool = False  # expressible in a BORIS project (no codebook of ours there)


WORK = Ev(0, "work", "group", end_ms=60_000)
WITHDRAWN = Ev(10_000, "withdrawal", "Priya", end_ms=40_000)

CASES = [
    # --- kept ------------------------------------------------------------------------------
    Case("question", Ev(1_500, "question", "Jane", ("Sam",)), boris=True),
    Case("feedback with valence", Ev(2_000, "feedback", "Jane", ("Sam",), {"valence": "positive"})),
    Case(
        "two modifiers",
        Ev(
            3_000, "confrontation", "Sam", ("Dr Lee",), {"valence": "negative", "intensity": "high"}
        ),
    ),
    Case("to the group", Ev(4_000, "self-disclosure", "Jane", ("group",))),
    Case(
        "no target where optional", Ev(4_500, "self-disclosure", "Jane", (), {"intensity": "low"})
    ),
    Case("two targets", Ev(5_000, "question", "Dr Lee", ("Jane", "Sam")), boris=True),
    Case("the leaders to the group", Ev(5_500, "support", "leaders", ("group",))),
    Case("a state", WITHDRAWN),
    Case("a basic assumption", WORK),
    Case(
        "the next basic assumption",
        Ev(60_000, "fight-flight", "group", end_ms=90_000),
        before=(WORK,),
    ),
    Case(
        "a state again after it ended",
        Ev(40_000, "withdrawal", "Priya", end_ms=50_000),
        before=(WITHDRAWN,),
    ),
    Case("a state still running", Ev(5_000, "pairing", "group")),
    Case(
        "tabs and lines in a note",
        Ev(6_000, "question", "Jane", ("Sam",), {}, 'said "yes, but"\n\tthen paused'),
        boris=True,
    ),
    Case("any script in a note", Ev(6_500, "humour", "Sam", (), {}, "Zoë — ça va 👍"), boris=True),
    Case("at the start", Ev(0, "question", "Jane", ("Sam",)), boris=True),
    Case("at the longest session's end", Ev(24 * H, "question", "Jane", ("Sam",)), boris=True),
    Case("a member marked absent acts", Ev(7_000, "question", "Tom", ("Jane",))),
    Case("an absent member is addressed", Ev(7_500, "question", "Jane", ("Tom",)), boris=True),
    # --- refused ---------------------------------------------------------------------------
    Case(
        "unknown code", Ev(1_000, "hugging", "Jane", ("Sam",)), ("code", "unknown code 'hugging'")
    ),
    Case(
        "a label for a code",
        Ev(1_000, "Feedback", "Jane", ("Sam",)),
        ("code", "unknown code 'Feedback'"),
    ),
    Case(
        "before the session",
        Ev(-1_000, "question", "Jane", ("Sam",)),
        ("time", "-00:01.000 is before the session started"),
        boris=True,
    ),
    Case(
        "after the longest session",
        Ev(24 * H + 1, "question", "Jane", ("Sam",)),
        ("time", "24:00:00.001 is after 24:00:00.000, the longest a session"),
        boris=True,
    ),
    Case(
        "10^18 ms",
        Ev(10**18, "question", "Jane", ("Sam",)),
        ("time", "2.78e+11 hours is after 24:00:00.000"),
        boris=True,
    ),
    Case(
        "ends before it starts",
        Ev(20_000, "withdrawal", "Priya", end_ms=10_000),
        ("end", "the event ends (00:10.000) before it starts (00:20.000)"),
    ),
    Case(
        "ends after the longest session",
        Ev(10_000, "withdrawal", "Priya", end_ms=25 * H),
        ("end", "25:00:00.000 is after 24:00:00.000"),
    ),
    Case(
        "ends at 10^18 ms",
        Ev(10_000, "withdrawal", "Priya", end_ms=10**18),
        ("end", "hours is after 24:00:00.000"),
    ),
    Case(
        "an end on a point code",
        Ev(1_000, "question", "Jane", ("Sam",), end_ms=2_000),
        ("end", "Question is a point code and has no end"),
    ),
    Case(
        "an end at its start on a point code",
        Ev(1_000, "question", "Jane", ("Sam",), end_ms=1_000),
        ("end", "Question is a point code"),
    ),
    Case(
        "unknown actor",
        Ev(1_000, "question", "Nobody", ("Sam",)),
        ("actor", "'Nobody' is not a member of this session's group"),
    ),
    Case(
        "unknown target",
        Ev(1_000, "question", "Jane", ("Ghost",)),
        ("target", "'Ghost' is not a member of this session's group"),
    ),
    Case(
        "one's own target",
        Ev(1_000, "question", "Jane", ("Jane",)),
        ("target", "Jane cannot be their own target"),
        boris=True,
    ),
    Case(
        "the group its own target",
        Ev(1_000, "question", "group", ("group",)),
        ("target", "group cannot be their own target"),
    ),
    Case(
        "the leaders their own target",
        Ev(1_000, "support", "leaders", ("leaders",)),
        ("target", "leaders cannot be their own target"),
    ),
    Case(
        "a target twice",
        Ev(1_000, "question", "Jane", ("Sam", "Sam")),
        ("target", "Sam is named twice as a target"),
        boris=True,
    ),
    Case(
        "feedback without a target",
        Ev(1_000, "feedback", "Jane"),
        ("target", "Feedback needs a target: to whom was it addressed?"),
    ),
    Case(
        "support without a target",
        Ev(1_000, "support", "Sam"),
        ("target", "Support / validation needs a target"),
    ),
    Case(
        "a target for withdrawal",
        Ev(1_000, "withdrawal", "Priya", ("Sam",), end_ms=5_000),
        ("target", "Withdrawal / silence takes no target"),
    ),
    Case(
        "a modifier set the code lacks",
        Ev(1_000, "feedback", "Jane", ("Sam",), {"intensity": "high"}),
        ("modifier:intensity", "Feedback has no modifier set"),
    ),
    Case(
        "a modifier on a code without any",
        Ev(1_000, "question", "Jane", ("Sam",), {"valence": "positive"}),
        ("modifier:valence", "Question has no modifier set"),
    ),
    Case(
        "a value not in the set",
        Ev(1_000, "feedback", "Jane", ("Sam",), {"valence": "lukewarm"}),
        ("modifier:valence", "'lukewarm' is not a value of Valence"),
    ),
    Case(
        "a bell in a note",
        Ev(1_000, "question", "Jane", ("Sam",), {}, "ring\x07"),
        ("note", "contains the control character U+0007 at position 5"),
        boris=True,
    ),
    Case(
        "an escape in a note",
        Ev(1_000, "question", "Jane", ("Sam",), {}, "\x1b[31mred"),
        ("note", "U+001B at position 1"),
        boris=True,
    ),
    Case(
        "a C1 control in a note",
        Ev(1_000, "question", "Jane", ("Sam",), {}, "a\x85b"),
        ("note", "U+0085"),
        boris=True,
    ),
    Case(
        "two basic assumptions at once",
        Ev(30_000, "fight-flight", "group", end_ms=90_000),
        (
            "time",
            "Fight-flight (baF) would run beside Work group (W) for group "
            "(from 00:00.000 to 01:00.000); one Basic-assumption mentality state",
        ),
        before=(WORK,),
    ),
    Case(
        "a basic assumption inside another",
        Ev(10_000, "pairing", "group", end_ms=20_000),
        ("time", "would run beside Dependency (baD)"),
        before=(Ev(0, "dependency", "group", end_ms=60_000),),
    ),
    Case(
        "beside one still running",
        Ev(30_000, "fight-flight", "group", end_ms=50_000),
        ("time", "beside Work group (W) for group (from 00:00.000 on)"),
        before=(Ev(0, "work", "group"),),
    ),
    Case(
        "running on into an earlier one",
        Ev(90_000, "dependency", "group"),
        ("time", "beside Work group (W) for group (from 01:00.000 to 02:00.000)"),
        before=(Ev(60_000, "work", "group", end_ms=120_000),),
    ),
    Case(
        "the same state twice",
        Ev(20_000, "withdrawal", "Priya", end_ms=50_000),
        ("time", "Withdrawal / silence already runs for Priya from 00:10.000 to 00:40.000"),
        before=(WITHDRAWN,),
    ),
    Case(
        "the same state twice, one running",
        Ev(20_000, "withdrawal", "Priya", end_ms=50_000),
        ("time", "already runs for Priya from 00:10.000 on"),
        before=(Ev(10_000, "withdrawal", "Priya"),),
    ),
]


# --- the ways in ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with tempfile.TemporaryDirectory(prefix="gpo-verdict-") as folder:
        store = open_store(Path(folder) / "db.sqlite3")
        built = World(store, Path(folder))
        yield built
        store.close()


class World:
    """One group (Tom absent from its session), and a coding of it exported as JSON."""

    def __init__(self, store: Store, folder: Path) -> None:
        self.store, self.folder = store, folder
        people = ["Jane", "Sam", "Priya", "Tom"]
        specs = [MemberSpec(n) for n in people] + [MemberSpec("Dr Lee", role="leader")]
        group_id = add_group(store, "Tuesday group", "process", members=specs)
        members = get_group(store, group_id).members
        self.keys = {m.pseudonym: member_key(m.id) for m in members}
        present = [m.id for m in members if m.pseudonym != "Tom"]
        self.session = add_session(store, group_id, present=present)
        seed = new_coding(store, self.session, "RK", ["here-and-now", "bion"])
        path = folder / "seed.json"
        export_coding(store, seed, "json", path)
        self.document = json.loads(path.read_text(encoding="utf-8"))
        self.files = 0

    def key(self, name: str) -> str:
        return self.keys.get(name, name)

    def path(self, suffix: str) -> Path:
        self.files += 1
        return self.folder / f"case{self.files}{suffix}"


@dataclass(frozen=True)
class Verdict:
    refused: tuple[str, str] | None  # (field, message)
    where: str = ""
    warnings: tuple[str, ...] = ()


def refusal(exc: Refused) -> Verdict:
    return Verdict((exc.field, exc.message), exc.where)


def by_recording(world: World, case: Case) -> Verdict:
    recorder = Recorder(
        world.store, new_coding(world.store, world.session, "RC", ["here-and-now", "bion"])
    )
    try:
        for e in (*case.before, case.event):
            recorder.record(
                e.time_ms,
                e.code,
                world.key(e.actor),
                [world.key(t) for t in e.targets],
                e.modifiers,
                e.note,
                e.end_ms,
            )
    except Refused as exc:
        return refusal(exc)
    finally:
        recorder.close()
    return Verdict(None)


def by_editing(world: World, case: Case) -> Verdict:
    coding = new_coding(world.store, world.session, "ED", ["here-and-now", "bion"])
    recorder = Recorder(world.store, coding)
    try:
        for e in case.before:
            recorder.record(
                e.time_ms,
                e.code,
                world.key(e.actor),
                [world.key(t) for t in e.targets],
                e.modifiers,
                e.note,
                e.end_ms,
            )
        placeholder = recorder.record(12 * H, "question", world.key("Jane"), [world.key("Sam")])
        e = case.event
        recorder.edit(
            placeholder.id,
            time_ms=e.time_ms,
            end_ms=e.end_ms,
            code=e.code,
            actor=world.key(e.actor),
            targets=[world.key(t) for t in e.targets],
            modifiers=e.modifiers,
            note=e.note,
        )
    except Refused as exc:
        return refusal(exc)
    finally:
        recorder.close()
    return Verdict(None)


def _rows(case: Case) -> tuple[list[str], list[list[Any]]]:
    events = [*case.before, case.event]
    sets = list(dict.fromkeys(s for e in events for s in e.modifiers))
    head = ["time", "end", "actor", "target", "code", *(f"modifier:{s}" for s in sets), "note"]
    rows = [
        [
            e.time_ms / 1000,
            None if e.end_ms is None else e.end_ms / 1000,
            e.actor,
            ";".join(e.targets),
            e.code,
            *(e.modifiers.get(s, "") for s in sets),
            e.note,
        ]
        for e in events
    ]
    return head, rows


def _seconds(value: float | None) -> str:
    return "" if value is None else repr(value)


def write_table(world: World, case: Case, suffix: str) -> Path:
    path = world.path(suffix)
    head, rows = _rows(case)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t" if suffix == ".tsv" else ",")
        writer.writerow(head)
        for row in rows:
            writer.writerow([_seconds(row[0]), _seconds(row[1]), *row[2:]])
    return path


def write_xlsx(world: World, case: Case) -> Path:
    from openpyxl import Workbook

    path = world.path(".xlsx")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "events"
    head, rows = _rows(case)
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_json(world: World, case: Case) -> Path:
    doc = json.loads(json.dumps(world.document))
    refs = {m["pseudonym"]: m["ref"] for m in doc["group"]["members"]}
    doc["events"] = [
        {
            "ref": i + 1,
            "time_ms": e.time_ms,
            "end_ms": e.end_ms,
            "code": e.code,
            "actor": refs.get(e.actor, e.actor),
            "targets": [refs.get(t, t) for t in e.targets],
            "modifiers": e.modifiers,
            "note": e.note,
        }
        for i, e in enumerate([*case.before, case.event])
    ]
    path = world.path(".json")
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def write_boris(world: World, case: Case) -> Path:
    """A BORIS project of the people above: their targets in the ``target`` modifier set."""
    names = ["Jane", "Sam", "Priya", "Tom", "Dr Lee"]
    target = {"0": {"name": "target", "type": 1, "values": [*names, "group"]}}
    project = {
        "project_format_version": "7.0",
        "behaviors_conf": {
            "0": {"type": "Point event", "code": "question", "modifiers": target},
            "1": {"type": "Point event", "code": "humour", "modifiers": target},
        },
        "subjects_conf": {str(i): {"name": n, "description": ""} for i, n in enumerate(names)},
        "observations": {
            "case": {
                "type": "LIVE",
                "events": [
                    [e.time_ms / 1000, e.actor, e.code, ",".join(e.targets), e.note]
                    for e in [*case.before, case.event]
                ],
            }
        },
    }
    path = world.path(".boris")
    path.write_text(json.dumps(project), encoding="utf-8")
    return path


def by_import(world: World, path: Path, **opts: Any) -> Verdict:
    before = count_rows(world.store)
    try:
        report = import_file(world.store, path, **opts)
    except Refused as exc:
        assert count_rows(world.store) == before, "a refused import wrote something"
        return refusal(exc)
    return Verdict(None, warnings=tuple(report.warnings))


def by_command(world: World, path: Path, *args: str, capsys: Any) -> Verdict:
    """The command line: exit 2 and one line ``group-observer: FILE:LINE: FIELD: MESSAGE``."""
    code = main(["--db", world.store.location, *args])
    _out, err = capsys.readouterr()
    if code == 0:
        return Verdict(None)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    parts = err.removeprefix("group-observer: ").rstrip("\n").split(": ", 2)
    assert len(parts) == 3, err  # FILE:LINE: FIELD: MESSAGE
    where, fld, message = parts
    assert where.startswith(str(path))
    return Verdict((fld, message), where)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_way_in_gives_the_same_verdict(world: World, case: Case, capsys: Any) -> None:
    session = {"session": world.session, "observer": "IM", "codebooks": ["here-and-now", "bion"]}
    csv_path = write_table(world, case, ".csv")
    books = ("--codebook", "here-and-now", "--codebook", "bion")
    verdicts = {
        "recording": by_recording(world, case),
        "editing": by_editing(world, case),
        "csv": by_import(world, csv_path, **session),
        "tsv": by_import(world, write_table(world, case, ".tsv"), **session),
        "json": by_import(world, write_json(world, case)),
        "import command": by_command(
            world,
            csv_path,
            "import",
            str(csv_path),
            "--session",
            str(world.session),
            "--observer",
            "CL",
            *books,
            capsys=capsys,
        ),
        "coding import-csv": by_command(
            world,
            csv_path,
            "coding",
            "import-csv",
            str(world.session),
            str(csv_path),
            "--observer",
            "CI",
            *books,
            capsys=capsys,
        ),
    }
    # Excel cannot hold most control characters: such a note never reaches a workbook.
    in_excel = not ILLEGAL_CHARACTERS_RE.search(case.event.note)
    if in_excel:
        verdicts["xlsx"] = by_import(world, write_xlsx(world, case), **session)
    if case.boris:
        verdicts["boris"] = by_import(world, write_boris(world, case))
    expected = verdicts["recording"].refused
    if case.refused is None:
        assert expected is None, expected
    else:
        assert expected is not None and expected[0] == case.refused[0], expected
        assert case.refused[1] in expected[1], expected
    assert {way: v.refused for way, v in verdicts.items()} == dict.fromkeys(verdicts, expected)
    # From a file, the message says where: the file and its line, row or event.
    line = f":{len(case.before) + 2}"
    assert expected is None or verdicts["csv"].where == f"{csv_path}{line}"
    if in_excel:
        assert expected is None or verdicts["xlsx"].where.endswith(f"sheet row {line[1:]}")
    assert expected is None or verdicts["json"].where.endswith(f"events[{len(case.before)}]")


def test_imports_tell_of_an_absent_member_acting(world: World) -> None:
    """Kept (the record wins, as in the analyses), and said in the import's report."""
    case = next(c for c in CASES if c.name == "a member marked absent acts")
    session = {"session": world.session, "observer": "AB", "codebooks": ["here-and-now", "bion"]}
    for path, opts in [
        (write_table(world, case, ".csv"), session),
        (write_xlsx(world, case), session),
        (write_json(world, case), {}),
    ]:
        [warning] = [w for w in by_import(world, path, **opts).warnings if "absent" in w]
        assert warning.startswith("Tom is marked absent from the session but acts in 1 event ")
