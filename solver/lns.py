"""Large-neighbourhood search (LNS): improve a complete roster by re-solving one part at a time.

The model of the whole problem is built once. Each step frees a *neighbourhood* -- a set of
(reader, day) cells -- fixes every other reader-shift decision to the current roster (by narrowing
the variables' domains), hints the current solution, and lets CP-SAT search the rest for about a
second (``SolveOptions.lns_seconds_per_step``, up to 6x that for the largest parts, times a *pace*
that falls after each step that gains and rises after each that does not, between 1/4 and 2: many
quick steps while nearly every step gains, longer ones near a local optimum). A roster at least as
good replaces the current one. Neighbourhood kinds are picked in proportion to the
objective they gained per second lately (each tried once first, none ever starved), and each kind's
size grows when its searches finish (the part was solved to optimality) and shrinks when they run
out of time; on a small problem the parts grow to the whole. The ``whole`` kind frees everything:
a full portfolio search from the current roster, which also tightens the bound.

After a column phase (``SolveOptions.column_generation``), every other step frees cells where the
roster disputes the phase's LP (solver.lp_neighbourhood), outside the draw by gain per second.

The first roster comes from ``start`` when given, else from the readers solved one by one when no
hard rule couples them (by best responses, solver.best_response, where the schedule program models
every reader; else each reader's CP-SAT model, solver.per_reader), else from the monolithic
search's first roster. From ``PARTS_DECISIONS`` decisions (Curtois-Qu 23), a step on the
whole model costs its whole load, so the first roster is improved part by part instead, each part
a problem of its own cut to its window (solver.part_search with solver.cover_parts). On
models below ``MONOLITHIC_MAX_DECISIONS`` decisions, a monolithic search from the first roster
gives the lower bound reported with the result, and often a better roster: it runs
``MONOLITHIC_SHARE`` of the time, then on while it still gains ``STALL_GAIN`` of the objective per
such share, up to ``MONOLITHIC_MAX_SHARE`` (on small models CP-SAT's own search improves fastest;
on larger ones it stalls and the parts take over). Larger models report the bound 0 (their full
search spends that time in presolve) and leave the ``whole`` kind out.

Plug-in interface
-----------------
A neighbourhood is any callable ``(view: LnsView) -> Collection[Cell]`` returning the
``(reader id, day)`` cells to free. ``view`` holds the problem, the current best roster, the kind's
current ``size`` (a target share, 0-1, of all cells to free) and a seeded ``random.Random``::

    def same_region(view: LnsView) -> Collection[Cell]:
        region = view.rng.choice(regions)
        readers = [r.id for r in view.problem.radiologists if r.home_region == region]
        return window_cells(view, readers)

    solve_lns(problem, options, neighbourhoods={"region": same_region, **DEFAULT_NEIGHBOURHOODS})

``window_cells(view, readers, share=...)`` frees readers over a random window of consecutive days
covering ``share`` of the horizon (all of it by default). Cells of unknown readers or days outside
the horizon are ignored; an empty neighbourhood is skipped. ``DEFAULT_NEIGHBOURHOODS`` holds the
generic kinds (random readers, all readers over a window, blocks, peers, cover gaps, readers
able to take a short shift, whole).
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

from solver.best_response import best_response_roster
from solver.checks import ensure_valid
from solver.eligibility import may_work_shift
from solver.model import RosterModel, build_model
from solver.options import SolveOptions
from solver.per_reader import per_reader_roster, readers_coupled_by_hard_rules
from solver.problem import Problem
from solver.roster import Roster, SolveResult, SolveStatus
from solver.search_progress import (
    STATUSES,
    ProgressHandler,
    Recorder,
    StopCheck,
    cancel_watch,
)

Cell = tuple[str, int]  # (reader id, day)

log = logging.getLogger(__name__)

# solve() chooses LNS by itself from this many reader-shift variables, when the greedy starting
# roster breaks a hard rule (then the monolithic search must find a first roster on its own)
LNS_AUTO_DECISIONS = 50_000
# above, the full search spends its share presolving, or finds nothing better: Curtois-Qu 13
# (39,936 decisions) gained nothing in 6 s in each of five runs; 19 (9,728) gains there
MONOLITHIC_MAX_DECISIONS = 30_000
# from here, the first roster is improved part by part, each part cut to its window
# (solver.cover_parts). Curtois-Qu 23 (332,592 decisions), 600 s: 43,743 so, 52,733-57,767 by
# whole-model steps; 21 (90,692), whose whole-model steps cost a quarter as much: 24,431 so,
# 22,659-23,387 by whole-model steps (RESULTS.md, session 21)
PARTS_DECISIONS = 200_000
MONOLITHIC_SHARE = 0.1  # of the time: one full search from the first roster, for the bound,
# and as long again after each improvement it finds
MONOLITHIC_MAX_SHARE = 0.2  # of the time: past that, the parts improve faster (Curtois-Qu 17)
STALL_GAIN = 0.01  # of the objective, over the last monolithic share of time: stalled below
STALL_POLL_SECONDS = 0.2
PER_READER_SHARE = 0.3  # of the time, at most, to build the first roster reader by reader
MIN_SIZE, MAX_SIZE = 0.01, 1.0  # a size of 1 frees everything: a monolithic search, on a budget
GROW, SHRINK = 1.25, 0.85
WARM_START_SHARE, WARM_START_CONFLICTS = 0.25, 5_000  # as solver.solve's warm start
COLUMN_PHASE_SHARE = 0.8  # of the time left after the first roster
# first rosters' worth of pricing time, or no column phase (Curtois-Qu 13 at 60 s: a first roster
# in 3.2 s, 27 s of pricing, 25 rounds of the 51 it needs; the 15 s went to nothing)
COLUMN_ROUNDS_WANTED = 10
STEP_WORKERS = 2  # the parts are small: more workers than cores only share the cores
# A step's budget scales with how often steps improve: far from a local optimum nearly every short
# step gains (Curtois-Qu 13), near one a step needs longer to find anything (19)
PACE_FASTER, PACE_SLOWER = 0.85, 1.1  # after a step that gained / did not; settles near 37 % wins
MIN_PACE, MAX_PACE = 0.25, 2.0
GUIDED_KIND = "lp"  # the neighbourhood of the roster's disputes with the column phase's LP


@dataclass(frozen=True)
class LnsView:
    """What a neighbourhood sees: the problem, the current roster, the target size and a seeded
    random generator."""

    problem: Problem
    roster: Roster
    size: float
    rng: random.Random


Neighbourhood = Callable[[LnsView], Collection[Cell]]


def window_cells(view: LnsView, readers: Sequence[str], *, share: float = 1.0) -> list[Cell]:
    """``readers`` over a random window of consecutive days; the window covers ``share`` of the
    horizon (at least one day)."""
    num_days = view.problem.num_days
    length = max(1, min(num_days, round(share * num_days)))
    first = view.rng.randrange(num_days - length + 1)
    return [(reader, day) for reader in readers for day in range(first, first + length)]


def _reader_ids(view: LnsView) -> list[str]:
    return [reader.id for reader in view.problem.radiologists]


def random_readers(view: LnsView) -> list[Cell]:
    """A random set of readers, whole horizon."""
    ids = _reader_ids(view)
    chosen = view.rng.sample(ids, max(1, min(len(ids), round(view.size * len(ids)))))
    return window_cells(view, chosen)


def all_readers_window(view: LnsView) -> list[Cell]:
    """Every reader over a window of consecutive days."""
    return window_cells(view, _reader_ids(view), share=view.size)


def readers_window(view: LnsView) -> list[Cell]:
    """A random block: readers and days both sampled to about the square root of ``size``."""
    ids = _reader_ids(view)
    side = math.sqrt(view.size)
    chosen = view.rng.sample(ids, max(1, min(len(ids), round(side * len(ids)))))
    return window_cells(view, chosen, share=side)


def whole_model(view: LnsView) -> list[Cell]:
    """Every cell: the full search from the current roster (CP-SAT's own portfolio and LNS, which
    on small models improve faster than parts re-solved one at a time), with a lower bound."""
    return window_cells(view, _reader_ids(view))


def busy_shifts_readers(view: LnsView) -> list[Cell]:
    """Readers who work alongside a random reader's days (they could swap), over a window."""
    ids = _reader_ids(view)
    anchor = view.rng.choice(ids)
    template_by_cell = _templates(view)
    anchor_templates = {t for (r, _), t in template_by_cell.items() if r == anchor}
    peers = sorted({r for (r, _), t in template_by_cell.items() if t in anchor_templates})
    side = math.sqrt(view.size)
    want = max(1, min(len(peers), round(side * len(ids))))
    chosen = [anchor, *view.rng.sample([p for p in peers if p != anchor], max(0, want - 1))]
    return window_cells(view, chosen, share=side)


