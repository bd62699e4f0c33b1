"""One part's search, started from the roster it already has (solver.part_search).

``solver.solve`` starts from its greedy roster; a part must start from the current one, or a short
search returns a roster worse than the part had (it did: every step of a first version, on a
200-reader month, ended 15-30 % worse). So the part's model gets the current roster as its hint,
assignments and reading units both, is completed by a search with every reader-shift decision
fixed to it, and that full solution is the complete hint of the real search: CP-SAT's first roster
is then the current one, and what it returns is never worse for the part.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.model import RosterModel, build_model
from solver.model_relaxation import lp_values, model_proto, relax
from solver.problem import Problem
from solver.roster import Roster, SolveStatus
from solver.search_progress import STATUSES, Recorder, StopCheck, cancel_watch

log = logging.getLogger(__name__)

COMPLETION_CONFLICTS = 10_000  # completing a consistent hint needs almost none
# A guided part's LP: at most this share of its search time (a weekend of 500 readers: 0.3 s),
# and how close to the start's 0 or 1 an LP value counts as agreeing.
LP_SHARE = 0.25
LP_AGREES = 1e-6


@dataclass(frozen=True)
class PartOutcome:
    status: SolveStatus  # OPTIMAL: the part's search finished
    roster: Roster | None  # None: the start could not be completed (it breaks a rule of the part)
    seconds: float  # wall time of the LP and the CP-SAT searches, building excluded
    gain: int = 0  # the part's objective at the start minus at the roster returned


def search_from(
    problem: Problem,
    start: Roster,
    *,
    seconds: float,
    workers: int,
    seed: int,
    should_stop: StopCheck | None = None,
    guided: bool = False,
) -> PartOutcome:
    """Search ``problem`` for ``seconds`` from ``start`` (a roster meeting its hard rules).

    ``guided``: solve the model's LP relaxation first and keep fixed every reader-shift decision
    where the start and the LP's optimum agree (relaxation-induced, as MIP solvers' RINS), so the
    search spends its time where they differ."""
    roster_model = build_model(problem, hinted=False)  # the start is the hint, not the greedy
    _hint_roster(roster_model, start)
    worked = start.worked()
    decisions = {var.index: int(key in worked) for key, var in roster_model.ctx.x.items()}
    began = time.perf_counter()
    agreed = _lp_agreement(roster_model, decisions, seconds) if guided else {}
    lp_seconds = time.perf_counter() - began  # the LP is part of the search's time
    for index, value in decisions.items():
        _set_domain(roster_model, index, value, value)
    completion = _solver(seconds, 1, seed)
    params = completion.parameters
    params.cp_model_presolve = False
    params.linearization_level = 0
    params.stop_after_first_solution = True
    params.max_number_of_conflicts = COMPLETION_CONFLICTS
    status = _run(completion, roster_model, should_stop)
    for index in decisions:
        if index in agreed:
            _set_domain(roster_model, index, agreed[index], agreed[index])
        else:
            _set_domain(roster_model, index, 0, 1)
    used = lp_seconds + completion.wall_time
    if not status.has_roster:
        return PartOutcome(status, None, used)
    roster_model.hint_solution(list(completion.response_proto.solution))
    start_objective = _objective(roster_model, completion)
    best, best_objective = completion, start_objective
    left = seconds - used
    if left > 0 and not (should_stop is not None and should_stop()):
        search = _solver(left, workers, seed)
        found = _run(search, roster_model, should_stop)
        used += search.wall_time
        if found.has_roster and _objective(roster_model, search) <= start_objective:
            best, status, best_objective = search, found, _objective(roster_model, search)
    roster = roster_model.read_roster(best)
    return PartOutcome(status, roster, used, gain=start_objective - best_objective)


def _lp_agreement(
    roster_model: RosterModel, decisions: dict[int, int], seconds: float
) -> dict[int, int]:
    """The decisions (variable index -> value) the LP relaxation's optimum takes as the start
    does; none when the LP is not solved within a share of the search's time."""
    began = time.perf_counter()
    try:
        relaxation = relax(model_proto(roster_model.model))
    except ValueError:  # a constraint the relaxation does not state: search unguided
        return {}
    values = lp_values(relaxation, LP_SHARE * seconds)
    if values is None:
        log.debug("part LP not solved in %.1f s: unguided", LP_SHARE * seconds)
        return {}
    agreed = {
        index: value
        for index, value in decisions.items()
        if abs(values[index] - value) <= LP_AGREES
    }
    log.debug(
        "part LP in %.1f s: %d of %d decisions agree",
        time.perf_counter() - began,
        len(agreed),
        len(decisions),
    )
    return agreed


def _objective(roster_model: RosterModel, solver: cp_model.CpSolver) -> int:
    """The part's objective of the solver's roster, from the penalties' exact values."""
    return sum(roster_model.breakdown(solver).values())


def _hint_roster(roster_model: RosterModel, roster: Roster) -> None:
    """Hint the roster's assignments and the group flows its allocations make."""
    model = roster_model.model
    model.clear_hints()  # type: ignore[no-untyped-call]
    worked = roster.worked()
    for pair, var in roster_model.ctx.x.items():
        model.add_hint(var, pair in worked)
    groups = roster_model.reading.groups
    group_of = {
        (group_key[0], reader_id): group_key
        for group_key, group in groups.items()
        for reader_id, _ in group.members
    }
    flows: Counter[tuple[tuple[str, tuple[str, ...]], str]] = Counter()
    for allocation in roster.allocations:
        group_key = group_of.get((allocation.shift_id, allocation.radiologist))
        if group_key is not None:
            flows[group_key, allocation.pool] += allocation.units
    for group_key, group in groups.items():
        for pool, var in group.flows.items():
            model.add_hint(var, flows[group_key, pool])


def _solver(seconds: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, seconds)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    return solver


def _run(
    solver: cp_model.CpSolver, roster_model: RosterModel, should_stop: StopCheck | None
) -> SolveStatus:
    # a recorder of the part's own rosters: only its stop handling is wanted here
    recorder = Recorder(time.perf_counter(), None, should_stop)
    with cancel_watch(solver, recorder):
        return STATUSES.get(solver.solve(roster_model.model, recorder), SolveStatus.UNKNOWN)


def _set_domain(roster_model: RosterModel, index: int, lower: int, upper: int) -> None:
    domain = roster_model.model.proto.variables[index].domain  # a Boolean's: [lower, upper]
    domain[0] = lower
    domain[1] = upper
