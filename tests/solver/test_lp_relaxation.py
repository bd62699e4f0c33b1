"""solver.model_relaxation and benchmarks.lp_relaxation: the LP relaxation's bound is never
above a validated roster's objective, is positive where a shortfall is unavoidable, and stays
valid for duals that are not optimal (what a first-order LP solver returns)."""

from __future__ import annotations

import numpy as np
import pytest
from factories import cover, problem, reader, shift

from benchmarks.lp_relaxation import lp_lower_bound
from benchmarks.synthetic_problems import synthetic_problem
from solver.model import build_model
from solver.model_relaxation import dual_bound, lp_values, model_proto, relax, solve_relaxation


def small_problem():
    """A week of 16 readers in 3 regions: feasible, with weekend reading left unread."""
    return synthetic_problem(readers=16, regions=3, days=7)


def test_bound_is_at_most_a_validated_roster(solve_valid):
    p = small_problem()
    result = solve_valid(p, seconds=2.0)
    assert result.status.has_roster
    for lp_solver in ("glop-dual", "pdlp"):
        found = lp_lower_bound(p, lp_solver=lp_solver)
        assert 0 < found.bound <= result.objective


def test_unavoidable_shortfall_bounds_the_objective_from_above_zero():
    # one reader, two wanted on D0: one headcount short whatever the roster (weight 100)
    p = problem([shift(0)], [reader("r1")], headcount_cover=cover("D0", required=2))
    found = lp_lower_bound(p, lp_solver="glop-primal")
    assert found.bound == pytest.approx(100, abs=1e-6)
    assert found.bound <= 100


def test_any_duals_give_a_bound_below_the_lp_optimum():
    relaxation = relax(model_proto(build_model(small_problem()).model))
    optimum, duals, status = solve_relaxation(relaxation, "glop-dual")
    assert status == "optimal"
    assert dual_bound(relaxation, duals) == pytest.approx(optimum, rel=1e-6)
    rng = np.random.default_rng(0)
    for _ in range(20):
        perturbed = duals * rng.uniform(0.5, 1.5, duals.size) + rng.normal(0, 1, duals.size)
        assert dual_bound(relaxation, perturbed) <= optimum + 1e-6
    assert dual_bound(relaxation, np.zeros_like(duals)) <= optimum


def test_the_lp_values_score_the_lp_optimum_and_keep_every_row():
    relaxation = relax(model_proto(build_model(small_problem()).model))
    optimum, _, _ = solve_relaxation(relaxation, "glop-primal")
    values = lp_values(relaxation, time_limit=30.0)
    assert values is not None
    r = relaxation
    assert r.scale * (r.objective @ values + r.offset) == pytest.approx(optimum, rel=1e-6)
    activity = r.matrix @ values
    assert np.all(activity >= r.row_low - 1e-6) and np.all(activity <= r.row_high + 1e-6)
    assert np.all(values >= r.column_low - 1e-9) and np.all(values <= r.column_high + 1e-9)
