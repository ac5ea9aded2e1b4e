"""How a prompt puts a pattern into words, and how rare it is by chance.

"Third time tonight: after Jane shared something personal, Tom changed the subject within
30 seconds (expected about once by chance)." The live prompts and the report's sequences
say it the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from observer.domain.codebook import PatternRule

_ORDINALS = (
    "", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth",
    "Ninth", "Tenth", "Eleventh", "Twelfth",
)  # fmt: skip


def poisson_tail(count: int, mean: float) -> float:
    """P(X >= count) for X ~ Poisson(mean), computed without cancellation in the far tail."""
    if count <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    if count > mean:
        # Sum the upper tail directly: its terms fall off steadily above the mean.
        term = math.exp(-mean + count * math.log(mean) - math.lgamma(count + 1))
        total = 0.0
        k = count
        while term > 1e-15 * total and k < count + 100_000:
            total += term
            k += 1
            term *= mean / k
        return min(1.0, total)
    if count > 200:
        # Far below the tail: the normal approximation is plenty to say "not beyond chance".
        z = (count - 0.5 - mean) / math.sqrt(mean)
        return 0.5 * math.erfc(z / math.sqrt(2))
    term = math.exp(-mean)
    below = 0.0
    for k in range(count):
        below += term
        term *= mean / (k + 1)
    return max(0.0, 1.0 - below)


def times_phrase(expected: float) -> str:
    """'about once', 'about twice', 'about 3 times', 'less than once' for an expected count."""
    if expected < 0.75:
        return "less than once"
    n = round(expected)
    if n == 1:
        return "about once"
    if n == 2:
        return "about twice"
    return f"about {n} times"


def ordinal(n: int) -> str:
    if n < len(_ORDINALS):
        return _ORDINALS[n]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def join_names(names: Sequence[str], most: int = 3) -> str:
    """'Jane', 'Jane and Sam', 'Jane, Sam and others' (the most frequent are named first)."""
    if not names:
        return "someone"
    if len(names) == 1:
        return names[0]
    if len(names) > most:
        return f"{', '.join(names[:most])} and others"
    return f"{', '.join(names[:-1])} and {names[-1]}"


def observation_sentence(
    rule: PatternRule,
    count: int,
    expected: float,
    given_names: Sequence[str],
    then_names: Sequence[str],
    when: str = "tonight",
    live: bool = True,
) -> str:
    """'Third time tonight: after Jane shared …, Tom changed … (expected about once by chance).'

    ``live`` counts the occurrence ("Third time"); a report says "3 times" instead.
    """
    within = f"{rule.within_s:g}"
    template = rule.observation or (
        f"{rule.label}: {{given_actor}}, then {{then_actor}} within {{within}} seconds."
    )
    text = template.format_map(
        _Slots(
            given_actor=join_names(given_names),
            then_actor=join_names(then_names),
            within=within,
        )
    ).strip()
    first, dot, rest = text.partition(". ")
    if not dot:
        first, rest = text.rstrip("."), ""
    if len(first) > 1 and first[1].islower():
        first = first[0].lower() + first[1:]
    chance = f"expected {times_phrase(expected)} by chance"
    head = f"{ordinal(count)} time {when}" if live else f"{count} times {when}"
    sentence = f"{head}: {first} ({chance})."
    return f"{sentence} {rest}".strip()


class _Slots(dict[str, str]):
    """Template values; an unknown placeholder stays as written rather than failing live."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
