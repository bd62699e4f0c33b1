"""The cover-first phase: when it runs, that it leaves the whole objective in place, and that
rosters found through it are valid and scored by their whole objective."""

import dataclasses
import time

from factories import national_problem
from ortools.sat.python import cp_model

from solver.cover_phase import search_cover_first, wants_cover_phase
from solver.model import build_model
from solver.options import SolveOptions
from solver.problem import Weights
from solver.search_progress import Recorder
from solver.solve import solve
from solver.validate import validate

WITH_FAIRNESS = national_problem(num_readers=24, num_regions=2, num_days=14, seed=3)
WITHOUT_FAIRNESS = dataclasses.replace(WITH_FAIRNESS, weights=Weights(follow_the_sun=1))


def test_it_runs_by_default_only_when_fairness_is_in_the_objective():
    options = SolveOptions()
    assert wants_cover_phase(options, build_model(WITH_FAIRNESS))
    assert not wants_cover_phase(options, build_model(WITHOUT_FAIRNESS))
    forced = SolveOptions(cover_first=True)
    assert wants_cover_phase(forced, build_model(WITHOUT_FAIRNESS))
    assert not wants_cover_phase(SolveOptions(cover_first=False), build_model(WITH_FAIRNESS))


def test_the_whole_objective_is_back_after_the_phase():
    roster_model = build_model(WITH_FAIRNESS)
    recorder = Recorder(time.perf_counter(), None, None)
    status, _ = search_cover_first(roster_model, SolveOptions(num_workers=2), 3.0, recorder)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert recorder.progress  # reported by the whole objective, not the cover alone
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 1.0
    assert solver.solve(roster_model.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    whole = sum(roster_model.breakdown(solver).values())
    assert round(solver.objective_value) == whole


def test_a_roster_found_through_the_phase_is_valid_and_scored_whole():
    options = SolveOptions(max_time_in_seconds=3, num_workers=2, cover_first=True)
    result = solve(WITH_FAIRNESS, options)
    assert result.status.has_roster
    report = validate(WITH_FAIRNESS, result.roster)
    assert report.messages() == []
    assert report.objective == result.objective
    objectives = [step.objective for step in result.progress]
    assert objectives == sorted(objectives, reverse=True)
    assert objectives[-1] == result.objective
    assert result.best_bound is not None and 0 <= result.best_bound <= result.objective
