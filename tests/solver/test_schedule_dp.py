"""The schedule program (one reader's cheapest schedule by dynamic programming) against CP-SAT on
the same reader's own model: the same least cost whenever the program says it found it, never a
bound above CP-SAT's optimum, and every schedule it returns meets the reader's own rules."""

from __future__ import annotations

import dataclasses
import math
import random
from pathlib import Path

import pytest
from factories import avoid, licensed, north, problem, reader, rules, shift
from factories import shifts as shift_range
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import problems

from scheduler.benchmarks.curtois import read_instance
from scheduler.benchmarks.mapping import to_problem
from solver.column_pricing import ReaderPricing
from solver.model import build_model
from solver.per_reader import one_reader_problem
from solver.problem import History, Pin, Problem, Radiologist, ShiftKind
from solver.roster import Roster
from solver.schedule_dp import ReaderDP
from solver.validate import validate

CURTOIS = Path(__file__).parents[1] / "fixtures" / "curtois"
# CP-SAT prices at a scale of 1,000 and reports its bound less the rounding error
PRICE_ROUNDING = 0.01


def program_of(p: Problem, r: Radiologist) -> ReaderDP | None:
    return ReaderDP.of(build_model(one_reader_problem(p, r)), r)


def cp_sat_least(p: Problem, r: Radiologist, prices: dict[str, float], weekend: float):
    return ReaderPricing(p, r)._search(prices, weekend, 10.0, 1)


def priced(p: Problem, shifts: frozenset[str], own: float, prices, weekend: float) -> float:
    days = {s.id: s.day for s in p.shifts}
    return (
        own
        + sum(prices.get(s, 0.0) for s in shifts)
        + weekend * p.weekends_worked(days[s] for s in shifts)
    )


def assert_agrees_with_cp_sat(p: Problem, r: Radiologist, prices, weekend: float) -> None:
    """The program's answer, by its multipliers alone and with the gap they leave searched."""
    program = program_of(p, r)
    assert program is not None
    searched = cp_sat_least(p, r, prices, weekend)
    assert searched.proven
    for enough in (None, math.inf):
        answer = program.best(prices, weekend, enough=enough)
        assert_answer_agrees(p, r, prices, weekend, answer, searched)


def assert_answer_agrees(p, r, prices, weekend, answer, searched) -> None:
    if searched.infeasible:
        assert answer.schedule is None
        # the program holds every rule but nights in a row: without that limit it proves the reader
        # can't work; with it, a schedule of the program may break only that limit, and then only
        # the program's (finite) bound stands and CP-SAT prices the reader (ReaderDP.best)
        if r.rules.max_consecutive_nights is None:
            assert answer.lower_bound == math.inf
        return
    optimum = min(priced(p, s.shifts, s.own_cost, prices, weekend) for s in searched.schedules)
    assert answer.lower_bound <= optimum + PRICE_ROUNDING
    if answer.schedule is None:
        return
    alone = one_reader_problem(p, r)
    report = validate(alone, Roster.from_schedules({r.id: answer.schedule.shifts}))
    assert report.messages() == []
    assert report.objective == pytest.approx(answer.schedule.own_cost)
    value = priced(p, answer.schedule.shifts, answer.schedule.own_cost, prices, weekend)
    assert value == pytest.approx(answer.schedule.priced_cost)
    assert value >= optimum - PRICE_ROUNDING
    if answer.exact:
        assert value == pytest.approx(optimum, abs=PRICE_ROUNDING)


def modelled(p: Problem) -> Problem:
    """``p`` without the rules the program leaves to CP-SAT (history, pins)."""
    readers = tuple(dataclasses.replace(r, history=History()) for r in p.radiologists)
    return dataclasses.replace(p, radiologists=readers, pins=())


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problems(), st.randoms(use_true_random=False))
def test_random_readers_agree_with_cp_sat(drawn: Problem, rng: random.Random):
    p = modelled(drawn)
    for r in p.radiologists:
        if program_of(p, r) is None:
            continue  # a penalty on other variables (a change kept or not): CP-SAT's to price
        prices = {s.id: rng.choice([0.0, -100.0, -7.5, 3.0, 40.0]) for s in p.shifts}
        assert_agrees_with_cp_sat(p, r, prices, rng.choice([0.0, 25.0, -10.0]))


def test_curtois_nurses_agree_with_cp_sat():
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    rng = random.Random(4)
    for r in p.radiologists:
        for _ in range(3):
            prices = {s.id: rng.choice([0.0, -100.0, -30.0, 1.0]) * rng.random() for s in p.shifts}
            assert_agrees_with_cp_sat(p, r, prices, rng.choice([0.0, 50.0]))


