"""Minimum and maximum minutes worked over the horizon, and the average weekly cap.

Each shift counts its ``counted_minutes``: on-call from home may count only in part.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from solver.constraints.context import ModelContext, Penalty


def add_total_minutes(ctx: ModelContext) -> list[Penalty]:
    num_days = ctx.problem.num_days
    for reader in ctx.problem.radiologists:
        rules = reader.rules
        slots = ctx.slots[reader.id]
        who = ctx.who(reader)
        lengths = [s.shift.counted_minutes for s in slots]
        minutes = cp_model.LinearExpr.weighted_sum([s.var for s in slots], lengths)
        if rules.min_total_minutes:
            guard = ctx.guard(
                f"{who} works at least {_hours(rules.min_total_minutes)} in the period"
            )
            if sum(lengths) < rules.min_total_minutes:
                ctx.forbid(guard)
            else:
                ctx.model.add(minutes >= rules.min_total_minutes).only_enforce_if(guard)
        caps = []
        if rules.max_total_minutes is not None:
            caps.append((rules.max_total_minutes, f"at most {_hours(rules.max_total_minutes)}"))
        if rules.max_average_weekly_minutes is not None:
            cap = rules.max_average_weekly_minutes * num_days // 7
            weekly = _hours(rules.max_average_weekly_minutes)
            caps.append((cap, f"on average at most {weekly} a week ({_hours(cap)})"))
        for cap, words in caps:
            if sum(lengths) > cap:
                guard = ctx.guard(f"{who} works {words} in the period")
                ctx.model.add(minutes <= cap).only_enforce_if(guard)
    return []


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g} h"
