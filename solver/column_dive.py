"""Readers fixed to schedules by diving in the column-generation LP.

The master LP (solver.column_bound) mixes a few complete schedules per reader. Diving fixes the
readers the LP already gives one schedule (weight near 1), or else the heaviest few, re-solves the
master, prices the readers still free against the new duals when the value rose (so they adapt to
what was fixed), and repeats while the LP's value stays close to where it started. Near the end
the LP's mixing concentrates on the last few readers and fixing them costs a lot (Curtois-Qu 9:
the LP stays at 405.7 while 26 of 36 nurses are fixed, a dive to the end reaches 539-646, the
optimum is 439); so the dive stops there and leaves those readers to a search on the product's
model (solver.column_roster), which found 439 among the last 10 in 10-13 s.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from solver.column_bound import ColumnGeneration

# LP weight from which a reader's schedule is taken as the LP's own choice.
INTEGRAL_WEIGHT = 0.99
# Pricing rounds after each fixing at most (fewer once no free reader has a better schedule).
ROUNDS_PER_STEP = 2
# Readers fixed in a step when none is integral in the LP: this share of them, heaviest first.
STEP_SHARE = 0.05
# The dive stops (undoing its last step) once the LP has risen by more than this share of its
# value before the dive, or by one objective unit when that is larger.
LP_RISE_ALLOWED = 0.005
# A step raising the LP by more than this share (or one unit) has the free readers priced again;
# below it the step is kept unpriced (pricing every step took 60 s on Curtois-Qu 15).
STEP_RISE = 0.001


@dataclass(frozen=True)
class Dive:
    fixed: dict[str, frozenset[str]]  # reader id -> the shift ids the dive fixed them to
    heaviest: dict[str, frozenset[str]]  # every reader's heaviest schedule in the last LP
    lp_value: float  # the master's value with ``fixed`` fixed
    steps: int


def dive(generation: ColumnGeneration, deadline: float) -> Dive:
    """Readers fixed one step at a time, re-pricing the free ones between steps, until the LP
    rises (see ``LP_RISE_ALLOWED``), every reader is fixed, or ``deadline``."""
    master, pool, search = generation.master, generation.pool, generation.search
    readers = [r for r in search.readers if pool.columns[r.id]]
    search.deadline = deadline
    start_value = master.solve()[0]
    allowed = start_value + max(1.0, LP_RISE_ALLOWED * abs(start_value))
    step_rise = max(1.0, STEP_RISE * abs(start_value))
    fixed: dict[str, int] = {}
    lp_value, steps = start_value, 0
    while time.perf_counter() < deadline:
        free = [r.id for r in readers if r.id not in fixed]
        if not free:
            break
        heaviest = _heaviest(master.weights(), free)
        step = [r for r in free if heaviest[r][0] >= INTEGRAL_WEIGHT]
        if not step:
            ranked = sorted(free, key=lambda r: heaviest[r][0], reverse=True)
            step = ranked[: max(1, round(STEP_SHARE * len(readers)))]
        for reader in step:
            fixed[reader] = heaviest[reader][1]
            master.fix(reader, fixed[reader])
        search.readers = [r for r in readers if r.id not in fixed]
        value = master.solve()[0]
        if value > lp_value + step_rise and search.readers:
            # the columns there are no longer enough: let the free readers adapt
            repriced = _reprice(generation, ROUNDS_PER_STEP)
            value = math.inf if repriced is None else repriced
        if value > allowed:
            for reader in step:  # too dear, or not known in time: the search decides these
                del fixed[reader]
                master.unfix(reader)
            break
        lp_value, steps = value, steps + 1
    lp_value = master.solve()[0]
    weights = master.weights()
    everyone = _heaviest(weights, [r.id for r in readers])
    return Dive(
        fixed={r: pool.columns[r][index].shifts for r, index in fixed.items()},
        heaviest={r: pool.columns[r][index].shifts for r, (_, index) in everyone.items()},
        lp_value=lp_value,
        steps=steps,
    )


def _heaviest(weights: dict[str, list[float]], readers: list[str]) -> dict[str, tuple[float, int]]:
    """Each reader's largest LP weight and the index of its schedule."""
    heaviest = {}
    for reader in readers:
        reader_weights = weights[reader]
        index = max(range(len(reader_weights)), key=reader_weights.__getitem__)
        heaviest[reader] = (reader_weights[index], index)
    return heaviest


def _reprice(generation: ColumnGeneration, rounds: int) -> float | None:
    """Up to ``rounds`` of pricing the free readers at the master's duals, until none of them
    has a better schedule; the master's value then, None when time ran out."""
    master, search = generation.master, generation.search
    for _ in range(rounds):
        value, duals, convexity = master.solve()
        duals = generation.coupling.signed(duals)
        priced = search.price_round(duals, duals, convexity)
        if priced is None:
            return None
        if priced.added == 0:
            return value
    return master.solve()[0]
