"""Maximum weekends worked, counting those already worked this cycle (history).

Besides the rule itself (on "works weekend k" literals), a normal solve gets one valid, redundant
row per reader: at most the days of their allowed weekends. The LP relaxation of a weekend literal
(a max of that weekend's shifts) lets a literal of 1/2 carry a full Saturday and a full Sunday, so
without the row the LP promised every reader every weekend and weekend cover no roster can give.
With at most one shift a day (hard in a normal solve), ``room`` weekends hold at most the days of
the ``room`` longest weekends.
"""

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
            if not ctx.guarded:
                _cap_weekend_days(ctx, reader.id, room)
    return []


def _cap_weekend_days(ctx: ModelContext, reader_id: str, room: int) -> None:
    sizes = sorted((len(days) for days in ctx.weekend_days.values()), reverse=True)
    most = sum(sizes[:room])
    weekend_shifts = [
        slot.var
        for day, slots in ctx.slots_by_day[reader_id].items()
        if ctx.problem.is_weekend(day)
        for slot in slots
    ]
    if len(weekend_shifts) > most:
        ctx.model.add(sum(weekend_shifts) <= most)
