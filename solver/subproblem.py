"""A part of a problem as a problem of its own, and its roster merged back (solver.part_search).

A *part* is a set of free readers, optionally free only over a window of days. ``restrict`` keeps
only the free readers and reduces every cover by what the fixed readers (everyone else) already
give in the current roster, so the small problem prices each free reader's shift exactly at the
margin:

* headcount ``required`` (soft or hard) becomes ``max(0, required - fixed readers on the shift)``:
  a requirement the fixed readers meet leaves 0, so every further free reader is excess;
* reading demand ``units`` become ``max(0, units - units the fixed readers give the pool)``;
* urgent ``min_readers`` become ``max(0, min_readers - fixed readers present who may read the
  pool)``.

Shortfall is then exactly the whole problem's; excess differs only by a constant when the fixed
readers alone exceed the demand. Shifts no free reader may work (other regions) are left out with
their covers: their cost is a constant of the part.

A reader free only on a window keeps the rest of the horizon through pins (their current shift, or
the day off), so their rest, run, weekend and working-time rules still see the whole period.
``windowed`` cuts such a part's horizon to the window and a margin of pinned days instead, what the
readers work outside carried in their rules and history (solver.horizon_window): the same rules
hold, in a model a fraction of the size.

``part_roster`` and ``merge`` read which readers and shifts the part decides from its problem, so
they serve both.

Fairness spreads couple every reader: the small problem sees only the part's spread. That is why a
merged roster is judged by the whole problem's objective (solver.validate), never by the part's.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from solver.eligibility import may_read_pool, shift_regions
from solver.horizon_window import cut_horizon, margin_days, window_span
from solver.problem import HeadcountCover, Pin, Problem, Radiologist, ReadingDemand, Shift
from solver.roster import Roster


@dataclass(frozen=True)
class Part:
    """Free readers; with ``days`` (first, last inclusive) they are free on those days only."""

    readers: frozenset[str]
    days: tuple[int, int] | None = None

    def frees(self, day: int) -> bool:
        return self.days is None or self.days[0] <= day <= self.days[1]


def restrict(problem: Problem, roster: Roster, part: Part, *, windowed: bool = False) -> Problem:
    """The problem of ``part`` alone, the other readers fixed as in ``roster``; ``windowed``: over
    the part's days and their margin only, when it frees a window."""
    readers = tuple(r for r in problem.radiologists if r.id in part.readers)
    shifts = _shifts_of(problem, readers)
    kept = {shift.id for shift in shifts}
    fixed = _FixedSupply(problem, roster, part.readers)
    whole = dataclasses.replace(
        problem,
        radiologists=readers,
        shifts=shifts,
        headcount_cover=tuple(
            fixed.reduce_cover(cover) for cover in problem.headcount_cover if cover.shift_id in kept
        ),
        reading_demand=tuple(
            fixed.reduce_demand(demand)
            for demand in problem.reading_demand
            if demand.shift_id in kept
        ),
        pins=_pins(problem, roster, part, kept),
        reference=_reference(problem, part.readers, kept),
    )
    if not windowed or part.days is None:
        return whole
    first, last = window_span(problem, part.days, margin_days(readers))
    return cut_horizon(whole, roster, first, last)


def merge(roster: Roster, sub: Problem, part_roster: Roster) -> Roster:
    """``roster`` with what ``sub`` (``restrict``'s problem) decides, its readers on its shifts,
    replaced by ``part_roster``'s assignments and reading."""
    decided = _Decided(sub)
    assignments = [a for a in roster.assignments if not decided(a.radiologist, a.shift_id)]
    allocations = [a for a in roster.allocations if not decided(a.radiologist, a.shift_id)]
    return Roster(
        assignments=tuple(sorted([*assignments, *part_roster.assignments])),
        allocations=tuple(sorted([*allocations, *part_roster.allocations])),
    )


def part_roster(roster: Roster, sub: Problem) -> Roster:
    """The share of ``roster`` that ``sub`` (``restrict``'s problem) decides: a roster of it."""
    decided = _Decided(sub)
    return Roster(
        assignments=tuple(a for a in roster.assignments if decided(a.radiologist, a.shift_id)),
        allocations=tuple(a for a in roster.allocations if decided(a.radiologist, a.shift_id)),
    )


