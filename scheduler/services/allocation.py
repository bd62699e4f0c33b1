"""Reading hours for a hand-placed shift: give its units to the pools that still need them.

The solver splits each shift's hours over pools; a manual edit has no solver, so the new cell's
units go greedily to the readable pools of that shift with the largest remaining shortfall
(heavier-weighted pools first), which is what a planner would do by hand.
"""

from __future__ import annotations

from collections import Counter

from solver.eligibility import may_read_pool
from solver.problem import Problem
from solver.roster import Allocation, Roster


def allocate_units(
    problem: Problem, roster: Roster, radiologist_id: str, shift_id: str
) -> list[Allocation]:
    reader = next(r for r in problem.radiologists if r.id == radiologist_id)
    shift = next(s for s in problem.shifts if s.id == shift_id)
    pools = {p.id: p for p in problem.pools}
    supplied: Counter[str] = Counter()
    for allocation in roster.allocations:
        if allocation.shift_id == shift_id and allocation.radiologist != radiologist_id:
            supplied[allocation.pool] += allocation.units
    wanted = [
        (demand.weight_under, demand.units - supplied[demand.pool], demand.pool)
        for demand in problem.reading_demand
        if demand.shift_id == shift_id
        and demand.units > supplied[demand.pool]
        and may_read_pool(problem, reader, shift, pools[demand.pool])
    ]
    left = problem.shift_units(shift)
    allocations = []
    for _, short, pool in sorted(wanted, key=lambda w: (-w[0], -w[1], w[2])):
        if left <= 0:
            break
        units = min(short, left)
        allocations.append(Allocation(radiologist_id, shift_id, pool, units))
        left -= units
    return allocations
