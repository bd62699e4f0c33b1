"""Cover: reading units per pool and shift, readers per shift; hard minimums and cover costs."""

from __future__ import annotations

from collections import Counter

from solver.validation.index import RosterIndex
from solver.validation.violation import Violation, on, plural


def readers_on_shift(index: RosterIndex) -> Counter[str]:
    return Counter(shift_id for _, shift_id in index.assigned)


def hard_headcount(index: RosterIndex) -> list[Violation]:
    problem = index.problem
    headcount = readers_on_shift(index)
    violations = []
    for cover in problem.headcount_cover:
        present = headcount[cover.shift_id]
        if not cover.hard or present >= cover.required:
            continue
        shift = index.shifts.get(cover.shift_id)
        when = f" on {on(problem, shift.day)}" if shift is not None else ""
        violations.append(
            Violation(
                rule="headcount_cover",
                radiologist=None,
                day=shift.day if shift is not None else None,
                shift_id=cover.shift_id,
                message=f"shift {cover.shift_id}{when} has {plural(present, 'reader')}, fewer than "
                f"the required {cover.required}",
            )
        )
    return violations


def cover_cost(index: RosterIndex) -> int:
    problem = index.problem
    supply: Counter[tuple[str, str]] = Counter()
    for allocation in index.allocations:
        supply[(allocation.pool, allocation.shift_id)] += allocation.units
    cost = 0
    for demand in problem.reading_demand:
        given = supply[(demand.pool, demand.shift_id)]
        cost += demand.weight_under * max(0, demand.units - given)
        cost += demand.weight_over * max(0, given - demand.units)
    headcount = readers_on_shift(index)
    for cover in problem.headcount_cover:
        present = headcount[cover.shift_id]
        if not cover.hard:  # a hard minimum is a rule, not a cost
            cost += cover.weight_under * max(0, cover.required - present)
        cost += cover.weight_over * max(0, present - cover.required)
    return cost
