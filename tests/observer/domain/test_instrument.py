"""Rating instruments: the shipped GCQ-S scores forms as the manual does; bad files are refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observer.domain.errors import Refused
from observer.domain.instrument import parse_answers
from observer.domain.instrument_file import (
    InstrumentError,
    find_instrument,
    load_instrument,
    parse_instrument,
)

SOURCE = (Path(__file__).resolve().parents[3] / "instruments" / "gcq-s.yaml").read_text()
GCQ = find_instrument("gcq-s")


def test_the_shipped_gcq_s_is_as_published() -> None:
    assert len(GCQ.items) == 12
    assert (GCQ.low, GCQ.high) == (0, 6)
    assert GCQ.anchors[0] == "not at all" and GCQ.anchors[6] == "extremely"
    assert {s.id: s.items for s in GCQ.scales} == {
        "engaged": (1, 2, 4, 8, 11),
        "avoiding": (3, 5, 9),
        "conflict": (6, 7, 10, 12),
    }
    assert GCQ.max_missing == 4
    assert "MacKenzie" in GCQ.source


def test_a_complete_form_scored_by_hand() -> None:
    #          1  2  3  4  5  6  7  8  9 10 11 12
    answers = (4, 5, 1, 6, 2, 0, 1, 3, 2, 0, 2, 3)
    score = GCQ.score(answers)
    assert score.scales["engaged"] == pytest.approx((4 + 5 + 6 + 3 + 2) / 5)  # 4.0
    assert score.scales["avoiding"] == pytest.approx((1 + 2 + 2) / 3)  # 1.667
    assert score.scales["conflict"] == pytest.approx((0 + 1 + 0 + 3) / 4)  # 1.0
    assert (score.missing, score.valid) == (0, True)


def test_missing_answers_are_left_out_of_the_mean() -> None:
    # Items 2, 5 and 12 blank: Engaged over 4 items, Avoiding over 2, Conflict over 3.
    answers = parse_answers("4,,1,6,,0,1,3,2,0,2,")
    score = GCQ.score(answers)
    assert score.scales == pytest.approx(
        {"engaged": (4 + 6 + 3 + 2) / 4, "avoiding": (1 + 2) / 2, "conflict": (0 + 1 + 0) / 3}
    )
    assert (score.missing, score.valid) == (3, True)


def test_four_missing_is_still_valid_five_is_not() -> None:
    four = GCQ.score(parse_answers("3,3,3,3,3,3,3,3,,,,"))
    five = GCQ.score(parse_answers("3,3,3,3,3,3,3,,,,,"))
    assert (four.missing, four.valid) == (4, True)
    assert (five.missing, five.valid) == (5, False)


def test_a_scale_with_none_of_its_items_answered_has_no_score() -> None:
    score = GCQ.score(parse_answers("3,3,,3,,3,3,3,,3,3,3"))  # 3, 5, 9 blank: Avoiding
    assert score.scales["avoiding"] is None
    assert score.valid


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ((1,) * 11, "answers", "gcq-s has 12 items; 11 answers were given"),
        ((1,) * 11 + (7,), "answers[12]", "7 is outside the scale 0–6"),
        ((-1,) + (1,) * 11, "answers[1]", "-1 is outside the scale 0–6"),
    ],
)
def test_answers_outside_the_form_are_refused(
    answers: tuple[int, ...], field: str, message: str
) -> None:
    with pytest.raises(Refused) as caught:
        GCQ.score(answers)
    assert (caught.value.field, caught.value.message) == (field, message)


def test_typed_answers_must_be_whole_numbers() -> None:
    assert parse_answers("3, 4,,5") == (3, 4, None, 5)
    with pytest.raises(Refused, match="'x' is not a whole number"):
        parse_answers("3,x")


@given(st.lists(st.one_of(st.none(), st.integers(0, 6)), min_size=12, max_size=12))
def test_any_form_scores_within_the_scale_and_is_valid_by_the_count_of_blanks(
    answers: list[int | None],
) -> None:
    score = GCQ.score(answers)
    assert score.valid == (answers.count(None) <= 4)
    for scale in GCQ.scales:
        given_ = [answers[n - 1] for n in scale.items if answers[n - 1] is not None]
        value = score.scales[scale.id]
        assert (value is None) == (not given_)
        if value is not None:
            assert min(given_) <= value <= max(given_)  # type: ignore[type-var]


def problems(text: str) -> list[str]:
    with pytest.raises(InstrumentError) as caught:
        parse_instrument(text, "mine.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_malformed_instrument_is_refused_with_file_line_and_field() -> None:
    text = SOURCE.replace("max: 6", "max: six").replace(
        "items: [6, 7, 10, 12]", "items: [6, 7, 13]"
    )
    text = text.replace("    score: mean\n    flag_when: falls", "    score: median")
    found = problems(text)
    line_of = {s: i for i, line in enumerate(text.split("\n"), 1) for s in [line.strip()]}
    at = {k: f"mine.yaml:{line_of[k]}" for k in ("max: six", "score: median", "items: [6, 7, 13]")}
    assert found == [
        f"{at['max: six']}: response_scale.max: expected a whole number, not 'six'",
        f"{at['score: median']}: scales.engaged.score: 'median' is not one of: mean",
        f"{at['items: [6, 7, 13]']}: scales.conflict.items: no item 13 (there are 12)",
    ]


def test_every_required_field_is_named() -> None:
    found = problems("instrument: mine\nname: Mine\n")
    assert found == [
        "mine.yaml:1: version: is required",
        "mine.yaml:1: source: is required",
        "mine.yaml:1: response_scale: is required",
        "mine.yaml:1: items: is required",
        "mine.yaml:1: scales: is required",
    ]


def test_unknown_fields_and_too_many_allowed_blanks_are_refused() -> None:
    text = SOURCE.replace("max_missing: 4", "max_missing: 12\nscoring: sum")
    line = text.split("\n").index("max_missing: 12") + 1
    assert problems(text) == [
        f"mine.yaml:{line}: max_missing: must be fewer than the 12 items",
        f"mine.yaml:{line + 1}: scoring: unknown field (expected one of: instrument, items, "
        "max_missing, name, raters, response_scale, scales, source, version)",
    ]


def test_a_users_own_instrument_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "instrument: weekly-check\nname: Weekly check\nversion: '1'\n"
        "source: Written by our clinic for its own groups.\nraters: [member]\n"
        "response_scale: {min: 1, max: 5}\nitems: [I felt heard., I felt safe.]\n"
        "scales:\n  heard: {label: Heard, items: [1, 2]}\n"
    )
    mine = find_instrument(str(path))
    assert mine.id == "weekly-check" and mine.raters == ("member",)
    assert mine.score([5, None]).scales == {"heard": 5.0}
    assert not mine.score([None, None]).valid  # max_missing defaults to 0


def test_an_unknown_instrument_names_the_shipped_ones() -> None:
    with pytest.raises(Exception, match="the shipped ones are: gcq-s"):
        find_instrument("gq")


@st.composite
def mutated(draw: st.DrawFn) -> str:
    lines = SOURCE.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["drop", "twice", "indent", "char", "cut"]))
        if how == "drop":
            del lines[i]
        elif how == "twice":
            lines.insert(i, lines[i])
        elif how == "indent":
            lines[i] = " " + lines[i]
        elif how == "char":
            at = draw(st.integers(0, max(len(lines[i]) - 1, 0)))
            lines[i] = (
                lines[i][:at] + draw(st.sampled_from(list(":-[{\"'#&*x9"))) + lines[i][at + 1 :]
            )
        else:
            lines = lines[:i]
        if not lines:
            lines = [""]
    return "\n".join(lines)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=mutated())
def test_every_problem_of_an_edited_file_names_file_line_and_field(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(text)
    field = r'(?:"(?:[^"\\]|\\.)*"|[\w.\[\]/-]+)'
    pattern = re.compile(rf"^{re.escape(str(path))}:(\d+): {field}: \S[^\n]*$")
    try:
        load_instrument(path)
    except InstrumentError as exc:
        for problem in exc.problems:
            assert pattern.match(str(problem)), str(problem)
