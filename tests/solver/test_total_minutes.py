"""Minimum and maximum minutes over the horizon, and the average weekly cap."""

import dataclasses

from factories import avoid, cover, problem, reader, rules, shift, shifts


def test_maximum_minutes_cap_the_shifts(solve_valid):
    p = problem(
        shifts(4),
        [reader(rules=rules(max_total_minutes=960))],  # two 8 h shifts
        headcount_cover=cover("D0", "D1", "D2", "D3"),
    )
    assert solve_valid(p).objective == 200


def test_minimum_minutes_force_unwanted_shifts(solve_valid):
    wishes = tuple(avoid(d) for d in range(5))
    p = problem(shifts(5), [reader(availability=wishes, rules=rules(min_total_minutes=1440))])
    result = solve_valid(p)
    assert result.objective == 3  # three 8 h shifts, each against a wish
    assert len(result.roster.assignments) == 3


def test_average_weekly_cap_scales_with_the_horizon(solve_valid):
    # 1,000 min a week over 14 days: 2,000 min, so four 480-min shifts of the 14 wanted
    p = problem(
        shifts(14),
        [reader(rules=rules(max_average_weekly_minutes=1000))],
        headcount_cover=cover(*(f"D{d}" for d in range(14))),
    )
    result = solve_valid(p, seconds=4)
    assert result.objective == 1000


def test_on_call_counts_only_its_work_minutes(solve_valid):
    # 960 min allow two 8 h shifts; an on-call counting 120 min fits beside them.

    days = tuple(dataclasses.replace(s, work_minutes=120) if s.id == "D2" else s for s in shifts(3))
    p = problem(
        days,
        [reader(rules=rules(max_total_minutes=1080))],
        headcount_cover=cover("D0", "D1", "D2"),
    )
    result = solve_valid(p)
    assert result.objective == 0
    assert len(result.roster.assignments) == 3


def test_on_call_counts_its_work_minutes_only(solve_valid):
    # three 16 h on-calls counted as 4 h each fit a 12 h cap; counted in full, only one would
    calls = [shift(d, "C", work_minutes=240) for d in (0, 2, 4)]
    p = problem(
        calls,
        [reader(rules=rules(max_total_minutes=720))],
        headcount_cover=cover("C0", "C2", "C4"),
    )
    assert solve_valid(p).objective == 0
