"""Urgent-reader floors: at least ``min_readers`` readers who may read a pool are on its shift.

Units alone cannot say this: a pool with two hours of urgent work is "covered" by two readers
giving an hour each, or by nobody being free when a stroke CT arrives. The floor counts people
present (``x[r, s]`` of readers eligible for the pool), so one multi-skilled reader can hold the
floor for several pools of the shift at once, as they would in practice.
"""

from __future__ import annotations

from collections import defaultdict

from solver.constraints.context import BoolVar, ModelContext, Penalty
from solver.eligibility import may_read_pool


def add_urgent_readers(ctx: ModelContext) -> list[Penalty]:
    penalties: list[Penalty] = []
    problem = ctx.problem
    floors = [d for d in problem.reading_demand if d.min_readers > 0 and d.weight_under > 0]
    floor_shifts = {d.shift_id for d in floors}
    readers_on: dict[str, list[tuple[str, BoolVar]]] = defaultdict(list)
    for (reader_id, shift_id), var in ctx.x.items():
        if shift_id in floor_shifts:
            readers_on[shift_id].append((reader_id, var))
    readable: dict[tuple[object, ...], bool] = {}
    for demand in floors:
        shift = ctx.shifts[demand.shift_id]
        pool = ctx.pools[demand.pool]
        present = []
        for reader_id, var in readers_on[shift.id]:
            reader = ctx.readers[reader_id]
            key = (reader_id, shift.region, shift.remote, ctx.day_key(reader, shift.day), pool.id)
            if key not in readable:
                readable[key] = may_read_pool(problem, reader, shift, pool)
            if readable[key]:
                present.append(var)
        name = f"urgent readers missing: {demand.pool} on {ctx.shift_label(shift)}"
        weight = demand.weight_under * problem.shift_units(shift)
        if not present:
            penalties.append(Penalty("cover", name, demand.min_readers, weight))
            continue
        missing = ctx.model.new_int_var(0, demand.min_readers, name)
        # Minimised, so the inequality is exact at any roster the search reports; the max keeps
        # the reported penalty exact even before the objective has pushed it down.
        ctx.model.add(missing >= demand.min_readers - sum(present))
        ctx.model.add_max_equality(missing, [demand.min_readers - sum(present), 0])
        penalties.append(Penalty("cover", name, missing, weight))
    return penalties