def cover_gaps_window(view: LnsView) -> list[Cell]:
    """Every reader over a window of days around a day whose headcount cover is missed (short or
    over); a random window when every cover is met."""
    day_of = {shift.id: shift.day for shift in view.problem.shifts}
    missed = sorted({day_of[shift_id] for shift_id in _missed_covers(view, over=True)})
    if not missed:
        return all_readers_window(view)
    num_days = view.problem.num_days
    length = max(1, min(num_days, round(view.size * num_days)))
    centre = view.rng.choice(missed)
    first = max(0, min(num_days - length, centre - view.rng.randrange(length)))
    return [(r, day) for r in _reader_ids(view) for day in range(first, first + length)]


def cover_gap_readers(view: LnsView) -> list[Cell]:
    """Readers who could work a shift whose headcount cover is short, over the whole horizon:
    one of them may take it and the others the work it displaces (a reader at their most minutes
    must drop a shift elsewhere to take it). Random readers when every cover is met."""
    short = _missed_covers(view, over=False)
    if not short:
        return random_readers(view)
    chosen = view.rng.choice(short)
    shift = next(s for s in view.problem.shifts if s.id == chosen)
    able = [
        reader.id
        for reader in view.problem.radiologists
        if shift.day not in reader.fixed_days_off and may_work_shift(view.problem, reader, shift)
    ]
    if not able:
        return random_readers(view)
    want = max(2, round(view.size * len(view.problem.radiologists)))
    return window_cells(view, view.rng.sample(able, min(len(able), want)))


