"""Maximum consecutive nights, where a night is judged in the reader's own time zone."""

import pytest
from factories import cover, problem, reader, rules, shift, shifts

from solver.problem import History, ShiftKind


def test_maximum_night_run(solve_valid):
    p = problem(
        shifts(4, "N"),
        [reader(rules=rules(max_consecutive_nights=2))],
        headcount_cover=cover("N0", "N1", "N2", "N3"),
    )
    assert solve_valid(p).objective == 100


@pytest.mark.parametrize(("zone", "expected"), [("Asia/Tokyo", 100), ("Europe/Oslo", 0)])
def test_a_day_shift_can_be_a_night_at_home(solve_valid, zone, expected):
    # 14:00-22:00 UTC is 23:00-07:00 in Tokyo: a night there, an afternoon in Oslo
    late = [shift(d, "D", hour=14, kind=ShiftKind.DAY) for d in range(2)]
    p = problem(
        late,
        [reader(home_time_zone=zone, rules=rules(max_consecutive_nights=1))],
        headcount_cover=cover("D0", "D1"),
    )
    assert solve_valid(p).objective == expected


def test_nights_before_the_period_count(solve_valid):
    p = problem(
        [shift(0, "N")],
        [
            reader(
                rules=rules(max_consecutive_nights=2), history=History(consecutive_nights_worked=2)
            )
        ],
        headcount_cover=cover("N0"),
    )
    assert solve_valid(p).objective == 100
