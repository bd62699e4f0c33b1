"""Hard availability: fixed days off and UNAVAILABLE/LEAVE entries forbid the shifts they match.

In a normal solve those shifts get no variable at all (solver.model leaves them out), so there is
nothing to add; when explaining, they have variables and each entry becomes a guarded rule of its
own.
"""

from __future__ import annotations

from solver.constraints.context import ModelContext, Penalty, entry_matches
from solver.problem import AvailabilityKind


def add_availability(ctx: ModelContext) -> list[Penalty]:
    if not ctx.guarded:
        return []
    for reader in ctx.problem.radiologists:
        by_day = ctx.slots_by_day[reader.id]
        who = ctx.who(reader)
        for day in sorted(reader.fixed_days_off):
            variables = [slot.var for slot in by_day.get(day, [])]
            if variables:
                guard = ctx.guard(f"{who} has a fixed day off on {ctx.date(day)}")
                ctx.model.add_bool_and([~v for v in variables]).only_enforce_if(guard)
        for entry in reader.availability:
            if not entry.kind.is_hard:
                continue
            variables = [s.var for s in by_day.get(entry.day, []) if entry_matches(entry, s.shift)]
            if not variables:
                continue
            state = "on leave" if entry.kind == AvailabilityKind.LEAVE else "unavailable"
            scope = " ".join(str(f) for f in (entry.template, entry.shift_kind) if f is not None)
            scope = f" for {scope} shifts" if scope else ""
            guard = ctx.guard(f"{who} is {state}{scope} on {ctx.date(entry.day)}")
            ctx.model.add_bool_and([~v for v in variables]).only_enforce_if(guard)
    return []