class _Decided:
    """Whether a (reader, shift) cell is the part's: one of its readers on one of its shifts."""

    def __init__(self, sub: Problem) -> None:
        self.readers = {reader.id for reader in sub.radiologists}
        self.shifts = {shift.id for shift in sub.shifts}

    def __call__(self, reader_id: str, shift_id: str) -> bool:
        return reader_id in self.readers and shift_id in self.shifts


class _FixedSupply:
    """What the readers outside the part give each shift and pool in the current roster."""

    def __init__(self, problem: Problem, roster: Roster, free: frozenset[str]) -> None:
        self.problem = problem
        self.staff: Counter[str] = Counter()
        self.present: dict[str, list[str]] = {}
        for a in roster.assignments:
            if a.radiologist not in free:
                self.staff[a.shift_id] += 1
                self.present.setdefault(a.shift_id, []).append(a.radiologist)
        self.units: Counter[tuple[str, str]] = Counter()
        for allocation in roster.allocations:
            if allocation.radiologist not in free:
                self.units[allocation.pool, allocation.shift_id] += allocation.units
        self.shifts = {shift.id: shift for shift in problem.shifts}
        self.pools = {pool.id: pool for pool in problem.pools}
        self.readers = {reader.id: reader for reader in problem.radiologists}

    def reduce_cover(self, cover: HeadcountCover) -> HeadcountCover:
        required = max(0, cover.required - self.staff[cover.shift_id])
        return dataclasses.replace(cover, required=required)

    def reduce_demand(self, demand: ReadingDemand) -> ReadingDemand:
        units = max(0, demand.units - self.units[demand.pool, demand.shift_id])
        floor = demand.min_readers
        if floor > 0:
            floor = max(0, floor - self._urgent_present(demand))
        return dataclasses.replace(demand, units=units, min_readers=floor)

    def _urgent_present(self, demand: ReadingDemand) -> int:
        shift = self.shifts[demand.shift_id]
        pool = self.pools.get(demand.pool)
        if pool is None:
            return 0
        return sum(
            1
            for reader_id in self.present.get(shift.id, [])
            if may_read_pool(self.problem, self.readers[reader_id], shift, pool)
        )


def _shifts_of(problem: Problem, readers: Iterable[Radiologist]) -> tuple[Shift, ...]:
    """Shifts any of the readers may ever work (solver.eligibility.shift_regions)."""
    regions = {region for reader in readers for region in shift_regions(reader)}
    return tuple(shift for shift in problem.shifts if shift.region in regions)


def _pins(problem: Problem, roster: Roster, part: Part, kept: set[str]) -> tuple[Pin, ...]:
    """The part readers' own pins, and their current roster on the days the part does not free."""
    pins = [pin for pin in problem.pins if pin.radiologist in part.readers]
    if part.days is None:
        return tuple(pins)
    pinned = {(pin.radiologist, pin.day) for pin in pins}
    day_of = {shift.id: shift.day for shift in problem.shifts}
    working: dict[tuple[str, int], list[str]] = {}
    for a in roster.assignments:
        if a.radiologist in part.readers:
            working.setdefault((a.radiologist, day_of[a.shift_id]), []).append(a.shift_id)
    for reader_id in sorted(part.readers):
        for day in range(problem.num_days):
            if part.frees(day) or (reader_id, day) in pinned:
                continue
            worked = working.get((reader_id, day))
            if not worked:
                pins.append(Pin(reader_id, day, None))
            pins.extend(
                Pin(reader_id, day, shift_id) for shift_id in worked or [] if shift_id in kept
            )
    return tuple(pins)


def _reference(
    problem: Problem, free: frozenset[str], kept: set[str]
) -> frozenset[tuple[str, str]]:
    """The problem's reference roster of the part's readers: its change cost is theirs alone."""
    return frozenset((r, s) for r, s in problem.reference if r in free and s in kept)
