"""Search over parts: parts of the teleradiology kinds, a part's search from its current roster,
and the whole search (valid, never worse, within its time)."""

import random

import pytest
from conftest import solve_and_validate
from factories import national_problem

from solver.options import SolveOptions
from solver.part_search import (
    MIN_WINDOW_DAYS,
    PART_KINDS,
    PartView,
    _step_seconds,
    half_weekend_part,
    region_pair_part,
    region_part,
    search_parts,
    shortfall_part,
    week_part,
    weekend_part,
)
from solver.part_solve import search_from
from solver.region_facts import half_weekend_shortfall
from solver.roster import Allocation, Assignment, Progress, Roster, SolveResult
from solver.subproblem import Part, merge, part_roster, restrict
from solver.validate import validate

PROBLEM = national_problem(num_readers=48, num_regions=4, num_days=14, seed=5)


# Session, not module: under xdist (--dist loadgroup) a worker runs this module's tests among
# others', and would build a module-scoped fixture again each time it came back to them.
@pytest.fixture(scope="session")
def first() -> SolveResult:
    """A valid roster of PROBLEM to improve (the monolithic search's, checked by the validator)."""
    result = solve_and_validate(PROBLEM, seconds=5.0)
    assert result.status.has_roster
    return result


def _licensed(region: str) -> set[str]:
    return {r.id for r in PROBLEM.radiologists if any(lic.region == region for lic in r.licences)}


def _view(size: float, roster: Roster = Roster(), seed: int = 0) -> PartView:
    return PartView(PROBLEM, roster, size, random.Random(seed))


def test_a_region_part_frees_readers_of_that_region_over_the_whole_horizon():
    for seed in range(5):
        part = region_part(_view(60, seed=seed))
        assert part is not None and part.days is None
        assert any(part.readers <= _licensed(region.id) for region in PROBLEM.regions)
        assert len(part.readers) == 60 // PROBLEM.num_days  # sampled to the target size


def test_a_window_part_is_at_least_a_little_more_than_a_week():
    part = week_part(_view(60, seed=3))
    assert part is not None and part.days is not None
    first, last = part.days
    assert last - first + 1 == MIN_WINDOW_DAYS
    assert len(part.readers) == 60 // MIN_WINDOW_DAYS


def test_a_region_pair_part_frees_readers_of_two_linked_regions():
    part = region_pair_part(_view(10_000, seed=2))
    assert part is not None
    pairs = [
        (a.id, b.id)
        for a in PROBLEM.regions
        for b in PROBLEM.regions
        if a.id < b.id and _licensed(a.id) & _licensed(b.id)
    ]
    assert any(part.readers == _licensed(a) | _licensed(b) for a, b in pairs)


def test_a_shortfall_part_goes_where_demand_is_unread():
    # give every demand of the first region in full except on day 9: the shortfall is there
    region = PROBLEM.regions[0].id
    shifts = {s.id: s for s in PROBLEM.shifts}
    allocations = tuple(
        Allocation("nobody", d.shift_id, d.pool, d.units)
        for d in PROBLEM.reading_demand
        if shifts[d.shift_id].region != region or shifts[d.shift_id].day != 9
    )
    for seed in range(3):
        part = shortfall_part(_view(100, Roster(allocations=allocations), seed=seed))
        assert part is not None and part.days is not None
        assert part.readers <= _licensed(region)
        assert part.days[0] <= 9 <= part.days[1]


def test_a_part_search_starts_from_the_current_roster_and_is_never_worse_for_the_part(first):
    first = first.roster
    part = region_part(_view(300, seed=1))
    assert part is not None
    sub = restrict(PROBLEM, first, part)
    start = part_roster(first, sub)
    outcome = search_from(sub, start, seconds=2.0, workers=2, seed=0)
    assert outcome.roster is not None
    assert validate(sub, outcome.roster).ok
    gained = validate(sub, start).objective - validate(sub, outcome.roster).objective
    assert gained == outcome.gain >= 0
    assert validate(PROBLEM, merge(first, sub, outcome.roster)).ok


@pytest.mark.alone  # wall time: no other test may share the cores (pytest -n)
def test_search_parts_returns_a_valid_roster_no_worse_than_its_start_within_its_time(first):
    heard: list[Progress] = []
    options = SolveOptions(max_time_in_seconds=6.0, num_workers=2)
    result = search_parts(PROBLEM, options, heard.append, start=first.roster)
    assert result.status.has_roster
    report = validate(PROBLEM, result.roster)
    assert report.messages() == []
    assert result.objective == report.objective
    assert result.breakdown == report.breakdown
    assert result.objective <= first.objective
    assert result.wall_seconds <= 6.0 + 1.0  # at most one part's model build over
    objectives = [step.objective for step in heard]
    assert objectives == sorted(objectives, reverse=True)
    assert objectives[-1] == result.objective
    assert set(PART_KINDS) == {
        "region",
        "region pair",
        "shortfall",
        "half weekends",
        "week",
        "weekend",
    }


