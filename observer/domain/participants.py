"""Who acts and who is addressed: members, the leaders together, or the group as a whole.

Events store participant *keys* so that renaming a member never rewrites history:
``m<member id>`` for one person, ``group`` for the group as a whole and ``leaders``
for the leaders together.
"""

from __future__ import annotations

from dataclasses import dataclass

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

    @property
    def is_leader(self) -> bool:
        return self.role in ("leader", "co-leader")
