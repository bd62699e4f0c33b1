"""The schedule program that counts its smallest caps in the state (solver.schedule_dp): where the
multipliers leave a gap, it prices the reader exactly, in one pass, without the gap's search or
CP-SAT; its counter states step and step back consistently."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest
from factories import problem, reader, rules
from factories import shifts as shift_range
from test_schedule_dp import assert_answer_agrees, cp_sat_least, program_of
from test_schedule_dp_search import nights_pay_best, rules_with_cap

import solver.schedule_dp as schedule_dp
import solver.schedule_dp_search as schedule_dp_search
from scheduler.benchmarks.curtois import read_instance
from scheduler.benchmarks.mapping import to_problem

CURTOIS = Path(__file__).parents[1] / "fixtures" / "curtois"


@pytest.fixture
def no_gap_search(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("the gap was searched, not priced by the counting program")

    monkeypatch.setattr(schedule_dp_search.CapSearch, "run", refuse)


def test_the_counting_program_prices_the_gap_exactly(no_gap_search):
    p, r, prices = nights_pay_best()
    program = program_of(p, r)
    alone = program.best(prices)
    answer = program.best(prices, enough=math.inf)
    assert not alone.exact  # the multipliers leave a gap
    assert answer.exact
    assert answer.schedule.priced_cost == pytest.approx(-140.0)
    assert sum(1 for s in answer.schedule.shifts if s.startswith("N")) == 2
    counted = program._counted_program()
    assert counted is not None and counted.count_caps == [] and len(counted.counted_caps) == 1


def test_curtois_nurses_with_a_cap_priced_exactly_by_counting(no_gap_search):
    base = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    capped = rules_with_cap(base, "D", 8)
    rng = random.Random(7)
    counted_answers = 0
    for r in capped.radiologists[:5]:
        program = program_of(capped, r)
        for _ in range(3):
            prices = {s.id: -rng.uniform(5.0, 60.0) for s in capped.shifts}
            answer = program.best(prices, enough=math.inf)
            least = cp_sat_least(capped, r, prices, 0.0)
            # the same least as CP-SAT's, a schedule that keeps every rule (or none for both)
            assert_answer_agrees(capped, r, prices, 0.0, answer, least)
            assert least.infeasible or answer.exact
            counted_answers += program._counted is not False
    assert counted_answers > 0


def test_no_counting_program_beyond_its_count_states(monkeypatch):
    monkeypatch.setattr(schedule_dp, "MAX_COUNT_STATES", 2)  # a cap of 2 needs 3 states
    p, r, _ = nights_pay_best()
    assert program_of(p, r)._counted_program() is None


def test_counter_states_step_both_ways():
    # a weekend at most and 2 nights at most: 2 x 3 counter states
    week = shift_range(7, "D", "N")
    r = reader(rules=rules(max_weekends=1, max_shifts_per_template={"N": 2}))
    p = problem(week, [r])
    program = program_of(p, r)._counted_program()
    assert program.counter_states == 6
    night_class = next(c for c, ts in enumerate(program.classes) if "N" in program.templates[ts[0]])
    day_class = next(c for c, ts in enumerate(program.classes) if "D" in program.templates[ts[0]])
    nxt, prev = program.counter_next, program.counter_prev
    # from nothing worked: a night on a weekday counts one night, on a new weekend a weekend too
    assert nxt[0, night_class, 0] == 2  # weekends first: (w 0, n 1) is 0 + 2 x 1
    assert nxt[1, night_class, 0] == 3
    assert nxt[1, day_class, 0] == 1
    assert nxt[1, day_class, 1] == -1  # a second weekend breaks its cap
    assert nxt[0, night_class, 4] == -1  # a third night breaks its cap
    for i in range(2):
        for c in range(len(program.classes)):
            for k in range(program.counter_states):
                if nxt[i, c, k] >= 0:
                    assert prev[i, c, nxt[i, c, k]] == k
            assert np.count_nonzero(prev[i, c] >= 0) == np.count_nonzero(nxt[i, c] >= 0)
