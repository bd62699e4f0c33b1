"""Reading demand per (pool, shift): weighted shortfall and excess of the units readers give to the
pool.

Shortfall and excess are modelled exactly (max with 0), so the objective of any roster the search
finds, not only the optimal one, is the agreed objective of that roster. The lower side of each max
is also stated as a plain linear inequality, so the LP relaxation holds it whatever CP-SAT makes of
the max.
"""

from __future__ import annotations

from solver.constraints.context import ModelContext, Penalty


def add_reading_cover(ctx: ModelContext) -> list[Penalty]:
    penalties = []
    model = ctx.model
    for demand in ctx.problem.reading_demand:
        shift = ctx.shifts[demand.shift_id]
        supply_vars = ctx.supply.get((demand.pool, demand.shift_id), [])
        supply = sum(supply_vars)
        most = len(supply_vars) * ctx.problem.shift_units(shift)
        where = f"{demand.pool} on {ctx.shift_label(shift)}"
        if demand.weight_under > 0 and demand.units > 0:
            name = f"reading shortfall: {where}"
            if supply_vars:
                under = model.new_int_var(0, demand.units, name)
                model.add_max_equality(under, [demand.units - supply, 0])
                model.add(under >= demand.units - supply)
                penalties.append(Penalty("cover", name, under, demand.weight_under))
            else:
                penalties.append(Penalty("cover", name, demand.units, demand.weight_under))
        if demand.weight_over > 0 and most > demand.units:
            name = f"reading excess: {where}"
            over = model.new_int_var(0, most - demand.units, name)
            model.add_max_equality(over, [supply - demand.units, 0])
            model.add(over >= supply - demand.units)
            penalties.append(Penalty("cover", name, over, demand.weight_over))
    return penalties
