"""Region and week neighbourhoods for LNS: the cells they free, and an LNS solve that uses them."""

import random

from factories import national_problem

from solver.lns import LnsView, solve_lns
from solver.neighbourhoods import (
    TELERADIOLOGY_NEIGHBOURHOODS,
    region_pair_window,
    region_window,
    shortfall_window,
)
from solver.options import SolveOptions
from solver.problem import Problem
from solver.roster import Allocation, Roster
from solver.validate import validate

PROBLEM = national_problem(num_readers=60, num_regions=4, num_days=14, seed=3)


def _view(size: float, roster: Roster = Roster(), seed: int = 0) -> LnsView:
    return LnsView(PROBLEM, roster, size, random.Random(seed))


def _licensed(problem: Problem, region: str) -> set[str]:
    return {r.id for r in problem.radiologists if any(lic.region == region for lic in r.licences)}


def _days_are_a_window(cells: list[tuple[str, int]]) -> None:
    days = sorted({day for _, day in cells})
    assert days == list(range(days[0], days[-1] + 1))
    assert 0 <= days[0] and days[-1] < PROBLEM.num_days


def test_region_window_frees_readers_of_one_region_over_consecutive_days():
    for seed in range(5):
        cells = region_window(_view(0.1, seed=seed))
        readers = {reader for reader, _ in cells}
        assert any(readers <= _licensed(PROBLEM, region.id) for region in PROBLEM.regions)
        _days_are_a_window(cells)


def test_neighbourhood_size_follows_the_target_share():
    all_cells = len(PROBLEM.radiologists) * PROBLEM.num_days
    small = region_window(_view(0.02))
    large = region_window(_view(0.3))
    assert 0 < len(small) <= 0.1 * all_cells
    assert len(large) > len(small)


def test_region_pair_window_frees_readers_of_two_regions_that_share_readers():
    cells = region_pair_window(_view(0.5, seed=1))
    readers = {reader for reader, _ in cells}
    pairs = [
        (a.id, b.id)
        for a in PROBLEM.regions
        for b in PROBLEM.regions
        if a.id < b.id and _licensed(PROBLEM, a.id) & _licensed(PROBLEM, b.id)
    ]
    assert any(readers <= _licensed(PROBLEM, a) | _licensed(PROBLEM, b) for a, b in pairs)
    _days_are_a_window(cells)


def test_shortfall_window_goes_where_demand_is_unread():
    # every demand is read in full except one region's demand on day 9
    shifts = {s.id: s for s in PROBLEM.shifts}
    short = next(d for d in PROBLEM.reading_demand if shifts[d.shift_id].day == 9 and d.units > 0)
    region = shifts[short.shift_id].region
    assert region is not None
    allocations = tuple(
        Allocation("anyone", d.shift_id, d.pool, d.units)
        for d in PROBLEM.reading_demand
        if d is not short and (shifts[d.shift_id].region != region or shifts[d.shift_id].day != 9)
    )
    # demands of that region on day 9 other than ``short`` are also unread: all of them point there
    roster = Roster(allocations=allocations)
    for seed in range(5):
        cells = shortfall_window(_view(0.1, roster, seed=seed))
        assert {reader for reader, _ in cells} <= _licensed(PROBLEM, region)
        assert 9 in {day for _, day in cells}
        _days_are_a_window(cells)


def test_lns_with_region_neighbourhoods_returns_a_valid_roster_scored_as_the_validator_scores():
    options = SolveOptions(max_time_in_seconds=8, num_workers=2, lns_seconds_per_step=0.5)
    result = solve_lns(PROBLEM, options, neighbourhoods=TELERADIOLOGY_NEIGHBOURHOODS)
    assert result.status.has_roster
    report = validate(PROBLEM, result.roster)
    assert report.messages() == []
    assert result.objective == report.objective
    assert result.best_bound is not None and result.best_bound <= result.objective
