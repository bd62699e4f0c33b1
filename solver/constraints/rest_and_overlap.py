"""No two shifts of a reader overlap in UTC, and with a minimum rest the gap between them is at
least that.

Shifts are compared pairwise only when the later one starts before the earlier one's end plus the
rest, so the work is O(shifts x shifts within reach), whatever the rest length (it may reach past
the next day). Same-day pairs are left to one-shift-per-day. With a rest minimum, history's last
shift end applies to the first shifts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from solver.constraints.context import BoolVar, ModelContext, Penalty
from solver.problem import Radiologist


def add_rest_and_overlap(ctx: ModelContext) -> list[Penalty]:
    for reader in ctx.problem.radiologists:
        _separate_shifts(ctx, reader)
        _rest_after_history(ctx, reader)
    return []


def _rule_sentence(ctx: ModelContext, reader: Radiologist) -> str:
    rest = reader.rules.min_rest_minutes
    if rest:
        return f"{ctx.who(reader)} needs {_hours(rest)} rest between shifts"
    return f"{ctx.who(reader)} may not work overlapping shifts"


def _separate_shifts(ctx: ModelContext, reader: Radiologist) -> None:
    rest = dt.timedelta(minutes=reader.rules.min_rest_minutes or 0)
    slots = ctx.slots[reader.id]  # sorted by start
    guard: list[BoolVar] | None = None
    for i, slot in enumerate(slots):
        reach = slot.shift.end + rest
        clashes: dict[int, list[BoolVar]] = defaultdict(list)
        j = i + 1
        while j < len(slots) and slots[j].shift.start < reach:
            later = slots[j]
            if later.shift.day != slot.shift.day:
                clashes[later.shift.day].append(later.var)
            j += 1
        for day_vars in clashes.values():
            if guard is None:
                guard = ctx.guard(_rule_sentence(ctx, reader))
            ctx.exclude(slot.var, day_vars, guard)


def _rest_after_history(ctx: ModelContext, reader: Radiologist) -> None:
    last_end = reader.history.last_shift_end
    rest = reader.rules.min_rest_minutes
    if last_end is None or rest is None:  # the agreed rule: history counts only with a rest minimum
        return
    earliest = last_end + dt.timedelta(minutes=rest)
    too_early = [slot.var for slot in ctx.slots[reader.id] if slot.shift.start < earliest]
    if not too_early:
        return
    guard = ctx.guard(
        f"{ctx.who(reader)} needs {_hours(rest)} rest after their last shift before the period, "
        f"which ended {last_end.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )
    ctx.model.add_bool_and([~v for v in too_early]).only_enforce_if(guard)


def _hours(minutes: int | None) -> str:
    return f"{(minutes or 0) / 60:g} h"