def test_search_parts_stops_when_asked(first):
    options = SolveOptions(max_time_in_seconds=30.0, num_workers=1)
    result = search_parts(PROBLEM, options, should_stop=lambda: True, start=first.roster)
    assert result.wall_seconds < 5.0
    assert validate(PROBLEM, result.roster).objective == result.objective


@pytest.mark.parametrize("windowed", [False, True], ids=["whole horizon", "windowed"])
def test_a_window_part_merges_into_a_valid_roster(first, windowed):
    first = first.roster
    readers = frozenset(sorted(_licensed(PROBLEM.regions[1].id))[:8])
    part = Part(readers, (3, 11))
    sub = restrict(PROBLEM, first, part, windowed=windowed)
    outcome = search_from(sub, part_roster(first, sub), seconds=2.0, workers=2, seed=1)
    assert outcome.roster is not None
    merged = merge(first, sub, outcome.roster)
    assert validate(PROBLEM, merged).ok
    outside = {(a.radiologist, a.shift_id) for a in first.assignments if a.radiologist in readers}
    kept = {(a.radiologist, a.shift_id) for a in merged.assignments if a.radiologist in readers}
    day = {s.id: s.day for s in PROBLEM.shifts}
    assert {p for p in outside if not 3 <= day[p[1]] <= 11} == {
        p for p in kept if not 3 <= day[p[1]] <= 11
    }


def test_search_parts_starts_from_the_monolithic_search_when_given_no_roster():
    heard: list[Progress] = []
    options = SolveOptions(max_time_in_seconds=8.0, num_workers=2)
    result = search_parts(PROBLEM, options, heard.append)
    assert result.status.has_roster
    report = validate(PROBLEM, result.roster)
    assert report.messages() == []
    assert result.objective == report.objective
    assert heard and heard[-1].objective == result.objective
    assert 0 <= result.best_bound <= result.objective


def test_solve_improves_large_problems_part_by_part(monkeypatch):
    import importlib

    import solver.part_search

    # the package's ``solve`` is the function; the module holds the threshold
    solve_module = importlib.import_module("solver.solve")

    calls = []
    real = solver.part_search.search_parts

    starts = []

    def spy(*args, **kwargs):
        calls.append(args[0])
        starts.append(kwargs.get("start"))
        return real(*args, **kwargs)

    monkeypatch.setattr(solve_module, "PARTS_AUTO_DECISIONS", 0)
    monkeypatch.setattr(solver.part_search, "search_parts", spy)
    problem = national_problem(num_readers=30, num_regions=2, num_days=14, seed=5)
    heard: list[Progress] = []
    options = SolveOptions(max_time_in_seconds=4, num_workers=2)
    result = solve_module.solve(problem, options, on_progress=heard.append)
    assert calls == [problem]
    assert result.status.has_roster
    report = validate(problem, result.roster)
    assert report.messages() == []
    assert report.objective == result.objective
    assert heard and heard[-1].objective == result.objective
    # the parts start from the greedy roster the model is hinted with, as it breaks no rule
    greedy = solve_module.build_model(problem).start
    assert greedy is not None and validate(problem, greedy).ok
    assert starts == [greedy]
    without_sweeps = SolveOptions(max_time_in_seconds=2, num_workers=2, sweeps=False)
    assert solve_module.solve(problem, without_sweeps).status.has_roster
    assert starts == [greedy, None]  # without sweeps, the monolithic search finds the first
    monolithic = SolveOptions(max_time_in_seconds=1, num_workers=2, lns=False)
    assert not solve_module._wants_parts(monolithic, solve_module.build_model(problem))


def _half_weekend_roster(reader: str, region: str, *, both_days: bool) -> tuple[Roster, int]:
    """``reader`` works a Saturday (and its Sunday when ``both_days``); every demand is met but
    ``region``'s on that Sunday. The Sunday."""
    saturday = next(day for day in range(PROBLEM.num_days) if PROBLEM.date_of(day).weekday() == 5)
    sunday = saturday + 1
    shifts = {s.id: s for s in PROBLEM.shifts}
    worked = [saturday, sunday] if both_days else [saturday]
    assignments = tuple(
        Assignment(reader, next(s.id for s in PROBLEM.shifts if s.day == day)) for day in worked
    )
    allocations = tuple(
        Allocation("nobody", d.shift_id, d.pool, d.units)
        for d in PROBLEM.reading_demand
        if shifts[d.shift_id].region != region or shifts[d.shift_id].day != sunday
    )
    return Roster(assignments=assignments, allocations=allocations), sunday


