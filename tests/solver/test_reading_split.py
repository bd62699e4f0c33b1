"""The best split of each shift's reading among the readers on it (solver.reading_split)."""

import random
import time

from conftest import solve_and_validate
from factories import licensed, national_problem, north, problem, shifts

from solver.problem import ReadingDemand
from solver.reading_response import ReadingResponses
from solver.reading_split import best_split
from solver.roster import Allocation, Assignment, Roster
from solver.validate import validate

TWO_POOLS = (
    ReadingDemand("n1-neuro", "D0", units=8),
    ReadingDemand("n1-body", "D0", units=8),
)


def _two_readers():
    # r1 may read both pools, r2 neuro only
    return problem(
        shifts(1, "D"),
        [licensed("r1", skills=("neuro", "body")), licensed("r2")],
        reading_demand=TWO_POOLS,
        **north(),
    )


def test_the_reader_who_may_read_more_pools_takes_the_pool_only_they_may_read():
    prob = _two_readers()
    both_on = (Assignment("r1", "D0"), Assignment("r2", "D0"))
    greedy = Roster(assignments=both_on, allocations=(Allocation("r1", "D0", "n1-neuro", 8),))
    assert validate(prob, greedy).objective == 800
    split = best_split(prob, greedy)
    assert split.assignments == both_on
    assert set(split.allocations) == {
        Allocation("r1", "D0", "n1-body", 8),
        Allocation("r2", "D0", "n1-neuro", 8),
    }
    report = validate(prob, split)
    assert report.ok and report.objective == 0


def test_scarce_units_go_to_the_heavier_pool():
    prob = problem(
        shifts(1, "D"),
        [licensed("r1", skills=("neuro", "body"))],
        reading_demand=(
            ReadingDemand("n1-neuro", "D0", units=8, weight_under=100),
            ReadingDemand("n1-body", "D0", units=6, weight_under=250),
        ),
        **north(),
    )
    light = Roster(
        assignments=(Assignment("r1", "D0"),),
        allocations=(Allocation("r1", "D0", "n1-neuro", 8),),
    )
    split = best_split(prob, light)
    assert set(split.allocations) == {
        Allocation("r1", "D0", "n1-body", 6),
        Allocation("r1", "D0", "n1-neuro", 2),
    }
    assert validate(prob, split).objective == 6 * 100
    assert validate(prob, light).objective == 6 * 250


def test_spare_units_stay_with_one_reader_who_is_then_free_to_move():
    # r1 and r2 share D0's 8 units; E0 (same day) wants 3 that either may read. Split half and
    # half, each is worth 4 units on D0 and stays; split at a vertex, one is spare and moves.
    prob = problem(
        shifts(1, "D", "E"),
        [licensed("r1"), licensed("r2")],
        reading_demand=(
            ReadingDemand("n1-neuro", "D0", units=8),
            ReadingDemand("n1-neuro", "E0", units=3),
        ),
        **north(),
    )
    halves = Roster(
        assignments=(Assignment("r1", "D0"), Assignment("r2", "D0")),
        allocations=(
            Allocation("r1", "D0", "n1-neuro", 4),
            Allocation("r2", "D0", "n1-neuro", 4),
        ),
    )
    assert validate(prob, halves).objective == 300
    split = best_split(prob, halves)
    assert sorted(a.units for a in split.allocations) == [8]
    responses = ReadingResponses.of(prob)
    assert responses is not None
    swept = responses.sweep(split, random.Random(0), time.perf_counter() + 30)
    assert swept.moved == 1
    assert validate(prob, swept.roster).objective == 0


def _both_on_d0_r1_reading_all() -> tuple[Roster, ReadingResponses]:
    """Both readers on D0, r1's units all on n1-neuro (which r2 may read too)."""
    greedy = Roster(
        assignments=(Assignment("r1", "D0"), Assignment("r2", "D0")),
        allocations=(Allocation("r1", "D0", "n1-neuro", 8),),
    )
    responses = ReadingResponses.of(_two_readers())
    assert responses is not None
    return greedy, responses


def test_a_sweep_starts_from_the_best_split_and_keeps_its_gain_when_nobody_moves():
    greedy, responses = _both_on_d0_r1_reading_all()
    better = responses.improve(greedy, 800, random.Random(0), time.perf_counter() + 30)
    assert better is not None
    assert better.moved == 0
    assert better.objective == 0


def test_the_best_split_of_a_solved_national_roster_is_valid_never_worse_and_stable():
    prob = national_problem(num_readers=40, num_regions=3, num_days=14, seed=11)
    roster = solve_and_validate(prob, seconds=3.0).roster
    before = validate(prob, roster)
    split = best_split(prob, roster)
    after = validate(prob, split)
    assert after.ok
    assert split.assignments == roster.assignments
    assert after.objective <= before.objective
    assert validate(prob, best_split(prob, split)).objective == after.objective


def test_an_accepted_roster_is_not_split_again():
    greedy, responses = _both_on_d0_r1_reading_all()
    split = responses.split(greedy)
    assert split.allocations == best_split(responses.problem, greedy).allocations
    assert responses.split(split) is split