def _missed_covers(view: LnsView, *, over: bool) -> list[str]:
    """Shifts whose headcount cover the roster leaves short, or with ``over`` also over, where
    that costs."""
    staffed = Counter(a.shift_id for a in view.roster.assignments)
    return [
        cover.shift_id
        for cover in view.problem.headcount_cover
        if (staffed[cover.shift_id] < cover.required and (cover.weight_under or cover.hard))
        or (over and staffed[cover.shift_id] > cover.required and cover.weight_over)
    ]


def _templates(view: LnsView) -> dict[Cell, str]:
    shifts = {shift.id: shift for shift in view.problem.shifts}
    return {
        (a.radiologist, shifts[a.shift_id].day): shifts[a.shift_id].template
        for a in view.roster.assignments
    }


DEFAULT_NEIGHBOURHOODS: Mapping[str, Neighbourhood] = {
    "readers": random_readers,
    "days": all_readers_window,
    "block": readers_window,
    "peers": busy_shifts_readers,
    "cover": cover_gaps_window,
    "gap readers": cover_gap_readers,
    "whole": whole_model,
}


def solve_lns(
    problem: Problem,
    options: SolveOptions | None = None,
    on_progress: ProgressHandler | None = None,
    should_stop: StopCheck | None = None,
    *,
    neighbourhoods: Mapping[str, Neighbourhood] | None = None,
    start: Roster | None = None,
    monolithic_share: float = MONOLITHIC_SHARE,
) -> SolveResult:
    """Solve ``problem`` by LNS; same contract as solver.solve (time limit, progress, cancel).

    ``start``: a roster to improve (ignored if it breaks a hard rule). ``monolithic_share``: the
    share of the time for one full search from the first roster (0: none, bound 0 unless found).
    Returns the best roster (FEASIBLE, or OPTIMAL when the bound meets it) with the best bound
    known, or no roster (UNKNOWN) when no first roster was found in time.
    """
    options = options or SolveOptions()
    started = time.perf_counter()
    ensure_valid(problem)
    roster_model = build_model(problem)
    recorder = Recorder(started, on_progress, should_stop)
    return run_lns(
        problem,
        roster_model,
        options,
        recorder,
        neighbourhoods=neighbourhoods or DEFAULT_NEIGHBOURHOODS,
        start=start,
        monolithic_share=monolithic_share,
    )


@dataclass
class _Current:
    values: list[int]  # the full CP-SAT solution, by variable index
    roster: Roster
    breakdown: dict[str, int]

    @property
    def objective(self) -> int:
        return sum(self.breakdown.values())


@dataclass
class _Kind:
    name: str
    neighbourhood: Neighbourhood
    size: float
    score: float = 0.0  # objective gained per second, running average
    tries: int = 0
    wins: int = 0


