"""The solve loop: check, build, warm start, search with progress and cancel, read the roster back,
explain failures.

Large models with a valid greedy start are improved part by part, each part solved as a problem
of its own (solver.part_search); large models without one, or any when ``SolveOptions.lns`` asks,
go to the large-neighbourhood search (solver.lns) instead of one monolithic search.

The warm start is a cheap first search (one worker, no presolve, no LP, stopped at the first
roster) along the model's hints: the greedy starting roster (solver.starting_roster), tried only
when the greedy believes it meets every hard rule. On large problems CP-SAT's full portfolio can
take minutes to find any roster; from the warm roster, handed over as a complete hint, it starts
improving as soon as its presolve is done. The warm roster is also the answer if the main search
finds nothing better in time. When the objective has fairness terms, a phase on the cover
penalties alone comes next (solver.cover_phase), and its roster is the main search's hint.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from solver.checks import ensure_valid
from solver.cover_phase import COVER_PHASE_SHARE, search_cover_first, wants_cover_phase
from solver.explain import explain_infeasibility, obvious_conflicts
from solver.lns import LNS_AUTO_DECISIONS, run_lns
from solver.model import RosterModel, build_model
from solver.options import SolveOptions
from solver.problem import Problem
from solver.reading_response import Improved, ReadingResponses
from solver.roster import Roster, SolveResult, SolveStatus
from solver.ruin_recreate import improve_by_rebuilds
from solver.search_progress import (
    STATUSES,
    ProgressHandler,
    Recorder,
    StopCheck,
    cancel_watch,
)

__all__ = ["STATUSES", "ProgressHandler", "StopCheck", "solve"]

# reader-shift variables from which solve() improves the roster part by part (solver.part_search):
# 500 national readers (66,936) and up; 200 (26,112) stay monolithic
PARTS_AUTO_DECISIONS = 60_000
WARM_START_SHARE = 0.25  # of max_time_in_seconds, at most
WARM_START_CONFLICTS = 5_000  # a search along a consistent hint needs none; give up early
# of max_time_in_seconds, at most: kept from the monolithic search for sweeps over its roster (the
# 40-reader department: programs 0.3 s, a sweep 0.2 s; its 60 s roster fell from 50,504 to 44,861)
SWEEP_SHARE = 0.05


@dataclass(frozen=True)
class _Found:
    """A roster read back from a finished CP-SAT search."""

    status: SolveStatus
    roster: Roster
    breakdown: dict[str, int]
    bound: float

    @property
    def objective(self) -> int:
        return sum(self.breakdown.values())


def solve(
    problem: Problem,
    options: SolveOptions | None = None,
    on_progress: ProgressHandler | None = None,
    should_stop: StopCheck | None = None,
) -> SolveResult:
    """Solve ``problem``; raises solver.checks.ProblemError for malformed input.

    ``on_progress`` hears every improving roster; ``should_stop`` is polled while searching and
    stops it (the best roster so far is returned, status FEASIBLE, or UNKNOWN if there was none).
    ``options.max_time_in_seconds`` bounds the search (warm start included), not model building;
    progress times and ``first_feasible_seconds`` count from the call, building included.
    """
    options = options or SolveOptions()
    started = time.perf_counter()
    ensure_valid(problem)
    roster_model = build_model(problem)

    obvious = obvious_conflicts(roster_model)
    if obvious:
        return _without_roster(SolveStatus.INFEASIBLE, started, tuple(obvious))
    if should_stop is not None and should_stop():
        return _without_roster(SolveStatus.UNKNOWN, started, ("Stopped before solving.",))

    if _wants_parts(options, roster_model):
        from solver.part_search import search_parts  # here: part_search searches through solve

        return search_parts(
            problem,
            options,
            on_progress,
            should_stop,
            start=_sweeps_start(problem, roster_model, options),
        )
    recorder = Recorder(started, on_progress, should_stop)
    if _wants_lns(options, roster_model):
        return run_lns(problem, roster_model, options, recorder)
    search_started = time.perf_counter()
    warm = None
    if options.warm_start and roster_model.plausible_start:
        warm = _warm_start(roster_model, options, recorder)
    best = warm
    if warm is None or warm.status == SolveStatus.FEASIBLE:
        remaining = options.max_time_in_seconds - (time.perf_counter() - search_started)
        if remaining > 0 and not recorder.stopped and wants_cover_phase(options, roster_model):
            best = _better(_cover_phase(roster_model, options, remaining, recorder), best)
            remaining = options.max_time_in_seconds - (time.perf_counter() - search_started)
        sweeping = options.sweeps and ReadingResponses.apply_to(problem)
        if remaining > 0 and not recorder.stopped:
            reserve = SWEEP_SHARE * options.max_time_in_seconds if sweeping else 0.0
            main_seconds = max(remaining - reserve, min(remaining, 1.0))
            cp_status, main = _main_search(roster_model, options, main_seconds, recorder)
            best = _better(main, best)
            if cp_status == cp_model.MODEL_INVALID:
                explanation: tuple[str, ...] = (
                    f"CP-SAT rejected the model: {roster_model.model.validate()}",
                )
                return _without_roster(SolveStatus.INVALID, started, explanation)
            if cp_status == cp_model.INFEASIBLE:
                best = _Found(SolveStatus.INFEASIBLE, Roster(), {}, math.inf)
        if sweeping and best is not None and best.status == SolveStatus.FEASIBLE and best.objective:
            # no later than the limit, nor longer than the share kept: a search that ended early
            # (a gap reached, a stop) ends early still
            deadline = min(
                search_started + options.max_time_in_seconds,
                time.perf_counter() + max(1.0, SWEEP_SHARE * options.max_time_in_seconds),
            )
            best = _settle(problem, best, options, deadline, recorder)

    if best is not None and best.status.has_roster:
        return recorder.result(
            problem, best.status, best.roster, best.objective, best.bound, best.breakdown
        )
    if best is not None and best.status == SolveStatus.INFEASIBLE:
        explanation = explain_infeasibility(problem, options)
        return _without_roster(SolveStatus.INFEASIBLE, started, explanation)
    if recorder.stopped:
        explanation = ("Stopped before any roster was found.",)
    else:
        explanation = (
            f"No roster was found within {options.max_time_in_seconds:g} s; allow more time.",
        )
    return _without_roster(SolveStatus.UNKNOWN, started, explanation)


def _wants_parts(options: SolveOptions, roster_model: RosterModel) -> bool:
    # national rosters: a part re-solved as its own small problem improves where a step on the
    # whole model is too slow to (benchmarks/RESULTS-solver.md); it needs a valid first roster,
    # which a plausible greedy start promises
    return (
        options.lns is None
        and roster_model.plausible_start
        and len(roster_model.ctx.x) >= PARTS_AUTO_DECISIONS
    )


def _sweeps_start(
    problem: Problem, roster_model: RosterModel, options: SolveOptions
) -> Roster | None:
    """The greedy roster the model is hinted with, for the parts search to start from when
    sweeps improve it (national months, 500 and 1,000 readers: the monolithic search's first
    roster was that same roster, 22-45 s later); the parts search sets it aside if it breaks a
    rule. None leaves the first roster to the monolithic search."""
    if not options.sweeps or not ReadingResponses.apply_to(problem):
        return None
    return roster_model.start


def _wants_lns(options: SolveOptions, roster_model: RosterModel) -> bool:
    if options.lns is not None:
        return options.lns
    # a valid greedy start lets the monolithic search improve at once (national rosters);
    # without one, a large model may give no roster at all (Curtois-Qu 21, 23)
    return not roster_model.plausible_start and len(roster_model.ctx.x) >= LNS_AUTO_DECISIONS


def _warm_start(
    roster_model: RosterModel, options: SolveOptions, recorder: Recorder
) -> _Found | None:
    """A first roster by plain propagation and search along the hints; None if it is not cheap.
    When found, it becomes the model's complete hint."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = 1
    params.max_time_in_seconds = options.max_time_in_seconds * WARM_START_SHARE
    params.max_number_of_conflicts = WARM_START_CONFLICTS
    params.cp_model_presolve = False
    params.linearization_level = 0
    params.stop_after_first_solution = True
    params.random_seed = options.random_seed
    params.log_search_progress = options.log_search_progress
    with cancel_watch(solver, recorder):
        cp_status = solver.solve(roster_model.model)
    status = STATUSES.get(cp_status, SolveStatus.UNKNOWN)
    if status == SolveStatus.INFEASIBLE:
        return _Found(status, Roster(), {}, math.inf)
    if not status.has_roster:
        return None
    found = _read(roster_model, solver, status)
    recorder.found(found.objective, found.bound)
    roster_model.hint_solution(list(solver.response_proto.solution))
    return found


