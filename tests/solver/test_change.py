"""Re-solve: the reference roster is hinted; each reference pair not kept costs Weights.change."""

import pytest
from factories import avoid, cover, problem, reader, shifts

from solver.problem import Weights


@pytest.mark.parametrize(("change", "expected", "worker"), [(5, 3, "r1"), (2, 2, "r2")])
def test_moving_costs_the_change_weight(solve_valid, change, expected, worker):
    p = problem(
        shifts(1),
        [reader("r1", availability=(avoid(0, weight=3),)), reader("r2")],
        headcount_cover=cover("D0"),
        reference=frozenset({("r1", "D0")}),
        weights=Weights(change=change),
    )
    result = solve_valid(p)
    assert result.objective == expected
    assert result.roster.shifts_of(worker) == ["D0"]


def test_a_reference_pair_that_no_longer_exists_counts_as_moved(solve_valid):
    p = problem(
        shifts(1),
        reference=frozenset({("r1", "D0"), ("r1", "gone")}),
        weights=Weights(change=4),
    )
    result = solve_valid(p)
    assert result.breakdown["change"] == 4
    assert result.roster.shifts_of("r1") == ["D0"]