def test_half_weekends_are_found_where_their_other_day_leaves_the_readers_region_short():
    region = PROBLEM.regions[0].id
    reader = sorted(_licensed(region))[0]
    roster, _ = _half_weekend_roster(reader, region, both_days=False)
    found = half_weekend_shortfall(PROBLEM, roster)
    assert set(found) == {(reader, region)} and found[reader, region] > 0
    for seed in range(3):
        part = half_weekend_part(_view(100, roster, seed=seed))
        assert part is not None and part.days is None  # the whole horizon
        assert part.readers == {reader}
    # a whole weekend leaves no day to take: the part falls back to a region's readers
    whole, _ = _half_weekend_roster(reader, region, both_days=True)
    assert half_weekend_shortfall(PROBLEM, whole) == {}
    part = half_weekend_part(_view(60, whole))
    assert part is not None
    assert any(part.readers <= _licensed(r.id) for r in PROBLEM.regions)


def test_a_half_weekend_in_a_region_without_shortfall_is_no_part():
    region, other = PROBLEM.regions[0].id, PROBLEM.regions[1].id
    reader = sorted(_licensed(region) - _licensed(other))[0]
    roster, _ = _half_weekend_roster(reader, other, both_days=False)  # the other region is short
    assert half_weekend_shortfall(PROBLEM, roster) == {}


def _all_read_but(unread_days: set[int]) -> Roster:
    """Every demand given in full, except on ``unread_days``."""
    day = {s.id: s.day for s in PROBLEM.shifts}
    return Roster(
        allocations=tuple(
            Allocation("nobody", d.shift_id, d.pool, d.units)
            for d in PROBLEM.reading_demand
            if day[d.shift_id] not in unread_days
        )
    )


def test_a_weekend_part_frees_every_reader_over_the_weekend_whose_demand_goes_unread():
    saturdays = [d for d in range(PROBLEM.num_days) if PROBLEM.date_of(d).weekday() == 5]
    assert len(saturdays) == 2
    sunday = saturdays[1] + 1
    # a weekday's shortfall is not the weekend kind's: only the second Sunday's draws it
    roster = _all_read_but({sunday, saturdays[0] - 1})
    everyone = frozenset(r.id for r in PROBLEM.radiologists)
    for seed in range(4):
        part = weekend_part(_view(100, roster, seed=seed))
        assert part == Part(everyone, (saturdays[1], sunday))
    assert weekend_part(_view(100, _all_read_but({saturdays[0] - 1}))) is None


@pytest.mark.parametrize("guided", [False, True], ids=["unguided", "guided by its LP"])
def test_a_weekend_part_merges_into_a_valid_roster_changing_only_that_weekend(first, guided):
    first = first.roster
    part = weekend_part(_view(100, first, seed=0))
    assert part is not None and part.days is not None
    saturday, sunday = part.days
    assert sunday == saturday + 1 and PROBLEM.date_of(saturday).weekday() == 5
    sub = restrict(PROBLEM, first, part)
    outcome = search_from(
        sub, part_roster(first, sub), seconds=2.0, workers=2, seed=0, guided=guided
    )
    assert outcome.roster is not None and outcome.gain >= 0
    merged = merge(first, sub, outcome.roster)
    report = validate(PROBLEM, merged)
    assert report.messages() == []
    # every reader is in the part: its objective is the whole one
    assert report.objective == validate(PROBLEM, first).objective - outcome.gain
    day = {s.id: s.day for s in PROBLEM.shifts}
    before = {(a.radiologist, a.shift_id) for a in first.assignments}
    after = {(a.radiologist, a.shift_id) for a in merged.assignments}
    assert {d for _, shift_id in before ^ after for d in [day[shift_id]]} <= {saturday, sunday}


def test_a_weekend_part_is_searched_longer_but_for_a_tenth_of_the_time_at_most():
    def seconds(kind: str, limit: float) -> float:
        return _step_seconds(kind, SolveOptions(max_time_in_seconds=limit))

    assert seconds("weekend", 300) == 20.0
    assert seconds("weekend", 60) == 6.0
    assert seconds("weekend", 10) == seconds("week", 300) == 2.5  # never below an ordinary step
