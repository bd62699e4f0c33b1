"""Consecutive worked days: a maximum counting history before day 0, a minimum exempting the
horizon's ends."""

from __future__ import annotations

from solver.constraints.context import ModelContext, Penalty, count
from solver.constraints.runs import cap_runs, forbid_short_runs


def add_consecutive_days(ctx: ModelContext) -> list[Penalty]:
    num_days = ctx.problem.num_days
    for reader in ctx.problem.radiologists:
        rules = reader.rules
        if rules.max_consecutive_days is None and not rules.min_consecutive_days:
            continue
        worked = [ctx.works(reader.id, day) for day in range(num_days)]
        who = ctx.who(reader)
        longest = rules.max_consecutive_days
        if longest is not None:
            before = reader.history.consecutive_days_worked
            already = f" ({before} worked just before the period)" if before else ""
            guard = ctx.guard(f"{who} works at most {count(longest, 'day')} in a row{already}")
            cap_runs(ctx, worked, longest, before, guard)
        shortest = rules.min_consecutive_days
        if shortest and shortest > 1:
            guard = ctx.guard(
                f"{who} works at least {count(shortest, 'day')} in a row once started"
            )
            forbid_short_runs(ctx, worked, shortest, guard, of_true=True)
    return []