def test_each_rule_family_is_kept():
    # a week of D and N: runs of 2-3, two days off, N never before D, one weekend, 3 N at most,
    # 4-5 shifts' minutes, a day off on Wednesday and a rest of 11 hours
    week = shift_range(7, "D", "N")
    r = reader(
        rules=rules(
            min_consecutive_days=2,
            max_consecutive_days=3,
            min_consecutive_days_off=2,
            max_weekends=1,
            max_shifts_per_template={"N": 3},
            min_total_minutes=4 * 480,
            max_total_minutes=5 * 480,
            min_rest_minutes=660,
        ),
        fixed_days_off=frozenset({2}),
        availability=(avoid(0, weight=4, template="N"),),
    )
    p = problem(week, [r], forbidden_successions=frozenset({("N", "D")}))
    rng = random.Random(1)
    for _ in range(20):
        prices = {s.id: rng.uniform(-100.0, 20.0) for s in p.shifts}
        assert_agrees_with_cp_sat(p, r, prices, rng.uniform(-50.0, 50.0))


def test_a_cap_the_prices_break_is_kept_and_cp_sat_finishes_the_pricing():
    # nights pay best, but only two may be worked: the relaxation's multipliers keep the cap,
    # not always at the least cost, and the pricing then asks CP-SAT from the program's schedule
    p = problem(shift_range(6, "D", "N"), [reader(rules=rules(max_shifts_per_template={"N": 2}))])
    r = p.radiologists[0]
    prices = {s.id: (-50.0 if s.template == "N" else -10.0) for s in p.shifts}
    answer = program_of(p, r).best(prices)
    assert answer.schedule is not None
    assert sum(1 for s in answer.schedule.shifts if s.startswith("N")) <= 2
    assert answer.lower_bound <= -140.0
    priced_by_both = ReaderPricing(p, r).price(prices, 0.0, 5.0, 1)
    assert priced_by_both.proven
    assert priced_by_both.lower_bound == pytest.approx(-140.0, abs=PRICE_ROUNDING)
    best = min(priced(p, s.shifts, s.own_cost, prices, 0.0) for s in priced_by_both.schedules)
    assert best == pytest.approx(-140.0)


def test_no_schedule_when_the_minutes_cannot_be_met():
    r = reader(rules=rules(min_total_minutes=5 * 480, max_consecutive_days=1))
    p = problem(shift_range(6), [r])
    answer = program_of(p, r).best({})
    assert answer.schedule is None
    assert answer.lower_bound == math.inf
    assert cp_sat_least(p, r, {}, 0.0).infeasible


def test_nights_in_a_row_are_checked_and_a_schedule_breaking_them_goes_to_cp_sat():
    # nights pay best and rest rules allow a week of them, but at most two in a row: the
    # program's least breaks that limit, so it answers with its bound only, and CP-SAT prices
    p = problem(shift_range(6, "D", "N"), [reader(rules=rules(max_consecutive_nights=2))])
    r = p.radiologists[0]
    prices = {s.id: (-50.0 if s.template == "N" else -10.0) for s in p.shifts}
    answer = program_of(p, r).best(prices)
    assert answer.schedule is None
    assert answer.lower_bound == pytest.approx(-300.0)  # six nights, the limit set aside
    priced_by_both = ReaderPricing(p, r).price(prices, 0.0, 5.0, 1)
    assert priced_by_both.proven and priced_by_both.searched
    # N N D N N D (or alike): four nights and two days
    best = min(priced(p, s.shifts, s.own_cost, prices, 0.0) for s in priced_by_both.schedules)
    assert best == pytest.approx(-220.0)
    # where the prices favour days, the program's own schedule keeps the limit and answers
    prices = {s.id: (-5.0 if s.template == "N" else -10.0) for s in p.shifts}
    assert_agrees_with_cp_sat(p, r, prices, 0.0)
    assert program_of(p, r).best(prices).exact


@pytest.mark.parametrize("beyond", [{"history": History(consecutive_days_worked=2)}])
def test_rules_beyond_the_program_leave_it_to_cp_sat(beyond):
    r = reader(**beyond)
    p = problem(shift_range(4, "D", "N"), [r])
    assert program_of(p, r) is None


def test_a_pinned_reader_is_left_to_cp_sat():
    p = problem(shift_range(4), [reader()], pins=(Pin("r1", 1, "D1"),))
    assert program_of(p, p.radiologists[0]) is None


def test_a_reader_of_two_regions_is_programmed_and_agrees_with_cp_sat():
    # each region staffs its own day and night shifts: one template name, two shifts a day
    regional = tuple(
        shift(d, template, id=f"{template}{d}{region}", region=region)
        for d in range(8)
        for template in ("D", "N")
        for region in ("N", "S")
    )
    r = licensed(
        "r1",
        "N",
        "S",
        rules=rules(max_consecutive_days=4, max_weekends=1, min_rest_minutes=11 * 60),
    )
    p = problem(regional, [r], forbidden_successions=frozenset({("N", "D")}), **north())
    program = program_of(p, r)
    assert program is not None
    assert len(program.templates) == 4  # (D, N), (D, S), (N, N), (N, S)
    rng = random.Random(7)
    for _ in range(6):
        prices = {s.id: rng.uniform(-60.0, 20.0) for s in regional}
        assert_agrees_with_cp_sat(p, r, prices, rng.uniform(-30.0, 30.0))


def test_two_shifts_of_one_template_a_day_are_left_to_cp_sat():
    two_sites = (shift(0, id="D0a"), shift(0, id="D0b", kind=ShiftKind.DAY))
    p = problem(two_sites, [reader()])
    assert program_of(p, p.radiologists[0]) is None
