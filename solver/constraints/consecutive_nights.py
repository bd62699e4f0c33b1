"""Maximum consecutive night days (a night for the reader: see eligibility.is_night_for), with
history."""

from __future__ import annotations

from solver.constraints.context import ModelContext, Penalty, count
from solver.constraints.runs import cap_runs


def add_consecutive_nights(ctx: ModelContext) -> list[Penalty]:
    num_days = ctx.problem.num_days
    for reader in ctx.problem.radiologists:
        longest = reader.rules.max_consecutive_nights
        if longest is None:
            continue
        nights = [ctx.works_night(reader.id, day) for day in range(num_days)]
        before = reader.history.consecutive_nights_worked
        already = f" ({before} worked just before the period)" if before else ""
        guard = ctx.guard(
            f"{ctx.who(reader)} works at most {count(longest, 'night')} in a row{already}"
        )
        cap_runs(ctx, nights, longest, before, guard)
    return []
