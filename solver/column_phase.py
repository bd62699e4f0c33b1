"""Column generation in the search: its lower bound, and a roster guided by its LP.

Column generation (solver.column_bound) prices each reader's schedules against the cover the others
leave; its bound is far stronger than CP-SAT's on rostering models. Its last LP mixes schedules per
reader. When the schedule program prices every reader (solver.schedule_dp), pricing is cheap
enough to dive shift by shift, pricing after every step (solver.shift_dive): Curtois-Qu 17 reaches
its optimum, 5,746, that way, in 1.5-2.5 s after 4-5 s of pricing; where the dive runs out of time,
the shifts its LP has decided are kept and CP-SAT searches the rest. A dive that ends early above
the LP dives again from windows of its roster in the time left (solver.redive). Otherwise a dive
(solver.column_dive) fixes readers to whole schedules while the LP's value barely rises; the
readers left are searched on the product's model around them, hinted at their heaviest schedule
(solver.column_roster). On Curtois-Qu 9 that dive fixes 26 of 36 nurses at the LP's value and the
search finds the optimum, 439, among the other 10. Choosing one schedule per reader among all
generated ones (price and branch) was tried too and left out: CP-SAT and SCIP found only
1,397-1,452 on Curtois-Qu 7, and CP-SAT 7,665 on 17 from 1,132 columns of an LP at 5,746.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from solver.column_roster import ChosenRoster, choose_schedules
from solver.problem import Problem
from solver.roster import Roster
from solver.validate import validate

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from solver.column_bound import ColumnGeneration
    from solver.shift_dive import ShiftDive

PRICING_SHARE = 0.6  # of the phase's time; then the dive, then the search around its readers
DIVE_SHARE = 0.15
# of the time left after pricing, for the dive shift by shift; the dive by readers and its search
# get what it leaves when it has not reached a roster (Curtois-Qu 17 needs 1.5-2.5 s of 30)
SHIFT_DIVE_SHARE = 0.7
# After the first half of its time, pricing stops once the bound is within this share of the
# LP's value (Curtois-Qu 19: within 1 % at about 75 s, and 0.14 % at 142 s)
DIVE_READY_GAP = 0.01
# a bound below this share of the LP's value after half the pricing time: pricing is far from
# converging (Curtois-Qu 13, 120 nurses, in 60 s: a bound of 0-147 under an LP of about 3,300),
# and the phase ends there, without a dive (13 ended at 5,084-5,097 after one, 3,428-3,539 without)
UNGUIDED_SHARE = 0.5


@dataclass(frozen=True)
class ColumnPhase:
    chosen: ChosenRoster | None
    # a valid lower bound of the whole problem's objective (rounded up: objectives are integers)
    bound: float
    rounds: int
    converged: bool
    fixed_readers: int  # by the dive
    # each reader's share of each shift in the LP pricing ended on (before any dive); empty when
    # the LP was no guide (solver.lp_neighbourhood frees where a roster disputes it)
    shares: dict[str, dict[str, float]] = field(default_factory=dict)


def lp_guided_roster(
    problem: Problem,
    start: Roster,
    seconds: float,
    *,
    workers: int = 2,
    seed: int = 0,
    should_stop: Callable[[], bool] | None = None,
) -> ColumnPhase:
    """Column generation from ``start`` for ``seconds * PRICING_SHARE`` (less when it converges
    or its bound is within ``DIVE_READY_GAP`` of the LP). When the schedule program prices every
    reader (the dive prices with it alone, never CP-SAT), a dive shift by shift; when that
    dive has not reached a roster in its time, the shifts its LP has decided are kept and the
    rest is searched (the better of both rosters is kept). Otherwise a dive fixing readers
    while the LP allows, then a search of the rest in the time left. No roster, only the bound,
    when half the pricing time leaves the bound below ``UNGUIDED_SHARE`` of the LP's value."""
    from solver.column_bound import ColumnGeneration  # noqa: F811 heavy: loaded when asked for
    from solver.column_dive import dive

    deadline = time.perf_counter() + seconds
    generation = ColumnGeneration(problem, start=start, workers=workers)
    # to convergence in the first half of the pricing time (17 converges in 8 s, and a dive from
    # an LP 1 % short of it ends 1-4 above the optimum), then only until the bound is near
    began = time.perf_counter()
    generated = generation.run(began + seconds * PRICING_SHARE / 2)
    best_bound = generated.bound
    if not generated.converged and generated.bound < UNGUIDED_SHARE * generated.lp_value:
        # the LP is no guide yet, and no dive from it would be: the time goes back to the search
        return ColumnPhase(None, _integer_bound(best_bound), generation.rounds, False, 0)
    if not generated.converged:
        generated = generation.run(began + seconds * PRICING_SHARE, near=DIVE_READY_GAP)
        best_bound = max(best_bound, generated.bound)
    bound = _integer_bound(best_bound)
    log.info(
        "column phase: LP %.1f, bound %g after %d rounds",
        generated.lp_value,
        bound,
        generation.rounds,
    )
    shares = generated.shares()
    search = generation.search
    chosen: ChosenRoster | None = None
    if search.programmed():
        # the program prices every reader in milliseconds (a dive asks it alone, not CP-SAT,
        # even where proofs needed CP-SAT): dive shift by shift, pricing all along
        # (solver.shift_dive). Curtois-Qu 15: 4,161 this way, against 4,564 by the dive fixing
        # readers (both before the program counted caps, when its pricing was slow)
        now = time.perf_counter()
        by_shift, dived_by_shift = _shift_dive(
            problem, generation, now + (deadline - now) * SHIFT_DIVE_SHARE
        )
        if dived_by_shift.complete and by_shift is not None:
            provable = _provable(generated.lp_value)
            if provable < by_shift.objective:
                # time the dive left: dives again from windows of its roster (solver.redive),
                # until one is as good as the LP can prove
                by_shift = _redive(
                    problem, generation, dived_by_shift, by_shift, deadline, seed, provable
                )
            generation.release()
            if bound < by_shift.objective <= provable and not generated.converged:
                # time left: more pricing, for a bound that may prove its roster optimal
                generated = generation.run(deadline)
                bound = max(bound, _integer_bound(generated.bound))
            return ColumnPhase(by_shift, bound, generation.rounds, generated.converged, 0, shares)
        generation.release()
        # out of time before the LP's mix was a roster: the shifts it has (nearly) decided are
        # kept, worked or not, and the rest is searched from each reader's heaviest schedule
        chosen = _search_the_undecided(
            problem, dived_by_shift, deadline, workers, seed, should_stop
        )
        if by_shift is not None and (chosen is None or by_shift.objective < chosen.objective):
            chosen = by_shift
        settled = len(dived_by_shift.settled)
        return ColumnPhase(chosen, bound, generation.rounds, generated.converged, settled, shares)
    dived = dive(generation, min(deadline, time.perf_counter() + seconds * DIVE_SHARE))
    fixed = {reader: [schedule] for reader, schedule in dived.fixed.items()}
    chosen = _search_the_rest(problem, fixed, dived.heaviest, deadline, workers, seed, should_stop)
    return ColumnPhase(
        chosen, bound, generation.rounds, generated.converged, len(dived.fixed), shares
    )


