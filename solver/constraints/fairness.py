"""Fairness: per category, the spread (max - min) of FTE-scaled counts among the readers who could
work it.

A reader's load is their count times round(100 / fte), so a half-time reader's single night weighs
as two of a full-timer's. Readers with fte 0 and those eligible for no shift of the category take no
part.
"""

from __future__ import annotations

from collections.abc import Callable

from ortools.sat.python import cp_model

from solver.constraints.context import BoolVar, ModelContext, Penalty
from solver.problem import Radiologist, ShiftKind

Counter = Callable[[ModelContext, Radiologist], list[BoolVar]]


def _nights(ctx: ModelContext, reader: Radiologist) -> list[BoolVar]:
    return [s.var for s in ctx.slots[reader.id] if ctx.is_night(reader, s.shift)]


def _weekends(ctx: ModelContext, reader: Radiologist) -> list[BoolVar]:
    weekends = (ctx.works_weekend(reader.id, k) for k in sorted(ctx.weekend_days))
    return [w for w in weekends if w is not None]


def _on_calls(ctx: ModelContext, reader: Radiologist) -> list[BoolVar]:
    return [s.var for s in ctx.slots[reader.id] if s.shift.kind == ShiftKind.ON_CALL]


def load_scale(reader: Radiologist) -> int:
    return round(100 / reader.fte)


def fairness_members(ctx: ModelContext, category: str) -> list[Radiologist]:
    """The readers compared in ``category``: those with an FTE who may work one of its shifts."""
    return [
        r for r in ctx.problem.radiologists if r.fte > 0 and r.id in ctx.category_readers[category]
    ]


def add_fairness(ctx: ModelContext) -> list[Penalty]:
    weights = ctx.problem.weights
    categories: list[tuple[str, int, Counter]] = [
        ("nights", weights.fairness_nights, _nights),
        ("weekends", weights.fairness_weekends, _weekends),
        ("on_call", weights.fairness_on_call, _on_calls),
    ]
    penalties = []
    for category, weight, count in categories:
        if weight <= 0:
            continue
        members = fairness_members(ctx, category)
        if len(members) < 2:
            continue
        loads = []
        heaviest = 0
        for reader in members:
            counted = count(ctx, reader)
            most_for_reader = load_scale(reader) * len(counted)
            # one small variable per reader keeps the max/min below cheap to propagate
            load = ctx.model.new_int_var(0, most_for_reader, f"{category} load of {reader.id}")
            ctx.model.add(load == load_scale(reader) * cp_model.LinearExpr.sum(counted))
            loads.append(load)
            heaviest = max(heaviest, most_for_reader)
        name = f"fairness of {category.replace('_', '-')}: spread of FTE-scaled counts"
        most = ctx.model.new_int_var(0, heaviest, f"{name} (max)")
        least = ctx.model.new_int_var(0, heaviest, f"{name} (min)")
        ctx.model.add_max_equality(most, loads)
        ctx.model.add_min_equality(least, loads)
        penalties.append(Penalty("fairness", name, most - least, weight))
    return penalties
