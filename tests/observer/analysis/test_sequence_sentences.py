"""The report's sequence sentences read as English for every kind of pair: a code followed
by another code or by itself, never, once or many times, more or fewer than by chance,
directly, some events later or within seconds."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from observer.analysis.sequences import SequenceResult, Transition, transition_sentence

LABELS = {
    "question": "Question",
    "subject-change": "Subject change",
    "self-disclosure": "Self-disclosure (vulnerable sharing)",
    "support": "Support / validation",
}


@given(
    given_code=st.sampled_from(sorted(LABELS)),
    target=st.sampled_from(sorted(LABELS)),
    count=st.integers(0, 40),
    expected=st.floats(0, 30),
    z=st.floats(-5, 5),
    lag=st.integers(1, 3),
    within_s=st.none() | st.sampled_from([5.0, 10.0, 12.5]),
)
def test_every_sentence_reads_as_english(
    given_code: str,
    target: str,
    count: int,
    expected: float,
    z: float,
    lag: int,
    within_s: float | None,
) -> None:
    result = SequenceResult((), 100, tuple(LABELS), LABELS, lag=lag, within_s=within_s)
    t = Transition(given_code, target, count, expected, None, z, None, True)
    sentence = transition_sentence(result, t)

    assert sentence[0].isupper() and sentence.endswith(" by chance).")
    assert "(" not in sentence.split(" (expected")[0]  # 'Self-disclosure', not its gloss
    assert not re.search(r"\b(\w+) \1\b", sentence)  # no 'question question'
    assert not re.search(r"\bnever\b.*\btimes? \(", sentence)
    if count == 0:
        assert " was never followed " in sentence and "only" not in sentence
    else:
        assert " was followed " in sentence and "never" not in sentence
        assert ("once" if count == 1 else f"{count} times") in sentence
        assert ("only " in sentence) == (z < 0)
    if given_code == target:
        assert " by another " in sentence


def test_the_sentences_a_supervisor_reads() -> None:
    result = SequenceResult((), 100, tuple(LABELS), LABELS)
    same = Transition("question", "question", 0, 4.0, None, -2.1, None, True)
    assert transition_sentence(result, same) == (
        "Question was never followed directly by another question "
        "(expected about 4 times by chance)."
    )
    pair = Transition("self-disclosure", "subject-change", 1, 0.3, None, 2.5, None, True)
    assert transition_sentence(result, pair) == (
        "Self-disclosure was followed directly by subject change once "
        "(expected less than once by chance)."
    )
