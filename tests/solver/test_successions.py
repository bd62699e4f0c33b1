"""Forbidden successions: template a on day d rules out template b on day d + 1 only."""

import pytest
from factories import cover, problem, shift


@pytest.mark.parametrize(
    ("banned", "expected"), [(frozenset({("N", "D")}), 100), (frozenset({("D", "N")}), 0)]
)
def test_night_then_day_is_forbidden_one_way(solve_valid, banned, expected):
    # N0 ends 08:00 on day 1, when D1 starts: no overlap, only the succession rule separates them
    p = problem(
        [shift(0, "N"), shift(1, "D")],
        headcount_cover=cover("N0", "D1"),
        forbidden_successions=banned,
    )
    assert solve_valid(p).objective == expected


def test_the_rule_skips_a_day_in_between(solve_valid):
    p = problem(
        [shift(0, "N"), shift(2, "D")],
        headcount_cover=cover("N0", "D2"),
        forbidden_successions=frozenset({("N", "D")}),
    )
    assert solve_valid(p).objective == 0
