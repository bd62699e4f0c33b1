"""Headcount cover: ``required`` readers on a shift; a hard minimum (on-call) or weighted
under/over."""

from __future__ import annotations

from solver.constraints.context import ModelContext, Penalty
from solver.problem import HeadcountCover, ShiftKind


def cover_sentence(ctx: ModelContext, cover: HeadcountCover) -> str:
    shift = ctx.shifts[cover.shift_id]
    kind = "On-call cover" if shift.kind == ShiftKind.ON_CALL else "Cover"
    readers = "reader" if cover.required == 1 else "readers"
    return f"{kind} {ctx.shift_label(shift)} needs {cover.required} {readers}"


def add_headcount_cover(ctx: ModelContext) -> list[Penalty]:
    penalties = []
    model = ctx.model
    for cover in ctx.problem.headcount_cover:
        on_shift = ctx.on_shift.get(cover.shift_id, [])
        staffed = sum(on_shift)
        label = ctx.shift_label(ctx.shifts[cover.shift_id])
        if cover.hard and cover.required > 0:
            guard = ctx.guard(cover_sentence(ctx, cover))
            if len(on_shift) < cover.required:
                ctx.forbid(guard)
            else:
                model.add(staffed >= cover.required).only_enforce_if(guard)
        elif cover.weight_under > 0 and cover.required > 0:
            name = f"cover shortfall: {label}"
            if on_shift:
                under = model.new_int_var(0, cover.required, name)
                model.add_max_equality(under, [cover.required - staffed, 0])
                model.add(under >= cover.required - staffed)
                penalties.append(Penalty("cover", name, under, cover.weight_under))
            else:
                penalties.append(Penalty("cover", name, cover.required, cover.weight_under))
        if cover.weight_over > 0 and len(on_shift) > cover.required:
            name = f"cover excess: {label}"
            over = model.new_int_var(0, len(on_shift) - cover.required, name)
            model.add_max_equality(over, [staffed - cover.required, 0])
            model.add(over >= staffed - cover.required)
            penalties.append(Penalty("cover", name, over, cover.weight_over))
    return penalties
