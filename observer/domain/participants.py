"""Who acts and who is addressed: members, the leaders together, or the group as a whole.

Events store participant *keys* so that renaming a member never rewrites history:
``m<member id>`` for one person, ``group`` for the group as a whole and ``leaders``
for the leaders together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from observer.domain.errors import Refused

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


class Roster:
    """Who can act in a session, found by what people write: pseudonym, initials or key.

    The one way a name becomes a participant key, for every import, the command line and
    the analyses' filters. Any case; the group as a whole is ``group`` and the leaders
    together ``leaders``. A name as shown ("Sam (SK)", what exports write for two members
    called Sam) wins over a pseudonym, a pseudonym over initials, and all over a key
    (``m12``); a name two people share is refused, naming both, never guessed.
    """

    def __init__(self, participants: Sequence[Participant]) -> None:
        self.participants = tuple(participants)
        self._by_key = {p.key: p for p in self.participants}
        people = [p for p in self.participants if p.key not in COLLECTIVES]
        self._shown = distinct_labels(self.participants)
        tiers: list[dict[str, list[str]]] = [{GROUP: [GROUP], LEADERS: [LEADERS]}]
        for name_of in (
            lambda p: self._shown[p.key],
            lambda p: p.label,
            lambda p: p.initials,
            lambda p: p.key,
        ):
            tier: dict[str, list[str]] = {}
            for p in people:
                name = name_of(p).strip().casefold()
                if name:
                    tier.setdefault(name, []).append(p.key)
            tiers.append(tier)
        self._tiers = tiers
        self._people = people

    def __contains__(self, key: object) -> bool:
        return key in self._by_key or key in COLLECTIVES

    def participant(self, key: str) -> Participant | None:
        return self._by_key.get(key)

    def label(self, key: str) -> str:
        """The name a person reads: the pseudonym, ``group`` or ``leaders``."""
        if key in COLLECTIVES:
            return key
        found = self._by_key.get(key)
        return found.label if found is not None else key

    def is_present(self, key: str) -> bool:
        found = self._by_key.get(key)
        return key in COLLECTIVES or found is None or found.present

    def shown(self, key: str) -> str:
        """The name as shown: the label, told apart where two share one ("Sam (SK)")."""
        return self._shown.get(key, key)

    def find(self, name: str, field: str = "name") -> str | None:
        """The key of whoever ``name`` names, or None; Refused when two people share it."""
        wanted = name.strip().casefold()
        for tier in self._tiers:
            found = tier.get(wanted)
            if found is None:
                continue
            if len(found) > 1:
                both = " or ".join(repr(self.shown(k)) for k in found)
                raise Refused(field, f"{name!r} could be {both}: give the one meant")
            return found[0]
        return None

    def key_of(self, name: str, field: str) -> str:
        """The key of whoever ``name`` names; Refused, listing who is known, otherwise."""
        key = self.find(name, field)
        if key is None:
            raise self.unknown(name, field)
        return key

    def unknown(self, name: str, field: str) -> Refused:
        known = [p.label for p in self._people[:12]]
        if len(self._people) > 12:
            known.append("…")
        return Refused(
            field,
            f"{name!r} is not a member of this session's group "
            f"(known: {', '.join([*known, GROUP, LEADERS])})",
        )


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
