"""Consecutive worked days: maximum with history, minimum with the horizon's ends exempt."""

import pytest
from factories import avoid, cover, problem, reader, rules, shifts

from solver.problem import History

ALL_WEEK = cover(*(f"D{d}" for d in range(7)))


def test_maximum_run_forces_a_day_off(solve_valid):
    p = problem(shifts(7), [reader(rules=rules(max_consecutive_days=3))], headcount_cover=ALL_WEEK)
    result = solve_valid(p)
    assert result.objective == 100  # 3 on, 1 off, 3 on


@pytest.mark.parametrize(("before", "expected"), [(0, 0), (2, 0), (3, 100)])
def test_days_worked_before_the_period_count(solve_valid, before, expected):
    p = problem(
        shifts(3),
        [
            reader(
                rules=rules(max_consecutive_days=3), history=History(consecutive_days_worked=before)
            )
        ],
        headcount_cover=cover("D0"),
    )
    assert solve_valid(p).objective == expected


def test_minimum_run_inside_the_horizon(solve_valid):
    # D3 is wanted; working it means a run of 3 around it: two days against a wish
    wishes = tuple(avoid(d) for d in range(7) if d != 3)
    p = problem(
        shifts(7),
        [reader(availability=wishes, rules=rules(min_consecutive_days=3))],
        headcount_cover=cover("D3"),
    )
    result = solve_valid(p)
    assert result.objective == 2
    assert len(result.roster.assignments) == 3


@pytest.mark.parametrize("edge_day", [0, 6])
def test_runs_touching_the_horizon_ends_are_exempt(solve_valid, edge_day):
    wishes = tuple(avoid(d) for d in range(7) if d != edge_day)
    p = problem(
        shifts(7),
        [reader(availability=wishes, rules=rules(min_consecutive_days=3))],
        headcount_cover=cover(f"D{edge_day}"),
    )
    result = solve_valid(p)
    assert result.objective == 0
    assert result.roster.shifts_of("r1") == [f"D{edge_day}"]
