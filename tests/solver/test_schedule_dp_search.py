"""The search of the gap the schedule program's multipliers leave (solver.schedule_dp_search):
the cheapest schedule that keeps every count cap, or proof that none is below the question's
threshold, and a valid bound when it gives up. The search closes the gaps a program counting caps
in its state cannot (too many count states): these tests allow no counting program."""

from __future__ import annotations

import dataclasses
import math
import random
from pathlib import Path

import pytest
from factories import problem, reader, rules
from factories import shifts as shift_range
from test_schedule_dp import PRICE_ROUNDING, cp_sat_least, priced, program_of

import solver.schedule_dp as schedule_dp
import solver.schedule_dp_search as schedule_dp_search
from scheduler.benchmarks.curtois import read_instance
from scheduler.benchmarks.mapping import to_problem
from solver.column_pricing import ReaderPricing
from solver.per_reader import one_reader_problem
from solver.roster import Roster
from solver.validate import validate

CURTOIS = Path(__file__).parents[1] / "fixtures" / "curtois"


@pytest.fixture(autouse=True)
def no_counting_program(monkeypatch):
    monkeypatch.setattr(schedule_dp, "MAX_COUNT_STATES", 1)


def nights_pay_best():
    # nights pay best, but only two may be worked: no multiplier makes the cheapest schedule of
    # the relaxation keep the cap exactly, so the multipliers alone leave a gap
    p = problem(shift_range(6, "D", "N"), [reader(rules=rules(max_shifts_per_template={"N": 2}))])
    prices = {s.id: (-50.0 if s.template == "N" else -10.0) for s in p.shifts}
    return p, p.radiologists[0], prices


def test_the_gap_is_searched_to_the_least_schedule():
    p, r, prices = nights_pay_best()
    alone = program_of(p, r).best(prices)
    searched = program_of(p, r).best(prices, enough=math.inf)
    assert not alone.exact
    assert searched.exact
    assert searched.schedule.priced_cost == pytest.approx(-140.0)
    assert sum(1 for s in searched.schedule.shifts if s.startswith("N")) == 2


def test_no_schedule_below_enough_is_proven_without_cp_sat():
    p, r, prices = nights_pay_best()
    answer = program_of(p, r).best(prices, enough=-145.0)
    assert answer.lower_bound >= -145.0
    pricing = ReaderPricing(p, r)
    result = pricing.price(prices, 0.0, 5.0, 1, enough=-145.0)
    assert result.proven and not result.searched
    assert result.lower_bound >= -145.0 - 1e-9


def test_a_search_that_gives_up_keeps_a_valid_bound(monkeypatch):
    monkeypatch.setattr(schedule_dp_search, "MAX_EXPANSIONS", 0)
    p, r, prices = nights_pay_best()
    answer = program_of(p, r).best(prices, enough=math.inf)
    assert not answer.exact
    assert answer.lower_bound <= -140.0 + 1e-9


def test_curtois_nurses_with_a_cap_get_their_least_schedule():
    # Instance 1's nurses (runs, rest, minutes for 7-9 shifts, one weekend) with at most 8 day
    # shifts, at prices that make every shift worth working
    base = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    capped = rules_with_cap(base, "D", 8)
    rng = random.Random(7)
    closed = 0
    for r in capped.radiologists[:6]:
        program = program_of(capped, r)
        assert program is not None and program.count_caps
        for _ in range(3):
            prices = {s.id: -rng.uniform(5.0, 60.0) for s in capped.shifts}
            relaxed = program.best(prices)
            answer = program.best(prices, enough=math.inf)
            least = cp_sat_least(capped, r, prices, 0.0)
            optimum = min(
                priced(capped, s.shifts, s.own_cost, prices, 0.0) for s in least.schedules
            )
            assert answer.lower_bound <= optimum + PRICE_ROUNDING
            assert answer.exact
            assert answer.schedule.priced_cost == pytest.approx(optimum, abs=PRICE_ROUNDING)
            roster = Roster.from_schedules({r.id: answer.schedule.shifts})
            assert validate(one_reader_problem(capped, r), roster).messages() == []
            closed += not relaxed.exact
    assert closed > 0  # the search, not the multipliers alone, found some of them


def rules_with_cap(p, template: str, cap: int):
    readers = tuple(
        dataclasses.replace(
            r, rules=dataclasses.replace(r.rules, max_shifts_per_template={template: cap})
        )
        for r in p.radiologists
    )
    return dataclasses.replace(p, radiologists=readers)
