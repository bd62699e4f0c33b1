"""Column generation in the search: its lower bound, and a roster guided by its LP.

Column generation (solver.column_bound) prices each reader's schedules against the cover the others
leave; its bound is far stronger than CP-SAT's on rostering models. Its last LP mixes schedules per
reader: readers with most of their weight on one schedule (``SETTLED_WEIGHT``) are fixed to it,
the others are searched on the product's model, hinted at their heaviest schedule
(solver.column_roster). That search is small and starts where the relaxation points; on Curtois-Qu
7 it gave 1,060 in 60 s where the large-neighbourhood search had 1,164 after 300 s (the best known
is 1,056). Choosing one schedule per reader among all generated ones (price and branch) was
tried too and left out: CP-SAT and SCIP found only 1,397-1,452 on the same instance, and nothing
useful on the 40-reader department.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from solver.column_roster import ChosenRoster, Schedule, choose_schedules
from solver.problem import Problem
from solver.roster import Assignment, Roster

PRICING_SHARE = 0.6  # of the phase's time; the rest searches around the settled readers
SETTLED_WEIGHT = 0.6  # LP weight on one schedule from which a reader is fixed to it


@dataclass(frozen=True)
class ColumnPhase:
    chosen: ChosenRoster | None
    # a valid lower bound of the whole problem's objective (rounded up: objectives are integers)
    bound: float
    rounds: int
    converged: bool
    settled_readers: int


def lp_guided_roster(
    problem: Problem,
    start: Roster,
    seconds: float,
    *,
    workers: int = 2,
    seed: int = 0,
    should_stop: Callable[[], bool] | None = None,
) -> ColumnPhase:
    """Column generation from ``start`` for ``seconds * PRICING_SHARE`` (less when it converges),
    then a search around the readers its LP settles, in the time left."""
    from solver.column_bound import column_bound  # heavy: only problems that ask for it load it

    deadline = time.perf_counter() + seconds
    generated = column_bound(problem, seconds * PRICING_SHARE, start=start, workers=workers)
    bound = float(math.ceil(generated.bound - 1e-6)) if generated.bound > 0 else 0.0
    settled, heaviest = _settled(generated.columns, generated.lp_weights)
    left = deadline - time.perf_counter()
    chosen = None
    if left > 0 and not (should_stop is not None and should_stop()):
        hint = Roster(
            assignments=tuple(
                sorted(Assignment(r, s) for r, schedule in heaviest.items() for s in schedule)
            )
        )
        fixed = {reader: [schedule] for reader, schedule in settled.items()}
        chosen = choose_schedules(problem, fixed, left, workers=workers, seed=seed, hint=hint)
    return ColumnPhase(chosen, bound, generated.iterations, generated.converged, len(settled))


def _settled(
    columns: dict[str, list[Schedule]], weights: dict[str, list[float]]
) -> tuple[dict[str, Schedule], dict[str, Schedule]]:
    """Readers whose heaviest schedule weighs at least ``SETTLED_WEIGHT``, and every reader's
    heaviest schedule."""
    settled, heaviest = {}, {}
    for reader, schedules in columns.items():
        reader_weights = weights.get(reader, [])
        if not schedules or len(reader_weights) != len(schedules):
            continue
        best = max(range(len(schedules)), key=reader_weights.__getitem__)
        heaviest[reader] = schedules[best]
        if reader_weights[best] >= SETTLED_WEIGHT:
            settled[reader] = schedules[best]
    return settled, heaviest
