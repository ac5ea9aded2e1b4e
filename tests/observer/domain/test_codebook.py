"""Codebooks: the shipped ones validate, and broken ones are refused with every problem located."""

from __future__ import annotations

from pathlib import Path

import pytest

from observer.domain.codebook import (
    Codebook,
    CodebookError,
    Problem,
    combine,
    load_codebook,
    parse_codebook,
    shipped_codebook,
    shipped_codebooks,
    validate_files,
)
from observer.domain.errors import InputError

# --- the shipped codebooks -----------------------------------------------------------------

SHIPPED = {
    "airtime",
    "bales-ipa",
    "bion",
    "here-and-now",
    "hill-interaction-matrix",
    "yalom-factors",
}


@pytest.fixture(scope="module")
def books() -> dict[str, Codebook]:
    return {b.id: b for b in shipped_codebooks()}


def test_every_shipped_codebook_validates(books: dict[str, Codebook]) -> None:
    assert set(books) == SHIPPED
    folder = Path(__file__).resolve().parents[3] / "codebooks"
    assert validate_files(sorted(folder.glob("*.yaml"))) == []


def test_shipped_codebooks_are_complete_and_distinct(books: dict[str, Codebook]) -> None:
    for book in books.values():
        assert book.name and book.version and book.description, book.id
        for code in book.codes:
            assert code.label and code.definition and code.example, (book.id, code.id)
            assert code.key and not code.key.isdigit(), (book.id, code.id)
            assert code.colour != "#777777", (book.id, code.id)  # chosen, not the default
        colours = [c.colour.lower() for c in book.codes]
        assert len(set(colours)) == len(colours), book.id


def test_bion_is_one_exclusive_group_of_six_states(books: dict[str, Codebook]) -> None:
    bion = books["bion"]
    assert set(bion.exclusive_groups) == {"basic-assumption"}
    group = bion.exclusive_groups["basic-assumption"]
    assert group.codes == ("work", "dependency", "fight-flight", "pairing", "oneness", "me-ness")
    for code in bion.codes:
        assert code.is_state and code.target == "none" and code.key.isupper(), code.id
    assert {c.id for c in bion.codes if c.optional} == {"oneness", "me-ness"}


def test_yalom_has_the_eleven_factors(books: dict[str, Codebook]) -> None:
    yalom = books["yalom-factors"]
    assert len(yalom.codes) == 11
    assert all(c.kind == "point" for c in yalom.codes)
    assert {"instillation-of-hope", "universality", "catharsis", "existential-factors"} <= {
        c.id for c in yalom.codes
    }


def test_bales_has_twelve_categories_in_four_areas(books: dict[str, Codebook]) -> None:
    bales = books["bales-ipa"]
    assert len(bales.codes) == 12
    assert bales.codes[0].id == "shows-solidarity"
    assert bales.codes[-1].id == "shows-antagonism"
    assert len(bales.categories) == 4
    for category in bales.categories:
        assert sum(c.category == category for c in bales.codes) == 3, category


def test_here_and_now_codes_and_patterns(books: dict[str, Codebook]) -> None:
    book = books["here-and-now"]
    assert {p.id for p in book.patterns} == {
        "disclosure-then-subject-change",
        "confrontation-then-withdrawal",
        "feedback-then-support",
        "leader-question-then-silence",
        "leader-confrontation-then-fight-flight",
    }
    withdrawal = book.code("withdrawal")
    assert withdrawal is not None and withdrawal.is_state and withdrawal.target == "none"
    assert all(c.key.islower() for c in book.codes)
    confrontation = book.code("confrontation")
    assert confrontation is not None and confrontation.modifiers == ("valence", "intensity")
    assert book.modifier_sets["intensity"].default == "medium"
    assert book.modifier_sets["valence"].default is None
    for pattern in book.patterns:
        assert pattern.observation and pattern.within_s > 0, pattern.id
        assert "{given_actor}" in pattern.observation, pattern.id


