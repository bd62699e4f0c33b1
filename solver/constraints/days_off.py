"""Minimum consecutive days off: each rest run inside the horizon lasts at least the minimum."""

from __future__ import annotations

from solver.constraints.context import ModelContext, Penalty
from solver.constraints.runs import forbid_short_runs


def add_days_off(ctx: ModelContext) -> list[Penalty]:
    num_days = ctx.problem.num_days
    for reader in ctx.problem.radiologists:
        shortest = reader.rules.min_consecutive_days_off
        if not shortest or shortest < 2:
            continue
        worked = [ctx.works(reader.id, day) for day in range(num_days)]
        guard = ctx.guard(f"{ctx.who(reader)} takes at least {shortest} days off in a row")
        forbid_short_runs(ctx, worked, shortest, guard, of_true=False)
    return []
