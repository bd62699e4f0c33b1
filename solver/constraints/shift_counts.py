"""Per-reader maxima of shifts per template and per kind."""

from __future__ import annotations

from solver.constraints.context import ModelContext, Penalty, count


def add_shift_counts(ctx: ModelContext) -> list[Penalty]:
    for reader in ctx.problem.radiologists:
        slots = ctx.slots[reader.id]
        who = ctx.who(reader)
        for template, limit in reader.rules.max_shifts_per_template.items():
            variables = [s.var for s in slots if s.shift.template == template]
            if len(variables) > limit:
                guard = ctx.guard(f"{who} works at most {count(limit, f'{template} shift')}")
                ctx.model.add(sum(variables) <= limit).only_enforce_if(guard)
        for kind, limit in reader.rules.max_shifts_per_kind.items():
            variables = [s.var for s in slots if s.shift.kind == kind]
            if len(variables) > limit:
                guard = ctx.guard(f"{who} works at most {count(limit, f'{kind} shift')}")
                ctx.model.add(sum(variables) <= limit).only_enforce_if(guard)
    return []
