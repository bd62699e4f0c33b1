"""Best responses with reading demand: a reader's best schedule against what the others read,
and the fairness spreads a move is charged with."""

import dataclasses
import random
import time

import pytest
from conftest import solve_and_validate
from factories import cover, licensed, national_problem, north, problem, shifts

from solver.fairness_spread import FairnessCategories
from solver.problem import ReadingDemand, Weights
from solver.reading_response import ReadingResponses
from solver.roster import Allocation, Assignment, Roster, SolveResult
from solver.validate import validate

PROBLEM = national_problem(num_readers=40, num_regions=3, num_days=14, seed=11)


@pytest.fixture(scope="session")
def first_national() -> SolveResult:
    result = solve_and_validate(PROBLEM, seconds=3.0)
    assert result.status.has_roster
    return result


def _sweep(prob, roster, seed=0):
    responses = ReadingResponses.of(prob)
    assert responses is not None
    return responses.sweep(roster, random.Random(seed), time.perf_counter() + 30)


def test_a_reader_moves_to_the_day_whose_demand_nobody_reads():
    prob = problem(
        shifts(2, "D"),
        [licensed("r1")],
        reading_demand=(ReadingDemand("n1-neuro", "D1", units=8),),
        **north(),
    )
    start = Roster(assignments=(Assignment("r1", "D0"),))
    assert validate(prob, start).objective == 800
    swept = _sweep(prob, start)
    assert swept.moved == 1
    assert swept.roster.assignments == (Assignment("r1", "D1"),)
    assert swept.roster.allocations == (Allocation("r1", "D1", "n1-neuro", 8),)
    assert validate(prob, swept.roster).objective == 0


def test_units_go_to_the_heaviest_short_pool_first():
    prob = problem(
        shifts(1, "D"),
        [licensed("r1", skills=("neuro", "body"))],
        reading_demand=(
            ReadingDemand("n1-neuro", "D0", units=6, weight_under=100),
            ReadingDemand("n1-body", "D0", units=6, weight_under=300),
        ),
        **north(),
    )
    swept = _sweep(prob, Roster())
    assert set(swept.roster.allocations) == {
        Allocation("r1", "D0", "n1-body", 6),
        Allocation("r1", "D0", "n1-neuro", 2),
    }
    assert validate(prob, swept.roster).objective == 4 * 100


def test_a_reader_alone_on_a_hard_cover_keeps_it():
    # r1 alone covers on-call C0; reading on D1 would pay more than nothing, but the cover is a rule
    prob = problem(
        (*shifts(1, "C"), *shifts(range(1, 2), "D")),
        [licensed("r1")],
        reading_demand=(ReadingDemand("n1-neuro", "D1", units=8),),
        headcount_cover=cover("C0", hard=True),
        **north(),
    )
    start = Roster(assignments=(Assignment("r1", "C0"),))
    swept = _sweep(prob, start)
    assert Assignment("r1", "C0") in swept.roster.assignments
    assert validate(prob, swept.roster).ok


def test_urgent_reader_floors_are_beyond_best_responses():
    prob = problem(
        shifts(1, "D"),
        [licensed("r1")],
        reading_demand=(ReadingDemand("n1-neuro", "D0", units=8, min_readers=1),),
        **north(),
    )
    assert ReadingResponses.of(prob) is None


def test_sweeps_of_a_national_roster_break_no_rule_and_never_score_worse(first_national):
    roster, objective = first_national.roster, first_national.objective
    moved = []
    for seed in range(3):
        swept = _sweep(PROBLEM, roster, seed)
        report = validate(PROBLEM, swept.roster)
        assert report.messages() == []
        assert report.objective <= objective
        roster, objective = swept.roster, report.objective
        moved.append(swept.moved)
    assert moved[0] > 0  # a 3 s monolithic roster is not a best response for every reader
    assert objective < first_national.objective


def test_fairness_spreads_agree_with_the_validator_before_and_after_a_change(first_national):
    roster = first_national.roster
    shifts_by_id = {s.id: s for s in PROBLEM.shifts}
    schedules = roster.schedules()
    spreads = FairnessCategories(PROBLEM).spreads(
        {r: [shifts_by_id[s] for s in worked] for r, worked in schedules.items()}
    )
    before = validate(PROBLEM, roster).breakdown["fairness"]
    assert spreads.cost() == before
    rng = random.Random(3)
    for reader in rng.sample(PROBLEM.radiologists, 8):
        worked = sorted(schedules.get(reader.id, ()))
        kept = frozenset(worked[: len(worked) // 2])  # drop the later half of the schedule
        changed = Roster.from_schedules({**schedules, reader.id: kept})
        after = validate(PROBLEM, changed).breakdown["fairness"]
        assert spreads.change(reader, [shifts_by_id[s] for s in kept]) == after - before
        assert spreads.cost() == before  # a change asked about is not made


def test_no_fairness_weight_leaves_no_category():
    unweighted = dataclasses.replace(PROBLEM, weights=Weights())
    assert FairnessCategories(unweighted).members == []
