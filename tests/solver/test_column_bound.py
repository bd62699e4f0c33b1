"""The column-generation lower bound: never above a roster's objective, tight where the LP is, and
within its time limit."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest
from factories import avoid, cover, licensed, national_problem, north, problem, reader, rules, shift
from factories import shifts as shift_range
from hypothesis import HealthCheck, given, settings
from test_properties import problems

from scheduler.benchmarks.curtois import read_instance
from scheduler.benchmarks.mapping import to_problem
from solver.column_bound import column_bound
from solver.column_master import RestrictedMaster, build_coupling
from solver.model import build_model
from solver.options import SolveOptions
from solver.per_reader import one_reader_problem
from solver.problem import HeadcountCover, Problem, ReadingDemand, ShiftKind, Weights
from solver.roster import Assignment, Roster
from solver.solve import solve
from solver.validate import validate

CURTOIS = Path(__file__).parents[1] / "fixtures" / "curtois"


def integer_bound(bound: float) -> int:
    return math.ceil(bound - 1e-6)


def assert_columns_meet_own_rules(p: Problem, columns: dict[str, list[frozenset[str]]]) -> None:
    for r in p.radiologists:
        alone = one_reader_problem(p, r)
        for shifts in columns[r.id]:
            roster = Roster(tuple(sorted(Assignment(r.id, s) for s in shifts)))
            assert validate(alone, roster).messages() == []


def master_value_of(p: Problem, roster: Roster) -> float:
    """The master LP holding only the schedules of ``roster``, one per reader."""
    coupling = build_coupling(build_model(p), hard_slack_cost=1e6)
    master = RestrictedMaster(coupling, [r.id for r in p.radiologists])
    days = {s.id: s.day for s in p.shifts}
    for r in p.radiologists:
        shifts = frozenset(roster.shifts_of(r.id))
        own = validate(one_reader_problem(p, r), Roster.from_schedules({r.id: shifts}))
        weekends = p.weekends_worked(days[s] for s in shifts)
        coefficients = coupling.column_coefficients(r.id, shifts, weekends)
        master.add_column(r.id, float(own.objective), coefficients)
    return master.solve()[0]


def test_tiny_problem_bound_is_its_optimum():
    # r2 works one shift at most: r1 covers the other, cheapest on D1 (avoid weight 3, not 5)
    p = problem(
        shift_range(2),
        [
            reader("r1", availability=(avoid(0, weight=5), avoid(1, weight=3))),
            reader("r2", rules=rules(max_shifts_per_kind={ShiftKind.DAY: 1})),
        ],
        headcount_cover=cover("D0", "D1"),
    )
    result = column_bound(p, 10)
    assert result.converged
    assert result.bound == pytest.approx(3, abs=1e-6)
    assert result.lp_value == pytest.approx(3, abs=1e-6)
    assert_columns_meet_own_rules(p, result.columns)
    assert all(len(result.lp_weights[r]) == len(result.columns[r]) for r in result.columns)


def test_fairness_bound_is_the_shared_nights_optimum():
    # as tests/solver/test_fairness.py: two nights each, two of r1's wishes broken, objective 2
    wishes = tuple(avoid(d) for d in range(4))
    p = problem(
        shift_range(4, "N"),
        [reader("r1", availability=wishes), reader("r2")],
        headcount_cover=cover("N0", "N1", "N2", "N3"),
        weights=Weights(fairness_nights=10),
    )
    result = column_bound(p, 10)
    assert result.bound <= 2 + 1e-6
    assert integer_bound(result.bound) == 2


def test_reading_cover_bound_is_the_optimum():
    # both readers on: 16 units for 10 neuro + 6 body, r2's wish (30) broken; anything less leaves
    # at least 8 units unread at 10 each
    demand = (
        ReadingDemand("n1-neuro", "D0", units=10, weight_under=10),
        ReadingDemand("n1-body", "D0", units=6, weight_under=10),
    )
    p = problem(
        [shift(0, "D", region="N")],
        [
            licensed("r1"),
            licensed("r2", skills=("neuro", "body"), availability=(avoid(0, weight=30),)),
        ],
        reading_demand=demand,
        **north(),
    )
    result = column_bound(p, 10)
    assert result.bound <= 30 + 1e-6
    assert integer_bound(result.bound) == 30


def test_a_master_of_one_roster_scores_it_as_the_validator():
    # headcount (soft and hard), fairness of nights and weekends, wishes: coupling rows are exact
    p = problem(
        [*shift_range(7, "D", "N")],
        [
            reader("r1", availability=(avoid(1),)),
            reader("r2", fte=0.5),
            reader("r3", rules=rules(max_shifts_per_kind={ShiftKind.NIGHT: 2})),
        ],
        headcount_cover=(
            *cover("D0", "D1", "D5", "N5", required=2, weight_over=1),
            HeadcountCover("N6", 1, hard=True),
        ),
        weights=Weights(fairness_nights=3, fairness_weekends=2),
    )
    result = solve(p, SolveOptions(max_time_in_seconds=2, num_workers=2))
    assert result.status.has_roster
    assert master_value_of(p, result.roster) == pytest.approx(validate(p, result.roster).objective)


def test_curtois_instance1_bound():
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    result = column_bound(p, 20, workers=2)
    assert result.bound <= 607  # the proven optimum
    # the Dantzig-Wolfe LP of Instance1 with these schedule columns is 558: reached, or its
    # integer bound proven (the master's value rounded up, which no round can pass)
    assert result.converged or integer_bound(result.bound) == integer_bound(result.lp_value)
    assert integer_bound(result.bound) == 558
    assert_columns_meet_own_rules(p, result.columns)


@pytest.mark.alone  # wall time: no other test may share the cores (pytest -n)
def test_time_limit_is_honoured():
    p = national_problem(num_readers=30, num_regions=2, num_days=14)
    began = time.perf_counter()
    result = column_bound(p, 3)
    elapsed = time.perf_counter() - began
    assert elapsed < 3 + 2.5
    assert result.seconds <= elapsed
    assert not result.converged
    assert result.bound >= 0


def test_no_time_for_a_round_still_gives_a_valid_bound():
    p = national_problem(num_readers=10, num_regions=2, num_days=7)
    result = column_bound(p, 0.001)
    assert result.iterations == 0
    assert result.bound == 0


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(problems())
def test_bound_never_exceeds_a_valid_roster(problem):
    solved = solve(problem, SolveOptions(max_time_in_seconds=1, num_workers=1))
    result = column_bound(problem, 1.5)
    if not solved.status.has_roster:
        return
    # when CP-SAT proved the roster optimal, this is the bound against the optimum itself
    assert result.bound <= validate(problem, solved.roster).objective + 1e-6
    assert_columns_meet_own_rules(problem, result.columns)


def test_a_pricing_search_stopped_before_it_started_gives_only_the_prices_floor(monkeypatch):
    """CP-SAT stopped before its presolve reports 0 as its bound: that must not count as one (it
    made Curtois-Qu 15's bound 7,872 against a best-known roster of 3,829)."""
    from ortools.sat.python import cp_model

    from solver.column_pricing import ReaderPricing

    p = problem(shift_range(3, "D", "E"), [reader("r1")])
    pricing = ReaderPricing(p, p.radiologists[0])
    pricing.program = None  # CP-SAT's search, not the schedule program
    prices = {"D0": -5.0, "E0": -7.0, "D1": -2.0, "E2": 3.0}
    proven = pricing.price(prices, 0.0, 5.0, 1)
    assert proven.proven and proven.lower_bound == pytest.approx(-9.0)  # E0 and D1

    real_solve = cp_model.CpSolver.solve

    def stopped_early(self, model, callback=None):
        real_solve(self, model, callback)
        return cp_model.UNKNOWN

    monkeypatch.setattr(cp_model.CpSolver, "solve", stopped_early)
    monkeypatch.setattr(cp_model.CpSolver, "best_objective_bound", property(lambda self: 0.0))
    unstarted = pricing.price(prices, 0.0, 5.0, 1)
    assert not unstarted.proven
    assert unstarted.lower_bound == pytest.approx(-9.0)  # the cheapest shift of each day
    assert unstarted.lower_bound <= proven.lower_bound


def test_a_master_solved_column_by_column_agrees_with_one_solved_once():
    # GLOP re-solves from the basis it keeps itself; the duals left out of the read-back are 0
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    result = column_bound(p, 5, workers=1)
    coupling = build_coupling(build_model(p), hard_slack_cost=1e6)
    readers = [r.id for r in p.radiologists]
    grown, once = RestrictedMaster(coupling, readers), RestrictedMaster(coupling, readers)
    days = {s.id: s.day for s in p.shifts}
    columns = []
    for r in p.radiologists:
        for shifts in result.columns[r.id]:
            own = validate(one_reader_problem(p, r), Roster.from_schedules({r.id: shifts}))
            coefficients = coupling.column_coefficients(
                r.id, shifts, p.weekends_worked(days[s] for s in shifts)
            )
            columns.append((r.id, float(own.objective), coefficients))
    for reader_id, cost, coefficients in columns:
        grown.add_column(reader_id, cost, coefficients)
        once.add_column(reader_id, cost, coefficients)
        if len(grown.columns[reader_id]) % 3 == 1:
            grown.solve()
    value, duals, convexity = grown.solve()
    assert value == pytest.approx(once.solve()[0])
    assert len(duals) == len(coupling.rows)
    # at the master's optimum no column prices out: its duals were read back whole
    for reader_id, cost, coefficients in columns:
        reduced = cost - convexity[reader_id] - sum(duals[i] * c for i, c in coefficients.items())
        assert reduced >= -1e-6 * max(1.0, abs(cost))


def test_a_master_glop_fails_to_resolve_is_solved_again_from_no_basis():
    # GLOP now and then ends ABNORMAL from its kept basis (OR-Tools 9.15 raises an
    # AttributeError for it): the master starts a new solver rather than end the bound
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    coupling = build_coupling(build_model(p), hard_slack_cost=1e6)
    master = RestrictedMaster(coupling, [r.id for r in p.radiologists])
    value = master.solve()[0]

    class Broken:
        def solve(self, **_: object) -> None:
            raise AttributeError("'StatusNotOk' object has no attribute 'canonical_code'")

    master.solver = Broken()
    assert master.solve()[0] == pytest.approx(value)
    assert not isinstance(master.solver, Broken)


def test_readers_priced_side_by_side_price_as_one_by_one():
    from solver.column_bound import ColumnGeneration

    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    rounds = []
    for workers in (1, 2):
        generation = ColumnGeneration(p, start=Roster(), workers=workers)
        generation.search.deadline = time.perf_counter() + 30
        generation.search.heuristic = True  # the program alone, in threads when workers > 1
        _, duals, convexity = generation.master.solve()
        signed = generation.coupling.signed(duals)
        priced = generation.search.price_round(signed, signed, convexity)
        assert priced is not None
        columns = {r: [c.shifts for c in cs] for r, cs in generation.pool.columns.items()}
        rounds.append((priced.lagrangian, priced.added, columns))
    assert rounds[0][1] > 0
    assert rounds[0] == rounds[1]
