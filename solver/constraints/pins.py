"""Pins: a locked cell forces its shift, or the day off when it names no shift."""

from __future__ import annotations

from solver.constraints.context import ModelContext, Penalty


def add_pins(ctx: ModelContext) -> list[Penalty]:
    for pin in ctx.problem.pins:
        reader = ctx.readers[pin.radiologist]
        if pin.shift_id is None:
            guard = ctx.guard(f"{ctx.who(reader)} is pinned off on {ctx.date(pin.day)}")
            # in a normal solve the day has no variables left: solver.model bars it
            variables = [slot.var for slot in ctx.slots_by_day[reader.id].get(pin.day, [])]
            if variables:
                ctx.model.add_bool_and([~v for v in variables]).only_enforce_if(guard)
            continue
        shift = ctx.shifts[pin.shift_id]
        guard = ctx.guard(f"{ctx.who(reader)} is pinned to {ctx.shift_label(shift)}")
        var = ctx.x.get((reader.id, shift.id))
        if var is None:  # not eligible, or barred by availability or another pin
            ctx.forbid(guard)
        else:
            ctx.model.add_bool_and([var]).only_enforce_if(guard)
    return []
