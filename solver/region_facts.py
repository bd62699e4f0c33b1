"""Region facts that decomposition picks its parts by (solver.neighbourhoods, part_search).

Readers licensed in one region compete for its demand; readers licensed in two regions carry
capacity between them; the region and days where a roster leaves reading demand unread are where a
re-solve is most worth its time. Each fact is computed once per problem (or roster) object.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from typing import TypeVar

from solver.problem import Problem
from solver.roster import Roster

T = TypeVar("T")
# recomputed only when the object changes (by identity: problems hold dicts, so they do not hash)
_memo: dict[tuple[str, int], tuple[object, object]] = {}


def _remember(name: str, key: object, compute: Callable[[], T]) -> T:
    held = _memo.get((name, id(key)))
    if held is not None and held[0] is key:
        return held[1]  # type: ignore[return-value]
    for stale in [k for k in _memo if k[0] == name]:
        del _memo[stale]
    value = compute()
    _memo[name, id(key)] = (key, value)
    return value


def licensed_readers(problem: Problem) -> dict[str, frozenset[str]]:
    """Region -> the readers holding a licence for it (on any date)."""
    return _remember("licensed", problem, lambda: _licensed(problem))


def _licensed(problem: Problem) -> dict[str, frozenset[str]]:
    readers: dict[str, set[str]] = defaultdict(set)
    for reader in problem.radiologists:
        for licence in reader.licences:
            readers[licence.region].add(reader.id)
    return {region: frozenset(ids) for region, ids in readers.items()}


def linked_region_pairs(problem: Problem) -> dict[tuple[str, str], int]:
    """(region a, region b), a < b -> how many readers hold licences for both."""
    return _remember("pairs", problem, lambda: _linked_pairs(problem))


def _linked_pairs(problem: Problem) -> dict[tuple[str, str], int]:
    pairs: Counter[tuple[str, str]] = Counter()
    for reader in problem.radiologists:
        regions = sorted({licence.region for licence in reader.licences})
        for i, first in enumerate(regions):
            for second in regions[i + 1 :]:
                pairs[first, second] += 1
    return dict(pairs)


def shortfall_by_region_day(problem: Problem, roster: Roster) -> dict[tuple[str, int], int]:
    """Weighted reading units ``roster`` leaves unread, by (shift region, day)."""
    return _remember("shortfall", roster, lambda: _shortfall(problem, roster))


def _shortfall(problem: Problem, roster: Roster) -> dict[tuple[str, int], int]:
    given: Counter[tuple[str, str]] = Counter()
    for allocation in roster.allocations:
        given[allocation.pool, allocation.shift_id] += allocation.units
    shifts = {shift.id: shift for shift in problem.shifts}
    short: Counter[tuple[str, int]] = Counter()
    for demand in problem.reading_demand:
        missing = demand.units - given[demand.pool, demand.shift_id]
        shift = shifts[demand.shift_id]
        if missing > 0 and shift.region is not None:
            short[shift.region, shift.day] += missing * demand.weight_under
    return dict(short)


def half_weekend_shortfall(problem: Problem, roster: Roster) -> dict[tuple[str, str], int]:
    """(reader, region) -> the weighted units ``roster`` leaves unread in that region, where the
    reader is licensed, on the other day of a weekend the reader works one day of. The weekend
    is counted toward the reader's limit already: its other day is capacity for the taking."""
    return _remember("half weekends", roster, lambda: _half_weekend_shortfall(problem, roster))


def _half_weekend_shortfall(problem: Problem, roster: Roster) -> dict[tuple[str, str], int]:
    short = shortfall_by_region_day(problem, roster)
    day_of = {shift.id: shift.day for shift in problem.shifts}
    days_worked: dict[str, set[int]] = defaultdict(set)
    for assignment in roster.assignments:
        days_worked[assignment.radiologist].add(day_of[assignment.shift_id])
    regions_of: dict[str, set[str]] = defaultdict(set)
    for region, readers in licensed_readers(problem).items():
        for reader in readers:
            regions_of[reader].add(region)
    found: Counter[tuple[str, str]] = Counter()
    for reader, days in days_worked.items():
        for both in problem.weekends.values():
            worked = [day for day in both if day in days]
            if len(both) != 2 or len(worked) != 1:
                continue
            other = both[1] if worked[0] == both[0] else both[0]
            for region in regions_of[reader]:
                if short.get((region, other), 0) > 0:
                    found[reader, region] += short[region, other]
    return dict(found)