def _provable(lp_value: float) -> float:
    """The largest objective a bound may yet prove: the bound never passes the LP's value, and
    more columns only lower it. Above it the time goes to the search, not to pricing
    (Curtois-Qu 19: 70 s raised its bound from 3,143 to 3,147 under a roster of 3,165)."""
    return _integer_bound(lp_value)


def _integer_bound(value: float) -> float:
    """``value`` as a bound of the problem's objective, an integer of at least 0: rounded up,
    past GLOP's noise."""
    return float(math.ceil(value - 1e-6)) if value > 0 else 0.0


def _search_the_rest(
    problem: Problem,
    fixed: dict[str, list[frozenset[str]]],
    heaviest: dict[str, frozenset[str]],
    deadline: float,
    workers: int,
    seed: int,
    should_stop: Callable[[], bool] | None,
) -> ChosenRoster | None:
    """The best roster found by ``deadline`` with the ``fixed`` readers on their schedule, the
    others searched from their ``heaviest``."""
    left = deadline - time.perf_counter()
    if left <= 0 or (should_stop is not None and should_stop()):
        return None
    hint = Roster.from_schedules(heaviest)
    return choose_schedules(problem, fixed, left, workers=workers, seed=seed, hint=hint)


def _search_the_undecided(
    problem: Problem,
    dived: ShiftDive,
    deadline: float,
    workers: int,
    seed: int,
    should_stop: Callable[[], bool] | None,
) -> ChosenRoster | None:
    """The best roster found by ``deadline`` keeping every shift the dive's LP has decided (a
    share within ``solver.shift_dive.DECIDED`` of 1 or 0); if none keeps them, the readers it
    settled keep their schedules and the others are searched."""
    from solver.shift_dive import search_undecided

    left = deadline - time.perf_counter()
    if left <= 0 or (should_stop is not None and should_stop()):
        return None
    chosen = search_undecided(problem, dived, left, workers=workers, seed=seed)
    if chosen is not None:
        return chosen
    settled = {reader: [s] for reader, s in dived.settled.items()}
    return _search_the_rest(problem, settled, dived.heaviest, deadline, workers, seed, should_stop)


