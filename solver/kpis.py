"""Roster KPIs: reading coverage per (pool, day) and the load each reader carries."""

from __future__ import annotations

from collections import Counter, defaultdict

from solver.eligibility import is_night_for
from solver.problem import Problem, ShiftKind
from solver.roster import Kpis, PoolDayCoverage, ReaderLoad, Roster


def compute_kpis(problem: Problem, roster: Roster) -> Kpis:
    return Kpis(coverage=pool_day_coverage(problem, roster), loads=reader_loads(problem, roster))


def pool_day_coverage(problem: Problem, roster: Roster) -> tuple[PoolDayCoverage, ...]:
    """Every pool on every day: demanded units against units given (dense, for heat maps)."""
    shift_day = {s.id: s.day for s in problem.shifts}
    demand: Counter[tuple[str, int]] = Counter()
    for row in problem.reading_demand:
        demand[row.pool, shift_day[row.shift_id]] += row.units
    supply: Counter[tuple[str, int]] = Counter()
    for allocation in roster.allocations:
        supply[allocation.pool, shift_day[allocation.shift_id]] += allocation.units
    return tuple(
        PoolDayCoverage(pool.id, day, demand[pool.id, day], supply[pool.id, day])
        for pool in problem.pools
        for day in range(problem.num_days)
    )


def reader_loads(problem: Problem, roster: Roster) -> tuple[ReaderLoad, ...]:
    shifts = {s.id: s for s in problem.shifts}
    worked = defaultdict(list)
    for assignment in roster.assignments:
        worked[assignment.radiologist].append(shifts[assignment.shift_id])
    loads = []
    for reader in problem.radiologists:
        mine = worked[reader.id]
        loads.append(
            ReaderLoad(
                radiologist=reader.id,
                fte=reader.fte,
                shifts=len(mine),
                minutes=sum(s.counted_minutes for s in mine),
                nights=sum(1 for s in mine if is_night_for(reader, s)),
                weekends=problem.weekends_worked(s.day for s in mine),
                on_calls=sum(1 for s in mine if s.kind == ShiftKind.ON_CALL),
            )
        )
    return tuple(loads)
