"""Rosters built and improved reader by reader with the schedule program: valid, scored as the
validator scores them, and never worse after a sweep."""

from __future__ import annotations

import dataclasses
import random
import time
from pathlib import Path

from factories import cover, problem, reader, rules
from factories import shifts as shift_range

from scheduler.benchmarks.curtois import read_instance
from scheduler.benchmarks.mapping import to_problem
from solver.best_response import BestResponse, best_response_roster
from solver.problem import ReadingDemand, Weights
from solver.roster import Roster
from solver.validate import validate

CURTOIS = Path(__file__).parents[1] / "fixtures" / "curtois"


def test_first_roster_and_sweeps_are_valid_and_only_improve():
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    responses = BestResponse.of(p)
    assert responses is not None
    schedules = responses.first_roster()
    assert schedules is not None
    report = validate(p, Roster.from_schedules(schedules))
    assert report.messages() == []
    assert responses.objective(schedules) == report.objective
    rng = random.Random(3)
    objective = report.objective
    for _ in range(3):
        gained = responses.sweep(schedules, rng, time.perf_counter() + 60)
        report = validate(p, Roster.from_schedules(schedules))
        assert report.messages() == []
        assert report.objective == objective - round(gained)
        assert responses.objective(schedules) == report.objective
        objective = report.objective


def test_a_sweep_moves_a_reader_to_the_shift_left_short():
    # both readers on D0 (one too many), D1 short: one of them moves
    p = problem(
        shift_range(2),
        [reader("a", rules=rules(max_total_minutes=480)), reader("b")],
        headcount_cover=cover("D0", "D1", weight_over=5),
    )
    responses = BestResponse.of(p)
    assert responses is not None
    schedules = {"a": frozenset({"D0"}), "b": frozenset({"D0"})}
    gained = responses.sweep(schedules, random.Random(0), time.perf_counter() + 10)
    assert gained == 105  # one over (5) and one short (100) fewer
    assert sorted(s for shifts in schedules.values() for s in shifts) == ["D0", "D1"]


def test_readers_joined_by_more_than_headcount_are_left_to_the_search():
    base = problem(shift_range(3), [reader("a"), reader("b")], headcount_cover=cover("D0"))
    fair = dataclasses.replace(base, weights=Weights(fairness_nights=1))
    assert BestResponse.of(fair) is None
    hard = dataclasses.replace(base, headcount_cover=cover("D0", hard=True))
    assert BestResponse.of(hard) is None
    reading = dataclasses.replace(base, reading_demand=(ReadingDemand("pool", "D0", 4),))
    assert BestResponse.of(reading) is None
    assert best_response_roster(hard, 5.0) is None


def test_best_response_roster_is_valid():
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    roster = best_response_roster(p, 10.0, seed=2)
    assert roster is not None
    assert validate(p, roster).messages() == []
