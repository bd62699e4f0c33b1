"""No overlap in UTC and a minimum rest between shifts, across several days and from history."""

import pytest
from factories import at, cover, problem, reader, rules, shift

from solver.problem import History


def test_a_night_overlapping_the_next_morning_is_not_worked_with_it(solve_valid):
    p = problem([shift(0, "N"), shift(1, "D", hour=7)], headcount_cover=cover("N0", "D1"))
    assert solve_valid(p).objective == 100


def test_back_to_back_shifts_do_not_overlap(solve_valid):
    p = problem([shift(0, "N"), shift(1, "D", hour=8)], headcount_cover=cover("N0", "D1"))
    assert solve_valid(p).objective == 0


def test_a_later_day_starting_earlier_in_utc_still_clashes(solve_valid):
    # day 1's shift of a far-east site starts at 23:00 UTC on day 0, inside the evening E0 (16-24)
    far_east = shift(1, "T", start=at(0, 23))
    p = problem([shift(0, "E"), far_east], headcount_cover=cover("E0", "T1"))
    assert solve_valid(p).objective == 100


@pytest.mark.parametrize(("rest_hours", "expected"), [(11, 100), (8, 0)])
def test_evening_then_morning_needs_the_rest(solve_valid, rest_hours, expected):
    # E0 ends 24:00, D1 starts 08:00: an 8 h gap
    p = problem(
        [shift(0, "E"), shift(1, "D")],
        [reader(rules=rules(min_rest_minutes=rest_hours * 60))],
        headcount_cover=cover("E0", "D1"),
    )
    assert solve_valid(p).objective == expected


@pytest.mark.parametrize(("second_day", "expected"), [(2, 100), (3, 0)])
def test_a_long_rest_reaches_past_the_next_day(solve_valid, second_day, expected):
    # 48 h rest: D0 ends 16:00 day 0; D2 starts 40 h later, D3 64 h later
    p = problem(
        [shift(0), shift(second_day)],
        [reader(rules=rules(min_rest_minutes=48 * 60))],
        headcount_cover=cover("D0", f"D{second_day}"),
    )
    assert solve_valid(p).objective == expected


@pytest.mark.parametrize(("rest", "expected"), [(11 * 60, 100), (8 * 60, 0), (None, 0)])
def test_rest_counts_from_the_last_shift_before_the_period(solve_valid, rest, expected):
    # the last shift ended at 00:00 on day 0; D0 starts at 08:00
    history = History(last_shift_end=at(0, 0))
    p = problem(
        [shift(0)],
        [reader(rules=rules(min_rest_minutes=rest), history=history)],
        headcount_cover=cover("D0"),
    )
    assert solve_valid(p).objective == expected