def _shift_dive(
    problem: Problem, generation: ColumnGeneration, deadline: float
) -> tuple[ChosenRoster | None, ShiftDive]:
    """The dive's best roster (None if it found no valid one), and the dive."""
    from solver.shift_dive import shift_dive

    dived = shift_dive(generation, deadline, _objective(problem))
    log.info(
        "column phase: dive %s to %g in %d steps (LP %.1f)",
        "complete" if dived.complete else "out of time",
        dived.best_score,
        dived.steps,
        dived.lp_value,
    )
    if dived.best is None:
        return None, dived
    return _chosen(problem, dived.best), dived


def _redive(
    problem: Problem,
    generation: ColumnGeneration,
    dived: ShiftDive,
    by_shift: ChosenRoster,
    deadline: float,
    seed: int,
    enough: float,
) -> ChosenRoster:
    """The dive's roster, or a better one diving again from windows of it until ``deadline`` or
    a roster of at most ``enough``."""
    from solver.redive import redive

    assert dived.best is not None
    again = redive(
        problem,
        generation,
        dived.best,
        by_shift.objective,
        deadline,
        _objective(problem),
        rng=random.Random(seed),
        enough=enough,
    )
    log.info(
        "column phase: re-dives from %d (%d parts freed, %d dived, %d better): %g",
        by_shift.objective,
        again.tries,
        again.dived,
        again.improved,
        again.best_score,
    )
    if again.best_score >= by_shift.objective:
        return by_shift
    return _chosen(problem, again.best) or by_shift


def _objective(problem: Problem) -> Callable[[dict[str, frozenset[str]]], float]:
    """A roster's objective, infinite when it breaks a hard rule (a dive's best is kept)."""

    def objective(schedules: dict[str, frozenset[str]]) -> float:
        report = validate(problem, Roster.from_schedules(schedules))
        return report.objective if report.ok else math.inf

    return objective


def _chosen(problem: Problem, schedules: dict[str, frozenset[str]]) -> ChosenRoster | None:
    """The roster of ``schedules``, None when it breaks a hard rule."""
    roster = Roster.from_schedules(schedules)
    report = validate(problem, roster)
    if not report.ok:
        return None
    return ChosenRoster(
        roster=roster,
        objective=report.objective,
        breakdown=report.breakdown,
        restricted_bound=0.0,
        proven_best_among_schedules=False,
    )
