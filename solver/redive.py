"""A dive's roster improved by diving again: a large-neighbourhood search inside the LP.

A dive shift by shift (solver.shift_dive) ends at a roster, each step's choices taken greedily;
its LP rises a little at every step, and the rises add up (Curtois-Qu 15: from 3,824 to 4,145).
Here a window of days is freed: each reader must still work their shifts outside it, the master
is priced again, and the dive goes on from there. The LP after pricing says at once whether the
window can give anything: where it stays at or above the roster's objective, nothing is dived.
A dive that runs out of its time leaves its undecided shifts to CP-SAT, as the first dive does
(solver.column_phase). A better roster replaces the current one, and the next window is freed
from it.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from solver.column_bound import ColumnGeneration
from solver.problem import Problem
from solver.roster import Roster
from solver.shift_dive import Schedules, reprice, restrict, search_undecided, shift_dive

log = logging.getLogger(__name__)

# a freed window of days, at least and at most this long at first: shorter ones rarely leave the
# LP room (Curtois-Qu 15 at 2-6 days: 4,049; reader subsets with all their days: 4,138; 4-10:
# 4,039-4,050)
MIN_WINDOW_DAYS, MAX_WINDOW_DAYS = 4, 10
# Windows grow after one whose LP left no room (once every window of a size is as good as the LP
# can make it, only longer ones can gain) and shrink after a dive that gained nothing.
GROW, SHRINK = 1.15, 0.9
# windows tried in a row without a better roster, after which the search goes back to CP-SAT (on
# Curtois-Qu 15 a better roster came within 5 tries all along; on 1, an optimal roster under a
# weak LP, 300 tries found nothing)
STALL_TRIES = 30
PRICING_ROUNDS = 3  # after freeing a window: then its LP says whether a dive can gain
# a dive's time in a window of the first size (longer windows get more); one that runs out leaves
# what it has not decided to CP-SAT
DIVE_SECONDS, SEARCH_SECONDS = 10.0, 5.0


@dataclass(frozen=True)
class Redived:
    best: Schedules
    best_score: float
    tries: int  # windows freed
    dived: int  # windows whose LP left room for a better roster
    improved: int  # windows that gave a better roster


def redive(
    problem: Problem,
    generation: ColumnGeneration,
    start: Schedules,
    start_score: float,
    deadline: float,
    score: Callable[[Schedules], float],
    *,
    rng: random.Random,
    workers: int = 2,
    enough: float = -math.inf,
) -> Redived:
    """Free windows of ``start`` and dive again until ``deadline``, or until a roster scores at
    most ``enough``; ``score`` rates a roster (lower is better, the problem's objective)."""
    best, best_score = start, start_score
    day_of = {shift.id: shift.day for shift in problem.shifts}
    tries = dives = improved = 0
    search = generation.search
    span = 1.0  # of the first window sizes
    since_better = 0
    while time.perf_counter() < deadline and best_score > enough and since_better < STALL_TRIES:
        tries += 1
        since_better += 1
        shortest = min(problem.num_days, round(MIN_WINDOW_DAYS * span))
        length = min(problem.num_days, rng.randint(shortest, round(MAX_WINDOW_DAYS * span)))
        first = rng.randrange(problem.num_days - length + 1)
        forced = {
            reader: {s for s in shifts if not first <= day_of[s] < first + length}
            for reader, shifts in best.items()
        }
        restrict(generation, forced, {})
        search.deadline, search.heuristic = deadline, True
        value = None
        for _ in range(PRICING_ROUNDS):
            value = reprice(generation)
        if value is None:
            break  # out of time
        began = time.perf_counter()
        if math.ceil(value - 1e-6) >= best_score:
            log.debug("re-dive %d: %d days, LP %.1f, nothing to gain", tries, length, value)
            span = min(span * GROW, problem.num_days / MIN_WINDOW_DAYS)
            continue
        dives += 1
        again = shift_dive(
            generation, min(deadline, began + DIVE_SECONDS * span), score, start=(forced, {})
        )
        found, found_score = again.best, again.best_score
        searched = None
        if not again.complete:
            seconds = min(SEARCH_SECONDS, deadline - time.perf_counter())
            chosen = search_undecided(problem, again, seconds, workers=workers)
            if chosen is not None:
                searched = chosen.objective
                if chosen.objective < found_score:
                    found, found_score = chosen.roster.schedules(), chosen.objective
        log.debug(
            "re-dive %d: %d days, LP %.1f, dive %g%s, search %s (best %g), %d steps, %.1f s",
            tries,
            length,
            value,
            again.best_score,
            "" if again.complete else " (incomplete)",
            searched,
            best_score,
            again.steps,
            time.perf_counter() - began,
        )
        if found is not None and found_score < best_score:
            best, best_score = found, found_score
            improved += 1
            since_better = 0
            generation.seed(Roster.from_schedules(best))
        else:
            span = max(1.0, span * SHRINK)
    search.heuristic = False
    return Redived(best, best_score, tries, dives, improved)