def test_cross_codebook_pattern_codes_exist(books: dict[str, Codebook]) -> None:
    for book in books.values():
        for pattern in book.patterns:
            for spec in (pattern.given, pattern.then):
                if spec.code and "/" in spec.code:
                    other, code = spec.code.split("/")
                    assert books[other].code(code) is not None, (pattern.id, spec.code)


def test_hill_matrix_is_one_code_with_two_dimensions(books: dict[str, Codebook]) -> None:
    him = books["hill-interaction-matrix"]
    assert [c.id for c in him.codes] == ["him-statement"]
    assert him.codes[0].modifiers == ("content", "work-style")
    content = [v.id for v in him.modifier_sets["content"].values]
    assert content == ["topic", "group", "personal", "relationship"]
    styles = {v.id for v in him.modifier_sets["work-style"].values}
    assert {"conventional", "assertive", "speculative", "confrontive"} <= styles


def test_codebooks_meant_to_be_used_together_keep_all_their_keys() -> None:
    books = [shipped_codebook(i) for i in ("here-and-now", "bion", "yalom-factors")]
    palette = combine(books)
    assert all(c.key for c in palette.codes)
    fight = palette.by_key("F")
    assert fight is not None and fight.id == "fight-flight"


# --- broken codebooks ----------------------------------------------------------------------

# Line numbers are on the left; the cases below change one or two lines of this.
VALID = """\
codebook: test-book
name: Test book
version: "1"
categories:
  talk: Talk
modifier_sets:
  valence:
    values:
      - {id: positive, key: p}
      - {id: negative, key: n}
    default: positive
exclusive_groups:
  mood:
    label: Mood
codes:
  - id: feedback
    label: Feedback
    category: talk
    kind: point
    target: required
    key: f
    colour: "#112233"
    modifiers: [valence]
  - id: flat
    label: Flat
    kind: state
    target: none
    key: F
    exclusive_group: mood
patterns:
  - id: feedback-then-flat
    given: {code: feedback}
    then: {code: flat, actor: other}
    within: 30
"""


def changed(old: str, new: str, text: str = VALID) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


BAD_INDENT = changed("    label: Feedback\n", "    label: Feedback\n   bad: indent\n")  # line 18


