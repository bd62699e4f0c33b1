"""The model's shape: variables only where they can be true, penalties with readable names."""

import pytest
from factories import cover, national_problem, problem, reader, rules, shift

from solver.constraints.context import entry_matches
from solver.eligibility import may_work_shift
from solver.model import TERMS, build_model
from solver.problem import History
from solver.roster import SolveStatus

PROBLEM = national_problem(num_readers=30, num_regions=3, num_days=7)


def _barred(reader, shift) -> bool:
    hard = [e for e in reader.availability if e.kind.is_hard]
    return shift.day in reader.fixed_days_off or any(entry_matches(e, shift) for e in hard)


def test_assignment_variables_exist_exactly_for_eligible_unbarred_pairs():
    expected = {
        (r.id, s.id)
        for r in PROBLEM.radiologists
        for s in PROBLEM.shifts
        if may_work_shift(PROBLEM, r, s) and not _barred(r, s)
    }
    assert set(build_model(PROBLEM).ctx.x) == expected
    assert len(expected) < len(PROBLEM.radiologists) * len(PROBLEM.shifts) / 2  # sparse


def test_penalties_name_their_term_and_subject():
    model = build_model(PROBLEM)
    assert {p.term for p in model.penalties} <= set(TERMS)
    names = [p.name for p in model.penalties]
    assert any(n.startswith("reading shortfall: R00-s0-") for n in names)
    assert any(n.startswith("fairness of nights") for n in names)
    assert all(p.weight > 0 for p in model.penalties)


def test_the_model_is_valid_for_cp_sat():
    assert build_model(PROBLEM).model.validate() == ""
    assert build_model(PROBLEM, guarded=True).model.validate() == ""


@pytest.mark.parametrize(
    ("limits", "history", "covered"),
    [
        ({"max_weekends": 1}, History(), 2),
        ({"max_weekends": 2}, History(weekends_worked=1), 2),
        ({"max_weekends": 2}, History(), 4),
        ({}, History(), 4),
    ],
)
def test_weekend_day_cap_keeps_every_roster_the_weekend_rule_allows(
    solve_valid, limits, history, covered
):
    # Saturdays and Sundays of two weekends, a day and an evening shift each, one reader wanted on
    # each: a reader allowed k weekends covers one shift on each of 2k days, no fewer
    weekend = [5, 6, 12, 13]
    shift_list = [shift(d, t) for d in weekend for t in ("D", "E")]
    one = reader("r1", rules=rules(**limits), history=history)
    result = solve_valid(
        problem(shift_list, [one], headcount_cover=cover(*(s.id for s in shift_list))),
        seconds=5,
    )
    assert result.status == SolveStatus.OPTIMAL
    assert result.objective == 100 * (len(shift_list) - covered)


def test_a_model_built_unhinted_has_the_same_variables_and_no_hints():
    p = national_problem(num_readers=6, num_regions=2, num_days=7)
    hinted, unhinted = build_model(p), build_model(p, hinted=False)
    assert len(hinted.model.proto.solution_hint.vars) > 0
    assert len(unhinted.model.proto.solution_hint.vars) == 0
    assert len(unhinted.model.proto.variables) == len(hinted.model.proto.variables)
    assert unhinted.ctx.x.keys() == hinted.ctx.x.keys()
    assert not unhinted.plausible_start
