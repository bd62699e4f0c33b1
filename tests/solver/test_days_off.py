"""Minimum consecutive days off inside the horizon."""

import pytest
from factories import avoid, cover, problem, reader, rules, shifts


@pytest.mark.parametrize(("minimum", "expected"), [(None, 0), (2, 2)])
def test_a_single_day_off_between_shifts_is_too_short(solve_valid, minimum, expected):
    # wanted on days 0, 2, 4; the single days off between them are too short with a minimum of 2,
    # so the reader works days 1 and 3 too, against a wish each
    p = problem(
        shifts(5),
        [reader(availability=(avoid(1), avoid(3)), rules=rules(min_consecutive_days_off=minimum))],
        headcount_cover=cover("D0", "D2", "D4"),
    )
    assert solve_valid(p).objective == expected


def test_days_off_touching_the_ends_are_exempt(solve_valid):
    # off on day 0 alone, then work: the run touches the horizon start
    p = problem(
        shifts(3),
        [reader(availability=(avoid(0, weight=5),), rules=rules(min_consecutive_days_off=3))],
        headcount_cover=cover("D1", "D2"),
    )
    result = solve_valid(p)
    assert result.objective == 0
    assert result.roster.shifts_of("r1") == ["D1", "D2"]