def write(tmp_path: Path, text: str | bytes, name: str = "book.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path) -> list[Problem]:
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    problems = caught.value.problems
    assert problems, "a refusal must say why"
    assert str(caught.value) == "\n".join(str(p) for p in problems)
    return problems


def located(problems: list[Problem]) -> set[tuple[str, int, str]]:
    return {(p.file, p.line, p.field) for p in problems}


def test_the_base_text_is_valid(tmp_path: Path) -> None:
    book = load_codebook(write(tmp_path, VALID))
    assert [c.id for c in book.codes] == ["feedback", "flat"]
    assert all(c.codebook == "test-book" for c in book.codes)
    assert book.path == str(tmp_path / "book.yaml")


BROKEN = [
    # (kind of breakage, text, line, field)
    ("yaml syntax", BAD_INDENT, 18, "syntax"),
    ("unclosed flow", changed("[valence]", "[valence"), 24, "syntax"),
    ("empty file", "", 1, "document"),
    ("only comments", "# nothing here yet\n\n", 1, "document"),
    ("empty mapping", "{}\n", 1, "codebook"),
    ("not a mapping", "- just\n- a list\n", 1, "document"),
    ("missing name", changed("name: Test book\n", ""), 1, "name"),
    ("missing codes", VALID.split("codes:\n")[0], 1, "codes"),
    ("missing code label", changed("    label: Feedback\n", ""), 16, "codes.feedback.label"),
    ("empty name", changed("name: Test book", 'name: ""'), 2, "name"),
    ("unknown top field", changed("categories:", "catgories:"), 4, "catgories"),
    ("unknown code field", changed("    colour:", "    color:"), 22, "codes.feedback.color"),
    ("duplicate code id", changed("  - id: flat\n", "  - id: feedback\n"), 24, "codes.feedback.id"),
    ("duplicate top key", changed('version: "1"\n', 'version: "1"\nname: Again\n'), 4, "name"),
    ("duplicate category", changed("  talk: Talk\n", "  talk: Talk\n  talk: Chat\n"), 6,
     "categories.talk"),
    ("duplicate key", changed("    key: F\n", "    key: f\n"), 28, "codes.flat.key"),
    ("digit as key", changed("    key: f\n", "    key: 1\n"), 21, "codes.feedback.key"),
    ("long key", changed("    key: f\n", "    key: fb\n"), 21, "codes.feedback.key"),
    ("unknown modifier set", changed("[valence]", "[valence, tone]"), 23,
     "codes.feedback.modifiers"),
    ("point code in exclusive group",
     changed("    modifiers: [valence]\n", "    modifiers: [valence]\n    exclusive_group: mood\n"),
     24, "codes.feedback.exclusive_group"),
    ("unknown exclusive group", changed("exclusive_group: mood", "exclusive_group: moods"), 29,
     "codes.flat.exclusive_group"),
    ("invalid kind", changed("kind: point", "kind: event"), 19, "codes.feedback.kind"),
    ("invalid target rule", changed("target: required", "target: someone"), 20,
     "codes.feedback.target"),
    ("invalid colour", changed('"#112233"', '"#12345"'), 22, "codes.feedback.colour"),
    ("unquoted colour", changed('"#112233"', "#112233"), 22, "codes.feedback.colour"),
    ("unknown category", changed("category: talk", "category: chat"), 18,
     "codes.feedback.category"),
    ("modifier default not a value", changed("default: positive", "default: neutral"), 11,
     "modifier_sets.valence.default"),
    ("modifier value key twice", changed("key: n}", "key: p}"), 10,
     "modifier_sets.valence.values.negative.key"),
    ("not true or false", changed("    key: F\n", "    key: F\n    optional: maybe\n"), 29,
     "codes.flat.optional"),
    ("pattern with unknown code", changed("{code: flat,", "{code: flatt,"), 33,
     "patterns.feedback-then-flat.then.code"),
    ("pattern with code and category",
     changed("{code: feedback}", "{code: feedback, category: talk}"), 32,
     "patterns.feedback-then-flat.given"),
    ("pattern with neither code nor category", changed("{code: feedback}", "{actor: member}"),
     32, "patterns.feedback-then-flat.given"),
    ("pattern with unknown actor role", changed("actor: other", "actor: victim"), 33,
     "patterns.feedback-then-flat.then.actor"),
    ("pattern within zero", changed("within: 30", "within: 0"), 34,
     "patterns.feedback-then-flat.within"),
    ("pattern within not finite", changed("within: 30", "within: nan"), 34,
     "patterns.feedback-then-flat.within"),
    ("pattern within not a number", changed("within: 30", "within: soon"), 34,
     "patterns.feedback-then-flat.within"),
    ("non-slug codebook id", changed("codebook: test-book", "codebook: Test Book"), 1,
     "codebook"),
    ("non-slug code id", changed("  - id: feedback\n", "  - id: Feed back\n"), 16, "codes.id"),
    ("non-slug category id", changed("  talk: Talk", "  Talk: Talk"), 5, "categories.Talk"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "line", "fld"), [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN]
)
def test_broken_codebook_is_refused_with_its_location(
    tmp_path: Path, text: str, line: int, fld: str
) -> None:
    path = write(tmp_path, text)
    problems = refused(path)
    assert (str(path), line, fld) in located(problems), problems


def test_at_least_fourteen_kinds_of_breakage_are_covered() -> None:
    assert len({case[0] for case in BROKEN}) == len(BROKEN) >= 14


def test_yaml_syntax_error_is_one_problem_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, BAD_INDENT)
    (problem,) = refused(path)
    assert (problem.file, problem.line, problem.field) == (str(path), 18, "syntax")
    assert "not valid YAML" in problem.message


