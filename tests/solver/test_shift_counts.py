"""Per-reader maxima per template and per kind."""

from factories import cover, problem, reader, rules, shift, shifts

from solver.model import build_model
from solver.problem import ShiftKind


def test_template_maximum_leaves_the_rest_uncovered(solve_valid):
    p = problem(
        shifts(5),
        [reader(rules=rules(max_shifts_per_template={"D": 2}))],
        headcount_cover=cover(*(f"D{d}" for d in range(5))),
    )
    result = solve_valid(p)
    assert result.objective == 300
    assert len(result.roster.assignments) == 2


def test_kind_maximum_counts_across_templates(solve_valid):
    # two night templates of one kind: a limit of 1 night in all
    late = shift(2, "L", kind=ShiftKind.NIGHT, hour=22, minutes=600)
    p = problem(
        [shift(0, "N"), late],
        [reader(rules=rules(max_shifts_per_kind={ShiftKind.NIGHT: 1}))],
        headcount_cover=cover("N0", "L2"),
    )
    assert solve_valid(p).objective == 100


def test_a_zero_maximum_is_a_missing_qualification():
    p = problem(shifts(2, "D", "N"), [reader(rules=rules(max_shifts_per_template={"N": 0}))])
    assert set(build_model(p).ctx.x) == {("r1", "D0"), ("r1", "D1")}
