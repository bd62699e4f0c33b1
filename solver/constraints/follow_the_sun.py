"""Follow the sun: each whole hour a reader works in their own local night (22:00-06:00) costs a
weight."""

from __future__ import annotations

from ortools.sat.python import cp_model

from solver.constraints.context import ModelContext, Penalty


def add_follow_the_sun(ctx: ModelContext) -> list[Penalty]:
    weight = ctx.problem.weights.follow_the_sun
    if weight <= 0:
        return []
    penalties = []
    for reader in ctx.problem.radiologists:
        zone = reader.home_time_zone
        hours = [(s.var, ctx.night_minutes(s.shift, zone) // 60) for s in ctx.slots[reader.id]]
        hours = [(var, h) for var, h in hours if h > 0]
        if not hours:
            continue
        expr = cp_model.LinearExpr.weighted_sum([v for v, _ in hours], [h for _, h in hours])
        name = f"follow the sun: {ctx.who(reader)} reads in their local night"
        penalties.append(Penalty("follow_the_sun", name, expr, weight))
    return penalties