def test_empty_file_is_one_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    assert [(p.file, p.line, p.field, p.message) for p in refused(path)] == [
        (str(path), 1, "document", "the file is empty")
    ]


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, changed("name: Test book", "name: Café").encode("latin-1"))
    (problem,) = refused(path)
    # The line of the byte that is not UTF-8, so the person can find it.
    assert (problem.file, problem.line, problem.field) == (str(path), 2, "encoding")
    assert "UTF-8" in problem.message


def test_missing_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    (problem,) = refused(path)
    assert (problem.file, problem.line, problem.field) == (str(path), 1, "file")


def test_messages_name_what_is_wrong(tmp_path: Path) -> None:
    path = write(tmp_path, changed("    key: F\n", "    key: f\n"))
    (problem,) = refused(path)
    assert "'feedback'" in problem.message
    assert str(problem) == f"{path}:28: codes.flat.key: {problem.message}"


def test_several_problems_are_reported_at_once_in_line_order(tmp_path: Path) -> None:
    text = VALID
    text = changed("codebook: test-book", "codebook: Test", text)  # line 1
    text = changed("default: positive", "default: neutral", text)  # line 11
    text = changed("    colour:", "    color:", text)  # line 22
    text = changed("    key: F\n", "    key: f\n", text)  # line 28
    text = changed("{code: flat,", "{code: flatt,", text)  # line 33
    path = write(tmp_path, text)
    problems = refused(path)
    assert [(p.file, p.line, p.field) for p in problems] == [
        (str(path), 1, "codebook"),
        (str(path), 11, "modifier_sets.valence.default"),
        (str(path), 22, "codes.feedback.color"),
        (str(path), 28, "codes.flat.key"),
        (str(path), 33, "patterns.feedback-then-flat.then.code"),
    ]


def test_validate_files_reports_bad_files_only(tmp_path: Path) -> None:
    good = write(tmp_path, VALID, "good.yaml")
    bad = write(tmp_path, changed("kind: point", "kind: event"), "bad.yaml")
    assert validate_files([good]) == []
    problems = validate_files([good, bad])
    assert [(p.file, p.line, p.field) for p in problems] == [(str(bad), 19, "codes.feedback.kind")]


def test_pattern_may_name_a_code_of_another_codebook() -> None:
    book = parse_codebook(changed("{code: flat,", "{code: bion/fight-flight,"))
    assert book.patterns[0].then.code == "bion/fight-flight"


# --- combining codebooks -------------------------------------------------------------------

OTHER = """\
codebook: other-book
name: Other book
version: "1"
codes:
  - id: fondness
    label: Fondness
    key: f
  - id: warmth
    label: Warmth
    key: w
"""


def test_combine_refuses_a_code_id_in_two_codebooks() -> None:
    first = parse_codebook(VALID, "first.yaml")
    clash = parse_codebook(changed("id: fondness", "id: feedback", OTHER), "clash.yaml")
    with pytest.raises(InputError, match="feedback"):
        combine([first, clash])


def test_combine_unsets_a_clashing_key_in_the_later_codebook() -> None:
    first = parse_codebook(VALID, "first.yaml")
    other = parse_codebook(OTHER, "other.yaml")
    palette = combine([first, other])
    keys = {c.id: c.key for c in palette.codes}
    assert keys == {"feedback": "f", "flat": "F", "fondness": "", "warmth": "w"}
    by_f = palette.by_key("f")
    assert by_f is not None and by_f.id == "feedback"
    assert palette.code("fondness") is not None  # still in the palette, without a key
    # The other order gives the key to the other codebook.
    swapped = {c.id: c.key for c in combine([other, first]).codes}
    assert swapped["fondness"] == "f" and swapped["feedback"] == ""
