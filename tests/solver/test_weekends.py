"""Maximum weekends worked: Saturday and Sunday of one week are one weekend; history counts."""

import datetime as dt

from factories import cover, problem, reader, rules, shifts

from solver.problem import History


def test_second_weekend_is_left_uncovered(solve_valid):
    p = problem(
        shifts(14), [reader(rules=rules(max_weekends=1))], headcount_cover=cover("D5", "D12")
    )
    assert solve_valid(p).objective == 100


def test_saturday_and_sunday_are_one_weekend(solve_valid):
    p = problem(shifts(7), [reader(rules=rules(max_weekends=1))], headcount_cover=cover("D5", "D6"))
    assert solve_valid(p).objective == 0


def test_weekends_already_worked_count(solve_valid):
    p = problem(
        shifts(7),
        [reader(rules=rules(max_weekends=1), history=History(weekends_worked=1))],
        headcount_cover=cover("D4", "D5"),
    )
    result = solve_valid(p)
    assert result.objective == 100
    assert result.roster.shifts_of("r1") == ["D4"]


def test_the_horizons_weekends_group_their_days_a_weekend_cut_by_an_edge_keeping_one():
    # a horizon from a Sunday over 14 days: that Sunday alone, one whole weekend, a Saturday alone
    p = problem(shifts(14), start_date=dt.date(2027, 1, 3))
    assert p.weekends == {0: (0,), 1: (6, 7), 2: (13,)}
