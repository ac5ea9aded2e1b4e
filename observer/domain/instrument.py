"""Rating instruments (questionnaires) and how a filled-in form is scored.

An instrument is a data file (``instruments/``, format in ``docs/ratings.md``): numbered
items answered on one response scale, scales that group items, who may fill it in and how
many items may be left blank. Reading the file lives in ``observer.domain.instrument_file``;
these are the plain values and the scoring rule, kept here so every caller scores alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from observer.domain.errors import Refused

RATERS = ("member", "leader", "observer")
# How a scale's trend across sessions is watched: a flag when it falls or rises.
WATCH = ("falls", "rises", "")

Answers = tuple[int | None, ...]


@dataclass(frozen=True)
class Item:
    number: int
    text: str


@dataclass(frozen=True)
class Scale:
    """A group of items; its score is the mean of its answered items."""

    id: str
    label: str
    items: tuple[int, ...]
    # "falls" or "rises": the direction that, three sessions running, flags a member.
    flag_when: str = ""


@dataclass(frozen=True)
class Instrument:
    id: str
    name: str
    version: str
    source: str
    low: int
    high: int
    anchors: dict[int, str]
    items: tuple[Item, ...]
    scales: tuple[Scale, ...]
    raters: tuple[str, ...]
    max_missing: int
    text: str = ""

    def scale(self, scale_id: str) -> Scale | None:
        return next((s for s in self.scales if s.id == scale_id), None)

    def checked(self, answers: Sequence[int | None]) -> Answers:
        """The answers of one form, refused whole if one is outside the response scale."""
        if len(answers) != len(self.items):
            raise Refused(
                "answers",
                f"{self.id} has {len(self.items)} items; {len(answers)} answers were given",
            )
        for item, answer in zip(self.items, answers, strict=True):
            if answer is not None and not self.low <= answer <= self.high:
                raise Refused(
                    f"answers[{item.number}]",
                    f"{answer} is outside the scale {self.low}–{self.high}",
                )
        return tuple(answers)

    def score(self, answers: Sequence[int | None]) -> FormScore:
        """Scale scores (mean of answered items; None when none answered) and validity."""
        answers = self.checked(answers)
        by_number = {item.number: a for item, a in zip(self.items, answers, strict=True)}
        scores: dict[str, float | None] = {}
        for scale in self.scales:
            given = [a for n in scale.items if (a := by_number[n]) is not None]
            scores[scale.id] = sum(given) / len(given) if given else None
        missing = sum(a is None for a in answers)
        return FormScore(scores, missing, missing <= self.max_missing)


@dataclass(frozen=True)
class FormScore:
    """What a form gives: a score per scale, how many items were left blank, and whether
    few enough were for the form to count (an invalid form's scores are not used)."""

    scales: dict[str, float | None]
    missing: int
    valid: bool


def parse_answers(text: str) -> Answers:
    """``3,4,,5`` as typed on the command line or in a CSV: blanks are unanswered items."""
    out: list[int | None] = []
    for i, part in enumerate(text.split(","), start=1):
        part = part.strip()
        if not part:
            out.append(None)
        elif part.isdigit():
            out.append(int(part))
        else:
            raise Refused(f"answers[{i}]", f"{part!r} is not a whole number")
    return tuple(out)
