"""Ruin and recreate over best responses: the exact objective it tracks, and moves of several
readers that no single reader's best response finds."""

import random
import time

import pytest
from conftest import solve_and_validate
from factories import licensed, national_problem, north, problem, shifts

from solver.problem import ReadingDemand
from solver.reading_response import ReadingResponses, ResponseState
from solver.roster import Allocation, Assignment, Roster, SolveResult
from solver.ruin_recreate import rebuild
from solver.validate import validate

PROBLEM = national_problem(num_readers=40, num_regions=3, num_days=14, seed=11)


@pytest.fixture(scope="session")
def first_for_rebuilds() -> SolveResult:
    result = solve_and_validate(PROBLEM, seconds=2.0)
    assert result.status.has_roster
    return result


def _responses(prob):
    responses = ReadingResponses.of(prob)
    assert responses is not None
    return responses


def test_two_readers_rebuilt_together_find_what_neither_finds_alone():
    # r1 reads neuro on D0 though only r1 may read body, which goes unread; r2 reads neuro only,
    # which r1 already gives: neither moves alone, both rebuilt in the right order read it all
    prob = problem(
        shifts(1, "D"),
        [licensed("r1", skills=("neuro", "body")), licensed("r2", skills=("neuro",))],
        reading_demand=(
            ReadingDemand("n1-neuro", "D0", units=8),
            ReadingDemand("n1-body", "D0", units=8),
        ),
        **north(),
    )
    start = Roster(
        assignments=(Assignment("r1", "D0"),),
        allocations=(Allocation("r1", "D0", "n1-neuro", 8),),
    )
    responses = _responses(prob)
    swept = responses.sweep(start, random.Random(0), time.perf_counter() + 5)
    assert validate(prob, swept.roster).objective == 800  # stuck for single readers
    rebuilt = rebuild(responses, start, random.Random(0), time.perf_counter() + 0.5)
    report = validate(prob, rebuilt.roster)
    assert report.ok and report.objective == 0
    assert rebuilt.gained == 800
    assert set(rebuilt.roster.allocations) == {
        Allocation("r1", "D0", "n1-body", 8),
        Allocation("r2", "D0", "n1-neuro", 8),
    }


def test_the_tracked_objective_follows_the_validator_through_rebuilds(first_for_rebuilds):
    responses = _responses(PROBLEM)
    roster = first_for_rebuilds.roster
    offset = validate(PROBLEM, roster).objective - ResponseState(responses, roster).objective()
    rng = random.Random(2)
    for _ in range(3):
        rebuilt = rebuild(responses, roster, rng, time.perf_counter() + 0.3)
        report = validate(PROBLEM, rebuilt.roster)
        assert report.messages() == []
        tracked = ResponseState(responses, rebuilt.roster).objective() + offset
        assert tracked == pytest.approx(report.objective)
        before = validate(PROBLEM, roster).objective
        assert report.objective == pytest.approx(before - rebuilt.gained)
        assert report.objective <= before
        roster = rebuilt.roster
    assert validate(PROBLEM, roster).objective < first_for_rebuilds.objective
