"""How counts read in what the app says: "1 cue", "3 cues", never "3 cue(s)"."""

from __future__ import annotations


def plural(count: int, singular: str, many: str | None = None) -> str:
    """The word that goes with ``count``: ``singular`` for one, else ``many`` (or +s)."""
    return singular if count == 1 else (many or f"{singular}s")


def counted(count: int, singular: str, many: str | None = None) -> str:
    """'1 thing', '3 things', '1,204 events': the count and the word that goes with it."""
    return f"{count:,} {plural(count, singular, many)}"
