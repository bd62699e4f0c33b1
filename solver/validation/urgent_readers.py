"""Urgent-reader floors: readers present who may read the pool, against ``min_readers``."""

from __future__ import annotations

from collections import defaultdict

from solver.eligibility import may_read_pool
from solver.problem import Pool, Shift
from solver.validation.index import RosterIndex


def urgent_readers_cost(index: RosterIndex) -> int:
    """Each reader missing from a pool's floor costs ``weight_under`` per unit of the shift."""
    problem = index.problem
    present: dict[str, list[str]] = defaultdict(list)
    for reader_id, shift_id in index.assigned:
        present[shift_id].append(reader_id)
    cost = 0
    for demand in problem.reading_demand:
        if demand.min_readers <= 0 or demand.weight_under <= 0:
            continue
        shift = index.shifts.get(demand.shift_id)
        pool = index.pools.get(demand.pool)
        eligible = 0
        if shift is not None and pool is not None:
            eligible = sum(
                1 for reader_id in present[shift.id] if _may_read(index, reader_id, shift, pool)
            )
        units = problem.shift_units(shift) if shift is not None else 0
        missing = max(0, demand.min_readers - eligible)
        cost += missing * demand.weight_under * units
    return cost


def _may_read(index: RosterIndex, reader_id: str, shift: Shift, pool: Pool) -> bool:
    try:
        return may_read_pool(index.problem, index.readers[reader_id], shift, pool)
    except KeyError:  # the pool's site is missing from the problem: nobody may read it
        return False
