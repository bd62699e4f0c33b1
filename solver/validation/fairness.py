"""Fairness: the spread (max - min) of FTE-scaled loads of nights, weekends and on-call."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from solver.eligibility import may_work_shift, shift_regions
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
        weekend_shifts = _by_region(s for s in problem.shifts if problem.is_weekend(s.day))
        cost += weights.fairness_weekends * _spread(
            index,
            lambda _: weekend_shifts,
            lambda reader: len(index.weekends_worked(reader.id)),
        )
    if weights.fairness_on_call > 0:
        on_call_shifts = _by_region(s for s in problem.shifts if s.kind == ShiftKind.ON_CALL)
        cost += weights.fairness_on_call * _spread(
            index,
            lambda _: on_call_shifts,
            lambda reader: sum(s.kind == ShiftKind.ON_CALL for s in index.worked[reader.id]),
        )
    return cost


ShiftsByRegion = Mapping[str | None, Sequence[Shift]]


def _spread(
    index: RosterIndex,
    category_shifts: Callable[[Radiologist], ShiftsByRegion],
    count: Callable[[Radiologist], int],
) -> int:
    """Max minus min load over the category's readers: FTE > 0, eligible for one of its shifts."""
    problem = index.problem

    def eligible(reader: Radiologist) -> bool:
        shifts = category_shifts(reader)
        return any(
            may_work_shift(problem, reader, s)
            for region in shift_regions(reader)
            for s in shifts.get(region, ())
        )

    loads = [
        count(reader) * fte_scale(reader)
        for reader in problem.radiologists
        if reader.fte > 0 and eligible(reader)
    ]
    return max(loads) - min(loads) if len(loads) >= 2 else 0


def _by_region(shifts: Iterable[Shift]) -> dict[str | None, list[Shift]]:
    """Shifts by region, so a reader's eligibility asks only the regions they are licensed in."""
    grouped: dict[str | None, list[Shift]] = {}
    for s in shifts:
        grouped.setdefault(s.region, []).append(s)
    return grouped


def _night_shifts_by_zone(index: RosterIndex) -> dict[str, ShiftsByRegion]:
    """Whether a shift is a night depends on the reader's home zone, so list them once per zone."""
    by_zone: dict[str, ShiftsByRegion] = {}
    for reader in index.problem.radiologists:
        if reader.home_time_zone not in by_zone:
            by_zone[reader.home_time_zone] = _by_region(
                s for s in index.problem.shifts if index.is_night(reader, s)
            )
    return by_zone