@dataclass
class _Search:
    problem: Problem
    roster_model: RosterModel
    options: SolveOptions
    recorder: Recorder
    deadline: float
    bound: float = 0.0
    steps: int = 0
    pace: float = 1.0  # the step budget's multiple of options.lns_seconds_per_step
    guide: Neighbourhood | None = None  # where the roster disputes the column phase's LP
    cell_vars: dict[Cell, list[int]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        shifts = self.roster_model.ctx.shifts
        for (reader, shift_id), var in self.roster_model.ctx.x.items():
            self.cell_vars[reader, shifts[shift_id].day].append(var.index)

    @property
    def remaining(self) -> float:
        return self.deadline - time.perf_counter()

    def solver(self, seconds: float, workers: int) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.max_time_in_seconds = max(0.01, seconds)
        params.num_workers = workers
        params.random_seed = self.options.random_seed + self.steps
        params.log_search_progress = self.options.log_search_progress
        return solver

    def read(self, solver: cp_model.CpSolver) -> _Current:
        return _Current(
            values=list(solver.response_proto.solution),
            roster=self.roster_model.read_roster(solver),
            breakdown=self.roster_model.breakdown(solver),
        )


def run_lns(
    problem: Problem,
    roster_model: RosterModel,
    options: SolveOptions,
    recorder: Recorder,
    *,
    neighbourhoods: Mapping[str, Neighbourhood] = DEFAULT_NEIGHBOURHOODS,
    start: Roster | None = None,
    monolithic_share: float = MONOLITHIC_SHARE,
) -> SolveResult:
    """LNS on an already built model (solver.solve hands its own over)."""
    search = _Search(
        problem,
        roster_model,
        options,
        recorder,
        deadline=time.perf_counter() + options.max_time_in_seconds,
    )
    current = _first_roster(search, start)
    if current is None:
        return _no_roster(search)
    log.info("LNS: first roster %d at %.1f s", current.objective, _elapsed(recorder))
    if len(roster_model.ctx.x) >= PARTS_DECISIONS:
        return _by_parts(search, current)
    if options.column_generation:
        current = _column_phase(search, current)
    proven = search.bound >= current.objective  # the column phase's bound may prove it
    if len(roster_model.ctx.x) < MONOLITHIC_MAX_DECISIONS and not proven:
        # on a large model, the full search spends its share in presolve and finds nothing
        current = _monolithic(search, current, monolithic_share)
    log.info(
        "LNS: monolithic search %d, bound %g at %.1f s",
        current.objective,
        search.bound,
        _elapsed(recorder),
    )
    if len(roster_model.ctx.x) >= MONOLITHIC_MAX_DECISIONS:
        # as above: a whole-model step would spend its budget in presolve
        neighbourhoods = {k: n for k, n in neighbourhoods.items() if n is not whole_model}
    if search.bound < current.objective:
        current = _improve(search, current, neighbourhoods)
    optimal = search.bound >= current.objective
    return recorder.result(
        problem,
        SolveStatus.OPTIMAL if optimal else SolveStatus.FEASIBLE,
        current.roster,
        current.objective,
        search.bound,
        current.breakdown,
    )


def _by_parts(search: _Search, current: _Current) -> SolveResult:
    """The first roster improved part by part, each part a problem of its own cut to its window
    (solver.part_search with solver.cover_parts): a step costs what its part holds, not what the
    whole model does."""
    from solver.cover_parts import COVER_PART_KINDS  # part_search imports solver.solve
    from solver.part_search import search_parts

    recorder = search.recorder
    options = replace(
        search.options,
        max_time_in_seconds=max(0.0, search.remaining),
        num_workers=min(search.options.num_workers, STEP_WORKERS),  # as the LNS's own steps
        # best responses: their programs take 18 s to find they cannot model Curtois-Qu 23's
        # nurses, and a pass over 21's would take 0.9 s a nurse
        sweeps=False,
    )
    found = search_parts(
        search.problem,
        options,
        lambda step: recorder.found(step.objective, search.bound),
        recorder.poll_stop,
        start=current.roster,
        kinds=COVER_PART_KINDS,
    )
    if not found.status.has_roster or found.objective is None:
        return found
    return recorder.result(
        search.problem,
        SolveStatus.FEASIBLE,
        found.roster,
        found.objective,
        search.bound,
        found.breakdown,
    )


def _elapsed(recorder: Recorder) -> float:
    return time.perf_counter() - recorder.started


def _no_roster(search: _Search) -> SolveResult:
    wall = time.perf_counter() - search.recorder.started
    if search.recorder.stopped:
        words = "Stopped before any roster was found."
    else:
        words = (
            f"No roster was found within {search.options.max_time_in_seconds:g} s; allow more time."
        )
    return SolveResult(SolveStatus.UNKNOWN, Roster(), wall_seconds=wall, explanation=(words,))


def _first_roster(search: _Search, start: Roster | None) -> _Current | None:
    """``start`` completed; else the readers' rosters solved one by one, when no hard rule couples
    them (fast and far better than the monolithic search's first rosters); else, or when that
    fails, the monolithic search's first roster."""
    if start is not None:
        completed = _complete(search, start)
        if completed is not None:
            return completed
    if not readers_coupled_by_hard_rules(search.problem) and not search.recorder.poll_stop():
        by_reader = best_response_roster(
            search.problem,
            search.remaining * PER_READER_SHARE,
            seed=search.options.random_seed,
            should_stop=search.recorder.poll_stop,
        )
        if by_reader is None:
            by_reader = per_reader_roster(
                search.problem,
                search.remaining * PER_READER_SHARE,
                workers=min(search.options.num_workers, STEP_WORKERS),
                should_stop=search.recorder.poll_stop,
                overrun_seconds=search.remaining * 0.9,
            )
        if by_reader is not None:
            completed = _complete(search, by_reader)
            if completed is not None:
                return completed
        log.info("LNS: no first roster reader by reader at %.1f s", _elapsed(search.recorder))
    if search.recorder.poll_stop():
        return None
    return _first_by_search(search, search.remaining)


def _complete(search: _Search, roster: Roster) -> _Current | None:
    """The model's full solution for ``roster``'s assignments (None if they break a hard rule):
    every reader-shift decision fixed, CP-SAT derives the rest."""
    model = search.roster_model.model
    worked = roster.worked()
    decisions = search.roster_model.ctx.x
    for key, var in decisions.items():
        _fix(model, var.index, int(key in worked))
    solver = search.solver(search.remaining, 1)
    with cancel_watch(solver, search.recorder):
        status = STATUSES.get(solver.solve(model), SolveStatus.UNKNOWN)
    for var in decisions.values():
        _free(model, var.index)
    if not status.has_roster:
        return None
    current = search.read(solver)
    search.recorder.found(current.objective, search.bound)
    return current


def _first_by_search(search: _Search, seconds: float) -> _Current | None:
    """The monolithic search's first roster along the model's greedy hints: first the cheap
    search solver.solve warms up with (when the greedy roster looks valid), then the portfolio."""
    if search.roster_model.plausible_start:
        found = _search_first(search, seconds * WARM_START_SHARE, cheap=True)
        if found is not None:
            return found
    return _search_first(search, search.remaining, cheap=False)


def _search_first(search: _Search, seconds: float, *, cheap: bool) -> _Current | None:
    if seconds <= 0 or search.recorder.poll_stop():
        return None
    solver = search.solver(seconds, 1 if cheap else search.options.num_workers)
    params = solver.parameters
    params.stop_after_first_solution = True
    if cheap:
        params.max_number_of_conflicts = WARM_START_CONFLICTS
        params.cp_model_presolve = False
        params.linearization_level = 0
    with cancel_watch(solver, search.recorder):
        status = STATUSES.get(solver.solve(search.roster_model.model), SolveStatus.UNKNOWN)
    if not status.has_roster:
        return None
    current = search.read(solver)
    search.recorder.found(current.objective, float(solver.best_objective_bound))
    if not cheap:
        search.bound = max(search.bound, float(solver.best_objective_bound))
    return current


def _column_phase(search: _Search, current: _Current) -> _Current:
    """Column generation's bound joins the search's, and its LP-guided roster replaces the
    current one when better (solver.column_phase)."""
    from solver.column_phase import PRICING_SHARE, lp_guided_roster  # heavy: only when asked
    from solver.lp_neighbourhood import lp_disputes

    if search.recorder.poll_stop():
        return current
    # A first roster reader by reader solves each reader's own model once, as one pricing round
    # does; column generation needs tens of rounds, so a slow first roster says it cannot
    # converge in the time there is (Curtois-Qu 13, 17 and 19), and the time goes to the LNS.
    pricing_seconds = search.remaining * COLUMN_PHASE_SHARE * PRICING_SHARE
    first_roster_seconds = _elapsed(search.recorder)
    if pricing_seconds < COLUMN_ROUNDS_WANTED * first_roster_seconds:
        log.info(
            "LNS: no column phase: %.1f s of pricing for a first roster in %.1f s",
            pricing_seconds,
            first_roster_seconds,
        )
        return current
    phase = lp_guided_roster(
        search.problem,
        current.roster,
        search.remaining * COLUMN_PHASE_SHARE,
        workers=min(search.options.num_workers, STEP_WORKERS),
        seed=search.options.random_seed,
        should_stop=search.recorder.poll_stop,
    )
    search.bound = max(search.bound, phase.bound)
    if phase.shares:
        search.guide = lp_disputes(phase.shares)
    chosen = phase.chosen
    log.info(
        "LNS: column phase %s (%d readers fixed by the dive), bound %g after %d rounds at %.1f s",
        chosen.objective if chosen else "no roster",
        phase.fixed_readers,
        phase.bound,
        phase.rounds,
        _elapsed(search.recorder),
    )
    if chosen is not None and chosen.objective < current.objective:
        completed = _complete(search, chosen.roster)
        if completed is not None:
            return completed
    return current


def _monolithic(search: _Search, current: _Current, share: float) -> _Current:
    """One search of the whole model from ``current``: the lower bound, maybe a better roster.
    It runs ``share`` of the time, and on while it keeps improving, up to
    ``MONOLITHIC_MAX_SHARE``: it stops once that long again has improved the roster by less than
    ``STALL_GAIN`` (on small models CP-SAT's own portfolio improves faster than parts re-solved
    one at a time; on large ones it stalls and the LNS takes over)."""
    patience = search.options.max_time_in_seconds * share
    if patience <= 0 or search.remaining <= 0 or search.recorder.poll_stop():
        return current
    search.roster_model.hint_solution(current.values)
    longest = max(patience, search.options.max_time_in_seconds * MONOLITHIC_MAX_SHARE)
    solver = search.solver(min(search.remaining, longest), search.options.num_workers)
    with cancel_watch(solver, search.recorder), _stall_watch(solver, search.recorder, patience):
        status = STATUSES.get(
            solver.solve(search.roster_model.model, search.recorder), SolveStatus.UNKNOWN
        )
    if status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        search.bound = max(search.bound, float(solver.best_objective_bound))
        found = search.read(solver)
        if found.objective <= current.objective:
            return found
    return current


@contextmanager
def _stall_watch(solver: cp_model.CpSolver, recorder: Recorder, patience: float) -> Iterator[None]:
    """Stop ``solver`` once the last ``patience`` seconds improved the roster by less than
    ``STALL_GAIN`` of its objective (the recorder hears every improving roster)."""
    began = time.perf_counter()
    done = threading.Event()

    def objective_at(moment: float) -> float:
        seconds = moment - recorder.started
        known = [p.objective for p in recorder.progress if p.elapsed_seconds <= seconds]
        return known[-1] if known else math.inf

    def stalled() -> bool:
        now = time.perf_counter()
        if now - began < patience or not recorder.progress:
            return False
        latest = recorder.progress[-1].objective
        return objective_at(now - patience) - latest < STALL_GAIN * latest

    def watch() -> None:
        while not done.wait(STALL_POLL_SECONDS):
            if stalled():
                solver.stop_search()
                return

    watcher = threading.Thread(target=watch, name="lns-stall-watch", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


def _improve(
    search: _Search, current: _Current, neighbourhoods: Mapping[str, Neighbourhood]
) -> _Current:
    """The LNS loop proper, until the deadline, a stop, or a proof of optimality."""
    model = search.roster_model.model
    rng = random.Random(search.options.random_seed)
    kinds = [_Kind(name, fn, size=0.05) for name, fn in neighbourhoods.items()]
    # the LP's disputes get every other step: the bandit, scoring gain per second, starves them
    # behind the whole model's long steps (Curtois-Qu 15 in 100 s: 4,139 so, 4,035 alternating)
    guided = _Kind(GUIDED_KIND, search.guide, size=0.05) if search.guide else None
    reported = [*kinds, *([guided] if guided else [])]  # for the closing log line
    decisions = [var.index for var in search.roster_model.ctx.x.values()]
    for index in decisions:
        _fix(model, index, current.values[index])
    turn = 0
    while search.remaining > 0.05 and not search.recorder.poll_stop():
        if current.objective <= search.bound:
            break
        turn += 1
        kind = guided if guided is not None and turn % 2 == 0 else _pick(kinds, rng)
        view = LnsView(search.problem, current.roster, kind.size, rng)
        freed = [
            i for cell in set(kind.neighbourhood(view)) for i in search.cell_vars.get(cell, [])
        ]
        kind.tries += 1
        if not freed:
            kind.score *= 0.5
            if kind is guided:  # the roster is the LP's own mix: nothing left to dispute
                guided = None
            continue
        step_started, before = time.perf_counter(), current.objective
        status, current = _step(search, current, freed, len(freed) / len(decisions))
        gain = before - current.objective
        _adapt(kind, status, gain, time.perf_counter() - step_started)
        search.pace = next_pace(search.pace, gained=gain > 0)
    for index in decisions:
        _free(model, index)
    log.info(
        "LNS: %d steps, pace %.2f; %s",
        search.steps,
        search.pace,
        ", ".join(f"{k.name} {k.wins}/{k.tries} size {k.size:.3f}" for k in reported),
    )
    return current


def _step(
    search: _Search, current: _Current, freed: list[int], share: float
) -> tuple[SolveStatus, _Current]:
    """Search the ``freed`` decisions from ``current``, every other one fixed; the roster found
    replaces ``current`` when it is at least as good (equal moves help leave a plateau)."""
    model = search.roster_model.model
    for index in freed:
        _free(model, index)
    search.roster_model.hint_solution(current.values)
    search.steps += 1
    whole = share >= 1.0
    # the whole model is a full portfolio search (its bound is the problem's): all the workers
    workers = search.options.num_workers if whole else min(search.options.num_workers, STEP_WORKERS)
    # larger parts get longer: the budget grows from 1x for a few cells to 6x for all of them
    seconds = search.options.lns_seconds_per_step * search.pace * (1 + 5 * share)
    solver = search.solver(min(seconds, search.remaining), workers)
    with cancel_watch(solver, search.recorder):
        status = STATUSES.get(solver.solve(model), SolveStatus.UNKNOWN)
    if whole and status.has_roster:
        search.bound = max(search.bound, float(solver.best_objective_bound))
    if status.has_roster:
        found = search.read(solver)
        if found.objective <= current.objective:
            if found.objective < current.objective:
                search.recorder.found(found.objective, search.bound)
            current = found
    for index in freed:
        _fix(model, index, current.values[index])
    return status, current


def next_pace(pace: float, *, gained: bool) -> float:
    """The step budget's multiple after a step: shorter after a gain, longer after none."""
    return min(MAX_PACE, max(MIN_PACE, pace * (PACE_FASTER if gained else PACE_SLOWER)))


def _pick(kinds: list[_Kind], rng: random.Random) -> _Kind:
    """A kind drawn in proportion to its recent gain per second; every kind keeps a small share
    (a tenth of the best's, divided among them) so one that starts paying again is noticed.
    Each kind is tried once first."""
    untried = [kind for kind in kinds if kind.tries == 0]
    if untried:
        return untried[0]
    best = max(kind.score for kind in kinds)
    floor = 0.1 * best / len(kinds) if best > 0 else 1.0
    return rng.choices(kinds, weights=[max(kind.score, floor) for kind in kinds])[0]


def _adapt(kind: _Kind, status: SolveStatus, gain: int, seconds: float) -> None:
    """The part solved to optimality: free more next time; out of time: free less. The score is
    a running average of the objective gained per second."""
    if status == SolveStatus.OPTIMAL:
        kind.size = min(MAX_SIZE, kind.size * GROW)
    else:
        kind.size = max(MIN_SIZE, kind.size * SHRINK)
    kind.wins += gain > 0
    rate = gain / max(seconds, 0.01)
    # the first step sets the score: the initial value knows nothing of the objective's scale
    kind.score = rate if kind.tries == 1 else 0.7 * kind.score + 0.3 * rate


def _fix(model: cp_model.CpModel, index: int, value: int) -> None:
    domain = model.proto.variables[index].domain  # a Boolean's domain: [lower, upper]
    domain[0] = value
    domain[1] = value


def _free(model: cp_model.CpModel, index: int) -> None:
    domain = model.proto.variables[index].domain
    domain[0] = 0
    domain[1] = 1
