"""PREFER and AVOID entries: a weight when the reader works none (PREFER) or any (AVOID) of the
matching shifts.

With at most one shift a day, "works any of S" is exactly the sum of S's variables, so no extra
variable.
"""

from __future__ import annotations

from solver.constraints.context import ModelContext, Penalty, entry_matches
from solver.problem import AvailabilityKind


def add_preferences(ctx: ModelContext) -> list[Penalty]:
    penalties = []
    for reader in ctx.problem.radiologists:
        by_day = ctx.slots_by_day[reader.id]
        for entry in reader.availability:
            if entry.kind.is_hard or entry.weight <= 0:
                continue
            matching = [s.var for s in by_day.get(entry.day, []) if entry_matches(entry, s.shift)]
            scope = " ".join(str(f) for f in (entry.template, entry.shift_kind) if f is not None)
            what = f"{scope} shift" if scope else "a shift"
            if entry.kind == AvailabilityKind.PREFER:
                name = f"preference: {ctx.who(reader)} asked for {what} on {ctx.date(entry.day)}"
                penalties.append(Penalty("preferences", name, 1 - sum(matching), entry.weight))
            elif matching:
                name = (
                    f"preference: {ctx.who(reader)} asked to avoid {what} on {ctx.date(entry.day)}"
                )
                penalties.append(Penalty("preferences", name, sum(matching), entry.weight))
    return penalties
