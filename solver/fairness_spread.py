"""Fairness spreads kept up to date as one reader's schedule changes (solver.reading_response).

The objective's fairness terms are the spread (max - min) of FTE-scaled counts of nights, weekends
and on-call over the readers eligible for the category, as solver.validation.fairness computes
them from a whole roster. A local move changes one reader's counts; recomputing the spread from
every reader per move would cost a pass over all of them, so each category keeps a multiset of
loads and a move's cost is read from its few distinct values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from solver.eligibility import is_night_for, may_work_shift
from solver.problem import Problem, Radiologist, Shift, ShiftKind
from solver.validation.fairness import fte_scale

Counting = Callable[[Radiologist, Collection[Shift]], int]


@dataclass
class _Category:
    weight: int
    count: Counting
    loads: Counter[int]  # load -> readers at it
    load_of: dict[str, int]  # reader -> load (eligible readers only)

    def spread(self) -> int:
        held = [load for load, readers in self.loads.items() if readers > 0]
        return max(held) - min(held) if len(held) >= 2 else 0


@dataclass(frozen=True)
class _Members:
    weight: int
    count: Counting
    readers: tuple[Radiologist, ...]  # FTE > 0, eligible for one of the category's shifts


class FairnessCategories:
    """Who each weighted fairness category spreads over: a fact of the problem, found once
    (it scans every reader against every shift)."""

    def __init__(self, problem: Problem) -> None:
        weights = problem.weights
        candidates: list[tuple[int, Callable[[Shift], bool], Counting]] = [
            (weights.fairness_nights, lambda _: True, _nights()),
            (weights.fairness_weekends, lambda s: problem.is_weekend(s.day), _weekends(problem)),
            (weights.fairness_on_call, lambda s: s.kind == ShiftKind.ON_CALL, _on_calls),
        ]
        self.members = [
            _Members(
                weight,
                count,
                tuple(
                    reader
                    for reader in problem.radiologists
                    if reader.fte > 0 and _eligible(problem, reader, in_category, count)
                ),
            )
            for weight, in_category, count in candidates
            if weight > 0
        ]

    def spreads(self, schedules: Mapping[str, Collection[Shift]]) -> FairnessSpreads:
        return FairnessSpreads(self, schedules)


class FairnessSpreads:
    """The fairness cost of a roster held as per-category load multisets."""

    def __init__(
        self, categories: FairnessCategories, schedules: Mapping[str, Collection[Shift]]
    ) -> None:
        self.categories: list[_Category] = []
        for members in categories.members:
            category = _Category(members.weight, members.count, Counter(), {})
            for reader in members.readers:
                load = members.count(reader, schedules.get(reader.id, ())) * fte_scale(reader)
                category.load_of[reader.id] = load
                category.loads[load] += 1
            self.categories.append(category)

    def cost(self) -> int:
        return sum(category.weight * category.spread() for category in self.categories)

    def change(self, reader: Radiologist, shifts: Collection[Shift]) -> int:
        """What the fairness cost would rise by with ``shifts`` as the reader's schedule."""
        before = self.cost()
        undo = self._set(reader, shifts)
        after = self.cost()
        self._restore(reader, undo)
        return after - before

    def apply(self, reader: Radiologist, shifts: Collection[Shift]) -> None:
        self._set(reader, shifts)

    def _set(self, reader: Radiologist, shifts: Collection[Shift]) -> list[int | None]:
        old: list[int | None] = []
        for category in self.categories:
            load = category.load_of.get(reader.id)
            old.append(load)
            if load is None:
                continue
            new = category.count(reader, shifts) * fte_scale(reader)
            category.loads[load] -= 1
            category.loads[new] += 1
            category.load_of[reader.id] = new
        return old

    def _restore(self, reader: Radiologist, old: list[int | None]) -> None:
        for category, load in zip(self.categories, old, strict=True):
            if load is None:
                continue
            category.loads[category.load_of[reader.id]] -= 1
            category.loads[load] += 1
            category.load_of[reader.id] = load


def _eligible(
    problem: Problem, reader: Radiologist, in_category: Callable[[Shift], bool], count: Counting
) -> bool:
    """As solver.validation.fairness: eligible for one of the category's shifts (for nights,
    a shift that is a night for the reader)."""
    return any(
        in_category(shift)
        and may_work_shift(problem, reader, shift)
        and count(reader, (shift,)) > 0
        for shift in problem.shifts
    )


def _nights() -> Counting:
    # whether a shift is a night depends on the reader only through their home zone
    known: dict[tuple[str, str], bool] = {}

    def count(reader: Radiologist, shifts: Collection[Shift]) -> int:
        nights = 0
        for shift in shifts:
            key = (shift.id, reader.home_time_zone)
            if key not in known:
                known[key] = is_night_for(reader, shift)
            nights += known[key]
        return nights

    return count


def _weekends(problem: Problem) -> Counting:
    def count(_reader: Radiologist, shifts: Collection[Shift]) -> int:
        return problem.weekends_worked(shift.day for shift in shifts)

    return count


def _on_calls(_reader: Radiologist, shifts: Collection[Shift]) -> int:
    return sum(shift.kind == ShiftKind.ON_CALL for shift in shifts)
