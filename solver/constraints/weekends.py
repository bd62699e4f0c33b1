"""Maximum weekends worked, counting those already worked this cycle (history)."""

from __future__ import annotations

from solver.constraints.context import ModelContext, Penalty, count


def add_weekends(ctx: ModelContext) -> list[Penalty]:
    for reader in ctx.problem.radiologists:
        limit = reader.rules.max_weekends
        if limit is None:
            continue
        weekends = [ctx.works_weekend(reader.id, k) for k in sorted(ctx.weekend_days)]
        worked = [w for w in weekends if w is not None]
        before = reader.history.weekends_worked
        room = limit - before
        if len(worked) <= room:
            continue
        already = f" ({before} already worked)" if before else ""
        guard = ctx.guard(f"{ctx.who(reader)} works at most {count(limit, 'weekend')}{already}")
        if room < 0:
            ctx.forbid(guard)
        else:
            ctx.model.add(sum(worked) <= room).only_enforce_if(guard)
    return []
