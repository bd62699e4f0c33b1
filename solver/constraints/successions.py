"""Forbidden successions: template a on day d rules out template b on day d + 1."""

from __future__ import annotations

from collections import defaultdict

from solver.constraints.context import ModelContext, Penalty


def add_successions(ctx: ModelContext) -> list[Penalty]:
    followers: dict[str, set[str]] = defaultdict(set)
    for first, then in ctx.problem.forbidden_successions:
        followers[first].add(then)
    if not followers:
        return []
    for reader in ctx.problem.radiologists:
        by_day = ctx.slots_by_day[reader.id]
        guard = None
        for slot in ctx.slots[reader.id]:
            banned = followers.get(slot.shift.template)
            if not banned:
                continue
            next_day = by_day.get(slot.shift.day + 1, [])
            after = [t.var for t in next_day if t.shift.template in banned]
            if not after:
                continue
            if guard is None:
                guard = ctx.guard(f"{ctx.who(reader)} may not work the forbidden shift successions")
            ctx.exclude(slot.var, after, guard)
    return []
