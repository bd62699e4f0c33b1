"""The column phase of the LNS: column generation's bound and its LP-guided roster."""

from factories import cover, problem, reader, rules, shifts
from test_lns import WARD, _options, _valid

from solver.column_phase import lp_guided_roster
from solver.lns import solve_lns
from solver.roster import Assignment, Roster
from solver.solve import solve
from solver.validate import validate


def test_lns_with_column_generation_reports_a_valid_bound_and_roster():
    result = solve_lns(WARD, _options(6.0, column_generation=True))
    objective = _valid(result)
    # the ward's cover can be met only in part: its bound is a real one, not CP-SAT's trivial 0
    assert result.best_bound is not None
    assert 0 < result.best_bound <= objective


def test_the_column_bound_never_exceeds_the_proven_optimum():
    shift_list = shifts(7, "D", "E")
    tight = problem(
        shift_list,
        [
            reader(f"r{i}", rules=rules(max_consecutive_days=3, max_total_minutes=4 * 480))
            for i in range(3)
        ],
        headcount_cover=cover(*(s.id for s in shift_list), required=1, weight_over=1),
        forbidden_successions=frozenset({("E", "D")}),
    )
    proven = solve(tight, _options(20.0))
    assert proven.status.name == "OPTIMAL"
    # 14 shifts to staff, 3 readers of at most 4 shifts each: at least 2 stay uncovered
    assert proven.objective >= 200
    start = Roster()
    phase = lp_guided_roster(tight, start, 10.0, workers=2)
    assert 200 <= phase.bound <= proven.objective
    assert phase.chosen is not None
    report = validate(tight, phase.chosen.roster)
    assert report.messages() == []
    assert report.objective == phase.chosen.objective >= proven.objective


def test_an_empty_start_is_a_valid_start():
    p = problem(shifts(2), [reader("r1")], headcount_cover=cover("D0", "D1"))
    phase = lp_guided_roster(p, Roster(assignments=(Assignment("r1", "D0"),)), 3.0, workers=1)
    assert phase.bound == 0  # one reader may work both days: everything can be covered
    assert phase.chosen is not None and phase.chosen.objective == 0


def test_a_roster_the_column_bound_proves_optimal_ends_the_search(monkeypatch):
    import solver.lns as lns

    def no_further_search(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("searched on after the column phase proved its roster optimal")

    monkeypatch.setattr(lns, "_monolithic", no_further_search)
    monkeypatch.setattr(lns, "_improve", no_further_search)
    p = problem(shifts(2), [reader("r1")], headcount_cover=cover("D0", "D1"))
    result = solve_lns(p, _options(5.0, column_generation=True))
    assert result.status.name == "OPTIMAL" and result.objective == 0
    assert _valid(result, p) == 0


def test_a_bound_may_prove_only_objectives_up_to_the_lp_value_rounded_up():
    from solver.column_phase import _provable

    assert _provable(3143.2) == 3144
    assert _provable(3144.0000001) == 3144  # GLOP's noise is no unit of objective
    assert _provable(3144.0) == 3144


def test_an_lp_far_from_its_bound_at_half_time_guides_no_dive(monkeypatch):
    import dataclasses

    import solver.column_dive as column_dive_module
    import solver.column_phase as column_phase
    import solver.shift_dive as shift_dive_module
    from solver.column_bound import ColumnGeneration

    real_run = ColumnGeneration.run

    def unconverged(self, deadline, **kwargs):
        # a real round's result, as if pricing had only begun: the bound far under the LP
        result = real_run(self, deadline, **kwargs)
        return dataclasses.replace(result, bound=1.0, lp_value=100.0, converged=False)

    def no_dive(*_args, **_kwargs):
        raise AssertionError("dived from an LP that is no guide")

    monkeypatch.setattr(ColumnGeneration, "run", unconverged)
    monkeypatch.setattr(shift_dive_module, "shift_dive", no_dive)
    monkeypatch.setattr(column_dive_module, "dive", no_dive)
    p = problem(shifts(4), [reader("r1"), reader("r2")], headcount_cover=cover("D0", "D1"))
    phase = column_phase.lp_guided_roster(p, Roster(), 4.0, workers=1)
    assert phase.chosen is None
    assert phase.bound == 1.0 and not phase.converged
