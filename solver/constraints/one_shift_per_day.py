"""H1: a reader works at most one shift per roster day."""

from __future__ import annotations

from solver.constraints.context import ModelContext, Penalty


def add_one_shift_per_day(ctx: ModelContext) -> list[Penalty]:
    for reader in ctx.problem.radiologists:
        crowded_days = [slots for slots in ctx.slots_by_day[reader.id].values() if len(slots) > 1]
        if not crowded_days:
            continue
        guard = ctx.guard(f"{ctx.who(reader)} works at most one shift a day")
        for slots in crowded_days:
            variables = [slot.var for slot in slots]
            if guard:
                ctx.model.add(sum(variables) <= 1).only_enforce_if(guard)
            else:
                ctx.model.add_at_most_one(variables)
    return []
