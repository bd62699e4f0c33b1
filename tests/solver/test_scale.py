"""National scale (slow; run by ``make bench``): 1,000 readers x 12 regions x 28 days.

Checks that the model stays sparse and that a short solve on two workers returns a roster the
validator accepts; the figures are printed for the record, speed targets live in benchmarks/.
"""

import time

import pytest
from factories import national_problem

from solver.model import build_model


@pytest.mark.slow
def test_a_national_month_solves_to_a_valid_roster(solve_valid):
    problem = national_problem()
    started = time.process_time()
    model = build_model(problem)
    build_cpu = time.process_time() - started
    pairs = len(problem.radiologists) * len(problem.shifts)
    assert len(model.ctx.x) < pairs / 4  # licences keep it sparse
    del model

    result = solve_valid(problem, seconds=120, workers=2)
    assert result.status.has_roster
    print(
        f"\nnational 1000x12x28: build {build_cpu:.1f} s CPU, first roster "
        f"{result.first_feasible_seconds:.1f} s, objective {result.objective} "
        f"{result.breakdown}, bound {result.best_bound}, wall {result.wall_seconds:.1f} s"
    )
    # the greedy start already reads nearly all demand; the search must not lose it
    demanded = sum(d.units for d in problem.reading_demand)
    read = sum(a.units for a in result.roster.allocations)
    assert read >= 0.95 * demanded
