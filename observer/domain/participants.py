"""Who acts and who is addressed: members, the leaders together, or the group as a whole.

Events store participant *keys* so that renaming a member never rewrites history:
``m<member id>`` for one person, ``group`` for the group as a whole and ``leaders``
for the leaders together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

GROUP = "group"
LEADERS = "leaders"
COLLECTIVES = (GROUP, LEADERS)

# Ten colours that stay apart on screen and in greyscale print (alternating light and dark).
MEMBER_COLOURS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip


def member_key(member_id: int) -> str:
    return f"m{member_id}"


def member_id_of(key: str) -> int | None:
    """The member id inside a key, or None for ``group``/``leaders``."""
    if key.startswith("m") and key[1:].isdigit():
        return int(key[1:])
    return None


def is_valid_key(key: str) -> bool:
    return key in COLLECTIVES or member_id_of(key) is not None


@dataclass(frozen=True)
class Participant:
    """Someone (or the group as a whole) who can act or be addressed in a coding."""

    key: str
    label: str
    initials: str = ""
    role: str = "member"
    colour: str = "#777777"
    seat: int = -1
    present: bool = True
    joined: date | None = None
    left: date | None = None

    @property
    def is_leader(self) -> bool:
        return self.role in ("leader", "co-leader")


def distinct_labels(participants: Iterable[Participant]) -> dict[str, str]:
    """How each participant is shown, by key: the label, told apart where two share one.

    Analyses key people by member, so two members called Sam stay two people; a chart or
    a printed table must then show them as two. Members who share a pseudonym are shown
    with their initials ("Sam (SK)") or, where the initials do not tell them apart
    either, numbered in the order given, which is seat order ("Sam #1", "Sam #2").
    """
    people = list(participants)
    out = {p.key: p.label for p in people}
    sharing: dict[str, list[Participant]] = {}
    for p in people:
        if p.key not in COLLECTIVES:
            sharing.setdefault(p.label.strip().casefold(), []).append(p)
    for same in sharing.values():
        if len(same) < 2:
            continue
        initials = [p.initials.strip() for p in same]
        if all(initials) and len({i.casefold() for i in initials}) == len(same):
            out.update((p.key, f"{p.label} ({i})") for p, i in zip(same, initials, strict=True))
        else:
            out.update((p.key, f"{p.label} #{n}") for n, p in enumerate(same, 1))
    return out
