"""Re-solve stability: each reference assignment not kept costs Weights.change."""

from __future__ import annotations

from solver.constraints.context import ModelContext, Penalty


def add_change(ctx: ModelContext) -> list[Penalty]:
    weight = ctx.problem.weights.change
    if weight <= 0:
        return []
    penalties = []
    for reader_id, shift_id in sorted(ctx.problem.reference):
        var = ctx.x.get((reader_id, shift_id))
        reader = ctx.readers.get(reader_id)
        shift = ctx.shifts.get(shift_id)
        who = ctx.who(reader) if reader else reader_id
        where = ctx.shift_label(shift) if shift else shift_id
        kept = 0 if var is None else var  # a pair that can no longer be worked is always moved
        penalties.append(Penalty("change", f"change: {who} moved off {where}", 1 - kept, weight))
    return penalties
