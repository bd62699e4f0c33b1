"""What the solver returns: a roster, its facts and KPIs. Plain dataclasses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True, order=True)
class Assignment:
    radiologist: str
    shift_id: str


@dataclass(frozen=True, order=True)
class Allocation:
    """``units`` reading units of ``radiologist``'s shift given to ``pool``."""

    radiologist: str
    shift_id: str
    pool: str
    units: int


@dataclass(frozen=True)
class Roster:
    assignments: tuple[Assignment, ...] = ()
    allocations: tuple[Allocation, ...] = ()

    @classmethod
    def from_schedules(cls, schedules: Mapping[str, Iterable[str]]) -> Roster:
        """The roster working each reader on the shift ids given for them."""
        return cls(
            assignments=tuple(
                sorted(Assignment(r, s) for r, shifts in schedules.items() for s in shifts)
            )
        )

    def schedules(self) -> dict[str, frozenset[str]]:
        """Each reader's shift ids: the inverse of ``from_schedules`` (no reader without any)."""
        worked: dict[str, set[str]] = {}
        for a in self.assignments:
            worked.setdefault(a.radiologist, set()).add(a.shift_id)
        return {reader: frozenset(shifts) for reader, shifts in worked.items()}

    def shifts_of(self, radiologist: str) -> list[str]:
        return [a.shift_id for a in self.assignments if a.radiologist == radiologist]

    def worked(self) -> frozenset[tuple[str, str]]:
        """Every (reader id, shift id) the roster works."""
        return frozenset((a.radiologist, a.shift_id) for a in self.assignments)


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # a roster, stopped by a limit before proving optimality
    INFEASIBLE = "infeasible"  # hard rules cannot all hold: see SolveResult.explanation
    UNKNOWN = "unknown"  # stopped before any roster was found
    INVALID = "invalid"  # the model itself was rejected (a bug, reported not hidden)

    @property
    def has_roster(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


@dataclass(frozen=True)
class Progress:
    """One improvement reported while solving."""

    objective: float
    best_bound: float
    elapsed_seconds: float


@dataclass(frozen=True)
class PoolDayCoverage:
    pool: str
    day: int
    demand_units: int
    supplied_units: int

    @property
    def shortfall_units(self) -> int:
        return max(0, self.demand_units - self.supplied_units)

    @property
    def covered_fraction(self) -> float:
        if self.demand_units == 0:
            return 1.0
        return min(self.supplied_units, self.demand_units) / self.demand_units


@dataclass(frozen=True)
class ReaderLoad:
    radiologist: str
    fte: float
    shifts: int
    minutes: int
    nights: int
    weekends: int
    on_calls: int


@dataclass(frozen=True)
class Kpis:
    coverage: tuple[PoolDayCoverage, ...] = ()
    loads: tuple[ReaderLoad, ...] = ()


@dataclass(frozen=True)
class SolveResult:
    status: SolveStatus
    roster: Roster
    objective: int | None = None
    best_bound: float | None = None
    wall_seconds: float = 0.0
    first_feasible_seconds: float | None = None
    # objective split by term name ("cover", "preferences", "fairness", "change", "follow_the_sun")
    breakdown: dict[str, int] = field(default_factory=dict)
    kpis: Kpis = field(default_factory=Kpis)
    explanation: tuple[str, ...] = ()  # plain words, when INFEASIBLE
    progress: tuple[Progress, ...] = ()

    @property
    def gap(self) -> float | None:
        """Relative gap |objective - bound| / max(1, |objective|); 0 when proven optimal."""
        if self.objective is None or self.best_bound is None:
            return None
        return abs(self.objective - self.best_bound) / max(1.0, abs(self.objective))
