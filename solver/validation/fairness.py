"""Fairness: the spread (max - min) of FTE-scaled loads of nights, weekends and on-call."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from solver.eligibility import may_work_shift
from solver.problem import Radiologist, Shift, ShiftKind
from solver.validation.index import RosterIndex


def fte_scale(reader: Radiologist) -> int:
    """Integer weight per unit of load: a half-time reader's night counts twice."""
    return round(100 / reader.fte)


def fairness_cost(index: RosterIndex) -> int:
    problem = index.problem
    weights = problem.weights
    cost = 0
    if weights.fairness_nights > 0:
        night_shifts = _night_shifts_by_zone(index)
        cost += weights.fairness_nights * _spread(
            index,
            lambda reader: night_shifts[reader.home_time_zone],
            lambda reader: sum(index.is_night(reader, s) for s in index.worked[reader.id]),
        )
    if weights.fairness_weekends > 0:
        weekend_shifts = [s for s in problem.shifts if problem.is_weekend(s.day)]
        cost += weights.fairness_weekends * _spread(
            index,
            lambda _: weekend_shifts,
            lambda reader: len(index.weekends_worked(reader.id)),
        )
    if weights.fairness_on_call > 0:
        on_call_shifts = [s for s in problem.shifts if s.kind == ShiftKind.ON_CALL]
        cost += weights.fairness_on_call * _spread(
            index,
            lambda _: on_call_shifts,
            lambda reader: sum(s.kind == ShiftKind.ON_CALL for s in index.worked[reader.id]),
        )
    return cost


def _spread(
    index: RosterIndex,
    category_shifts: Callable[[Radiologist], Sequence[Shift]],
    count: Callable[[Radiologist], int],
) -> int:
    """Max minus min load over the category's readers: FTE > 0, eligible for one of its shifts."""
    problem = index.problem
    # per list of shifts (nights: one per zone); the list is kept so that its id stays its own
    by_region: dict[int, tuple[Sequence[Shift], dict[str | None, list[Shift]]]] = {}

    def eligible(reader: Radiologist) -> bool:
        shifts = category_shifts(reader)
        if id(shifts) not in by_region:
            grouped: dict[str | None, list[Shift]] = {}
            for s in shifts:
                grouped.setdefault(s.region, []).append(s)
            by_region[id(shifts)] = (shifts, grouped)
        _, grouped = by_region[id(shifts)]
        # a shift of a region needs a licence there: only the reader's regions are worth asking
        regions = [None, *sorted({licence.region for licence in reader.licences})]
        return any(
            may_work_shift(problem, reader, s)
            for region in regions
            for s in grouped.get(region, [])
        )

    loads = [
        count(reader) * fte_scale(reader)
        for reader in problem.radiologists
        if reader.fte > 0 and eligible(reader)
    ]
    return max(loads) - min(loads) if len(loads) >= 2 else 0


def _night_shifts_by_zone(index: RosterIndex) -> dict[str, list[Shift]]:
    """Whether a shift is a night depends on the reader's home zone, so list them once per zone."""
    by_zone: dict[str, list[Shift]] = {}
    for reader in index.problem.radiologists:
        if reader.home_time_zone not in by_zone:
            by_zone[reader.home_time_zone] = [
                s for s in index.problem.shifts if index.is_night(reader, s)
            ]
    return by_zone
