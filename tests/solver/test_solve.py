"""The solve loop end to end: a valid roster within the limit, progress, cancel, statuses."""

import threading
import time

import pytest
from factories import cover, national_problem, problem, shifts
from ortools.sat.python import cp_model

import solver.options as options_module
from solver.options import SolveOptions, default_workers
from solver.roster import Progress, SolveStatus
from solver.solve import STATUSES, solve
from solver.validate import validate

SMALL_NATIONAL = national_problem(num_readers=40, num_regions=2, num_days=14)


def test_a_national_week_pair_solves_to_a_valid_roster(solve_valid):
    result = solve_valid(SMALL_NATIONAL, seconds=3)
    assert result.status.has_roster
    assert result.roster.assignments
    assert result.roster.allocations
    assert result.best_bound is not None and result.best_bound <= result.objective
    assert result.gap is not None and result.gap >= 0
    assert result.first_feasible_seconds is not None
    assert result.first_feasible_seconds <= result.wall_seconds
    assert {load.radiologist for load in result.kpis.loads} == {
        r.id for r in SMALL_NATIONAL.radiologists
    }
    assert len(result.kpis.coverage) == len(SMALL_NATIONAL.pools) * SMALL_NATIONAL.num_days


def test_progress_reports_each_improvement():
    heard: list[Progress] = []
    result = solve(
        SMALL_NATIONAL, SolveOptions(max_time_in_seconds=2, num_workers=2), on_progress=heard.append
    )
    assert heard
    assert list(result.progress) == heard
    objectives = [p.objective for p in heard]
    assert objectives == sorted(objectives, reverse=True)
    assert heard[-1].objective == result.objective
    assert all(p.best_bound <= p.objective for p in heard)


def test_a_stop_request_ends_the_search_with_the_best_roster_so_far():
    heard: list[Progress] = []
    started = time.monotonic()
    result = solve(
        SMALL_NATIONAL,
        SolveOptions(max_time_in_seconds=60, num_workers=2),
        on_progress=heard.append,
        should_stop=lambda: bool(heard),
    )
    assert time.monotonic() - started < 30
    assert result.status == SolveStatus.FEASIBLE
    assert result.objective == heard[-1].objective


def test_a_stop_before_any_roster_leaves_none():
    stop = threading.Event()
    stop.set()
    result = solve(SMALL_NATIONAL, SolveOptions(max_time_in_seconds=60), should_stop=stop.is_set)
    assert result.status == SolveStatus.UNKNOWN
    assert result.roster.assignments == ()
    assert result.explanation


@pytest.mark.parametrize("warm_start", [True, False])
def test_with_or_without_warm_start_the_roster_is_valid(warm_start):
    # 5 s, not less: on a loaded 2-core machine a cold search needs seconds for a first roster
    options = SolveOptions(max_time_in_seconds=5, num_workers=2, warm_start=warm_start)
    result = solve(SMALL_NATIONAL, options)
    assert result.status.has_roster
    report = validate(SMALL_NATIONAL, result.roster)
    assert report.ok
    assert report.objective == result.objective


def test_an_easy_problem_is_proven_optimal():
    result = solve(
        problem(shifts(3), headcount_cover=cover("D0", "D1", "D2")),
        SolveOptions(max_time_in_seconds=5, num_workers=1),
    )
    assert result.status == SolveStatus.OPTIMAL
    assert result.objective == 0
    assert result.gap == 0


def test_every_cp_sat_status_has_a_meaning():
    assert set(STATUSES) == set(cp_model.CpSolverStatus.__members__.values())


@pytest.mark.parametrize(
    "bad",
    [
        {"max_time_in_seconds": 0},
        {"num_workers": 0},
        {"relative_gap_limit": -0.1},
        {"explain_time_limit": 0},
    ],
)
def test_options_refuse_nonsense(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        SolveOptions(**bad)


@pytest.mark.parametrize(("cores", "workers"), [(1, 2), (2, 2), (6, 6), (64, 16)])
def test_the_default_workers_follow_the_cores_this_process_may_use(monkeypatch, cores, workers):
    monkeypatch.setattr(options_module.os, "sched_getaffinity", lambda _: set(range(cores)))
    assert default_workers() == workers
    assert SolveOptions().num_workers == workers
