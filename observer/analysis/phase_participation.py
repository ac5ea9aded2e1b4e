"""Participation phase by phase: who took part in each third and each marked phase.

For the supervision report: a session that starts lively and ends with two members
talking looks even over the whole hour. Each phase's window comes from
``observer.domain.phases`` and is applied with the one chart filter, as everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from observer.analysis.filters import ChartFilter
from observer.analysis.participation import participation
from observer.domain.clock import format_clock
from observer.domain.coding_data import CodingData
from observer.domain.phases import Phase, named_phases, thirds


@dataclass(frozen=True)
class PhaseParticipation:
    """One phase: its window, the acts in it, and each person's share, most first."""

    phase: Phase
    acts: int
    shares: tuple[tuple[str, float], ...]  # (person as shown, share of the phase's acts)

    def sentence(self) -> str:
        end = "end" if self.phase.end_ms is None else format_clock(self.phase.end_ms)
        when = f"{self.phase.name} ({format_clock(self.phase.start_ms)}–{end})"
        if not self.acts:
            return f"{when}: no acts."
        people = ", ".join(f"{label} {share:.0%}" for label, share in self.shares)
        acts = "1 act" if self.acts == 1 else f"{self.acts} acts"
        return f"{when}: {acts} — {people}."


def participation_by_phase(data: CodingData) -> list[PhaseParticipation]:
    """The thirds of the session, then its marked phases, in time order."""
    out = []
    for phase in (*thirds(data.duration_ms), *named_phases(data.phase_marks)):
        found = participation(data, ChartFilter(phase.start_ms, phase.end_ms))
        acting = sorted((p for p in found.people if p.acts), key=lambda p: (-p.acts, p.label))
        out.append(
            PhaseParticipation(phase, found.total_acts, tuple((p.label, p.share) for p in acting))
        )
    return out
