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