def _cover_phase(
    roster_model: RosterModel, options: SolveOptions, remaining: float, recorder: Recorder
) -> _Found | None:
    _, best = search_cover_first(roster_model, options, remaining * COVER_PHASE_SHARE, recorder)
    if best is None:
        return None
    roster = roster_model.roster_from(best.solution)
    return _Found(SolveStatus.FEASIBLE, roster, best.breakdown, best.bound)


def _main_search(
    roster_model: RosterModel, options: SolveOptions, seconds: float, recorder: Recorder
) -> tuple[cp_model.CpSolverStatus, _Found | None]:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = seconds
    params.num_workers = options.num_workers
    params.random_seed = options.random_seed
    params.log_search_progress = options.log_search_progress
    if options.relative_gap_limit is not None:
        params.relative_gap_limit = options.relative_gap_limit
    with cancel_watch(solver, recorder):
        cp_status = solver.solve(roster_model.model, recorder)
    status = STATUSES.get(cp_status, SolveStatus.UNKNOWN)
    return cp_status, _read(roster_model, solver, status) if status.has_roster else None


def _settle(
    problem: Problem, best: _Found, options: SolveOptions, deadline: float, recorder: Recorder
) -> _Found:
    """Sweeps of best responses over the search's roster until one gains less than ``SETTLED``
    of the objective (CP-SAT's last roster often leaves a reader a better schedule alone), then
    rebuilds of a few readers at a time (solver.ruin_recreate) until ``deadline``."""
    responses = ReadingResponses.of(problem, deadline=deadline)
    if responses is None:
        return best
    rng = random.Random(options.random_seed)
    settled = responses.settle(best.roster, best.objective, rng, deadline, recorder.poll_stop)
    best = _kept(best, settled, recorder)
    if time.perf_counter() < deadline and not recorder.stopped:
        rebuilt = improve_by_rebuilds(responses, best.roster, best.objective, rng, deadline)
        best = _kept(best, rebuilt, recorder)
    return best


