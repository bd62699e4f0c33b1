"""End to end: Curtois-Qu instances solved by the product's CP-SAT model, refereed independently."""

import dataclasses
import itertools
from pathlib import Path

from scheduler.benchmarks.curtois import CurtoisInstance, read_instance
from scheduler.benchmarks.evaluate import WorkedShift, evaluate
from scheduler.benchmarks.mapping import to_problem, worked_shifts
from scheduler.benchmarks.run import run_curtois
from solver.options import SolveOptions
from solver.roster import SolveStatus
from solver.solve import solve
from solver.validate import validate

FIXTURES = Path(__file__).parents[1] / "fixtures" / "curtois"


def test_instance1_reaches_its_proven_optimum_607() -> None:
    run = run_curtois(
        read_instance(FIXTURES / "Instance1.txt"),
        SolveOptions(max_time_in_seconds=20, num_workers=2, random_seed=1),
    )

    assert run.hard_violations == 0
    assert run.evaluated_objective == 607
    assert run.objective == 607
    assert run.trustworthy


def _brute_force_optimum(instance: CurtoisInstance) -> int:
    """Every hard rule is per person: enumerate each one's valid rows alone, then all pairs."""
    rows = []
    for staff in instance.staff:
        alone = dataclasses.replace(instance, staff=(staff,))
        choices = [None, *(s.id for s in instance.shift_types)]
        candidates = (
            [WorkedShift(staff.id, day, shift) for day, shift in enumerate(row) if shift]
            for row in itertools.product(choices, repeat=instance.horizon)
        )
        rows.append([row for row in candidates if not evaluate(alone, row).violations])
    return min(
        evaluate(instance, [w for row in combination for w in row]).objective
        for combination in itertools.product(*rows)
    )


def test_tiny_solved_to_its_brute_force_optimum() -> None:
    instance = read_instance(FIXTURES / "Tiny.txt")
    problem = to_problem(instance)
    optimum = _brute_force_optimum(instance)

    result = solve(problem, SolveOptions(max_time_in_seconds=5, num_workers=2))

    assert result.status == SolveStatus.OPTIMAL
    assert result.objective == optimum
    assert validate(problem, result.roster).ok
    evaluation = evaluate(instance, worked_shifts(problem, result.roster))
    assert evaluation.violations == ()
    assert evaluation.objective == optimum


def test_instance1_reaches_its_optimum_by_large_neighbourhood_search() -> None:
    instance = read_instance(FIXTURES / "Instance1.txt")
    problem = to_problem(instance)

    result = solve(
        problem,
        SolveOptions(max_time_in_seconds=10, num_workers=2, lns=True, lns_seconds_per_step=0.5),
    )

    assert result.objective == 607
    assert validate(problem, result.roster).objective == 607
    evaluation = evaluate(instance, worked_shifts(problem, result.roster))
    assert evaluation.violations == ()
    assert evaluation.objective == 607
