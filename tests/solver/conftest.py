"""``solve_valid``: solve with a short limit and hold the roster to the independent validator."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from solver.options import SolveOptions
from solver.problem import Problem
from solver.roster import SolveResult
from solver.solve import solve
from solver.validate import validate

SolveValid = Callable[..., SolveResult]


def solve_and_validate(
    problem: Problem, *, seconds: float = 2.0, workers: int = 2, seed: int = 0
) -> SolveResult:
    """Solve; when there is a roster, it must break no rule, keep every pin, and score exactly what
    the validator scores, term by term."""
    options = SolveOptions(max_time_in_seconds=seconds, num_workers=workers, random_seed=seed)
    result = solve(problem, options)
    if not result.status.has_roster:
        return result
    assert result.progress[-1].objective == result.objective
    report = validate(problem, result.roster)
    assert report.messages() == []
    assert result.objective == report.objective
    assert {k: v for k, v in result.breakdown.items() if v} == {
        k: v for k, v in report.breakdown.items() if v
    }
    assigned = {(a.radiologist, a.shift_id) for a in result.roster.assignments}
    for pin in problem.pins:
        if pin.shift_id is not None:
            assert (pin.radiologist, pin.shift_id) in assigned
    return result


@pytest.fixture
def solve_valid() -> SolveValid:
    return solve_and_validate