def _kept(best: _Found, better: Improved | None, recorder: Recorder) -> _Found:
    if better is None:
        return best
    recorder.found(better.objective, best.bound)
    return _Found(SolveStatus.FEASIBLE, better.roster, better.report.breakdown, best.bound)


def _read(roster_model: RosterModel, solver: cp_model.CpSolver, status: SolveStatus) -> _Found:
    return _Found(
        status=status,
        roster=roster_model.read_roster(solver),
        breakdown=roster_model.breakdown(solver),
        bound=float(solver.best_objective_bound),
    )


def _better(later: _Found | None, earlier: _Found | None) -> _Found | None:
    """The later search's roster unless the earlier one is strictly better (a stop or time limit
    may leave a search without a roster, or with its hint only), with the better of both bounds."""
    if later is None:
        return earlier
    if earlier is None:
        return later
    bound = max(later.bound, earlier.bound)
    if later.objective <= earlier.objective:
        return replace(later, bound=bound)
    return _Found(SolveStatus.FEASIBLE, earlier.roster, earlier.breakdown, bound)


def _without_roster(
    status: SolveStatus, started: float, explanation: tuple[str, ...]
) -> SolveResult:
    wall = time.perf_counter() - started
    return SolveResult(status, Roster(), wall_seconds=wall, explanation=explanation)
