"""Diving shift by shift in the column-generation LP: a valid roster, scored as the validator
scores it and never below the bound, and a master free again after the dive."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest
from test_schedule_dp_search import nights_pay_best

from scheduler.benchmarks.curtois import read_instance
from scheduler.benchmarks.mapping import to_problem
from solver import column_bound as column_bound_module
from solver import column_phase
from solver import shift_dive as shift_dive_module
from solver.column_bound import ColumnGeneration
from solver.column_phase import lp_guided_roster
from solver.column_pricing import ReaderPricing
from solver.roster import Roster
from solver.shift_dive import _choices, decided_shifts, shift_dive
from solver.validate import validate

CURTOIS = Path(__file__).parents[1] / "fixtures" / "curtois"


def test_dive_reaches_a_valid_roster_no_better_than_the_bound():
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    generation = ColumnGeneration(p)
    generated = generation.run(time.perf_counter() + 20)
    assert generation.search.prices_quickly()
    scored: list[float] = []

    def objective(schedules: dict[str, frozenset[str]]) -> float:
        scored.append(validate(p, Roster.from_schedules(schedules)).objective)
        return scored[-1]

    dived = shift_dive(generation, time.perf_counter() + 30, objective)
    assert dived.best is not None and dived.complete
    report = validate(p, Roster.from_schedules(dived.best))
    assert report.messages() == []
    assert report.objective == dived.best_score == min(scored)
    assert dived.best_score >= math.ceil(generated.bound - 1e-6)
    assert generation.search.forced == {}


def test_the_dive_prices_heuristically_and_proves_again_after(monkeypatch):
    # a dive wants columns, not proofs (solver.column_pricing's heuristic pricing)
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    generation = ColumnGeneration(p)
    generation.run(time.perf_counter() + 20)
    seen: list[bool] = []
    search_type = type(generation.search)
    original = search_type.price_round

    def recorded(self, *args):
        seen.append(self.heuristic)
        return original(self, *args)

    monkeypatch.setattr(search_type, "price_round", recorded)

    def objective(schedules: dict[str, frozenset[str]]) -> float:
        return validate(p, Roster.from_schedules(schedules)).objective

    dived = shift_dive(generation, time.perf_counter() + 30, objective)
    assert dived.steps > 0
    assert seen and all(seen)
    assert generation.search.heuristic is False


def test_heuristic_pricing_takes_the_programs_schedule_without_cp_sat(monkeypatch):
    p, r, prices = nights_pay_best()
    pricing = ReaderPricing(p, r)

    def no_search(*args, **kwargs):
        raise AssertionError("CP-SAT searched")

    monkeypatch.setattr(pricing, "_search", no_search)
    result = pricing.price(prices, 0.0, 5.0, 1, enough=-200.0, heuristic=True)
    assert not result.searched and result.schedules
    # below the convexity dual, the program's own search of the cap's gap gives the least, not
    # merely a schedule keeping the cap (two nights and four days: -140)
    result = pricing.price(prices, 0.0, 5.0, 1, enough=-100.0, heuristic=True)
    (schedule,) = result.schedules
    assert schedule.own_cost + sum(prices[s] for s in schedule.shifts) == pytest.approx(-140.0)
    assert result.proven
    with pytest.raises(AssertionError, match="CP-SAT searched"):
        pricing.price(prices, 0.0, 5.0, 1)  # no threshold, no heuristic: the least is wanted


def test_release_lets_every_schedule_enter_again():
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    generation = ColumnGeneration(p)
    generation.run(time.perf_counter() + 20)
    reader = p.radiologists[0].id
    generation.master.allow_only(reader, set())
    generation.search.forced = {reader: frozenset({"x"})}
    generation.search.forbidden = {reader: frozenset({"y"})}
    generation.release()
    assert generation.search.forced == {} and generation.search.forbidden == {}
    assert all(var.upper_bound == math.inf for var in generation.master.columns[reader])


def test_choices_rank_every_sure_share_then_one_unsure_shift_per_reader():
    shares = [(0.95, "a", "D1"), (0.5, "c", "D3"), (0.92, "a", "D2"), (0.3, "c", "D4")]
    shares += [(0.6, "b", "D5"), (0.7, "b", "D6"), (0.4, "a", "D7")]
    # a's sure shifts, then b's and c's largest shares; a already has a choice
    assert _choices(shares) == [("a", "D1"), ("a", "D2"), ("b", "D6"), ("c", "D3")]


def test_choices_that_cost_too_much_together_are_halved(monkeypatch):
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    # without the greedy roster's columns: with them, the two costly choices the dive meets on
    # this instance tie with their other branch (564.5 and 614 both ways) and forcing stays;
    # without, five do not tie and the other branch is taken, which is what this test is about
    monkeypatch.setattr(column_bound_module, "_greedy_roster", lambda _model: None)
    generation = ColumnGeneration(p)
    generation.run(time.perf_counter() + 20)
    monkeypatch.setattr(shift_dive_module, "STEP_RISE", 0.0)  # every rise costs too much
    monkeypatch.setattr(shift_dive_module, "SURE", 1.1)  # no sure shares: a batch per step
    calls: list[tuple[bool, int]] = []
    original = shift_dive_module._force

    def recorded(generation, forced, forbidden, chosen, *, add, forbid=False):
        if not forbid and not (not add and len(chosen) == 1):  # batches, not other branches
            calls.append((add, len(chosen)))
        return original(generation, forced, forbidden, chosen, add=add, forbid=forbid)

    monkeypatch.setattr(shift_dive_module, "_force", recorded)
    # a single choice's other branch is weighed apart (the next test)
    monkeypatch.setattr(shift_dive_module, "_other_branch", lambda *args: args[-1])

    def objective(schedules: dict[str, frozenset[str]]) -> float:
        return validate(p, Roster.from_schedules(schedules)).objective

    dived = shift_dive(generation, time.perf_counter() + 30, objective)
    undone = [i for i, (add, _) in enumerate(calls) if not add]
    assert undone, "no batch was undone"
    for i in undone:  # the same choices undone, then the surer half of them tried
        assert calls[i - 1] == (True, calls[i][1])
        assert calls[i + 1] == (True, calls[i][1] // 2)
    assert dived.best is not None
    assert validate(p, Roster.from_schedules(dived.best)).messages() == []


def test_haste_allows_larger_rises_only_in_the_last_part_of_the_dive():
    haste = shift_dive_module.haste
    assert haste(0.0, 100.0, 10.0) == 1.0
    assert haste(0.0, 100.0, 50.0) == 1.0  # HASTE_FROM: half the time spent
    assert haste(0.0, 100.0, 75.0) == pytest.approx(2.0)  # a quarter left: twice the rise
    assert haste(0.0, 100.0, 90.0) == pytest.approx(5.0)
    assert haste(0.0, 100.0, 99.9) == shift_dive_module.MAX_HASTE
    assert haste(0.0, 100.0, 120.0) == shift_dive_module.MAX_HASTE  # past the deadline
    assert haste(5.0, 5.0, 5.0) == shift_dive_module.MAX_HASTE  # no time at all


def test_a_hasty_dive_halves_no_batch(monkeypatch):
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    generation = ColumnGeneration(p)
    generation.run(time.perf_counter() + 20)
    monkeypatch.setattr(shift_dive_module, "SURE", 1.1)  # no sure shares: a batch per step
    monkeypatch.setattr(shift_dive_module, "haste", lambda *_: 1e9)  # any rise is allowed
    undone: list[int] = []
    original = shift_dive_module._force

    def recorded(generation, forced, forbidden, chosen, *, add, forbid=False):
        if not add:
            undone.append(len(chosen))
        return original(generation, forced, forbidden, chosen, add=add, forbid=forbid)

    monkeypatch.setattr(shift_dive_module, "_force", recorded)

    def objective(schedules: dict[str, frozenset[str]]) -> float:
        return validate(p, Roster.from_schedules(schedules)).objective

    dived = shift_dive(generation, time.perf_counter() + 30, objective)
    assert dived.complete
    assert undone == []  # every step's choices held, however much they raised the LP
    assert dived.best is not None
    assert validate(p, Roster.from_schedules(dived.best)).messages() == []


def test_decided_shifts_are_those_the_lp_works_or_leaves_nearly_surely():
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    reader = p.radiologists[0].id
    first, second, third = (s.id for s in p.shifts[:3])
    shares = {reader: {first: 1.0, second: 0.995, third: 0.5}}
    working, idle = decided_shifts(p, shares)
    assert working == [(reader, first), (reader, second)]
    assert (reader, third) not in idle
    assert len(idle) == len(p.shifts) - 3  # every shift it has no share of


def test_a_dive_out_of_time_keeps_the_shifts_its_lp_decided(monkeypatch):
    # no time for the dive shift by shift: the shifts its LP decided are kept and the rest is
    # searched, still a valid roster above the bound
    monkeypatch.setattr(column_phase, "SHIFT_DIVE_SHARE", 0.0)
    searched: list[tuple[object, object]] = []
    original = column_phase._search_the_undecided

    def recorded(problem, dived, *args):
        chosen = original(problem, dived, *args)
        searched.append((dived, chosen))
        return chosen

    monkeypatch.setattr(column_phase, "_search_the_undecided", recorded)
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    phase = lp_guided_roster(p, Roster(), 20)
    assert phase.chosen is not None
    report = validate(p, phase.chosen.roster)
    assert report.messages() == []
    assert phase.bound <= phase.chosen.objective
    [(dived, chosen)] = searched
    assert chosen is not None
    working, idle = decided_shifts(p, dived.shares)
    worked = {(a.radiologist, a.shift_id) for a in chosen.roster.assignments}
    assert working and set(working) <= worked
    assert not set(idle) & worked


def test_column_phase_gives_a_valid_roster_and_a_bound_below_it():
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    phase = lp_guided_roster(p, Roster(), 30)
    assert phase.chosen is not None
    report = validate(p, phase.chosen.roster)
    assert report.messages() == []
    assert report.objective == phase.chosen.objective
    assert phase.bound <= phase.chosen.objective
    assert phase.bound <= 607  # the proven optimum


def test_pricing_is_not_quick_while_cp_sat_searches_often():
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    generation = ColumnGeneration(p)
    generation.run(time.perf_counter() + 20)
    assert generation.search.prices_quickly()
    generation.search.searched_share = 0.5  # half the calls of late rounds searched by CP-SAT
    assert not generation.search.prices_quickly()


def test_pricing_stops_once_the_bound_is_near_enough():
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    full = ColumnGeneration(p).run(time.perf_counter() + 20)
    stopped = ColumnGeneration(p).run(time.perf_counter() + 20, near=0.5)
    assert stopped.iterations < full.iterations
    assert stopped.bound >= stopped.lp_value * 0.5
    assert stopped.bound <= 607


def test_a_single_costly_choice_takes_the_branch_raising_the_lp_less(monkeypatch):
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    # without the greedy roster's columns: with them, the two costly choices the dive meets on
    # this instance tie with their other branch (564.5 and 614 both ways) and forcing stays;
    # without, five do not tie and the other branch is taken, which is what this test is about
    monkeypatch.setattr(column_bound_module, "_greedy_roster", lambda _model: None)
    generation = ColumnGeneration(p)
    generation.run(time.perf_counter() + 20)
    monkeypatch.setattr(shift_dive_module, "STEP_RISE", 0.0)  # every rise costs too much
    monkeypatch.setattr(shift_dive_module, "SURE", 1.1)
    original = shift_dive_module._other_branch
    forbidden_taken = 0

    def weighed(generation, forced, forbidden, choice, forcing_value):
        nonlocal forbidden_taken
        value = original(generation, forced, forbidden, choice, forcing_value)
        reader, shift_id = choice
        search, pool = generation.search, generation.pool
        # exactly one branch holds, and the master mixes only schedules that keep it
        assert (shift_id in search.forbidden.get(reader, ())) != (
            shift_id in search.forced.get(reader, ())
        )
        if shift_id in search.forbidden[reader]:
            forbidden_taken += 1
            assert value <= forcing_value + 1e-6
        weights = generation.master.weights()[reader]
        for weight, column in zip(weights, pool.columns[reader], strict=True):
            if weight > 1e-9:
                assert (shift_id in column.shifts) == (shift_id in search.forced[reader])
        return value

    monkeypatch.setattr(shift_dive_module, "_other_branch", weighed)

    def objective(schedules: dict[str, frozenset[str]]) -> float:
        return validate(p, Roster.from_schedules(schedules)).objective

    dived = shift_dive(generation, time.perf_counter() + 30, objective)
    assert forbidden_taken > 0, "no choice's other branch was taken"
    assert dived.best is not None
    assert validate(p, Roster.from_schedules(dived.best)).messages() == []
    assert generation.search.forbidden == {} and generation.search.forced == {}


def test_a_dive_out_of_time_stops_at_once_not_halving_its_batch(monkeypatch):
    # Curtois-Qu 13 overran a dive's 11 s by 8 s: each halving of a batch after the clock ran out
    # still solved the master
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    generation = ColumnGeneration(p)
    generation.run(time.perf_counter() + 20)
    master_type = type(generation.master)
    solves_after_time: list[float] = []
    original_solve = master_type.solve
    deadline = time.perf_counter() + 30.0

    def solve(self):
        if time.perf_counter() >= generation.search.deadline:
            solves_after_time.append(time.perf_counter())
        return original_solve(self)

    def run_out_of_time(self, *args):
        self.deadline = time.perf_counter()  # the clock runs out during the first step's pricing
        return None

    monkeypatch.setattr(master_type, "solve", solve)
    search_type = type(generation.search)
    original_round = search_type.price_round
    calls: list[int] = []

    def first_round_then_out(self, *args):
        calls.append(1)
        if len(calls) == 1:
            return original_round(self, *args)
        return run_out_of_time(self, *args)

    monkeypatch.setattr(search_type, "price_round", first_round_then_out)
    dived = shift_dive(generation, deadline, lambda schedules: 0.0)
    assert not dived.complete and dived.steps == 1
    assert len(calls) == 2  # the first step's batch priced once, not again at each halving
    assert solves_after_time == []
